"""tryon_worker/, recommender/ and vision/ never import Django or the storefront's apps."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KOMBU_PROBE = {
    "django",
    "django.utils",
    "django.utils.functional",
    "django.utils.regex_helper",
    "django.utils.version",
}
STOREFRONT_PACKAGES = {p.name for p in (REPO / "platform").iterdir() if p.is_dir()} | {
    "django",
    "rest_framework",
}


@pytest.mark.parametrize("package", ["tryon_worker", "recommender", "vision"])
def test_no_import_statement_reaches_django(package: str) -> None:
    offenders = []
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(REPO)}: {n}"
                for n in names
                if n.split(".")[0] in STOREFRONT_PACKAGES
            ]
    assert not offenders


@pytest.mark.parametrize("package", ["tryon_worker", "recommender", "vision"])
def test_importing_every_module_loads_no_django(package: str) -> None:
    modules = [
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for path in (REPO / package).rglob("*.py")
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(STOREFRONT_PACKAGES)!r}))\n"
    )
    # As in production, where the shared environment names the storefront's settings.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    loaded = eval(completed.stdout)  # noqa: S307 - our own subprocess printed a list literal
    # kombu's JSON encoder imports django.utils.functional when Django is installed (to encode
    # lazy strings); that is a library probe, not Django being set up. Nothing else may load.
    assert set(loaded) <= KOMBU_PROBE, loaded
