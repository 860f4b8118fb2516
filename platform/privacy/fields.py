"""Model fields whose values are encrypted before they reach the database."""

import json
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from contracts.envelope import decrypt_text, encrypt_text
from privacy.keyring import active_keyring


class _EncryptedMixin:
    """Encrypts in get_prep_value, decrypts in from_db_value; the column holds text tokens.

    The field's label (app.model.field) is authenticated with the ciphertext, so a value copied
    into another column fails to decrypt. Only ``isnull`` lookups are allowed: a ciphertext
    cannot be searched.
    """

    def _context(self) -> bytes:
        return f"{self.model._meta.label_lower}.{self.name}".encode()  # type: ignore[attr-defined]

    def _serialize(self, value: Any) -> str:
        return str(value)

    def _deserialize(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(
            self._serialize(value), keyring=active_keyring(), context=self._context()
        )

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        plain = decrypt_text(value, keyring=active_keyring(), context=self._context())
        return self._deserialize(plain)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"Encrypted field {self.name!r} cannot be filtered by {lookup_name!r}."
            )  # type: ignore[attr-defined]
        return super().get_lookup(lookup_name)  # type: ignore[misc]


class EncryptedTextField(_EncryptedMixin, models.TextField):
    """A string stored encrypted."""


class EncryptedJSONField(_EncryptedMixin, models.TextField):
    """A JSON-serialisable value (dict, list, number) stored encrypted."""

    def _serialize(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    def _deserialize(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj))
