"""The try-on worker reads its environment in tryon_worker/config.py alone (issue 14, step F1)."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import current_app

from contracts.limits import TryOnLimits
from recommender.config import RecommenderSettings
from transport.blob_store import S3Settings, blob_store_from_url
from tryon_worker.config import WorkerConfig

REPO = Path(__file__).resolve().parents[2]
WORKER = REPO / "tryon_worker"
ENV_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
FULL_ENV = {
    "REDIS_URL": "redis://broker:6379/3",
    "TRYON_PUBLIC_STORE_URL": "s3://media/public",
    "TRYON_PRIVATE_STORE_URL": "file:///srv/private",
    "FITTINGROOM_WORKER_KEY": "a2V5",
    "TRYON_CHECKPOINT": " /models/renderer.pt ",
    "TRYON_DEVICE": "cpu",
    "TRYON_TORCH_THREADS": " 2 ",
    "TRYON_SHADING": "classical",
    "TRYON_SHADING_CHECKPOINT": "/models/shading.pt",
    "TRYON_TASK_SOFT_LIMIT_S": "20",
    "TRYON_TASK_HARD_LIMIT_S": "30",
    "TRYON_RESTORE_SWEEP_S": "2",
    "DJANGO_AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "DJANGO_AWS_ACCESS_KEY_ID": "access",
    "DJANGO_AWS_SECRET_ACCESS_KEY": "secret",
    "DJANGO_AWS_S3_REGION_NAME": "eu-west-1",
}


@pytest.fixture
def storefront_app_stays_current() -> Iterator[None]:
    """Importing the worker's Celery app makes it current; later tests send through the
    storefront's app, so it is made current again."""
    storefront = current_app._get_current_object()
    yield
    storefront.set_current()


def _environment_reads(path: Path) -> list[str]:
    """Where ``path`` touches the process environment: ``os.environ``/``os.getenv`` and
    friends, or those names imported from os."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr in ENV_NAMES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [
                f"{node.lineno}: from os import {a.name}" for a in node.names if a.name in ENV_NAMES
            ]
    return found


def test_no_worker_module_but_config_reads_the_environment() -> None:
    offenders = {
        f"{path.relative_to(WORKER)}:{where}"
        for path in WORKER.rglob("*.py")
        if path.relative_to(WORKER).as_posix() != "config.py"
        for where in _environment_reads(path)
    }
    assert not offenders


def test_the_scan_sees_an_environment_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom os import getenv\nx = os.environ.get('A')\n")
    assert _environment_reads(sample) == ["2: from os import getenv", "3: .environ"]


def test_the_defaults_are_those_of_an_unset_environment() -> None:
    config = WorkerConfig.from_env({})
    assert config == WorkerConfig()
    assert config.redis_url == "redis://127.0.0.1:6379/0"
    assert (config.public_store_url, config.private_store_url, config.worker_key) == (None,) * 3
    assert (config.checkpoint, config.shading_checkpoint) == (None, None)
    assert config.device == "auto"
    assert config.torch_threads is None
    assert config.shading == "learned"
    assert config.limits == TryOnLimits()
    assert config.s3 == S3Settings(None, None, None, None)


def test_blank_settings_count_as_unset_where_they_did() -> None:
    blank = {"TRYON_CHECKPOINT": " ", "TRYON_TORCH_THREADS": "", "TRYON_SHADING": " "}
    blank |= {"TRYON_SHADING_CHECKPOINT": "", "DJANGO_AWS_S3_ENDPOINT_URL": ""}
    assert WorkerConfig.from_env(blank) == WorkerConfig()


def test_every_variable_is_read() -> None:
    config = WorkerConfig.from_env(FULL_ENV)
    assert config == WorkerConfig(
        redis_url="redis://broker:6379/3",
        public_store_url="s3://media/public",
        private_store_url="file:///srv/private",
        worker_key="a2V5",
        checkpoint=Path("/models/renderer.pt"),
        device="cpu",
        torch_threads=2,
        shading="classical",
        shading_checkpoint=Path("/models/shading.pt"),
        limits=TryOnLimits(soft_limit_s=20, hard_limit_s=30, restore_sweep_s=2),
        s3=S3Settings("http://minio:9000", "access", "secret", "eu-west-1"),
    )
    assert config.required_store_urls() == ("s3://media/public", "file:///srv/private")
    assert config.required_worker_key() == "a2V5"


def test_a_job_without_stores_or_key_names_the_missing_variable() -> None:
    config = WorkerConfig.from_env({"TRYON_PUBLIC_STORE_URL": "file:///a"})
    with pytest.raises(KeyError, match="TRYON_PRIVATE_STORE_URL"):
        config.required_store_urls()
    with pytest.raises(KeyError, match="FITTINGROOM_WORKER_KEY"):
        config.required_worker_key()


@pytest.mark.usefixtures("storefront_app_stays_current")
def test_the_worker_stores_get_the_configured_s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    from tryon_worker import tasks

    for name, value in FULL_ENV.items():
        monkeypatch.setenv(name, value)
    tasks._stores.cache_clear()
    try:
        public, private = tasks._stores()
    finally:
        tasks._stores.cache_clear()
    assert public.client.meta.endpoint_url == "http://minio:9000"
    assert public.client.meta.region_name == "eu-west-1"
    assert public.client._request_signer._credentials.access_key == "access"
    assert private.root == Path("/srv/private")


def test_the_recommender_passes_the_same_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FULL_ENV.items():
        monkeypatch.setenv(name, value)
    settings = RecommenderSettings.from_env()
    assert settings.s3 == WorkerConfig.from_env(FULL_ENV).s3
    store = blob_store_from_url(settings.public_store_url, s3=settings.s3)
    assert store.client.meta.endpoint_url == "http://minio:9000"


@pytest.mark.usefixtures("storefront_app_stays_current")
def test_the_celery_app_uses_the_configured_broker_and_limits() -> None:
    from tryon_worker.celery_app import CONFIG, app

    assert app.conf.broker_url == CONFIG.redis_url
    assert app.conf.task_time_limit == CONFIG.limits.hard_limit_s
