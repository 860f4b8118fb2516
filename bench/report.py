"""What every benchmark ends with: the machine it ran on, and its figures printed and saved."""

import json
import os
import platform
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine_info(**extra: Any) -> dict[str, Any]:
    """The machine and interpreter, plus any library versions the benchmark adds."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        **extra,
    }


def report_write(report: dict[str, Any], *, name: str, out: Path | None = None) -> Path:
    """Print the report as JSON and write it to bench/results/<name>.json (or ``out``)."""
    path = out or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2)
    path.write_text(text + "\n")
    print(text)
    print(f"written to {path}")
    return path
