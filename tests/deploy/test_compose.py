"""Checks for the production deployment files (docker-compose.yml, Dockerfile, deploy/).

Pure PyYAML + subprocess: no Django import, no Docker daemon needed.

The `docker-compose config` tests need a compose binary (Debian: `apt-get install
docker-compose`, i.e. compose 1.29; Compose v2 `docker compose` is used too when present).
Without one they are skipped with that hint; in CI (`.ci/run` installs docker-compose and sets
FITTINGROOM_REQUIRE_TEST_ASSETS=1) a missing one fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.support.assets import missing_asset

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"
MINIO_INIT = ROOT / "deploy" / "minio-init.sh"
PYPROJECT_DEPS = ROOT / "deploy" / "pyproject_deps.py"

BACKING_SERVICES = {"postgres", "redis", "minio", "minio-init"}
STOREFRONT_SERVICES = {"migrate", "web", "storefront-worker", "beat"}
WORKER_SERVICES = {"tryon-worker", "recommender-worker"}
APP_SERVICES = STOREFRONT_SERVICES | WORKER_SERVICES
ONE_SHOT_SERVICES = {"minio-init", "migrate"}

SHARED_ENV_VARS = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "FITTINGROOM_ENCRYPTION_KEYS",
    "FITTINGROOM_PSEUDONYM_KEY",
    "DJANGO_AWS_STORAGE_BUCKET_NAME",
    "DJANGO_AWS_S3_ENDPOINT_URL",
    "DJANGO_AWS_ACCESS_KEY_ID",
    "DJANGO_AWS_SECRET_ACCESS_KEY",
    "DJANGO_AWS_S3_REGION_NAME",
    "EMAIL_URL",
    "DJANGO_DEFAULT_FROM_EMAIL",
    "FITTINGROOM_WORKER_KEY",
    "WEB_CONCURRENCY",
}
# What a GPU worker gets, and what it must never get (privacy: pseudonymous jobs only).
WORKER_ENV_VARS = {
    "REDIS_URL",
    "FITTINGROOM_WORKER_KEY",
    "TRYON_PUBLIC_STORE_URL",
    "TRYON_PRIVATE_STORE_URL",
    "DJANGO_AWS_ACCESS_KEY_ID",
    "DJANGO_AWS_SECRET_ACCESS_KEY",
    "TRYON_CHECKPOINT",
    "TRYON_DEVICE",
    "TRYON_TORCH_THREADS",
}
WITHHELD_FROM_WORKERS = {
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "FITTINGROOM_ENCRYPTION_KEYS",
    "FITTINGROOM_PSEUDONYM_KEY",
    "EMAIL_URL",
    "DJANGO_SETTINGS_MODULE",
}
# Variables that must never have a default in the compose file.
SECRET_VARS = {
    "DJANGO_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "FITTINGROOM_ENCRYPTION_KEYS",
    "FITTINGROOM_PSEUDONYM_KEY",
    "FITTINGROOM_WORKER_KEY",
    "DJANGO_AWS_ACCESS_KEY_ID",
    "DJANGO_AWS_SECRET_ACCESS_KEY",
    "EMAIL_URL",
    "MINIO_ROOT_USER",
    "MINIO_ROOT_PASSWORD",
}

_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")

INSTALL_HINT = (
    "no working `docker-compose` or `docker compose` binary to validate docker-compose.yml with; "
    "install one with `apt-get install -y docker-compose` (Compose 1.29; no Docker daemon is "
    "needed for `config`)"
)


# ----------------------------------------------------------------------------- helpers


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def services() -> dict:
    return compose()["services"]


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def referenced_vars() -> dict[str, set[str]]:
    """Variable name -> operators used with it ('', ':-', ':?', '-', '?'); comments ignored."""
    found: dict[str, set[str]] = {}
    for text in _strings(compose()):
        for name, op, _rest in _VAR_RE.findall(text.replace("$$", "")):
            found.setdefault(name, set()).add(op)
    return found


def required_vars() -> set[str]:
    return {name for name, ops in referenced_vars().items() if ":?" in ops or "?" in ops}


def command_str(service: dict) -> str:
    cmd = service.get("command", "")
    return " ".join(str(part) for part in cmd) if isinstance(cmd, list) else str(cmd)


def parse_duration(value: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|us|m|s)", str(value))
    assert parts, value
    assert "".join(n + u for n, u in parts) == str(value), value
    return sum(float(n) * units[u] for n, u in parts)


def dockerfile_stages() -> set[str]:
    text = DOCKERFILE.read_text(encoding="utf-8")
    return {m.lower() for m in re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.I | re.M)}


def env_example_vars() -> set[str]:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))


# ----------------------------------------------------------------------------- (a) structure


def test_all_services_exist():
    missing = (BACKING_SERVICES | APP_SERVICES) - set(services())
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_no_version_key_compose_spec():
    # The Compose spec (no `version:`) is what enables deploy.resources.reservations.devices
    # and service_completed_successfully on docker-compose 1.29.
    assert "version" not in compose()


def test_app_services_share_one_env_anchor_per_side():
    anchor = compose()["x-app-env"]
    assert set(anchor) >= SHARED_ENV_VARS, sorted(SHARED_ENV_VARS - set(anchor))
    for name in sorted(STOREFRONT_SERVICES):
        env = services()[name].get("environment")
        # PyYAML resolves an alias to the very same object: identity proves the service
        # uses the anchor itself (`environment: *app-env`), not a copy that can drift.
        assert env is anchor, f"{name}: environment must be `*app-env` (the x-app-env anchor)"
    worker_anchor = compose()["x-worker-env"]
    for name in sorted(WORKER_SERVICES):
        env = services()[name].get("environment")
        assert env is worker_anchor, f"{name}: environment must be `*worker-env`"


def test_workers_get_no_master_keys_database_or_identity_data():
    worker_env = compose()["x-worker-env"]
    assert set(worker_env) >= WORKER_ENV_VARS, sorted(WORKER_ENV_VARS - set(worker_env))
    assert not set(worker_env) & WITHHELD_FROM_WORKERS
    assert worker_env["FITTINGROOM_WORKER_KEY"] == compose()["x-app-env"]["FITTINGROOM_WORKER_KEY"]


def test_shared_env_values():
    anchor = compose()["x-app-env"]
    assert anchor["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert "@postgres:5432/" in anchor["DATABASE_URL"]
    assert anchor["DATABASE_URL"].startswith("postgres://")
    assert "redis://redis:6379/0" in anchor["REDIS_URL"]
    assert "http://minio:9000" in anchor["DJANGO_AWS_S3_ENDPOINT_URL"]


def test_secrets_are_mandatory_and_non_secrets_have_defaults():
    refs = referenced_vars()
    for var in sorted(SECRET_VARS):
        assert var in refs, f"{var} is not used in docker-compose.yml"
        assert refs[var] == {":?"}, f"{var} must always be written ${{{var}:?message}}"
    for var, ops in sorted(refs.items()):
        if var not in SECRET_VARS:
            assert ops == {":-"}, f"non-secret {var} must be written ${{{var}:-default}}"


def test_required_vars_cover_secrets():
    assert required_vars() >= SECRET_VARS


def test_tryon_worker_reserves_nvidia_gpu_and_scales():
    svc = services()["tryon-worker"]
    deploy = svc["deploy"]
    assert deploy["replicas"] == "${TRYON_WORKER_REPLICAS:-2}"
    devices = deploy["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    # Anything that pins a single container breaks scaling.
    assert "container_name" not in svc
    assert "ports" not in svc


def test_worker_commands():
    expectations = {
        "storefront-worker": ["-A config.celery_app worker", "-Q default,storefront_events"],
        "tryon-worker": [
            "-A tryon_worker.celery_app worker",
            "-Q tryon",
            "--concurrency 1",
            "--prefetch-multiplier 1",
            "-O fair",
        ],
        "recommender-worker": ["-A recommender.celery_app worker", "-Q recommender"],
        "beat": ["-A config.celery_app beat", "--schedule /tmp/celerybeat-schedule"],
        "migrate": ["python manage.py migrate"],
    }
    for name, fragments in expectations.items():
        cmd = command_str(services()[name])
        assert cmd.startswith(("celery ", "python ")), f"{name}: {cmd}"
        for fragment in fragments:
            assert fragment in cmd, f"{name}: {fragment!r} not in {cmd!r}"


def test_only_tryon_worker_gets_a_gpu():
    for name, svc in services().items():
        if name != "tryon-worker":
            assert "devices" not in str(svc.get("deploy", {})), name


def test_redis_is_durable():
    redis = services()["redis"]
    cmd = command_str(redis)
    assert re.search(r"--appendonly\s+yes", cmd), cmd
    assert "--maxmemory-policy noeviction" in cmd, "eviction would drop queued jobs"
    assert any(str(v).endswith(":/data") for v in redis["volumes"]), "AOF must be on a volume"
    assert redis["volumes"][0].split(":")[0] in compose()["volumes"]


def test_stateful_services_use_named_volumes():
    vols = compose()["volumes"]
    for name, path in [
        ("postgres", "/var/lib/postgresql/data"),
        ("redis", "/data"),
        ("minio", "/data"),
    ]:
        mounts = services()[name]["volumes"]
        assert any(m.split(":")[0] in vols and m.split(":")[1] == path for m in mounts), name


def test_healthchecks():
    assert "pg_isready" in str(services()["postgres"]["healthcheck"]["test"])
    assert "ping" in str(services()["redis"]["healthcheck"]["test"])
    assert services()["minio"]["healthcheck"]["test"]
    for name in ("storefront-worker", "tryon-worker", "recommender-worker"):
        assert "inspect ping" in str(services()[name]["healthcheck"]["test"]), name
    # web's healthcheck lives in the image (Dockerfile HEALTHCHECK).
    assert "HEALTHCHECK" in DOCKERFILE.read_text(encoding="utf-8")


def test_dependency_ordering():
    web = services()["web"]["depends_on"]
    assert web["postgres"]["condition"] == "service_healthy"
    assert web["redis"]["condition"] == "service_healthy"
    assert web["migrate"]["condition"] == "service_completed_successfully"
    assert web["minio-init"]["condition"] == "service_completed_successfully"
    assert services()["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services()["minio-init"]["depends_on"]["minio"]["condition"] == "service_healthy"
    for name in APP_SERVICES - {"migrate"}:
        deps = services()[name]["depends_on"]
        assert deps["redis"]["condition"] == "service_healthy", name
        assert deps["migrate"]["condition"] == "service_completed_successfully", name


def test_restart_policies_and_grace_periods():
    for name, svc in services().items():
        expected = "no" if name in ONE_SHOT_SERVICES else "unless-stopped"
        assert svc.get("restart") == expected, name
    assert parse_duration(services()["tryon-worker"]["stop_grace_period"]) >= 300
    for name in ("storefront-worker", "recommender-worker"):
        assert parse_duration(services()[name]["stop_grace_period"]) >= 60, name


def test_web_service():
    web = services()["web"]
    assert any(str(p).endswith(":8000") for p in web["ports"])
    assert web["build"]["target"] == "web"
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    for fragment in (
        "config.asgi:application",
        "--app-dir platform",
        "--host 0.0.0.0",
        "--port 8000",
        "--proxy-headers",
        "WEB_CONCURRENCY",
        "collectstatic --noinput",
    ):
        assert fragment in dockerfile, fragment


def test_build_targets_exist_in_dockerfile():
    stages = dockerfile_stages()
    assert {"base", "web", "worker"} <= stages, stages
    for name, svc in services().items():
        if "build" in svc:
            assert svc["build"]["target"] in stages, name
    assert services()["tryon-worker"]["build"]["target"] == "worker"
    assert services()["recommender-worker"]["build"]["target"] == "worker"
    assert "TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128" in DOCKERFILE.read_text()


def test_minio_init_creates_private_bucket():
    init = services()["minio-init"]
    assert init["image"].startswith("minio/mc")
    assert any("deploy/minio-init.sh" in v for v in init["volumes"])
    script = MINIO_INIT.read_text(encoding="utf-8")
    assert "mc mb --ignore-existing" in script
    assert 'mc anonymous set none "fr/$BUCKET"' in script
    result = subprocess.run(["sh", "-n", str(MINIO_INIT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_env_example_lists_every_variable():
    listed = env_example_vars()
    missing = (set(referenced_vars()) | SHARED_ENV_VARS) - listed
    assert not missing, f"add to deploy/production.env.example: {sorted(missing)}"


def test_pyproject_deps_helper(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "fitting-room"\ndependencies = ["Django>=5.2", "celery[redis]"]\n'
        "[project.optional-dependencies]\n"
        'worker = ["torch==2.13.0", "fitting_room[reco]"]\nreco = ["faiss-cpu"]\n',
        encoding="utf-8",
    )

    def run(*extras: str) -> list[str]:
        out = subprocess.run(
            [sys.executable, str(PYPROJECT_DEPS), *extras],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return out.split()

    assert run() == ["Django>=5.2", "celery[redis]"]
    assert run("worker") == ["torch==2.13.0", "faiss-cpu"]


# ----------------------------------------------------------------------------- (b) compose CLI


@cache
def available_compose_commands() -> tuple[tuple[str, ...], ...]:
    found = []
    candidates = [("docker-compose",), ("docker", "compose")]
    for cmd in candidates:
        if not shutil.which(cmd[0]):
            continue
        try:
            probe = subprocess.run([*cmd, "version"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            found.append(cmd)
    return tuple(found)


@pytest.fixture(params=["docker-compose", "docker compose"])
def compose_cmd(request) -> tuple[str, ...]:
    available = available_compose_commands()
    if not available:
        missing_asset(INSTALL_HINT)
    wanted = tuple(request.param.split())
    if wanted not in available:
        pytest.skip(f"`{request.param}` not available; validated with {available}")
    return wanted


def dummy_env() -> dict[str, str]:
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        if key in os.environ
    }
    env.setdefault("HOME", "/tmp")
    for var in required_vars():
        env[var] = f"dummy-{var.lower().replace('_', '-')}"
    env["FITTINGROOM_ENCRYPTION_KEYS"] = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    env["POSTGRES_PASSWORD"] = "dummypassword"
    return env


def run_compose(cmd, env, tmp_path, *args) -> subprocess.CompletedProcess:
    # An explicit empty env file, so a developer's ./.env can't mask missing variables.
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("", encoding="utf-8")
    return subprocess.run(
        [*cmd, "-f", str(COMPOSE_FILE), "--env-file", str(empty_env_file), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_config_validates(compose_cmd, tmp_path):
    result = run_compose(compose_cmd, dummy_env(), tmp_path, "config", "-q")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_config_refuses_without_secret_key(compose_cmd, tmp_path):
    env = dummy_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_compose(compose_cmd, env, tmp_path, "config", "-q")
    assert result.returncode != 0, "config must refuse to run without DJANGO_SECRET_KEY"
    assert "DJANGO_SECRET_KEY" in result.stdout + result.stderr


def test_compose_resolved_config(compose_cmd, tmp_path):
    """The resolved model keeps GPU reservation + replicas and one env for all app services."""
    env = dummy_env()
    env["TRYON_WORKER_REPLICAS"] = "3"
    result = run_compose(compose_cmd, env, tmp_path, "config")
    assert result.returncode == 0, result.stdout + result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]

    tryon = resolved["tryon-worker"]
    assert int(tryon["deploy"]["replicas"]) == 3
    (device,) = tryon["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia"
    assert int(device["count"]) == 1
    assert device["capabilities"] == ["gpu"]

    envs = {name: resolved[name]["environment"] for name in STOREFRONT_SERVICES}
    reference = envs["web"]
    for name, service_env in envs.items():
        assert service_env == reference, f"{name} environment differs from web"
    worker_env = resolved["tryon-worker"]["environment"]
    assert worker_env == resolved["recommender-worker"]["environment"]
    assert worker_env["FITTINGROOM_WORKER_KEY"] == reference["FITTINGROOM_WORKER_KEY"]
    assert worker_env["TRYON_PRIVATE_STORE_URL"] == "s3://fittingroom-media/private"
    assert not set(worker_env) & WITHHELD_FROM_WORKERS
    assert reference["DJANGO_SECRET_KEY"] == env["DJANGO_SECRET_KEY"]
    assert (
        reference["DATABASE_URL"]
        == "postgres://fittingroom:dummypassword@postgres:5432/fittingroom"
    )
    assert reference["REDIS_URL"] == "redis://redis:6379/0"
    assert reference["FITTINGROOM_ENCRYPTION_KEYS"] == env["FITTINGROOM_ENCRYPTION_KEYS"]
    assert reference["DJANGO_AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert resolved["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert resolved["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
