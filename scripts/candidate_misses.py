"""Gold projects the rules never propose, counted by structure (issue 13): where to raise
the candidates' recall ceiling.

    python scripts/candidate_misses.py [--gold ../shared/gold] [--sets dev train] [--show dev]

Every document of the sets is extracted with the project model off (every candidate the
rules make is kept, as `scripts/train.py` collects them) and matched to the gold as
`keyproj eval` matches (relaxed). A gold project no candidate matches is a miss; each miss
is found in the text (its name or an alt, line breaks and spaces allowed between its
characters) and counted under every class its occurrence falls in:

- where it is: not found in the text; spans a line break; in a traditional-script document;
- what it is: no facility suffix (`NameJudge.has_suffix`); rejected by the name judge;
- its surroundings: on a line of its own or opening a numbered line (ledger, table,
  heading); a list item (、/及/和/与 next to it), with a sibling of the same list proposed
  or none; inside or overlapping a candidate (a boundary error) or overlapping none;
  after a verb or an organisation; in brackets or quotes;
- a boundary error's edges (`edge_kinds`): which side of the candidate is wrong (it starts
  early or late, ends early or runs on) and by what kind of text (a place or an owner before
  the name, a verb or programme word, a phase, bracket or 建设/项目 after it, a list mark, a
  company's name, a status or plan word …).

Only counts are printed, per set. `--show SET` also lists that set's misses with their
classes; use it for dev (the set the rules are tuned on), never to copy a train miss's words.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.outputs.evaluate import GoldDoc, _match_projects, load_gold
from pipeline.outputs.evaluate import Project as EvalProject
from pipeline.rules.loader import load_rules
from pipeline.stages.names import NameJudge
from pipeline.text.normalise import _opencc_characters

_LIST_MARKS = ("、", "及", "和", "与", "，")
_ORGANISATION_END = regex.compile(r"(?:公司|集团|局|委|政府|厂|办|中心|银行)$")
_ORDINAL_LINE = regex.compile(r"^[ \t\u3000]*(?:[(（][0-9一二三四五六七八九十]{1,3}[)）]|[0-9]{1,3}[.、．\s]|"
                              r"[一二三四五六七八九十]{1,3}[、.．]|[①-⑳])")
# what may stand between a name's characters in the text: a line break, spaces, punctuation, a gloss
_BETWEEN = r"(?:[\s\p{P}]|\([a-z\u00e0-\u024f\u0300-\u036f]+[1-5]?\))*"
_OPENERS, _CLOSERS = "（(“《「【‘\"", "）)”》」】’\""


@dataclass(frozen=True)
class Miss:
    set_name: str
    file: str
    name: str
    classes: tuple[str, ...]


def simplified(text: str) -> str:
    """`text` with traditional characters simplified one for one (offsets kept)."""
    return text.translate(_opencc_characters())


def occurrence(text: str, names: Iterable[str]) -> tuple[int, int] | None:
    """The first span of `text` that reads as one of `names` in either script, with white
    space (a line break inside a name), punctuation or an inline pinyin gloss allowed
    between characters; None when there is none."""
    folded = simplified(text)
    for name in names:
        chars = [c for c in simplified(name) if not (c.isspace() or regex.match(r"\p{P}", c))]
        if not chars:
            continue
        found = regex.search(_BETWEEN.join(regex.escape(c) for c in chars), folded)
        if found:
            return found.span()
    return None


def classify(text: str, gold: EvalProject, candidates: Sequence[tuple[int, int, str]],
             proposed: Sequence[tuple[int, int]], judge: NameJudge) -> tuple[str, ...]:
    """The structural classes of one missed gold project in `text` (see the module doc).
    `candidates`: spans and rule ids of every candidate mention; `proposed`: the spans of
    matched ones."""
    names = [gold.name, *gold.alt]
    span = occurrence(text, names)
    if span is None:
        return ("not found in text",)
    s, e = span
    written = "".join(text[s:e].split())
    classes = []
    if "\n" in text[s:e]:
        classes.append("spans a line break")
    elif regex.search(r"[ \t\u3000]", text[s:e]):
        classes.append("a space inside")
    classes.append("has a suffix" if judge.has_suffix(written) else "no suffix")
    why = judge.rejection(written)
    if why is not None:
        classes.extend(("rejected by the name judge", f"rejected: {why}"))
        classes.extend(f"rejected: {why}: {detail}" for detail in rejection_detail(judge, written, why))
    line_start = text.rfind("\n", 0, s) + 1
    line_end = text.find("\n", e)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    before_on_line = text[line_start:s]
    if _ORDINAL_LINE.match(line) and len(_ORDINAL_LINE.sub("", before_on_line).strip()) == 0:
        classes.append("opens a numbered line (ledger/table)")
    elif len(line.strip()) <= len(written) + 4:
        classes.append("a line of its own (heading)")
    before = text[max(0, s - 1):s]
    after = text[e:e + 1]
    if before in _LIST_MARKS[:4] or after in _LIST_MARKS[:4] or (after == "等"):
        sentence_start = max(text.rfind(m, 0, s) for m in "。；\n") + 1
        sentence_end = min((i for i in (text.find(m, e) for m in "。；\n") if i >= 0), default=len(text))
        siblings = any(sentence_start <= a and b <= sentence_end for a, b in proposed)
        classes.append("list item, a sibling proposed" if siblings else "list item, no sibling proposed")
        classes.append(f"list item: {_list_close(text, e, sentence_end)}")
    overlapping = [(a, b, rule) for a, b, rule in candidates if a < e and s < b]
    if not overlapping:
        classes.append("overlaps no candidate")
    elif any(a <= s and e <= b for a, b, _ in overlapping):
        classes.append("inside a longer candidate (boundary)")
    else:
        classes.append("overlaps a candidate partly (boundary)")
    if overlapping:
        a, b, _ = max(overlapping, key=lambda c: min(c[1], e) - max(c[0], s))
        classes.extend(f"edge {k}" for k in edge_kinds(text, (s, e), (a, b), judge))
    for a, b, rule in overlapping[:1]:
        cut = ("candidate cut short at its end" if a <= s and b < e else
               "candidate starts late" if s < a and e <= b else
               "candidate runs on past the end" if a <= s and e < b else
               "candidate starts early" if a < s and b <= e else "candidate shifted")
        classes.append(f"{cut} ({rule})")
    preceding = judge.tags(text[max(line_start, s - 6):s]) if s > line_start else ()
    if preceding and preceding[-1][1].startswith("v"):
        classes.append("follows a verb")
    if _ORGANISATION_END.search(text[max(0, s - 8):s]):
        classes.append("follows an organisation")
    if before in _OPENERS or (after in _CLOSERS and after != "\""):
        classes.append("in brackets or quotes")
    return tuple(classes)


_COUNT_AFTER = regex.compile(r"(?<=\p{Han})[0-9一二两三四五六七八九十]+[个座项条处家所宗批]")
_CLOSE_AFTER_ETC = regex.compile(r"等[0-9一二两三四五六七八九十几多]*[个座项条处家所宗批]?")


def _list_close(text: str, end: int, sentence_end: int) -> str:
    """What closes the list a missed item stands in: 等 and a class of projects (…项目/工程),
    等 and another class, a count in an item, or nothing before its clause ends."""
    clause_end = min((i for i in (text.find(m, end, sentence_end) for m in "，,：:") if i >= 0),
                     default=sentence_end)
    piece = text[end:clause_end]
    etc = piece.find("等")
    if etc >= 0:
        after = _CLOSE_AFTER_ETC.sub("", piece[etc:], count=1)[:8]
        return "closed by 等 + a class of projects" if regex.match(r"[^，。；、]{0,6}?(?:项目|工程)", after) \
            else "closed by 等 + another class"
    if _COUNT_AFTER.search(text, end, clause_end):
        return "closed by a count"
    return "not closed (no 等, no count)"


_PHASE_TEXT = regex.compile(r"^第?[一二三四五六七八九十0-9]{1,2}期")
_BRACKET_TEXT = regex.compile(r"[(（)）]")
_ENDINGS = ("项目", "工程", "建设", "建设项目", "建设工程", "工程项目", "项目建设", "工程建设")
_COMPANY = regex.compile(r"(?:公司|集团|有限|股份|局|委|政府|指挥部)")
_AMOUNT = regex.compile(r"[0-9一二三四五六七八九十百千万亿]+(?:\.[0-9]+)?"
                        r"(?:亿元|万元|元|公里|千米|米|亩|万?千瓦|千伏|吨|个|座|条|家|所|平方米)")
_LIST_TEXT = regex.compile(r"[、，,；;和及与等]")
_ORDINAL_TEXT = regex.compile(r"^[(（]?[0-9一二三四五六七八九十]{1,3}[)）.、．]|^[①-⑳]")


_RULES = load_rules()
_FRAMING = frozenset(_RULES.projects.left_boundaries)
_PLACE_ENDS = tuple(_RULES.projects.whole_place_ends)


def piece_kind(piece: str, judge: NameJudge, before: bool) -> str:
    """What kind of text `piece` is: the text between a gold name's edge and a candidate's
    (`before`: at the name's start, else at its end)."""
    piece = "".join(piece.split())
    if not piece:
        return "white space"
    if _ORDINAL_TEXT.search(piece):
        return "ordinal or list number"
    if _BRACKET_TEXT.search(piece):
        return "bracket"
    if regex.search(r"[“”\"《》「」]", piece):
        return "quote"
    if not before:
        if _PHASE_TEXT.search(piece):
            return "phase (一期/二期)"
        if piece in _ENDINGS:
            return "建设/项目/工程 ending"
    if (mark := _LIST_TEXT.search(piece)) is not None:
        return f"list mark {mark.group()}"
    if _AMOUNT.search(piece):
        return "amount or count"
    if _COMPANY.search(piece):
        return "company or owner"
    tags = judge.tags(piece)
    flags = [flag for _, flag in tags]
    if (flags and all(f.startswith("ns") for f in flags)) or (len(piece) <= 8 and piece.endswith(_PLACE_ENDS)):
        return "a place"
    edge_word, edge_flag = tags[-1 if before else 0] if tags else ("", "")
    if edge_flag.startswith("v") or edge_flag in ("d", "p"):
        which = ("a framing word" if edge_word in _FRAMING else "a verb names use" if edge_word in judge.name_verbs
                 else "a verb of the judge's narrative" if judge.is_narrative(edge_word, edge_flag) else "a short verb")
        return f"{'verb or programme word' if before else 'verb or status word'} ({which})"
    if flags and flags[0 if before else -1].startswith("ns"):
        return "a place and more"
    if any(f in judge.proper_pos for f in flags):
        return "proper name"
    if not before and piece.startswith(_ENDINGS):
        return "建设/项目/工程 and more"
    if judge.suffix_any.search(piece):
        return f"words with a facility suffix (another name's part; first word /{edge_flag[:1]})"
    if flags and all(f.startswith("n") for f in flags):
        return "common nouns"
    return "other words"


def _sides(name: str, judge: NameJudge) -> str:
    """Of a gold name with a list mark inside: whether the text on each side of its first
    mark has a suffix of its own (a name on each side) or not (a bare side)."""
    mark = _LIST_TEXT.search(name)
    if mark is None:
        return "no mark inside the gold name"
    left, right = name[:mark.start()], name[mark.end():]
    return (f"left {'suffixed' if judge.has_suffix(left) else 'bare'}, "
            f"right {'suffixed' if judge.has_suffix(right) else 'bare'}"
            f"{', right opens with a verb' if (t := judge.tags(right)) and t[0][1].startswith('v') else ''}"
            f"{', a capacity on each side' if _CAPACITY.search(left) and _CAPACITY.search(right) else ''}"
            f"{', a place opens each side' if all(_opens_with_place(x, judge) for x in (left, right)) else ''}"
            f"{', only the left is proper' if judge.proper(left) and not judge.proper(right) else ''}"
            f"{', the left is one word' if len(judge.tags(left)) == 1 else ''}")


_CAPACITY = regex.compile(r"年产|[0-9一二两三四五六七八九十百千万.]+(?:万|亿)?"
                          r"(?:吨|千瓦|瓦|W|GW|MW|套|台|件|立方米|平方米|张|辆|头|只)")


def _opens_with_place(side: str, judge: NameJudge) -> bool:
    """`side` opens with a place word (jieba's ns)."""
    tags = judge.tags(side)
    return bool(tags) and tags[0][1].startswith("ns")


def edge_kinds(text: str, gold: tuple[int, int], cand: tuple[int, int], judge: NameJudge) -> tuple[str, ...]:
    """Which edges of candidate span `cand` differ from gold span `gold`, each with the kind
    of text between them: 'start early: a place' (the candidate takes in text before the
    name), 'start late: …' (it leaves out the name's first part), 'end short: …', 'end runs
    on: …'."""
    (s, e), (a, b) = gold, cand
    out = []
    if a < s:
        out.append(f"start early: {piece_kind(text[a:s], judge, True)}")
    elif a > s:
        out.append(f"start late: {piece_kind(text[s:a], judge, True)}")
    if b < e:
        out.append(f"end short: {piece_kind(text[b:e], judge, False)}")
    elif b > e:
        out.append(f"end runs on: {piece_kind(text[e:b], judge, False)}")
    out = [f"{kind} ({_sides(text[s:e], judge)})" if "list mark" in kind else kind for kind in out]
    return tuple(out)

def rejection_detail(judge: NameJudge, name: str, why: str) -> tuple[str, ...]:
    """Finer classes of a judge's rejection (aggregate counts only): for a narrative verb,
    how the name starts, where the verb stands and whether an adverb or a suffix is there;
    for a list, which mark."""
    tags = judge.tags(judge.core(name))
    if why == "narrative verb":
        first = tags[0][1]
        start = ("starts proper" if first in judge.proper_pos else
                 "starts unknown (single characters)" if judge.unknown_start(tags) else
                 "starts with a verb" if first.startswith("v") else
                 "starts with a common noun" if first.startswith("n") else f"starts with {first}")
        verbs = [i for i, (word, flag) in enumerate(tags) if judge.is_narrative(word, flag)]
        where = ("verb first" if verbs[0] == 0 else
                 "verb last" if verbs[-1] == len(tags) - 1 else "verb inside")
        adverb = any(flag in ("d", "ad", "vd") and len(word) > 1 for word, flag in tags)
        shape = ", ".join((start, "has a suffix" if judge.has_suffix(name) else "no suffix",
                           "an adverb in it" if adverb else "no adverb"))
        return (shape, where, f"{len(verbs)} narrative word(s)")
    if why == "list or unbalanced brackets":
        return ("、 inside" if "、" in name else "unbalanced brackets or quotes",)
    return ()


def misses_of(set_name: str, docs: Sequence[GoldDoc], raw: Path, pipeline: Pipeline) -> tuple[list[Miss], int]:
    """The never-proposed gold projects of one set, and its number of gold projects."""
    out = []
    total = 0
    for gold in docs:
        total += len(gold.projects)
        source = read_document(raw / gold.file, gold.file)
        if source.status != "ok":
            out.extend(Miss(set_name, gold.file, g.name, ("document unreadable",)) for g in gold.projects)
            continue
        ex = pipeline(source.doc_id, source.text)
        preds = tuple(EvalProject(p.name, None) for p in ex.projects)
        _, pairs, missed, _ = _match_projects(gold.projects, preds)
        matched_keys = {p.name for _, p in pairs}
        spans = [(m.start, m.end, m.rule_id) for m in ex.mentions]
        proposed = [(m.start, m.end) for m in ex.mentions
                    if any(p.name in matched_keys and p.key == m.key for p in ex.projects)]
        text = ex.doc.norm
        # the text is simplified by `normalise`: the script is the document's
        changed = sum(a != b for a, b in zip(simplified(source.text), source.text, strict=True))
        script = ("traditional-script document",) if changed > len(source.text) / 100 else ()
        for g in missed:
            classes = classify(text, g, spans, proposed, pipeline.projects.judge) + script
            out.append(Miss(set_name, gold.file, g.name, classes))
    return out, total


#: the first of these a miss has is its main class (one per miss, so they add up)
_MAIN = ("document unreadable", "not found in text", "inside a longer candidate (boundary)",
         "overlaps a candidate partly (boundary)", "rejected by the name judge",
         "list item, a sibling proposed", "list item, no sibling proposed",
         "opens a numbered line (ledger/table)", "a line of its own (heading)", "has a suffix", "no suffix")


def main_class(classes: Sequence[str]) -> str:
    return next(c for c in _MAIN if c in classes)


def report(set_name: str, misses: Sequence[Miss], total: int) -> list[str]:
    lines = [f"{set_name}: {len(misses)} of {total} gold projects never proposed "
             f"(candidate recall ceiling {1 - len(misses) / total:.3f})" if total else f"{set_name}: no gold"]
    main = Counter(main_class(m.classes) for m in misses)
    lines.append("  main class (each miss once):")
    lines += [f"  {main[cls]:4d}  {cls}" for cls in _MAIN if main[cls]]
    lines.append("  every class a miss falls in:")
    lines += [f"  {n:4d}  {cls}" for cls, n in Counter(c for m in misses for c in m.classes
                                                         if not c.startswith("edge ")).most_common()]
    edges = Counter(c for m in misses for c in m.classes if c.startswith("edge "))
    lines.append("  boundary misses by edge (which side of the nearest candidate is wrong, and by what text):")
    lines += [f"  {n:4d}  {cls[5:]}" for cls, n in sorted(edges.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--sets", nargs="+", default=["dev", "train"])
    parser.add_argument("--show", default=None, help="list this set's misses with their classes (dev)")
    args = parser.parse_args(argv)
    pipeline = Pipeline(weigh_projects=False, rank_statuses=False)
    for set_name in args.sets:
        folder = args.gold / set_name
        docs = sorted(load_gold(folder / "gold.jsonl"), key=lambda g: g.file)
        misses, total = misses_of(set_name, docs, folder / "raw", pipeline)
        print("\n".join(report(set_name, misses, total)))
        if args.show == set_name:
            for m in misses:
                print(f"    {m.file}  {m.name}  [{'; '.join(m.classes)}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
