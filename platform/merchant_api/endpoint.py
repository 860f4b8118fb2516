"""The base of every ``/api/v1/`` view: key auth, scopes, problem details, idempotent POSTs."""

import hashlib
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Merchant
from merchant_api.authentication import MerchantApiKeyAuthentication, MerchantClient
from merchant_api.models import IdempotentRequest
from merchant_api.permissions import HasMerchantKey
from merchant_api.problems import (
    PROBLEM_CONTENT_TYPE,
    ProblemJSONRenderer,
    problem_exception_handler,
)
from merchant_api.services import (
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
)
from merchant_api.throttling import PerKeyRateThrottle
from shoppers.models import Shopper

IDEMPOTENCY_HEADER = "Idempotency-Key"


class _Replay(Exception):
    """Raised from ``initial`` to answer with the stored response of an earlier request."""

    def __init__(self, record: IdempotentRequest) -> None:
        self.record = record


class MerchantEndpoint(APIView):
    """A merchant API view. Subclasses read ``self.merchant`` and never trust ids blindly:
    every lookup goes through a selector scoped to that merchant.

    A POST carrying ``Idempotency-Key`` is run once: a retry with the same key and body gets
    the first answer again (``Idempotent-Replayed: true``), with another body a 422.
    """

    authentication_classes = [MerchantApiKeyAuthentication]
    permission_classes = [HasMerchantKey]
    throttle_classes = [PerKeyRateThrottle]
    renderer_classes = [JSONRenderer, ProblemJSONRenderer]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    _idempotency: IdempotentRequest | None = None
    #: The shopper a request is about, once a view has found them (see ``idempotency_complete``).
    subject_shopper: Shopper | None = None

    @property
    def merchant(self) -> Merchant:
        client = self.request.user
        if not isinstance(client, MerchantClient):  # permissions make this unreachable
            raise NotAuthenticated()
        return client.merchant

    def get_exception_handler(self):
        return problem_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if request.method == "POST" and key is not None:
            claim = idempotency_claim(
                merchant=self.merchant, key=key, fingerprint=request_fingerprint(request)
            )
            if claim.replay:
                raise _Replay(claim.record)
            self._idempotency = claim.record

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            record = exc.record
            headers = {"Idempotent-Replayed": "true"}
            if record.response_location:
                headers["Location"] = record.response_location
            response = Response(
                record.response_body, status=record.response_status, headers=headers
            )
            if record.response_status >= 400:
                response.content_type = PROBLEM_CONTENT_TYPE
            return response
        try:
            return super().handle_exception(exc)
        except Exception:
            # Unhandled: the work did not finish, so the key must not block the retry.
            if self._idempotency is not None:
                idempotency_release(record=self._idempotency)
                self._idempotency = None
            raise

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency is not None:
            idempotency_complete(
                record=self._idempotency,
                status=response.status_code,
                body=getattr(response, "data", None),
                location=response.headers.get("Location", ""),
                shopper=self.subject_shopper,
            )
            self._idempotency = None
        return response


def request_fingerprint(request: Request) -> str:
    """A digest of what a POST asks for: path, query, fields and every uploaded file's bytes."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    data = request.data
    fields: dict[str, Any] = {}
    if hasattr(data, "lists"):  # multipart or form: a QueryDict, files apart
        for name, values in data.lists():
            fields[name] = [_value_digest(value) for value in values]
    else:
        fields = {"json": data}
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _value_digest(value: object) -> object:
    if not isinstance(value, UploadedFile):
        return value
    file_digest = hashlib.sha256()
    for chunk in value.chunks():
        file_digest.update(chunk)
    value.seek(0)
    return f"file:{file_digest.hexdigest()}"
