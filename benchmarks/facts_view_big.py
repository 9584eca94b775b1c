"""The facts view on one huge document: CPU seconds of `keyproj query` (facts, sentences),
`keyproj export` (csv, xlsx) and `keyproj report` over the tables of one invented report of
MB megabytes (project paragraphs with amounts and states, one every EVERY bytes, invented
prose between them; no text of any real report).

    python benchmarks/facts_view_big.py --mb 12 --every 40000 --work /tmp/factsview

The run's tables are kept in WORK/out and reused when present (a run of 12 MB takes about
10 s). Pass --keyproj to time another installation's CLI (e.g. a checkout of main).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PLACES = ("东湖", "西岭", "南塘", "北坝", "青石", "白沙", "红星", "绿洲")
WORKS = ("污水处理厂", "综合管廊", "产业园标准厂房", "快速路", "体育中心", "物流园", "安置小区", "大桥")
PROSE = ("坚持稳中求进工作总基调，持续优化营商环境，推动各项工作取得新成效。",
         "各部门密切配合，强化要素保障，全力协调解决推进中的困难和问题。",
         "聚焦重点领域和关键环节，压实工作责任，加快形成更多实物工作量。",
         "深入开展服务企业活动，帮助企业纾困解难，提振市场主体发展信心。")


def invented_report(mb: float, every: int) -> str:
    """A report of about `mb` MB of UTF-8: a project paragraph, then `every` bytes of prose."""
    lines, size, i = ["某市重点项目建设情况汇报", ""], 0, 0
    while size < mb * 1024 * 1024:
        name = f"{PLACES[i % 8]}第{'一二三四五六七八九'[i % 9]}片区{WORKS[(i // 8) % 8]}项目"
        item = (f"{name}：总投资{i % 90 + 3}.5亿元，年度计划投资{i % 40 + 1}亿元，"
                f"1-10月完成投资{i % 30 + 0.5}亿元。目前主体工程已开工建设。")
        lines.append(item)
        size += len(item.encode()) + 1
        i += 1
        filler = 0
        while filler < every:
            prose = "".join(PROSE[(i + k) % 4] for k in range(4))
            lines.append(prose)
            filler += len(prose.encode()) + 1
        size += filler
    return "\n".join(lines) + "\n"


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], timeout: float) -> dict[str, object]:
    """CPU and wall seconds of `command` (its output discarded); finished False at the timeout."""
    cpu0, wall0 = child_cpu(), time.perf_counter()
    try:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=timeout)
        finished = True
    except subprocess.TimeoutExpired:
        finished = False
    return {"cpu_s": round(child_cpu() - cpu0, 2), "wall_s": round(time.perf_counter() - wall0, 2),
            "finished": finished}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=12)
    parser.add_argument("--every", type=int, default=40000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/factsview"))
    parser.add_argument("--keyproj", default=str(Path(sys.executable).with_name("keyproj")))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    k, out, results = args.keyproj, args.work / "out", args.work / "results"
    if not (out / "documents.parquet").is_file():
        (args.work / "in").mkdir(parents=True, exist_ok=True)
        (args.work / "in" / "big.txt").write_text(invented_report(args.mb, args.every), "utf-8")
        subprocess.run([k, "run", str(args.work / "in"), "--out", str(out)], check=True)
    results.mkdir(parents=True, exist_ok=True)
    commands = {
        "query_facts": [k, "query", str(out), "SELECT doc_id, start, fact, sentence FROM facts",
                        "--format", "csv", "--limit", "100000000"],
        "query_sentences": [k, "query", str(out), "SELECT * FROM sentences", "--format", "csv",
                            "--limit", "100000000"],
        "export_csv": [k, "export", str(out), "--to", "csv", "--out", str(results / "csv"), "-q"],
        "export_xlsx": [k, "export", str(out), "--to", "xlsx", "--out", str(results / "tables.xlsx"), "-q"],
        "report": [k, "report", str(out), "--html", str(results / "report.html")],
    }
    for name, command in commands.items():
        print(json.dumps({name: timed(command, args.timeout)}), flush=True)


if __name__ == "__main__":
    main()
