"""Hostile documents at the level a user runs them: each shape is written as a file of about
10k, 100k and 1M characters, each file alone in a folder, and `keyproj run FOLDER --jobs 1`
is timed on it (wall seconds, and the CPU seconds of the processes the run waited for: the
workers' are mostly not among them, so read the wall time on a quiet machine); a run that
fails, times out or gives no `ok` row is printed as such. Growth from 100k to 1M is about 10
when the cost is linear. Every text is invented.

    .venv/bin/python benchmarks/hostile_cli.py --work /tmp/hcli [--sizes 10000 100000 1000000]
        [--shapes dunhao digits ...] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# 200 common characters with no punctuation, no digits and no unit, cycled with a stride so
# that no short period repeats
_ALPHABET = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也能下过子说产种面"
             "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
             "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
             "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果"
             "料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运")


def _cycle(n: int) -> str:
    return "".join(_ALPHABET[(i * 37) % len(_ALPHABET)] for i in range(n))


def _repeat(unit: str | Callable[[int], str]) -> Callable[[int], str]:
    """A text of about n characters made of units (a string, or the i-th unit)."""
    def make(n: int) -> str:
        if isinstance(unit, str):
            return unit * max(1, n // len(unit))
        parts, size, i = [], 0, 0
        while size < n:
            part = unit(i)
            parts.append(part)
            size += len(part)
            i += 1
        return "".join(parts)
    return make


def _nested(n: int) -> str:
    opens, closes = "（【《「(〔[{", "）】》」)〕]}"
    depth = max(1, (n - 20) // 2)
    return ("".join(opens[i % len(opens)] for i in range(depth)) + "城南路工程总投资3亿元"
            + "".join(closes[i % len(closes)] for i in reversed(range(depth))) + "。")


def _headings(i: int) -> str:
    return (f"一、（一）{i}.（{i}）①第一章 第一节 第一条 一是 1) a. ⑴ ㈠ 第{i}部分 "
            f"城南{i}号路工程\n")


def _controls(i: int) -> str:
    return f"城南{i}号路工程总投资{i % 9 + 1}亿元\x01已\x07开工\x1b[31m，\x0b\x0c"


def _nul_every(i: int) -> str:
    return f"城南{i}号路工程总投资{i % 9 + 1}亿元，已开工。\x00"


def _boms(i: int) -> str:
    return f"\ufeff城南{i}号路工程总投资{i % 9 + 1}亿元，已开工。\n"


# shape -> (text maker of about n characters, encoder to bytes)
Encoder = Callable[[str], bytes]
_UTF8: Encoder = str.encode


def _surrogates(text: str) -> bytes:
    # a lone surrogate written as UTF-8 would have it (CESU/WTF-8 junk): ED A0 80
    return text.encode().replace("。".encode(), b"\xed\xa0\x80\xe3\x80\x82")


def _mixed(text: str) -> bytes:
    half = len(text) // 2
    return text[:half].encode("utf-8") + text[half:].encode("gb18030")


def _gb_with_utf8(text: str) -> bytes:
    data = text.encode("gb18030")
    tail = "城北大道工程已竣工。".encode()
    return data[: len(data) // 2] + tail + data[len(data) // 2:]


_REPORT = _repeat(lambda i: f"城南{i}号路工程总投资{i % 9 + 1}.{i % 7}亿元，截至目前已开工建设，"
                            f"完成投资{i % 5 + 1}亿元。\n")

SHAPES: dict[str, tuple[Callable[[int], str], Encoder]] = {
    "plain report": (_REPORT, _UTF8),
    "no punctuation, one line": (_cycle, _UTF8),
    "dunhao": (_repeat("、"), _UTF8),
    "numbered dunhao": (_repeat(lambda i: f"{i}、"), _UTF8),
    "nested mixed brackets": (_nested, _UTF8),
    "a million digits": (lambda n: "总投资" + "7" * n + "万元", _UTF8),
    "dotted numbers": (_repeat("1.2.3.4.5万亿，"), _UTF8),
    "one dotted number": (lambda n: "总投资" + ".".join("1" * (n // 2)) + "万亿元", _UTF8),
    "stacked headings": (_repeat(_headings), _UTF8),
    "markdown table": (lambda n: "| 序号 | 项目 | 总投资 | 状态 |\n|---|---|---|---|\n" + _repeat(
        lambda i: f"| {i} | 城南{i}号路工程 | {i % 90 + 10}亿元 | 在建 |\n")(n), _UTF8),
    "tab table": (_repeat(lambda i: f"{i}\t城南{i}号路工程\t{i % 90 + 10}亿元\t在建\n"), _UTF8),
    "repeated suffixes": (lambda n: "城南" + "工程" * (n // 2), _UTF8),
    "suffixes and names": (_repeat("城南大道工程项目建设工程工程项目"), _UTF8),
    "status cue": (_repeat("已开工"), _UTF8),
    "status cue, commas": (_repeat("已开工，"), _UTF8),
    "project and cue": (lambda n: "城南大道工程" + "已开工，" * (n // 4) + "。", _UTF8),
    "control characters": (_repeat(_controls), _UTF8),
    "NUL every sentence": (_repeat(_nul_every), _UTF8),
    "lone surrogates": (_REPORT, _surrogates),
    "BOM every line": (_repeat(_boms), _UTF8),
    "UTF-8 then GB18030": (_REPORT, _mixed),
    "GB18030 with UTF-8 bytes": (_REPORT, _gb_with_utf8),
    "CR only": (lambda n: _REPORT(n).replace("\n", "\r"), _UTF8),
    "spaces": (_repeat(" "), _UTF8),
    "full-width spaces and lines": (_repeat("\u3000\n"), _UTF8),
    "percent signs": (_repeat("%"), _UTF8),
    "units without numbers": (_repeat("亿元万元公里平方米"), _UTF8),
    "numbers with units, no space": (_repeat(lambda i: f"{i}亿元{i}公里{i}%"), _UTF8),
    "chinese numerals": (_repeat("一二三四五六七八九十百千万亿"), _UTF8),
    "long english": (_repeat("lorem ipsum dolor sit amet "), _UTF8),
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(work: Path, name: str, size: int, jobs: int, budget: float) -> dict[str, object]:
    make, encode = SHAPES[name]
    slug = "".join(c if c.isalnum() else "_" for c in name)
    folder = work / f"{slug}-{size}" / "in"
    out = work / f"{slug}-{size}" / "out"
    shutil.rmtree(folder.parent, ignore_errors=True)
    folder.mkdir(parents=True)
    data = encode(make(size))
    (folder / "doc.txt").write_bytes(data)
    cpu, wall = _children_cpu(), time.monotonic()
    proc = subprocess.run([str(ROOT / ".venv/bin/keyproj"), "run", str(folder), "--out", str(out), "-q",
                           "--jobs", str(jobs), "--time-budget", str(budget)],
                          capture_output=True, text=True, timeout=budget * 3 + 120)
    wall = time.monotonic() - wall
    cpu = _children_cpu() - cpu
    row: dict[str, object] = {"shape": name, "chars": size, "bytes": len(data), "wall": round(wall, 2),
                              "cpu": round(cpu, 2), "exit": proc.returncode}
    try:
        import pyarrow.parquet as pq

        docs = pq.read_table(out / "documents.parquet", columns=["status", "error"]).to_pylist()
        row["status"] = docs[0]["status"]
        row["error"] = (docs[0]["error"] or "")[:80]
        row["quantities"] = pq.read_metadata(out / "quantities.parquet").num_rows
        row["projects"] = pq.read_metadata(out / "projects.parquet").num_rows
    except Exception as exc:  # noqa: BLE001  (a report line, whatever went wrong)
        row["status"] = f"no tables: {exc}"[:80]
        row["stderr"] = proc.stderr[-300:]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--shapes", nargs="*", help="only shapes starting with these words")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--time-budget", type=float, default=300.0)
    parser.add_argument("--json", action="store_true", help="one JSON line per run")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.json:
        print("| shape | chars | wall s | CPU s | exit | status | quantities | projects |\n"
              "|---|---|---|---|---|---|---|---|", flush=True)
    for name in SHAPES:
        if args.shapes and not any(name.startswith(w) for w in args.shapes):
            continue
        for size in args.sizes:
            row = run_one(args.work, name, size, args.jobs, args.time_budget)
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                print(f"| {name} | {size} | {row['wall']} | {row['cpu']} | {row['exit']} | "
                      f"{row['status']} {row.get('error', '')} | {row.get('quantities', '')} | "
                      f"{row.get('projects', '')} |", flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
