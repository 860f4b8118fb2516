from django.apps import AppConfig


class ShoppersConfig(AppConfig):
    name = "shoppers"
    verbose_name = "Shoppers"
