"""Forms for the shopper pages; they parse input, the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from catalog.models import SIZE_LABELS
from core.exceptions import ApplicationError
from shoppers.models import MEASUREMENT_RANGES_CM
from shoppers.services import USERNAME_MAX_LENGTH, USERNAME_RULES, username_validate


class SignUpForm(forms.Form):
    """The rules are the services' own, shown beside each field and checked here so that each
    broken one is reported on its field (the service checks them again)."""

    username = forms.CharField(max_length=USERNAME_MAX_LENGTH, help_text=USERNAME_RULES)
    password = forms.CharField(widget=forms.PasswordInput)
    display_name = forms.CharField(max_length=200, required=False, label="Your name")
    contact_email = forms.EmailField(required=False, label="E-mail (optional)")
    email_notifications = forms.BooleanField(
        required=False, label="E-mail me when a try-on picture is ready (or could not be made)"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            username_validate(username)
        except ApplicationError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return username

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            # Against an unsaved user, so "too similar to your username" is checked too.
            user = get_user_model()(username=cleaned.get("username", ""))
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=200, required=False, label="Your name")
    contact_email = forms.EmailField(required=False, label="E-mail")
    email_notifications = forms.BooleanField(
        required=False, label="E-mail me when a try-on picture is ready (or could not be made)"
    )


class MeasurementsForm(forms.Form):
    """One optional number per known measurement, in centimetres."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key, (low, high) in MEASUREMENT_RANGES_CM.items():
            self.fields[key] = forms.FloatField(
                required=False,
                min_value=low,
                max_value=high,
                label=key.removesuffix("_cm").replace("_", " ").capitalize() + " (cm)",
            )
        self.fields["preferred_size"] = forms.ChoiceField(
            required=False,
            choices=[("", "—"), *[(s, s) for s in SIZE_LABELS]],
            label="Your usual size",
        )


class PhotoUploadForm(forms.Form):
    photo = forms.FileField(label="A photo of you, standing, facing the camera")


class AccountEraseForm(forms.Form):
    """Deleting everything cannot be undone, so the shopper types their username to confirm."""

    confirm_username = forms.CharField(
        max_length=150, label="Type your username to confirm", strip=True
    )

    def __init__(self, *args, username: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm_username(self) -> str:
        typed = self.cleaned_data["confirm_username"]
        if typed != self.username:
            raise forms.ValidationError("That is not your username; nothing was deleted.")
        return typed
