from django import forms

from catalog.models import Garment, Merchant


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files from one input: a plain FileField takes the widget's list for one file and
    refuses it ("No file was submitted"), so each file is cleaned on its own.

    Only the upload itself is checked here; the image intake decides whether it is an image.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if not data:
            return super().clean(None, initial) or []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(upload, initial) for upload in files]


class GarmentAdminForm(forms.ModelForm):
    """The garment form plus an upload field; the admin sends uploads through the image intake."""

    add_images = MultipleImageField(
        required=False,
        label="Add images",
        help_text="Product shots; metadata is removed and thumbnails are made.",
    )

    class Meta:
        model = Garment
        fields = "__all__"  # noqa: DJ007 - GarmentAdmin.fields picks and orders them


class CatalogImportForm(forms.Form):
    """The admin's bulk import: a CSV with one row per garment size, and a ZIP of images."""

    merchant = forms.ModelChoiceField(queryset=Merchant.objects.none())
    csv_file = forms.FileField(label="CSV file")
    zip_file = forms.FileField(label="ZIP of images", required=False)

    def __init__(self, *args, merchants, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = merchants
        if merchants.count() == 1:
            self.fields["merchant"].initial = merchants.first()
            self.fields["merchant"].widget = forms.HiddenInput()
