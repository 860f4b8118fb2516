from django.apps import AppConfig


class MerchantApiConfig(AppConfig):
    """The versioned REST API a merchant's own systems call (``/api/v1/``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "merchant_api"
    verbose_name = "Merchant API"

    def ready(self) -> None:
        # Registers the API-key security scheme with drf-spectacular.
        # Lets the merchants' registered origins call the widget's endpoints (CORS).
        from corsheaders.signals import check_request_enabled

        from merchant_api import schema  # noqa: F401
        from merchant_api.widget_cors import widget_cors_allowed

        check_request_enabled.connect(widget_cors_allowed, dispatch_uid="merchant_api_widget")
