"""Rewrite `from OLD import ...` statements when a module (or some of its names) moves.

    .venv/bin/python docs/design/rewrite_imports.py OLD NEW [NAME ...] -- PATH ...

Without NAMEs every `from OLD import x` becomes `from NEW import x`, `import OLD` becomes
`import NEW`, and dotted uses `OLD.attr` in the same file become `NEW.attr`. With NAMEs only
those names move (an import statement naming others is split in two). Relative imports are
left alone (report them). Afterwards run:
ruff check --fix --select I <files> && ruff format <files>.
"""

import ast
import re
import sys
from pathlib import Path


def rewrite(path: Path, old: str, new: str, names: set[str]) -> bool:
    text = path.read_text()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    lines = text.splitlines(keepends=True)
    edits = []  # (start, end, replacement) on 0-based line indexes, end exclusive
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == old:
            indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)
            moving = [a for a in node.names if not names or a.name in names]
            staying = [a for a in node.names if names and a.name not in names]
            if not moving:
                continue

            def stmt(module: str, aliases: list, indent: str = indent) -> str:
                parts = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in aliases)
                return f"{indent}from {module} import {parts}\n"

            out = (stmt(old, staying) if staying else "") + stmt(new, moving)
            edits.append((node.lineno - 1, node.end_lineno, out))
        elif isinstance(node, ast.Import) and not names:
            for alias in node.names:
                if alias.name == old or alias.name.startswith(old + "."):
                    line = lines[node.lineno - 1]
                    edits.append(
                        (node.lineno - 1, node.lineno, re.sub(rf"\b{re.escape(old)}\b", new, line))
                    )
    if not edits and (names or old not in text):
        return False
    for start, end, out in sorted(edits, reverse=True):
        lines[start:end] = [out]
    result = "".join(lines)
    if not names:  # dotted uses: privacy.services.X, "tryon_worker.messages" in strings
        result = re.sub(rf"(?<![\w.]){re.escape(old)}(?=\.|\b)", new, result)
    if result != text:
        path.write_text(result)
        return True
    return False


def main() -> None:
    args = sys.argv[1:]
    split = args.index("--")
    old, new, *names = args[:split]
    changed = []
    for root in args[split + 1 :]:
        for path in [Path(root)] if root.endswith(".py") else Path(root).rglob("*.py"):
            if rewrite(path, old, new, set(names)):
                changed.append(str(path))
    print("\n".join(changed))


if __name__ == "__main__":
    main()
