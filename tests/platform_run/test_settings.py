"""Settings come from the environment; production refuses to start unsafely."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_READ_DOT_ENV_FILE": "false",
    "DJANGO_SECRET_KEY": "k" * 50,
    "FITTINGROOM_ENCRYPTION_KEYS": "prod-1:" + "cHJvZC1rZXktdGhpcnR5LXR3by1ieXRlcy1sb25nISE=",
    "FITTINGROOM_PSEUDONYM_KEY": "p" * 40,
    "FITTINGROOM_WORKER_KEY": "d29ya2VyLWtleS10aGlydHktdHdvLWJ5dGVzLWxvbmc=",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/shop",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "DJANGO_AWS_STORAGE_BUCKET_NAME": "fitting-room",
    "DJANGO_AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.internal:587",
    "FITTINGROOM_BASE_URL": "https://shop.example",
}
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['HOST'], 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['LOCATION'], 'storage': s.STORAGES['default']['BACKEND'], "
    "'private': s.STORAGES['private']['OPTIONS']['location'], 'email': s.EMAIL_HOST, "
    "'debug': s.DEBUG, 'base_url': s.FITTINGROOM_BASE_URL}))"
)


def _env(env_changes: dict[str, str | None]) -> dict[str, str]:
    """The GOOD production environment with these changes (None removes a variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FITTINGROOM_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(GOOD)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PYTHONPATH"] = str(REPO / "platform")
    return env


def _run(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=_env(env_changes), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_production_takes_everything_from_the_environment() -> None:
    completed = _run({})
    assert completed.returncode == 0, completed.stderr
    assert '"db": "db.internal"' in completed.stdout
    assert '"broker": "redis://cache.internal:6379/0"' in completed.stdout
    assert '"storage": "storages.backends.s3.S3Storage"' in completed.stdout
    assert '"private": "private"' in completed.stdout
    assert '"email": "smtp.internal"' in completed.stdout and '"debug": false' in completed.stdout
    assert '"base_url": "https://shop.example"' in completed.stdout


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.test"])
def test_laptop_and_test_settings_default_the_base_url(module: str) -> None:
    # Only production insists on FITTINGROOM_BASE_URL; `bin/up` and the tests keep the default.
    completed = _run({"DJANGO_SETTINGS_MODULE": module, "FITTINGROOM_BASE_URL": None})
    assert completed.returncode == 0, completed.stderr
    assert '"base_url": "http://127.0.0.1:8000"' in completed.stdout


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 40}, "DJANGO_SECRET_KEY must be set"),
        ({"FITTINGROOM_ENCRYPTION_KEYS": None}, "FITTINGROOM_ENCRYPTION_KEYS must be set"),
        ({"FITTINGROOM_PSEUDONYM_KEY": "short"}, "FITTINGROOM_PSEUDONYM_KEY"),
        ({"FITTINGROOM_WORKER_KEY": "short"}, "FITTINGROOM_WORKER_KEY"),
        ({"REDIS_URL": None}, "REDIS_URL must point"),
        ({"DATABASE_URL": None}, "DATABASE_URL must point"),
        ({"FITTINGROOM_BASE_URL": None}, "FITTINGROOM_BASE_URL must be set"),
        ({"FITTINGROOM_BASE_URL": ""}, "FITTINGROOM_BASE_URL must be set"),
        ({"FITTINGROOM_BASE_URL": "shop.example"}, "FITTINGROOM_BASE_URL must be set"),
        # Webhooks to private addresses (SSRF) are for tests and laptops only.
        ({"FITTINGROOM_WEBHOOKS_ALLOW_PRIVATE_URLS": "true"}, "is for tests only"),
    ],
)
def test_production_refuses_unsafe_configuration(change: dict, complaint: str) -> None:
    completed = _run(change)
    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr and complaint in completed.stderr


def test_local_settings_refuse_to_run_without_secrets() -> None:
    completed = _run(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_SECRET_KEY": None,
            "FITTINGROOM_ENCRYPTION_KEYS": None,
        }
    )
    assert completed.returncode != 0 and "run bin/up once" in completed.stderr


DATABASE_PROBE = (
    "import django, json; django.setup(); from django.db import connection as c; "
    "cursor = c.cursor(); engine = c.vendor; "
    "mode = cursor.execute('PRAGMA journal_mode').fetchone()[0] if engine == 'sqlite' else ''; "
    "print(json.dumps({'options': c.settings_dict['OPTIONS'], 'journal': mode, "
    "'begin': c.transaction_mode if engine == 'sqlite' else ''}))"
)


def test_sqlite_waits_for_the_lock_in_wal_mode_with_immediate_transactions(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FITTINGROOM_"))}
    env.update(GOOD, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["PYTHONPATH"] = str(REPO / "platform")
    completed = subprocess.run(
        [sys.executable, "-c", DATABASE_PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    probe = json.loads(completed.stdout)
    assert probe["options"]["transaction_mode"] == "IMMEDIATE" == probe["begin"]
    assert probe["options"]["timeout"] >= 10 and probe["journal"] == "wal"
    assert "synchronous=NORMAL" in probe["options"]["init_command"]


def test_postgres_gets_no_sqlite_options() -> None:
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FITTINGROOM_"))}
    env.update(GOOD, PYTHONPATH=str(REPO / "platform"))
    completed = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "{}"


SECURITY_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
    "print(json.dumps({'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "'preload': s.SECURE_HSTS_PRELOAD, 'cookies': [s.SESSION_COOKIE_SECURE, "
    "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_NAME, "
    "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, s.CSRF_COOKIE_NAME], "
    "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'csp': 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, "
    "'img': d['img-src'], 'upgrade': d.get('upgrade-insecure-requests'), "
    "'axes': [s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_MINUTES]}))"
)


def _security(env_changes: dict[str, str | None]) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", SECURITY_PROBE],
        env=_env(env_changes),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_production_security_defaults() -> None:
    values = _security({})
    assert values["hsts"] == 31536000  # a year
    assert values["sub"] is False and values["preload"] is False  # both opt-in
    assert values["cookies"] == [
        True, True, "Lax", "__Secure-sessionid", True, True, "Lax", "__Secure-csrftoken"
    ]  # fmt: skip
    assert values["ssl_redirect"] is True and values["csp"] is True
    assert values["upgrade"] is True
    # Catalogue images come from the bucket's endpoint: the policy lets the browser load them.
    assert values["img"] == ["'self'", "http://minio:9000"]
    assert values["axes"] == [5, 15]


def test_production_security_opt_ins_from_the_environment() -> None:
    values = _security(
        {
            "DJANGO_SECURE_HSTS_PRELOAD": "true",
            "DJANGO_AWS_S3_CUSTOM_DOMAIN": "media.shop.example",
            "FITTINGROOM_LOGIN_FAILURE_LIMIT": "8",
            "FITTINGROOM_LOGIN_LOCKOUT_MINUTES": "60",
        }
    )
    # The preload list requires includeSubDomains: opting in to one turns on both.
    assert values["preload"] is True and values["sub"] is True
    assert values["img"] == ["'self'", "https://media.shop.example"]
    assert values["axes"] == [8, 60]
    assert _security({"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true"})["sub"] is True
