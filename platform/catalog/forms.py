from django import forms

from catalog.models import Garment, Merchant


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class GarmentAdminForm(forms.ModelForm):
    """The garment form plus an upload field; the admin sends uploads through the image intake."""

    add_images = forms.FileField(
        required=False,
        label="Add images",
        widget=MultipleImageInput(attrs={"accept": "image/*"}),
        help_text="Product shots; metadata is removed and thumbnails are made.",
    )

    class Meta:
        model = Garment
        fields = "__all__"  # noqa: DJ007 - GarmentAdmin.fields picks and orders them

    def clean_add_images(self) -> list:
        return self.files.getlist(self.add_prefix("add_images")) if self.files else []


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
