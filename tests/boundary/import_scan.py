"""What a Python file refers to by name, read from its syntax tree; nothing is imported or run.

The boundary tests judge the houses and the storefront's apps by these references, so that they
need no Django and see imports inside functions as well as at the top of a module.
"""

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Model fields whose first argument (or ``to=``) may name a model as "app_label.Model".
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
DYNAMIC_IMPORTS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Reference:
    """One name a file refers to: a dotted module, or an app label for a string model reference."""

    name: str
    line: int

    @property
    def top(self) -> str:
        """The top-level package (or app label) referred to."""
        return self.name.split(".")[0]


@cache
def parse(path: Path) -> ast.Module:
    """The syntax tree of the Python file at ``path`` (read once per test process)."""
    return ast.parse(path.read_text(), filename=str(path))


def imported_modules(tree: ast.Module, search_path: Sequence[Path] = ()) -> list[Reference]:
    """Every absolute import in ``tree``, at any depth, as the module it loads.

    ``from pkg import name`` counts as ``pkg.name`` where ``name`` is a module or package under
    one of ``search_path``, else as ``pkg``. ``importlib.import_module("x")`` and
    ``__import__("x")`` with a literal name count too. Relative imports stay inside their own
    package and are left out.
    """
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Reference(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [
                Reference(_from_import_module(node.module, alias.name, search_path), node.lineno)
                for alias in node.names
            ]
        elif isinstance(node, ast.Call) and _called_name(node) in DYNAMIC_IMPORTS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(Reference(first.value, node.lineno))
    return found


def model_references(tree: ast.Module) -> list[Reference]:
    """Every relation field in ``tree`` that names its model as a string "app_label.Model"."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node) in RELATION_FIELDS):
            continue
        targets = node.args[:1] + [k.value for k in node.keywords if k.arg == "to"]
        found += [
            Reference(target.value.split(".")[0], node.lineno)
            for target in targets
            if isinstance(target, ast.Constant)
            and isinstance(target.value, str)
            and "." in target.value
        ]
    return found


def _from_import_module(module: str, name: str, search_path: Sequence[Path]) -> str:
    candidate = f"{module}.{name}"
    parts = candidate.split(".")
    for root in search_path:
        path = root.joinpath(*parts)
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return candidate
    return module


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None
