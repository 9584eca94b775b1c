"""Count the status errors by class, per gold set (aggregate only: no document, name or text
is printed, so train can be read without being tuned on).

    python scripts/status_misses.py [--gold ../shared/gold] [--sets dev train]
    python scripts/status_misses.py --sets dev --show     # each wrong decision with its text (dev only)

For every project the scorer matches to a gold project whose decided status (the shipped
status model over the rules' candidates, as `keyproj eval` scores it) is wrong, it counts:

- whether the gold state is among the project's candidates (`status_model.project_candidates`),
  and if not, why: no cue linked to the project at all, or cues linked but of other states;
- where the nearest cue of the gold state stands from the project's nearest mention (its own
  clause, another clause of its sentence, the sentence before or after, a heading over it,
  the document's title, elsewhere in its section or document, nowhere): what a candidate
  that contains the gold state would have to reach;
- for the rows it decided from: the cue before or after the project, in its own clause or a
  neighbour (the link kind), the candidate's source;
- how the project is written: in an enumeration (甲、乙), alone on its line (a numbered or
  ledger line), or inside running text;
- whether the deciding cue is read as a state reached though a plan word stands earlier in its
  sentence (今年计划…, 目标是…), and the same for every decision, right or wrong;
- for a gold state ranked below: how the winner and the gold state's candidates were linked,
  whether the winner binds (the rules' own cue, `Candidate.binding`) and the rules chose
  another of the project's own rows, and the winner's marks (plan word, mark of the past,
  a later strong cue, another subject); every decision by its winner's link kind, binding and
  marks, right or wrong (where binding a kind earns its binding);
- for a decision by a binding cue, and for one whose gold state has no candidate: the deciding
  cue by link kind, cue rule and plan (a plan, a plan word before it), and decided -> gold; for
  the latter also each row linked to the project, by the same classes.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.outputs.evaluate import Project as EvalProject
from pipeline.outputs.evaluate import _match_projects, load_gold
from pipeline.stages.status_model import Candidate, decide_statuses, link_kind, project_candidates
from pipeline.text.layout import Enumerations, Layout
from pipeline.types import Project, Section, Status, StatusMention


def cue_place(layout: Layout, sections: Sequence[Section], pos: int, cue: StatusMention) -> str:
    """Where `cue` stands from the project mention at `pos`."""
    if layout.segment_of(cue.start) == 0 and layout.segment_of(pos) != 0:
        return "title"
    section = layout.section_at(pos)
    current: Section | None = section
    while current is not None and current.section_id != 0:
        if current.title_start <= cue.start and cue.end <= current.title_end:
            return "heading over it"
        current = layout.enclosing(current)
    seg, cue_seg = layout.segment_of(pos), layout.segment_of(cue.start)
    if seg == cue_seg:
        same_clause = layout.clause_start(pos) == layout.clause_start(cue.start)
        side = "after" if cue.start > pos else "before"
        return f"own clause, {side}" if same_clause else f"own sentence, other clause {side}"
    if cue_seg == seg - 1:
        return "sentence before"
    if cue_seg == seg + 1:
        return "sentence after"
    if section.section_id != 0 and section.start <= cue.start < section.end:
        return "elsewhere in its section"
    return "elsewhere in the document"


def written_as(layout: Layout, enumerations: Enumerations, pos: int) -> str:
    """In an enumeration, alone on its line, or in running text."""
    for g in enumerations.groups:
        if any(m.start == pos for m in g.mentions):
            if len(g.mentions) > 1:
                return "enumeration"
            break
    line_start = layout.text.rfind("\n", 0, pos) + 1
    line_end = layout.text.find("\n", pos)
    line = layout.text[line_start:line_end if line_end >= 0 else len(layout.text)]
    return "own short line" if len(line) <= 60 else "running text"


def classify(project: Project, decided: Project, gold_status: str, options: list[Candidate],
             layout: Layout, sections: Sequence[Section], cues: Sequence[StatusMention], mentions: Sequence[int],
             enumerations: Enumerations) -> list[str]:
    """The classes of one wrong decision (several per error: each is counted on its own)."""
    first = min(mentions)
    out = [f"written as: {written_as(layout, enumerations, first)}"]
    states = {c.status.value for c in options}
    linked = [c for c in options if c.row is not None]
    among = gold_status in states
    if not among:
        why = "no cue linked at all" if not linked else "cues linked, of other states"
        out.append(f"candidates: gold NOT among them, {why}")
    else:
        out.append("candidates: gold among them, ranked below")
        out.extend(ranked_below(decided, gold_status, options))
    of_gold = [c for c in cues if c.status.value == gold_status and not c.weak]
    if gold_status == Status.UNKNOWN.value:
        out.append("nearest gold-state cue: (gold is unknown)")
    elif not of_gold:
        out.append("nearest gold-state cue: none in the document")
    else:
        pos, nearest = min(((m, c) for m in mentions for c in of_gold), key=lambda mc: abs(mc[1].start - mc[0]))
        place = cue_place(layout, sections, pos, nearest)
        out.append(f"nearest gold-state cue: {place}")
        if not among:
            out.append(f"nearest gold-state cue, gold not among candidates: {place}")
    win = winner(decided, options)
    if win is not None:
        out.append(f"deciding cue: {plan_reading(win)}")
        kind = link_kind(win.features)
        out.append(f"decided from: {kind}" + (" (the rules' own cue)" if win.by_rules else "")
                   + ("" if among else ", gold not among candidates"))
        if not among and of_gold:
            out.append(f"not among, by source / nearest gold cue / gold / decided: "
                       f"{kind} / {place} / {gold_status} / {decided.status.value}")
        out.extend(by_cue(win, gold_status, among))
        if (not among or win.binding) and win.start is not None:
            head = "binding cue" if among else "not among"
            out.append(f"{head}, decided by kind / nearest plan word before the cue: "
                       f"{link_kind(win.features).removeprefix('link=')} / {plan_context(layout, win.start)}")
            if win.status in (Status.COMPLETED, Status.OPERATIONAL, Status.STARTED):
                out.append(f"{head}, a state reached / a part of the works named near the cue: "
                           f"{win.status.value} / {part_near(layout, win.start, win.end, mentions)}")
    if not among:
        out.extend(f"not among, a linked row by kind / cue rule / plan: {row_class(c)}" for c in linked)
    return out


def by_cue(win: Candidate, gold_status: str, among: bool) -> list[str]:
    """The classes of the deciding cue of a wrong decision that binds (the rules' own cue, which
    stops the ranker) or whose project has no candidate of the gold state: the kind of cue (its
    rule id), its place (the link kind: own clause, sentence, a group's statement, a heading, the
    title), whether a plan governs it (a plan itself, or a plan word earlier in its sentence), and
    the states decided and gold."""
    if among and not win.binding:
        return []
    head = "binding cue" if among else "not among"
    names = {name for name, _ in win.features}
    marks = [m for m in ("plan_heading", "problem_section", "past_marker", "later_strong", "other_subject",
                         "wide_cue") if m in names]
    return [f"{head}, decided by kind / cue rule / plan: {row_class(win)}",
            f"{head}, decided by kind / cue rule / marks: {link_kind(win.features).removeprefix('link=')} / "
            f"{cue_rule(win)} / {' '.join(marks) or '-'}",
            f"{head}, decided by kind / decided -> gold: {link_kind(win.features)} / "
            f"{win.status.value} -> {gold_status}",
            f"{head}, decided by cue rule / decided -> gold: {cue_rule(win)} / {win.status.value} -> {gold_status}"]


# a plan or task word of any kind (wider than rules/links.yaml plan_in_clause: 要, 将, 今年, 下一步)
_PLAN_WORD = regex.compile(r"计划|力争|争取|确保|预计|拟|将|要|下一步|今年|明年|目标|任务|安排|重点抓好|着力")


def plan_context(layout: Layout, pos: int) -> str:
    """Where the nearest plan or task word before `pos` stands: its clause, its sentence, its
    line (paragraph), the 300 characters before the line, or none."""
    text = layout.text
    line_start = text.rfind("\n", 0, pos) + 1
    for name, start in (("clause", layout.clause_start(pos)),
                        ("sentence", layout.segment_start(layout.segment_of(pos))),
                        ("paragraph", line_start), ("300 chars before its paragraph", max(line_start - 300, 0))):
        if _PLAN_WORD.search(text, start, pos if name != "300 chars before its paragraph" else line_start):
            return name
    return "none"


# a part of a project's works (a dam, a main bridge, a building, a line, a phase), wider than
# rules/links.yaml part_of_works: a count of what the rules could reach
_PART = regex.compile(r"大坝|坝体|主坝|主桥|引桥|主线|隧道|桥梁|厂房|[0-9一二三四五六七八九十#号]*楼|路基|路面|"
                      r"管网|车间|生产线|[一二三四五六七八九十]期|标段|机组|泵站|主体|部分|局部|首台|单体|子项")


def part_near(layout: Layout, start: int, end: int, mentions: Sequence[int]) -> str:
    """Whether a part of the works is named in the cue's clause before it, or just after it
    (甲大坝已完工; 甲已建成3号楼), and whether the clause holds the project's mention."""
    clause_start, clause_end = layout.clause_start(start), layout.clause_end(end)
    own = any(clause_start <= m < clause_end for m in mentions)
    before = _PART.search(layout.text, clause_start, start)
    after = _PART.search(layout.text, end, min(end + 4, clause_end))
    where = "before the cue" if before else "just after the cue" if after else "none"
    return f"{where}, {'in' if own else 'not in'} the project's clause"


# a task to come (将, 要, 下一步, 明年, and plan_in_clause's words)
_TASK_WORD = regex.compile(r"(?<!年度|按|按照|依|超|原)计划(?!总?投资|完成|的|内)|力争|争取|确保|(?<!模)拟|"
                           r"(?<![即必])将(?!近|军|来)|(?<![主重需必只想])要(?![求素点闻])|下一步|明年")


def task_before(layout: Layout, pos: int) -> str:
    """Whether a task word stands before `pos` in its sentence, with no mark of a state reached
    (已, 正在, 目前) between it and `pos`."""
    start = layout.segment_start(layout.segment_of(pos))
    words = list(_TASK_WORD.finditer(layout.text, start, pos))
    if not words:
        return "none"
    reached = regex.search(r"已|正在|目前", layout.text[words[-1].end():pos])
    return "task word, then a mark of a state reached" if reached else "task word"


def heading_class(layout: Layout, pos: int, task_heading: regex.Pattern[str]) -> str:
    """The headings over `pos`: one of the tasks to come (rules/links.yaml task_heading), another
    heading, or none (the document's own first line aside)."""
    section: Section | None = layout.section_at(pos)
    seen = "no heading"
    while section is not None and section.section_id != 0:
        if task_heading.search(layout.text[section.title_start:section.title_end]):
            return "a heading of tasks to come"
        seen = "headings, none of tasks"
        section = layout.enclosing(section)
    return seen


def cue_rule(c: Candidate) -> str:
    """The rule id of a candidate's cue (a linked row's, else the unlinked cue's), `-` for none."""
    cue = c.row or c.cue
    return cue.rule_id if cue is not None else "-"


def row_class(c: Candidate) -> str:
    """A candidate by its link kind, its cue's rule and whether a plan governs it."""
    names = {name for name, _ in c.features}
    plan = "plan" if "future" in names else "plan word before" if "plan_in_sentence" in names else "-"
    return f"{link_kind(c.features).removeprefix('link=')} / {cue_rule(c)} / {plan}"


def ranked_below(decided: Project, gold_status: str, options: list[Candidate]) -> list[str]:
    """The classes of a decision whose gold state is among the candidates: how the winner was
    linked and whether it binds (the rules' own cue), how the gold state's candidates were
    linked, and where the winner stands from the project's rows (the latest of them or not)."""
    win = winner(decided, options)
    if win is None:
        return []
    kind = link_kind(win.features) + (" binding" if win.binding else "")
    gold_kinds = sorted({link_kind(c.features) for c in options if c.status.value == gold_status})
    own_gold = [c for c in options if c.status.value == gold_status and c.row is not None]
    names = {name for name, _ in win.features}
    marks = [m for m in ("plan_in_sentence", "past_marker", "later_strong", "other_subject") if m in names]
    own = [f"ranked below, the rules chose another own row: {link_kind(win.features)} {win.status.value} "
           f"{'before' if win.start is not None and win.start < c.start else 'after'} "
           f"{link_kind(c.features)} {gold_status}"
           for c in own_gold[:1] if win.binding and c.start is not None]
    return own + [f"ranked below, decided by / gold offered by: {kind} / {', '.join(gold_kinds)}",
            f"ranked below, gold among the project's own rows: {'yes' if own_gold else 'no'}"
            + (", winner binding" if win.binding else ""),
            f"ranked below, winner's marks: {' '.join(marks) or '-'}"]


def winner(decided: Project, options: list[Candidate]) -> Candidate | None:
    """The candidate that decided the project's status."""
    return next((c for c in options if (c.start, c.end) == (decided.status_start, decided.status_end)
                 and c.status is decided.status), None)


def plan_reading(win: Candidate) -> str:
    """Whether the deciding cue is read as a state reached though a plan word stands earlier
    in its sentence (今年计划…, 目标是…: `plan_in_sentence`), is a plan itself, or neither."""
    names = {name for name, _ in win.features}
    if "future" in names:
        return "a plan"
    if "plan_in_sentence" in names:
        return "reached, after a plan word in its sentence"
    return "reached, no plan word before it in its sentence"


def shown(text: str, layout: Layout, project: Project, decided: Project, gold_status: str,
          options: list[Candidate]) -> str:
    """One wrong decision written out (dev only): the project's sentence, the decided cue and
    every candidate with its state, link kind and cue words."""
    seg = layout.segment_of(project.start)
    sentence = text[layout.segment_start(seg):layout.segment_ends[seg]].strip()
    lines = [f"  {project.name}  gold {gold_status}, decided {decided.status.value}", f"    | {sentence[:160]}"]
    for c in options:
        kind = link_kind(c.features)
        words = text[c.start:c.end] if c.start is not None and c.end is not None else ""
        mark = "*" if (c.start, c.end) == (decided.status_start, decided.status_end) else " "
        lines.append(f"    {mark} {c.status.value:12s} {kind:16s} {words}" + (" (rules)" if c.by_rules else ""))
    return "\n".join(lines)


_DATE = regex.compile(r"(?:(?:19|20)[0-9]{2}|去|前)年|[0-9一二三四五六七八九十]+月")


def dated_start(layout: Layout, start: int) -> str:
    """How the start cue at `start` is dated in its clause: a year (2019年, 去年), a month
    only, or none: a start dated back is history the report may have gone past."""
    clause = layout.text[layout.clause_start(start):start]
    found = [m.group() for m in _DATE.finditer(clause)]
    if not found:
        return "undated"
    return "year" if any(f.endswith("年") for f in found) else "month"


def count(gold_root: Path, name: str, pipeline: Pipeline,
          show: bool = False) -> tuple[Counter[str], int, int]:
    """The classes of the wrong decisions of one gold set, the number of wrong and matched
    (`show`: print each wrong decision with its text; for dev only, the set rules are tuned on)."""
    classes: Counter[str] = Counter()
    wrong = matched = 0
    folder = gold_root / name
    for gold in sorted(load_gold(folder / "gold.jsonl"), key=lambda g: g.file):
        source = read_document(folder / "raw" / gold.file, gold.file)
        if source.status != "ok":
            continue
        found, layout = pipeline.found(source.doc_id, source.text, until="status_model")
        ex = found.extraction()
        title_max_chars = pipeline.rules.links.title_max_chars
        task_heading = pipeline.rules.links.task_heading
        decided, _ = decide_statuses(ex, found.cues, title_max_chars=title_max_chars)
        options = project_candidates(ex, found.cues, title_max_chars)
        preds = tuple(EvalProject(p.name, d.status.value) for p, d in zip(ex.projects, decided, strict=True))
        index = {id(p): i for i, p in enumerate(preds)}
        _, pairs, _, _ = _match_projects(gold.projects, preds)
        enumerations = Enumerations.of(layout, found.mentions, pipeline.rules.links.enumeration_gap)
        mentions: dict[str, list[int]] = {}
        for m in ex.mentions:
            mentions.setdefault(m.key, []).append(m.start)
        for g, p in pairs:
            matched += 1
            i = index[id(p)]
            win = winner(decided[i], options[i])
            if win is not None:     # every decision, right or wrong, by how a plan word stands
                classes[f"all decisions, deciding cue: {plan_reading(win)}, "
                        f"{'right' if g.status == p.status else 'wrong'}"] += 1
                names = {name for name, _ in win.features}
                marks = [m for m in ("plan_in_sentence", "past_marker", "later_strong", "other_subject", "wide_cue")
                         if m in names]
                classes[f"all decisions by winner, marks: {link_kind(win.features)}"
                        f"{' binding' if win.binding else ''} {' '.join(marks) or '-'}, "
                        f"{'right' if g.status == p.status else 'wrong'}"] += 1
                if win.binding and win.start is not None and win.status is Status.IN_PROGRESS:
                    classes[f"all binding in_progress decisions by cue rule / a task word before it in its "
                            f"sentence: {cue_rule(win)} / {task_before(layout, win.start)}, "
                            f"{'right' if g.status == p.status else 'wrong'}"] += 1
                if win.start is not None and win.status is Status.STARTED:
                    classes[f"all start decisions by a date before the cue in its clause (于2019年开工) / "
                            f"gold: {dated_start(layout, win.start)} / {g.status}"] += 1
                if win.start is not None and win.status in (Status.STARTED, Status.COMPLETED, Status.OPERATIONAL):
                    classes[f"all start/completion/opening decisions by kind / a task word before the cue in its "
                            f"sentence / list size: {link_kind(win.features)} / {task_before(layout, win.start)} / "
                            f"{'5+' if 'wide_cue' in names else '<5'}, "
                            f"{'right' if g.status == p.status else 'wrong'}"] += 1
                    classes[f"all start/completion/opening decisions by kind / the headings over the cue: "
                            f"{link_kind(win.features)} / {heading_class(layout, win.start, task_heading)}, "
                            f"{'right' if g.status == p.status else 'wrong'}"] += 1
            if g.status == p.status:
                continue
            wrong += 1
            project = ex.projects[i]
            classes.update(classify(project, decided[i], g.status or "unknown", options[i], layout, ex.sections,
                                    found.cues, mentions.get(project.key, [project.start]), enumerations))
            classes[f"gold {g.status} decided {p.status}"] += 1
            if show:
                print(f"== {gold.file}\n" + shown(layout.text, layout, project, decided[i], g.status or "unknown",
                                                  options[i]))
    return classes, wrong, matched


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--sets", nargs="+", default=["dev", "train"])
    parser.add_argument("--top", type=int, default=12, help="how many gold→decided pairs to show")
    parser.add_argument("--show", action="store_true",
                        help="print each wrong decision with its text (dev only: train is read in counts)")
    args = parser.parse_args(argv)
    if args.show and set(args.sets) != {"dev"}:
        parser.error("--show reads the text of the misses: only with --sets dev")
    pipeline = Pipeline()
    for name in args.sets:
        classes, wrong, matched = count(args.gold, name, pipeline, args.show)
        print(f"{name}: {wrong} wrong of {matched} matched projects ({1 - wrong / max(matched, 1):.3f} right)")
        heads = sorted({k.split(":")[0] for k in classes if ":" in k})
        for head in heads:
            print(f"  {head}:")
            for key, n in sorted(((k, n) for k, n in classes.items() if k.startswith(head + ":")),
                                 key=lambda kv: -kv[1]):
                print(f"    {n:4d}  {key.split(':', 1)[1].strip()}")
        print("  gold → decided:")
        pairs = sorted(((k, n) for k, n in classes.items() if k.startswith("gold ") and ":" not in k),
                       key=lambda kv: -kv[1])
        for key, n in pairs[:args.top]:
            print(f"    {n:4d}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
