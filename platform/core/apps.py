from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform core"

    def ready(self) -> None:
        """Keep the SQLite database files private to their owner (core/db_files.py)."""
        from django.db.backends.signals import connection_created

        from core.db_files import sqlite_files_restrict

        connection_created.connect(sqlite_files_restrict, dispatch_uid="core.sqlite_files")
