"""The admin's endpoint form: URL (checked against the address policy), events, enabled."""

from django import forms

from core.exceptions import ApplicationError
from webhooks.events import SUBSCRIBABLE
from webhooks.models import WebhookEndpoint
from webhooks.url_policy import url_check


class WebhookEndpointForm(forms.ModelForm):
    """Add or change an endpoint; the admin saves it through webhooks.services."""

    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),  # the admin's wide URL box
        help_text="https:// only; it must reach the public internet (no private addresses).",
    )
    event_types = forms.MultipleChoiceField(
        choices=[(choice.value, choice.label) for choice in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this endpoint.",
    )
    enabled = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Untick to stop sending; tick to start again (the failure count is reset).",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["merchant", "url", "description", "event_types"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["enabled"].initial = self.instance.is_enabled

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if self.instance.pk is None or url != self.instance.url:
            try:
                url_check(url)
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return url
