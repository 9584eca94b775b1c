"""Status decisions whose gold state no candidate offers, and where that state's cue stands.

    python scripts/status_reach.py [SET ...] [--gold ../shared/gold] [--examples]

A SET is a gold set (`dev`, `train`) or a styles batch (the letters its file names open with: `f`, `g`, `aa` …; the
held-out batches of `train.STYLES_HELD_OUT` are never read). For every project the scorer
matches to a gold project, the candidates the rules propose (`status_model.project_candidates`,
the shipped project model keeping the projects, the ranker off) either offer the gold's state
or do not: no weighing can find the state of the second kind. For those, the nearest cue of
the gold's state (any the status finder reads, linked or not) is classed by where it stands
from the project's mentions: in the same sentence (before or after), the same line, a heading
over it, the same section, within three lines, elsewhere, or nowhere in the document; and
whether another project's mention stands between, whether the rules linked that cue to
another project, whether it is weak or a plan, and whether the project has a binding cue of
its own (`Candidate.binding`: then even a proposed state would need the ranker free).
Counts only for the gold sets (their sentences are not read); `--examples` prints the cue's
surroundings for styles batches.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train import STYLES_DIR, STYLES_HELD_OUT, gold_documents, styles_batch_of, styles_documents

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.outputs.evaluate import Project as EvalProject
from pipeline.outputs.evaluate import _match_projects
from pipeline.stages.sections import innermost_section
from pipeline.stages.status_model import project_candidates

GOLD_SETS = ("dev", "train")


def where(text: str, ex, layout, spans: list[tuple[int, int]], cue) -> str:  # noqa: ANN001
    """The class of where `cue` stands from the project's mentions `spans`."""
    first = min(s for s, _ in spans)
    later = cue.start > first
    segments = {layout.segment_of(s) for s, _ in spans}
    lines = {text.count("\n", 0, s) for s, _ in spans}
    line = text.count("\n", 0, cue.start)
    in_title = any(sec.title_start <= cue.start < sec.title_end for sec in ex.sections)
    here, there = innermost_section(ex.sections, first), innermost_section(ex.sections, cue.start)
    if layout.segment_of(cue.start) in segments:
        return "same sentence " + ("after" if later else "before")
    if line in lines:
        return "same line " + ("later" if later else "earlier")
    if in_title and not later:
        return "a heading or title over it"
    if here.section_id == there.section_id != 0:
        return "same section " + ("later" if later else "earlier")
    if min(abs(line - n) for n in lines) <= 3:
        return "within 3 lines " + ("later" if later else "earlier")
    return "elsewhere"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("sets", nargs="*", default=["train"])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--examples", action="store_true", help="print each cue's surroundings (styles only)")
    args = parser.parse_args(argv)
    pipeline = Pipeline(rank_statuses=False)
    for name in args.sets:
        if name in GOLD_SETS:
            docs = gold_documents(args.gold, [name])
        elif name in STYLES_HELD_OUT:
            print(f"{name}: held out, not read")
            continue
        else:
            docs = [d for d in styles_documents(STYLES_DIR) if styles_batch_of(Path(d[0]).name) == name]
        classes: Counter[str] = Counter()
        matched = out = 0
        examples = []
        for doc_name, gold, path in docs:
            source = read_document(path, gold.file)
            if source.status != "ok":
                continue
            found, layout = pipeline.found(source.doc_id, source.text)
            ex = found.extraction()
            text = ex.doc.norm
            cues = found.cues     # the layout's text is ex.doc.norm: the cues the pipeline linked
            preds = tuple(EvalProject(p.name, p.status.value) for p in ex.projects)
            index = {id(p): i for i, p in enumerate(preds)}
            options = project_candidates(ex, cues, pipeline.rules.links.title_max_chars)
            _, pairs, _, _ = _match_projects(gold.projects, preds)
            spans: dict[str, list[tuple[int, int]]] = {}
            for m in ex.mentions:
                spans.setdefault(m.key, []).append((m.start, m.end))
            linked = Counter((s.start, s.end, s.project_key) for s in ex.statuses)
            for g, p in pairs:
                matched += 1
                project = ex.projects[index[id(p)]]
                own = options[index[id(p)]]
                if g.status in {c.status.value for c in own}:
                    continue
                out += 1
                binding = " | binding cue" if any(c.binding for c in own) else ""
                mine = spans.get(project.key, [(project.start, project.end)])
                same = [c for c in cues if c.status.value == g.status]
                if not same:
                    classes["no cue of that state in the document" + binding] += 1
                    continue
                cue = min(same, key=lambda c: min(max(c.start - e, s - c.end, 0) for s, e in mine))
                first = min(s for s, _ in mine)
                between = any(m.key != project.key and min(cue.start, first) < m.start < max(cue.start, first)
                              for m in ex.mentions)
                elsewhere = any(k != project.key for s, e, k in linked if (s, e) == (cue.start, cue.end))
                cls = (where(text, ex, layout, mine, cue)
                       + (" | another project between" if between else "")
                       + (" | linked to another project" if elsewhere else "")
                       + (" | weak" if cue.weak else "") + (" | plan" if cue.future else "") + binding)
                classes[cls] += 1
                if args.examples and name not in GOLD_SETS:
                    examples.append(f"    {doc_name}: {project.name} gold {g.status}: "
                                    + text[max(cue.start - 30, 0):cue.end + 10].replace("\n", "⏎"))
        print(f"{name}: {matched} matched projects, the gold state out of reach of {out}")
        for cls, n in classes.most_common():
            print(f"  {n:4d}  {cls}")
        for line in examples:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
