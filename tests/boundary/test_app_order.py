"""The storefront's apps stand in one order, and each imports only apps below it (issue 14, item 3).

``APP_ORDER`` runs from the primitives up (docs/design/peers-refactor-plan.md, section 2.4), and
``INSTALLED_APPS`` lists the local apps in that order. Every ``platform/<app>/**/*.py``,
migrations included, is read as a syntax tree: imports at any depth and string model references
(``ForeignKey("tryon.TryOnJob")``) are edges from its app. ``config`` is the project and may
import anything. No import may run the wrong way: there is no allowlist (the last one
emptied with issue 14's Phase D), so the apps' graph has no cycle. A new need to reach
upward is met as the order intends: a signal the higher app receives, or the composing code
moving up (to ``lifecycle`` for flows, ``shop`` for pages, admin and commands). No Django
is needed: settings are read as a syntax tree too.
"""

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

from tests.boundary.import_scan import imported_modules, model_references, parse

REPO = Path(__file__).resolve().parents[2]
PLATFORM = REPO / "platform"
SETTINGS = PLATFORM / "config" / "settings"
PROJECT = "config"

APP_ORDER = [
    "core",
    "accounts",
    "privacy",
    "catalog",
    "shoppers",
    "recommendations",
    "tryon",
    "notifications",
    "webhooks",
    "lifecycle",
    "merchant_api",
    "shop",
]


def test_every_local_app_has_a_place_in_the_order() -> None:
    on_disk = {p.name for p in PLATFORM.iterdir() if (p / "__init__.py").is_file()}
    assert on_disk - {PROJECT} == set(APP_ORDER)


def test_installed_apps_list_the_local_apps_in_app_order() -> None:
    installed = [name.split(".")[0] for name in _installed_apps()]
    assert [name for name in installed if name in APP_ORDER] == APP_ORDER


def test_only_base_settings_define_installed_apps() -> None:
    # The order test reads base.py; an environment's settings changing the list would escape it.
    others = [
        f"{path.relative_to(REPO)}:{node.lineno}"
        for path in SETTINGS.glob("*.py")
        if path.name != "base.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Name) and node.id == "INSTALLED_APPS"
    ]
    assert not others


def test_apps_import_only_apps_below_them() -> None:
    wrong_way = _wrong_way_edges()
    assert not wrong_way, _described(wrong_way)


def _installed_apps() -> list[str]:
    tree = ast.parse((SETTINGS / "base.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "INSTALLED_APPS" for t in node.targets
        ):
            return [ast.literal_eval(item) for item in node.value.elts]
    raise AssertionError("config/settings/base.py assigns no INSTALLED_APPS list")


@cache
def _wrong_way_edges() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) -> "file:line" for each edge to an app higher in the order."""
    order = [*APP_ORDER, PROJECT]
    edges = defaultdict(list)
    for path in sorted(PLATFORM.rglob("*.py")):
        app = path.relative_to(PLATFORM).parts[0]
        if app not in APP_ORDER:
            continue
        tree = parse(path)
        # Only the top-level name matters here, so `from x import y` needs no resolving.
        references = imported_modules(tree) + model_references(tree)
        for ref in references:
            if ref.top in order and order.index(ref.top) > order.index(app):
                place = f"{path.relative_to(PLATFORM)}:{ref.line} {ref.name}"
                edges[app, ref.top].append(place)
    return dict(edges)


def _described(edges: dict[tuple[str, str], list[str]]) -> str:
    lines = ["imports of an app above the importer in APP_ORDER:"]
    for (importer, imported), places in sorted(edges.items()):
        lines.append(f"{importer} -> {imported}")
        lines += [f"    {place}" for place in places]
    return "\n".join(lines)
