from django.apps import AppConfig


class TryonConfig(AppConfig):
    name = "tryon"

    def ready(self) -> None:
        from tryon import receivers  # noqa: F401  (connects the job-deletion receiver)
