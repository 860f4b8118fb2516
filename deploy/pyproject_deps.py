"""Print the requirement lines of pyproject.toml, one per line, for `pip install -r`.

Used by the Dockerfile so the dependency layers can be built (and cached) from
pyproject.toml + requirements.lock alone, before any application code is copied:

    python deploy/pyproject_deps.py            # [project].dependencies
    python deploy/pyproject_deps.py worker     # [project.optional-dependencies].worker

Extras that refer back to the project itself (``fittingroom[other]``) are expanded.
Standard library only (tomllib, Python >= 3.11).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(pyproject: Path, extras: list[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    own_name = _normalize(project.get("name", ""))
    optional = project.get("optional-dependencies", {})
    out: list[str] = []
    seen: set[str] = set()

    def add(reqs: list[str]) -> None:
        for req in reqs:
            match = _NAME_RE.match(req)
            if match and _normalize(match.group(1)) == own_name:
                for extra in filter(None, (e.strip() for e in (match.group(2) or "").split(","))):
                    add_extra(extra)
                continue
            if req not in out:
                out.append(req)

    def add_extra(extra: str) -> None:
        if extra in seen:
            return
        seen.add(extra)
        if extra not in optional:
            raise SystemExit(f"pyproject.toml has no optional-dependencies extra {extra!r}")
        add(optional[extra])

    if extras:
        for extra in extras:
            add_extra(extra)
    else:
        add(project.get("dependencies", []))
    return out


def main(argv: list[str]) -> int:
    path = Path("pyproject.toml")
    print("\n".join(requirements(path, argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
