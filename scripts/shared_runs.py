"""Runs of characters that a change's added lines share with the evaluation texts.

Rules, code, test rows and comments are written from scratch; a sentence taken from an evaluation
document, even with its names swapped, is copying and tunes the rules to what they are measured
on. This script finds the longest runs of Chinese characters (with the digits and punctuation
between them) that the lines a change adds share with any evaluation text: the styles set's raw
documents (`tests/fixtures/styles/raw/`) and, where present, the gold sets' raw documents
(`../shared/gold/*/raw/`). The styles documents and their gold are themselves left out of the
check (they are the texts).

    python scripts/shared_runs.py BASE            # added lines of `git diff BASE` (working tree)
    python scripts/shared_runs.py BASE --min 8    # report shorter runs too
    python scripts/shared_runs.py --all           # every line of every tracked file

Prints every added line holding a shared run of at least `--min` Chinese characters (file,
line, run, the text it is in), and every added line naming a project of the gold sets' answers
(a name of at least `--name-min` characters), then the longest run found. Exit status 1 if any run reaches
`--fail` characters (default: never), so a reviewer can use it as a check.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STYLES_RAW = ROOT / "tests" / "fixtures" / "styles" / "raw"
SHARED_GOLD = ROOT.parent / "shared" / "gold"
#: files that are evaluation texts or their gold, never checked against themselves
SKIPPED = ("tests/fixtures/styles/raw/", "tests/fixtures/styles/gold.jsonl")


def is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def cjk_count(run: str) -> int:
    return sum(is_cjk(c) for c in run)


def sources() -> dict[str, str]:
    """Every evaluation text, by a short name."""
    found: dict[str, str] = {}
    for path in sorted(STYLES_RAW.glob("*.txt")):
        found[f"styles/{path.name}"] = path.read_text(encoding="utf-8", errors="replace")
    for path in sorted(SHARED_GOLD.glob("*/raw/*")):
        if path.is_file():
            found[f"gold/{path.parent.parent.name}/{path.name}"] = path.read_text(
                encoding="utf-8", errors="replace")
    return found


def gold_names(least: int) -> set[str]:
    """Every project name (and other form) in the gold sets' answers, of `least` characters or more."""
    names: set[str] = set()
    for path in sorted(SHARED_GOLD.glob("*/gold.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for project in json.loads(line).get("projects", []):
                for name in (project.get("name"), project.get("alt")):
                    if isinstance(name, str) and cjk_count(name) >= least:
                        names.add(name)
    return names


def tracked_lines() -> list[tuple[str, int, str]]:
    """(file, line number, text) of every line of every tracked text file, outside the texts."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                           text=True).stdout.splitlines()
    lines: list[tuple[str, int, str]] = []
    for file in files:
        if file.startswith(SKIPPED):
            continue
        try:
            text = (ROOT / file).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        lines.extend((file, number, line) for number, line in enumerate(text.splitlines(), 1))
    return lines


def added_lines(base: str) -> list[tuple[str, int, str]]:
    """(file, line number, text) of every line `git diff base` adds, outside the texts."""
    diff = subprocess.run(["git", "diff", "-U0", base, "--"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout
    lines: list[tuple[str, int, str]] = []
    current, number = "", 0
    for line in diff.splitlines():
        if line.startswith("+++ "):
            current = line[6:] if line.startswith("+++ b/") else ""
        elif line.startswith("@@"):
            number = int(line.split("+")[1].split(",")[0].split(" ")[0])
        elif line.startswith("+") and current and not current.startswith(SKIPPED):
            lines.append((current, number, line[1:]))
            number += 1
    return lines


def longest_shared(line: str, corpus: str, grams: set[str], k: int) -> str:
    """The longest substring of `line` found in `corpus` that holds at least `k` characters
    and starts with a k-gram in `grams` (a quick filter: most lines share no k-gram)."""
    best = ""
    for start in range(len(line) - k + 1):
        if line[start:start + k] not in grams:
            continue
        end = start + max(k, len(best) + 1)
        while end <= len(line) and line[start:end] in corpus:
            best = line[start:end]
            end += 1
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="the commit the change starts from")
    parser.add_argument("--all", action="store_true", help="check every tracked file, not a change")
    parser.add_argument("--name-min", type=int, default=4,
                        help="report gold project names of at least this many Chinese characters")
    parser.add_argument("--min", type=int, default=10, help="report runs of at least this many Chinese characters")
    parser.add_argument("--fail", type=int, default=0, help="exit 1 if a run reaches this many (0: never)")
    args = parser.parse_args(argv)
    if bool(args.all) == bool(args.base):
        parser.error("give BASE or --all")
    texts = sources()
    names = sorted(gold_names(args.name_min), key=len, reverse=True)
    corpus = "\n\x00".join(texts.values())
    k = 6
    grams = {corpus[i:i + k] for i in range(len(corpus) - k + 1)}
    longest = ("", "", 0, "")
    named = 0
    for file, number, line in tracked_lines() if args.all else added_lines(args.base):
        for name in names:
            if name in line:
                print(f"{file}:{number}: gold project name {name!r}")
                named += 1
                break
        run = longest_shared(line, corpus, grams, k)
        count = cjk_count(run)
        if count >= args.min:
            where = next(name for name, text in texts.items() if run in text)
            print(f"{file}:{number}: {count} shared: {run!r} (in {where})")
        if count > cjk_count(longest[0]):
            longest = (run, file, number, line)
    print(f"{len(texts)} evaluation texts; longest shared run: {cjk_count(longest[0])} Chinese "
          f"characters {longest[0]!r} ({longest[1]}:{longest[2]}); lines naming a gold project: {named}")
    return 1 if (args.fail and cjk_count(longest[0]) >= args.fail) or (args.fail and named) else 0


if __name__ == "__main__":
    sys.exit(main())
