from django.apps import AppConfig


class MerchantApiConfig(AppConfig):
    """The versioned REST API a merchant's own systems call (``/api/v1/``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "merchant_api"
    verbose_name = "Merchant API"

    def ready(self) -> None:
        # Registers the API-key security scheme with drf-spectacular.
        from merchant_api import schema  # noqa: F401
