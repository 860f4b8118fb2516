from django.apps import AppConfig


class TryonConfig(AppConfig):
    name = "tryon"
