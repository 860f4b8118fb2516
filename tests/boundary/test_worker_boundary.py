"""The houses keep to their own code (issue 14, items 2 and 5).

tryon_worker/, recommender/, vision/ and contracts/ never import Django or the storefront's
apps, and contracts/ imports nothing but the standard library and ``cryptography``. The
storefront, the recommender and the benches import from the try-on worker (and the storefront
and benches from the recommender) only the modules listed in ``ALLOWED_WORKER_IMPORTS``: today's
imports, each with the step of docs/design/peers-refactor-plan.md that removes it. The list only
shrinks: an entry that no longer matches an import fails a test.
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
    "bench": ("tryon_worker", "recommender"),
}
# (file, module) for each import that crosses those lines today (line numbers drift, so none).
# Modules are exact: `from tryon_worker import sealing` counts as tryon_worker.sealing.
ALLOWED_WORKER_IMPORTS = {
    # The storefront.
    # The recommender.
    # The benches. Those marked "kept" measure the house's own code and no plan step removes
    # them (section 2.1 says benches import nothing from either house; section 2.7 draws them
    # above both); F2 renames the tryon_worker.{data,models} ones to tryon_worker.gan.*.
    ("bench/recommender_quality.py", "recommender.service"),  # kept
    ("bench/recommender_speed.py", "recommender.index"),  # kept
    ("bench/recommender_speed.py", "recommender.style"),  # kept
    ("bench/shading_eval.py", "tryon_worker.data.shaded_fabric"),  # kept (F2 renames)
    ("bench/shading_eval.py", "tryon_worker.renderers.fold_shading"),  # kept
    ("bench/tryon_pipeline.py", "tryon_worker.pipeline"),  # kept
    ("bench/tryon_pipeline.py", "tryon_worker.renderers.registry"),  # kept
    ("bench/tryon_quality.py", "tryon_worker.data.inputs"),  # kept (F2 renames)
    ("bench/tryon_quality.py", "tryon_worker.data.person_photos"),  # kept (F2 renames)
    ("bench/tryon_quality.py", "tryon_worker.data.synthetic"),  # C5: to synthetic/people.py
    ("bench/tryon_quality.py", "tryon_worker.data.viton_hd"),  # kept (F2 renames)
    ("bench/tryon_quality.py", "tryon_worker.garment"),  # kept
    ("bench/tryon_quality.py", "tryon_worker.pipeline"),  # kept
    ("bench/tryon_quality.py", "tryon_worker.renderers.gan"),  # kept
    ("bench/tryon_quality.py", "tryon_worker.renderers.registry"),  # kept
    ("bench/tryon_speed.py", "tryon_worker.data.conditioning"),  # kept (F2 renames)
    ("bench/tryon_speed.py", "tryon_worker.models.checkpoint"),  # kept (F2 renames)
    ("bench/tryon_speed.py", "tryon_worker.models.tryon_gan"),  # kept (F2 renames)
    ("bench/tryon_speed.py", "tryon_worker.renderers.gan"),  # kept
}
STOREFRONT_PACKAGES = {p.name for p in (REPO / "platform").iterdir() if p.is_dir()} | {
    "django",
    "rest_framework",
}


@pytest.mark.parametrize(
    "package", ["tryon_worker", "recommender", "vision", "contracts", "sizing", "transport"]
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
    unexpected = sorted(_worker_imports() - ALLOWED_WORKER_IMPORTS)
    assert not unexpected, "import a contract or shared package instead:\n" + "\n".join(
        f"{path}: {module}" for path, module in unexpected
    )


def test_every_allowed_worker_import_still_exists() -> None:
    # Delete an entry once its step has removed the import, so that nothing can bring it back.
    assert not sorted(ALLOWED_WORKER_IMPORTS - _worker_imports())


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
    "package", ["tryon_worker", "recommender", "vision", "contracts", "sizing", "transport"]
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
