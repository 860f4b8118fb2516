"""What a SKU may be: the one rule the model, the admin form and the catalogue import apply.

A SKU names its garment's image files and its folder in the training export, so a path
separator, "..", a drive or stream colon, a character Windows refuses in file names or a
control character would write outside the folder or make a file nobody can open.
"""

from django.core.exceptions import ValidationError

# Path separators, the drive/stream colon and the rest of what Windows refuses in file names.
UNSAFE_SKU_CHARACTERS = frozenset('/\\:*?"<>|')
# The same rule as a regular expression for the database's check constraint (Python's `re` on
# SQLite, POSIX ARE on Postgres; NUL cannot be stored in either, so \x01 starts the range).
_SAFE_CHAR = r'[^/\\:*?"<>|\x01-\x1f\x7f]'
_SAFE_EDGE = r'[^./\\:*?"<>|\x01-\x1f\x7f]'
SKU_SAFE_PATTERN = rf"^{_SAFE_EDGE}({_SAFE_CHAR}*{_SAFE_EDGE})?$"


def sku_file_name_problem(sku: str) -> str | None:
    """Why ``sku`` is unsafe as part of a file name or ZIP member path, or None when it is safe."""
    bad = sorted({char for char in sku if char in UNSAFE_SKU_CHARACTERS})
    if bad:
        shown = " ".join(repr(char) for char in bad)
        return f"it contains {shown}; use letters, digits, '-', '_' or '.'."
    if not sku.isprintable():
        return "it contains a control character (tab, line break or similar)."
    if sku.startswith(".") or sku.endswith("."):
        # ".." and hidden files; Windows drops a trailing dot, so "A." and "A" would clash.
        return "it may not start with a dot or end with one."
    return None


def sku_validate(sku: str) -> None:
    """Field validator: raise ValidationError (code ``unsafe_sku``) saying what is wrong."""
    reason = sku_file_name_problem(sku)
    if reason:
        raise ValidationError(
            "This SKU cannot be used in a file name: %(reason)s",
            code="unsafe_sku",
            params={"reason": reason},
        )
