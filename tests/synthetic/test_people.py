"""The procedural people and their data sets: the same seed makes the same data again.

The readers' side (VITON-HD and DressCode layouts read back pair by pair) is tested with the
GAN's data in tests/tryon_worker/test_gan_data.py; here, what the generator promises itself.
"""

import subprocess
import sys
from pathlib import Path

from synthetic.people import write_dress_code, write_viton_hd

REPO = Path(__file__).resolve().parents[2]
SIZE = (48, 64)


def _files(root: Path) -> dict[str, bytes]:
    # SYNTHETIC.md names the folder it was written to; everything else must match byte for byte.
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "SYNTHETIC.md"
    }


def test_the_same_seed_writes_the_same_data_and_another_seed_other_data(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write_viton_hd(tmp_path / name, 2, seed=seed, size=SIZE)
    first, again, other = (_files(tmp_path / name) for name in "abc")
    assert first == again
    assert first.keys() == other.keys() and first != other


def test_the_command_line_writes_a_set_and_names_itself_in_its_note(tmp_path: Path) -> None:
    out = tmp_path / "dc"
    completed = subprocess.run(
        [sys.executable, "-m", "synthetic.people", "--layout", "dress-code", "--out", str(out),
         "--count", "1", "--seed", "3", "--size", "48x64"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "wrote 3 samples" in completed.stdout
    assert len((out / "train_pairs.txt").read_text().splitlines()) == 3  # one per category
    note = (out / "SYNTHETIC.md").read_text()
    assert f"python -m synthetic.people --layout dress-code --out {out} --count 1" in note
    # The note's command makes the same data again.
    write_dress_code(tmp_path / "again", 1, seed=3, size=SIZE)
    assert _files(out) == _files(tmp_path / "again")
