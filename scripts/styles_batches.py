"""Gold folders of the styles set's batches, one per batch or group of batches, for `keyproj eval`.

The styles set (tests/fixtures/styles: gold.jsonl + raw/) holds every batch in one folder; a
batch's figures, and above all the honest ones of the batches held out of the models' fit, are
read from a folder of its own. This writes, under OUT, a folder per batch (`OUT/aa/`: its raw
files and its gold lines) and one per group named on the command line (`aa+ab` → `OUT/aa+ab/`,
the batches together):

    python scripts/styles_batches.py /tmp/sb ay+az aw+ax
    keyproj eval /tmp/sb/ay+az /tmp/sb/ay /tmp/sb/az      # the held-out batches, together and each

A batch is all the letters its file names open with (`train.styles_batch_of`: s01 → s, aa03 →
aa). OUT's batch folders are written anew; nothing else under OUT is touched. An unknown batch
in a group is a usage error (exit 2).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "tests" / "fixtures" / "styles"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))   # train.py, a script beside this one

from train import styles_batch_of as batch_of  # noqa: E402  (what a batch is: one definition)


def write_folder(dest: Path, styles: Path, lines: list[tuple[str, str]], batches: set[str]) -> int:
    """`dest` anew with the raw files and gold lines of `batches` (`lines`: each gold line with
    its file's name); how many documents."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "raw").mkdir(parents=True)
    kept = [(name, line) for name, line in lines if batch_of(name) in batches]
    for name, _ in kept:
        shutil.copy(styles / "raw" / name, dest / "raw" / name)
    (dest / "gold.jsonl").write_text("".join(line + "\n" for _, line in kept), encoding="utf-8")
    return len(kept)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write the batch folders under")
    parser.add_argument("groups", nargs="*", help="batches to put together, joined by + (aa+ab)")
    parser.add_argument("--styles", type=Path, default=STYLES, help="the styles set (gold.jsonl + raw/)")
    args = parser.parse_args(argv)
    text = (args.styles / "gold.jsonl").read_text(encoding="utf-8")
    lines = [(json.loads(line)["file"], line) for line in text.splitlines() if line.strip()]
    known = sorted({batch_of(name) for name, _ in lines})
    groups = {group: set(group.split("+")) for group in args.groups}
    unknown = sorted({b for members in groups.values() for b in members} - set(known))
    if unknown:
        parser.error(f"unknown styles batch {', '.join(unknown)} (known: {' '.join(known)})")
    for name, members in [(b, {b}) for b in known] + list(groups.items()):
        n = write_folder(args.out / name, args.styles, lines, members)
        print(f"{args.out / name}: {n} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
