"""The houses keep to their own code (issue 14, items 2 and 5).

The workers and the shared packages (tryon_worker/, recommender/, vision/, contracts/,
sizing/, transport/, synthetic/) never import Django or the storefront's apps, and contracts/
imports nothing but the standard library and ``cryptography``. The storefront imports nothing of the
try-on worker or the recommender, and the recommender nothing of the try-on worker: they meet
through the contracts and the shared packages.
"""

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.boundary.import_scan import imported_modules, parse

REPO = Path(__file__).resolve().parents[2]
KOMBU_PROBE = {
    "django",
    "django.utils",
    "django.utils.functional",
    "django.utils.regex_helper",
    "django.utils.version",
}
# The houses that may not reach into the try-on worker, and what each may not import from.
HOUSE_RULES = {
    "platform": ("tryon_worker", "recommender"),
    "recommender": ("tryon_worker",),
    # Procedural data serves all three houses (the demo catalogue, the GAN, tests, benches).
    "synthetic": ("tryon_worker", "recommender"),
}
STOREFRONT_PACKAGES = {p.name for p in (REPO / "platform").iterdir() if p.is_dir()} | {
    "django",
    "rest_framework",
}


@pytest.mark.parametrize(
    "package",
    ["tryon_worker", "recommender", "vision", "contracts", "sizing", "transport", "synthetic"],
)
def test_no_import_statement_reaches_django(package: str) -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{ref.line}: {ref.name}"
        for path in (REPO / package).rglob("*.py")
        for ref in imported_modules(parse(path))
        if ref.top in STOREFRONT_PACKAGES
    ]
    assert not offenders


def test_contracts_need_only_the_standard_library_and_cryptography() -> None:
    allowed = set(sys.stdlib_module_names) | {"cryptography", "contracts"}
    offenders = [
        f"{path.relative_to(REPO)}:{ref.line}: {ref.name}"
        for path in (REPO / "contracts").rglob("*.py")
        for ref in imported_modules(parse(path))
        if ref.top not in allowed
    ]
    assert not offenders


def test_houses_import_only_contracts_and_shared() -> None:
    """The storefront and the recommender meet the workers through contracts/, transport/,
    sizing/, vision/ and synthetic/ only, and synthetic/ leans on no house (the benches
    measure every house and may import any)."""
    crossing = sorted(_worker_imports())
    assert not crossing, "import a contract or shared package instead:\n" + "\n".join(
        f"{path}: {module}" for path, module in crossing
    )


@cache
def _worker_imports() -> frozenset[tuple[str, str]]:
    """(file, module) for each import of a house that its HOUSE_RULES entry forbids."""
    found = set()
    for house, forbidden in HOUSE_RULES.items():
        for path in (REPO / house).rglob("*.py"):
            for ref in imported_modules(parse(path), [REPO]):
                if ref.top in forbidden:
                    found.add((path.relative_to(REPO).as_posix(), ref.name))
    return frozenset(found)


@pytest.mark.parametrize(
    "package",
    ["tryon_worker", "recommender", "vision", "contracts", "sizing", "transport", "synthetic"],
)
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
