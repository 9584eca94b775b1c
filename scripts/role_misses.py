"""Count the money-role errors by class, per gold set (aggregate only: no document, name or
text is printed, so train can be read without being tuned on).

    python scripts/role_misses.py [--gold ../shared/gold] [--sets dev train]
    python scripts/role_misses.py --sets dev --show     # each wrong role with its sentence (dev only)

Every money amount the scorer pairs with a gold amount that states a role (as `keyproj eval`
pairs them) is counted by gold role -> predicted role and by the mechanism that decided it
(`role_cue`: the cue word of rules/roles.yaml, or a rule's name such as threshold, list,
breakdown, region; "-" when nothing decided and the amount fell back to other). Wrong ones
are also counted by simple classes of their sentence read by rule words only: a band word
(以上/以下) at the amount, a plan word before it in its sentence, 其中/分别 before it, and
whether the amount's clause holds any cue of roles.yaml; which of a few listed plan, done,
source and investor words its sentence or clause holds (the word from the list, never the
text), a year word or a year dating an event, and the mechanism that decided the amount before
it in its sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch.run import plan_tasks, rows_for  # noqa: E402
from pipeline.extract import Pipeline  # noqa: E402
from pipeline.outputs.evaluate import _find, _match_mentions, load_gold, predictions_from_rows  # noqa: E402
from pipeline.rules.loader import load_rules  # noqa: E402
from pipeline.stages.region import gazetteer  # noqa: E402
from pipeline.stages.roles import role_cues  # noqa: E402
from pipeline.text.punctuation import CLAUSE_END  # noqa: E402

PLAN_WORDS = ("计划", "力争", "确保", "目标", "预计", "将", "拟")
BREAKDOWN_WORDS = ("其中", "分别", "包括")
BAND_WORDS = ("以上", "以下")
# more words of a sentence's kind, counted by the word (rule words, never the text around them)
PLAN_WORDS_MORE = ("计划", "力争", "确保", "争取", "目标", "任务", "预计", "将", "拟", "要", "年底", "明年", "下半年")
DONE_WORDS = ("已", "累计", "截至", "截止", "目前", "实际", "以来")
SOURCE_WORDS = ("中央", "省", "市", "县", "财政", "企业", "银行", "业主", "社会", "自筹", "债", "资金", "费")
AFTER_WORDS = ("以上", "以下", "左右", "的", "用于", "为", "，", "；", "。", "、", "和", "及", "（", "(", "\n")
SECTOR_WORDS = ("交通", "水利", "能源", "工业", "农业", "房地产", "基础设施", "民生", "技改", "制造业", "服务业",
                "固定资产", "产业", "文旅", "旅游", "教育", "卫生", "城建", "社会", "民间", "政府", "中央", "外商")
INVESTOR_WORDS = ("引进", "招商", "签约", "协议", "民间", "公司", "集团", "外商", "合同")


def _classes(text: str, row: dict[str, Any], cues: Any, gaz: Any, prev_cue: str | None = None) -> list[str]:
    """Classes of one amount's place, read by rule words only (no word of the text printed)."""
    start, end = int(row["start"]), int(row["end"])
    sentence = text[int(row["sentence_start"]):start]
    clause_start = max((sentence.rfind(c) for c in CLAUSE_END), default=-1) + 1
    clause = sentence[clause_start:]
    out = []
    if text[start:end].endswith(BAND_WORDS) or text[end:end + 2] in BAND_WORDS:
        out.append("band word")
    if any(w in sentence for w in PLAN_WORDS):
        out.append("plan word in sentence")
    if any(w in sentence for w in BREAKDOWN_WORDS):
        out.append("其中/分别 before")
    if cues.pattern.search(clause) is None:
        out.append("no cue in clause")
    if "\n" in text[int(row["sentence_start"]):start]:
        out.append("line break in sentence")
    item = cues.breakdown_item.search(clause.strip())
    if item is not None:
        out.append(f"clause ends in item word {item.group()}")
    marker = cues.breakdown.search(sentence)
    if marker is not None:
        out.append(f"breakdown marker {marker.group()}")
    plain = cues.plain
    holder = plain.holder_after.search(text, end, end + 24)
    if holder is not None:
        out.append("holder after (plain): " + ("的…facility" if holder.group().startswith("的") else holder.group())
                   + (" at once" if holder.start() == end else ""))
    if plain.holder_before.search(sentence):
        out.append("holder before in sentence")
    cue_at = sentence.rfind("投资")
    if cue_at > 0:
        head = regex.sub(r"(?:[0-9]{4}年|今年|去年|全年)$", "", sentence[:cue_at])
        if any(head.endswith(sf.text) for sf in gaz.by_prefix.get(head[-2:], ())
               ) or any(head.endswith(sf.text) for k in {head[-3:-1], head[-4:-2]} for sf in gaz.by_prefix.get(k, ())):
            out.append("gazetteer place right before 投资")
    for name, vocab, where in (("plan word", PLAN_WORDS_MORE, sentence), ("done word", DONE_WORDS, sentence),
                               ("source word in clause", SOURCE_WORDS, clause),
                               ("investor word in clause", INVESTOR_WORDS, clause)):
        for w in vocab:
            if w in where:
                out.append(f"{name}: {w}" + (" (in clause)" if where is sentence and w in clause else ""))
    if cues.year_words.search(sentence):
        out.append("year word in sentence" + (" (in clause)" if cues.year_words.search(clause) else ""))
    if any(cues.event_date.match(sentence, m.start()) for m in cues.year_words.finditer(sentence)):
        out.append("event date in sentence")
    after = text[end:end + 4]
    for w in AFTER_WORDS:
        if after.startswith(w):
            out.append(f"right after the amount: {w}")
            break
    if cue_at > 0:
        near = sentence[max(0, cue_at - 6):cue_at]
        for w in SECTOR_WORDS:
            if w in near:
                out.append(f"sector word just before 投资: {w}")
        for w in ("省", "市", "县", "区", "镇", "乡", "村"):
            if w in near:
                out.append(f"place level just before 投资: {w}")
    if prev_cue is not None:
        out.append(f"previous amount in sentence decided by {prev_cue}")
    words = [m.group() for m in cues.pattern.finditer(sentence, overlapped=True)]
    if words:
        roles = sorted({cues.tier[w][0].value for w in words})
        out.append("sentence cues of " + "+".join(roles))
    return out or ["none of these"]


def count(folder: Path, show: bool) -> None:
    rules = load_rules()
    cues = role_cues(rules)
    gaz = gazetteer(rules)
    pipeline = Pipeline(rules)
    docs: list[dict[str, Any]] = []
    quantities: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    for task in plan_tasks([folder / "raw"], 50 * 1024 * 1024):
        rows = rows_for(pipeline, task)
        docs += rows.get("documents", [])
        quantities += rows.get("quantities", [])
    paths = {str(d["doc_id"]): str(d["path"]) for d in docs}
    for doc_id, path in paths.items():
        texts[doc_id] = (folder / "raw" / path).read_bytes().decode("utf-8", errors="replace")
    by_start = {(str(q["doc_id"]), int(q["start"])): q for q in quantities
                if q.get("kind") == "money" and q.get("start") is not None}
    ids = {p: d for d, p in paths.items()}
    pred = predictions_from_rows(docs, quantities, [])
    confusion: Counter[tuple[str, str]] = Counter()
    by_cue: Counter[tuple[str, str, str]] = Counter()
    classes: Counter[tuple[str, str, str]] = Counter()
    right_by_cue: Counter[str] = Counter()
    total = 0
    for gold in load_gold(folder / "gold.jsonl"):
        found = _find(pred, gold.file)
        if found is None:
            continue
        doc_id = ids[found.file]
        pairs, _, _ = _match_mentions([m for m in gold.mentions if m.kind == "money"],
                                      [m for m in found.mentions if m.kind == "money"])
        for g, p in pairs:
            if g.role is None or p.start is None:
                continue
            total += 1
            row = by_start[doc_id, p.start]
            cue = str(row.get("role_cue") or "-")
            if g.role == p.role:
                right_by_cue[cue] += 1
                continue
            confusion[g.role, p.role or "-"] += 1
            by_cue[g.role, p.role or "-", cue] += 1
            # the amount before it in its sentence, by the mechanism that decided it
            prev = [r for r in quantities if str(r["doc_id"]) == doc_id and r.get("kind") == "money"
                    and r.get("start") is not None
                    and int(row["sentence_start"]) <= int(r["start"]) < int(row["start"])]
            prev_cue = str(max(prev, key=lambda r: int(r["start"])).get("role_cue") or "-") if prev else None
            for c in _classes(texts[doc_id], row, cues, gaz, prev_cue):
                classes[g.role, p.role or "-", c] += 1
            if show:
                text = texts[doc_id]
                s, e = int(row["sentence_start"]), int(row["sentence_end"])
                before, after = text[s:int(row["start"])], text[int(row["end"]):e]
                print(f"{g.role} -> {p.role} [{cue}]  {before}【{row['text']}】{after}")
    wrong = sum(confusion.values())
    print(f"\n## {folder.name}: {total - wrong} of {total} right, {wrong} wrong")
    for (g, p), n in confusion.most_common():
        print(f"  {g:22} -> {p:22} {n:3}")
        for (g2, p2, cue), m in by_cue.most_common():
            if (g2, p2) == (g, p):
                print(f"      decided by {cue:18} {m:3}   (right elsewhere by it: {right_by_cue[cue]})")
        for (g2, p2, c), m in classes.most_common():
            if (g2, p2) == (g, p):
                print(f"      class {c:24} {m:3}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--sets", nargs="+", default=["dev", "train"])
    parser.add_argument("--show", action="store_true", help="print each wrong amount's sentence (dev only)")
    args = parser.parse_args()
    if args.show and any(s != "dev" for s in args.sets):
        sys.exit("--show prints text: dev only (train is read in counts)")
    for name in args.sets:
        count(args.gold / name, args.show)


if __name__ == "__main__":
    main()
