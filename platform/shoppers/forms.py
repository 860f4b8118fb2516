"""Forms for the shopper pages; they parse input, the services decide."""

from django import forms

from catalog.models import SIZE_LABELS
from shoppers.models import MEASUREMENT_RANGES_CM


class SignUpForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)
    display_name = forms.CharField(max_length=200, required=False, label="Your name")
    contact_email = forms.EmailField(required=False, label="E-mail (optional)")
    email_notifications = forms.BooleanField(
        required=False, label="E-mail me when a try-on picture is ready"
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=200, required=False, label="Your name")
    contact_email = forms.EmailField(required=False, label="E-mail")
    email_notifications = forms.BooleanField(
        required=False, label="E-mail me when a try-on picture is ready"
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
