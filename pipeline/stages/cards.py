"""Notices that write each project as a card of labelled fields, read as a structure.

A 项目公示, a 项目库 entry or a 申报表 pasted as text gives each project a run of lines (or of
clauses cut by ；) each opening with a label and a colon::

    项目名称：甲村冷链仓储建设项目
    建设地点：甲村二组
    资金规模：总投资120万元，其中补助资金90万元
    实施期限：2027年3月—2027年9月

A field's label is one of rules/ledger.yaml `cards.label` (bare, in 【】, or after a number:
``1. 项目名称：``); a card is two or more fields with different labels, lines with no blank
line between them; a value may run on over one or two unlabelled lines when another field
of the card follows them (else those lines end the card); a 项目名称 field opens a new card. What a card decides:

- its project is its name field's value (a card with no name field names none); no other
  field's value is a project (建设地点：乙镇丙村 names a place, 建设内容：新建冷库1座 the works);
  a heading right over cards (一、产业发展类项目) names their class, no project;
- an amount in a field takes its role from the words before it in the field only (the line
  above, 已完成路基…, governs nothing in the next field: `field_at`, read by the roles stage),
  else from the field's label (总投资：… total; 本年度安排：… planned; rules `*_label`); a
  plan's label also governs a completion in its value (年度计划：完成投资…), a source's label
  every amount of its field (资金来源：…);
- its state is what its own fields say (a period field starting after the notice's month, as
  its 发布时间 or the date under its signature gives it, is planned; a goal such as 绩效目标's
  建成后…, a money field such as 累计完成投资's 已完成…万元, and a label state nothing: their
  cues are dropped), else what a statement over the cards says: the nearest before it of a
  heading over it and a sentence of its section or one enclosing it that speaks of all the
  cards after it (以下项目均…, rules `all_cards`), else the nearest after it of such a sentence
  about the cards above (上述项目均…, `cards_above`); the document's other cues (its title's)
  are then no longer the card's;
- its money amounts are its project's.

>>> from pipeline.rules.loader import load_rules
>>> text = "项目名称：甲村冷库\\n建设地点：甲村\\n资金规模：总投资120万元\\n"
>>> [(c.name.value(text), [f.kind for f in c.fields]) for c in find_cards(text, load_rules())]
[('甲村冷库', ['name', 'other', 'other'])]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

import regex

from pipeline.rules.configs import CARD_PERIOD_RULE, PROJECT_CARD_RULE, LedgerCards
from pipeline.rules.loader import RuleSet
from pipeline.stages.found import Found, Stage
from pipeline.stages.projects import project_key, shared_part_items
from pipeline.stages.region import calendar, detect_published, opening_segments
from pipeline.stages.status_model import StatusModel, link_features, load_status_model
from pipeline.text.layout import Layout
from pipeline.text.punctuation import SEGMENT_END, SPACES
from pipeline.types import Card, Field, Kind, ProjectMention, Quantity, Section, Status, StatusMention

#: the role cue of an amount whose role its field's label gives
CARD_LABEL_CUE = "card_label"
#: the kinds of field a label may name, in the order they are tried (rules `<kind>_label`;
#: the money kinds' roles: `types.LABEL_ROLES`)
KINDS = ("name", "state", "target", "period", "total", "planned", "completed", "source")

# where a field may open: a line's start, or after ；, 。 or a run of spaces within a line
_OPENING = regex.compile(r"(?:^|(?<=[；;。])|(?<=[ \t\u3000]{2}))[ \t\u3000]*"
                         r"(?:(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.．、]\s*|[（(](?:\d{1,2}|[一二三四五六七八九十]{1,2})[)）]\s*"
                         r"|[①-⑳]\s*)?"
                         r"(?:[【\[](?P<label>[^：:【】\[\]\s，。；]{2,10})[】\]]\s*[：:]?"
                         r"|(?P<label>[^：:【】\[\]\s，。；]{2,10}?)\s*[：:])", regex.MULTILINE)
_COLON = regex.compile(r"[】\]][ \t\u3000]*[：:]?|[：:]")
# a key and its value in a record of JSON: "项目名称":"甲" or "总投资(万元)":86000
_RECORD_FIELD = regex.compile(r'"(?P<label>[^"\\]{2,12})"\s*:\s*(?:"(?P<value>(?:[^"\\]|\\.)*)"|(?P<value>[^,}\s]+))')
_LONGEST_LABEL = 10
_WRAPPED_LINES = 2          # a field's value may run on over this many unlabelled lines
_VALUE_TRIM = frozenset(SPACES + "\r；;，,。")
_STATEMENT_END = regex.compile(r"[。；;！!？?\n]")
_YEAR_MONTH = regex.compile(r"((?:19|20)\d\d)\s*[年.\-/]\s*(\d{1,2})(?!\d)")
_NAME_BRACKET = regex.compile(r"[（(][^（()）]*[)）]\s*$")


def _kind(label: str, c: LedgerCards) -> str:
    for kind in KINDS:
        if getattr(c, f"{kind}_label").match(label):
            return kind
    return "other"


def _line_fields(text: str, start: int, end: int, c: LedgerCards) -> list[Field]:
    """The fields of one line, or none when the line does not open with one. A later field
    of the line is a label of the lexicon right before a colon (1.项目名称：甲；建设地点：乙, or a
    line the normaliser joined to the one before: 长28米资金规模：…). A line that is a record of
    JSON ({"项目名称":"甲","项目状态":"32"}) has the fields its keys of the lexicon label."""
    if text.startswith("{", start):
        return _record_fields(text, start, end, c)
    m = _OPENING.match(text, start, end)
    if m is None or c.label.match(m.group("label")) is None:
        return []
    opens = [(m.start("label"), m.end("label"), m.end())]       # label start, label end, value start
    at = m.end()
    while True:
        colon = _COLON.search(text, at, end)
        if colon is None:
            break
        label = _label_before(text, at, colon.start(), c)
        if label is not None:
            opens.append((label, colon.start(), colon.end()))
        at = colon.end()
    fields = []
    for i, (ls, le, vs) in enumerate(opens):
        ve = opens[i + 1][0] if i + 1 < len(opens) else end
        if i + 1 < len(opens) and text[ve - 1:ve] in ("【", "["):
            ve -= 1
        while ve > vs and text[ve - 1] in _VALUE_TRIM:
            ve -= 1
        while vs < ve and text[vs] in _VALUE_TRIM:
            vs += 1
        fields.append(Field(ls, le, vs, ve, _kind(text[ls:le], c)))
    return fields


def _record_fields(text: str, start: int, end: int, c: LedgerCards) -> list[Field]:
    """The fields of a line that is a record of JSON (an open-data export: {"序号":3,"项目名称":
    "甲","项目状态":"32"}): one per key of the lexicon (序号 is none), its value inside its quotes
    or up to the next comma."""
    fields = []
    for m in _RECORD_FIELD.finditer(text, start, end):
        if c.label.fullmatch(m.group("label")) is not None:
            vs, ve = m.span("value")
            fields.append(Field(m.start("label"), m.end("label"), vs, ve, _kind(m.group("label"), c)))
    return fields


def _label_before(text: str, start: int, colon: int, c: LedgerCards) -> int | None:
    """Where the longest label of the lexicon ending at `colon` starts (a 【 before it
    aside), None when the words before the colon end in none."""
    label_end = colon
    while label_end > start and text[label_end - 1] in SPACES + "】]":
        label_end -= 1
    for n in range(min(_LONGEST_LABEL, label_end - start), 1, -1):
        if c.label.match(text[label_end - n:label_end]) is not None:
            return label_end - n
    return None


def find_cards(text: str, rules: RuleSet) -> tuple[Card, ...]:
    """The cards of `text`, in reading order (see the module doc). The pipeline finds them
    once per document, in the roles stage, and hands them on in `Found.cards`."""
    if "：" not in text and ":" not in text and "】" not in text:
        return ()
    return _find_cards(text, rules.ledger.cards)


def _find_cards(text: str, c: LedgerCards) -> tuple[Card, ...]:
    cards: list[Card] = []
    run: list[Field] = []
    wrapped: list[int] = []     # ends of the unlabelled lines after the run's last field

    def close() -> None:
        if len({text[f.label_start:f.label_end] for f in run}) >= 2:
            cards.append(Card(run[0].label_start, max(f.value_end for f in run), tuple(run)))
        run.clear()
        wrapped.clear()

    at = 0
    for line in text.split("\n"):
        start, end = at, at + len(line)
        at = end + 1
        fields = _line_fields(text, start, end, c) if ("：" in line or ":" in line or "】" in line) else []
        if not fields:
            if run and line.strip() and len(wrapped) < _WRAPPED_LINES:
                wrapped.append(end)     # a value wrapped onto its next line, if a field follows
            else:
                close()
            continue
        if wrapped and fields[0].kind != "name":
            last = run[-1]
            value_end = wrapped[-1]
            while value_end > last.value_start and text[value_end - 1] in _VALUE_TRIM:
                value_end -= 1
            run[-1] = replace(last, value_end=value_end)
            wrapped.clear()
        elif wrapped:
            close()
        for f in fields:
            if f.kind == "name" and run:
                close()
            run.append(f)
    close()
    return tuple(cards)


def field_at(cards: tuple[Card, ...], pos: int) -> Field | None:
    """The field holding `pos`, if any (the roles stage bounds an amount's clause by it)."""
    i = bisect_right([card.start for card in cards], pos) - 1
    if i < 0 or pos >= cards[i].end:
        return None
    return cards[i].field_at(pos)


# --- the stage --------------------------------------------------------------------------------

def _in(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _name_mentions(text: str, card: Card, mentions: list[ProjectMention], rules: RuleSet) -> list[ProjectMention]:
    """The card's project(s): the mentions within its name field's value, else its value (its
    short name in brackets aside) as one, or, when it lists items before one shared part
    (甲村、乙村、丙村通组公路硬化项目), each item (name the item, alt the item with the part). One
    mention opening the value that stops short of its end (甲县中医院 in 甲县中医院医养结合楼) is a
    piece of the name the field gives whole: `link_cards` drops it for the card's own mention."""
    name = card.name
    if name is None or name.value_end <= name.value_start:
        return []
    start, end = name.value_start, name.value_end
    line_end = text.find("\n", start, end)
    if line_end >= start:
        end = line_end      # (a field wrapped onto the next line: 施工单位：… there, not a label it knows)
    while end > start and text[end - 1] in _VALUE_TRIM:
        end -= 1
    if end == start:
        return []           # 项目名称：(blank): the record names no project; the next line is another field
    bracket = _NAME_BRACKET.search(text, start, end)
    if bracket is not None and bracket.start() > start:
        end = bracket.start()
    inside = [m for m in mentions if name.value_start <= m.start and m.end <= name.value_end]
    if inside and not (len(inside) == 1 and inside[0].start == start and inside[0].end < end):
        return inside       # (the items of a list in the value are the card's projects as they are)
    value = text[start:end]
    p = rules.projects
    items = _shared_part_items(value)
    if items:
        out = []
        for s, e, part in items:
            item = value[s:e]
            out.append(ProjectMention(item, project_key(item + part, p.key_endings, p.key_min_chars),
                                      start + s, start + e, PROJECT_CARD_RULE, alt=item + part))
        return out
    return [ProjectMention(value, project_key(value, p.key_endings, p.key_min_chars), start, end, PROJECT_CARD_RULE)]


def _shared_part_items(value: str) -> list[tuple[int, int, str]]:
    """The items of a name listing them before one shared part (甲村、乙村、丙村通组公路硬化项目
    → 甲村, 乙村, 丙村 with the part 通组公路硬化项目): `projects.shared_part_items`, the
    mechanism a table's name cell uses too; a card's field vouches for items of any ending."""
    return shared_part_items(value)


def _statements(text: str, cards: tuple[Card, ...], layout: Layout, cues: list[StatusMention],
                c: LedgerCards) -> list[tuple[int, Section, list[StatusMention], bool]]:
    """What speaks of all the cards after it (`all_cards`: 以下项目均…) or before it
    (`cards_above`: 上述项目均…), outside the cards: (where it starts, its section, its cues,
    whether it speaks of the cards above)."""
    spans = [(card.start, card.end) for card in cards]
    out: list[tuple[int, Section, list[StatusMention], bool]] = []
    for pattern, above in ((c.all_cards, False), (c.cards_above, True)):
        for m in (pattern.finditer(text, cards[0].end) if above else pattern.finditer(text, 0, cards[-1].start)):
            if _in(spans, m.start(), m.end()):
                continue
            stop = _STATEMENT_END.search(text, m.end())
            end = stop.start() if stop is not None else len(text)
            said = [q for q in cues if m.start() <= q.start and q.end <= end]
            if said:
                out.append((m.start(), layout.section_at(m.start()), said, above))
    return out


def _stated(card: Card, layout: Layout, statements: list[tuple[int, Section, list[StatusMention], bool]],
            cues: list[StatusMention]) -> list[StatusMention]:
    """The cues of the statement over `card`: the nearest before it of a heading over it and a
    sentence of its section or one enclosing it that speaks of the cards after it; else the
    nearest after it of such a sentence that speaks of the cards above (上述项目均…)."""
    best: tuple[int, list[StatusMention]] = (-1, [])
    own = layout.section_at(card.start)
    s: Section | None = own
    while s is not None:
        if s.section_id != 0 and s.title_end <= card.start:
            said = [q for q in cues if s.title_start <= q.start and q.end <= s.title_end]
            if said and s.title_start > best[0]:
                best = (s.title_start, said)
        s = layout.enclosing(s)
    for start, section, said, above in statements:
        if not above and best[0] < start < card.start and layout.encloses(section, own):
            best = (start, said)
    if best[1]:
        return best[1]
    after = [(start, said) for start, section, said, above in statements
             if above and start > card.end and layout.encloses(section, own)]
    return min(after, key=lambda x: x[0])[1] if after else []


def link_cards(layout: Layout, found: Found, rules: RuleSet, model: StatusModel) -> Found:
    """Each card's project, state and money (see the module doc); the same `found` when the
    text has no card."""
    text = layout.text
    cards = found.cards if found.cards is not None else find_cards(text, rules)
    if not cards:
        return found
    mentions = [m for m in found.mentions if not _in(_no_names(cards, layout), m.start, m.end)]
    card_keys: list[tuple[Card, list[str]]] = []
    added: list[ProjectMention] = []
    for card in cards:
        named = _name_mentions(text, card, mentions, rules)
        added += [m for m in named if m.rule_id == PROJECT_CARD_RULE]
        card_keys.append((card, list(dict.fromkeys(m.key for m in named))))
    if added:
        # a piece of a name a card gives whole is no mention of its own (`_name_mentions`)
        values = [(card.name.value_start, card.name.value_end) for card in cards if card.name is not None
                  and any(card.name.value_start <= m.start < card.name.value_end for m in added)]
        mentions = [m for m in mentions if not _in(values, m.start, m.end)]
    mentions = sorted(mentions + added, key=lambda m: (m.start, m.end))
    kept = {m.key for m in mentions}
    # a goal's words (绩效目标：建成后…), a money field's (累计完成投资：已完成…万元: money spent, not
    # the works done) and a label state no state reached
    said_nothing = [(f.label_start, f.label_end) for card in cards for f in card.fields]
    said_nothing += [(f.value_start, f.value_end) for card in cards for f in card.fields
                     if f.kind == "target" or f.role is not None]
    cues = sorted((q for q in found.cues if not _in(said_nothing, q.start, q.end)), key=lambda q: q.start)
    statements = _statements(text, cards, layout, cues, rules.ledger.cards)
    published = _published(text, rules) if any(f.kind == "period" for card in cards for f in card.fields) else None
    # a cue inside a card is its own project's only; a card that states a state, or that a
    # statement over it gives one, takes no other cue
    owner = {key: card for card, keys in card_keys for key in keys}
    named_before = _NamedBefore(mentions, layout)
    statuses = [s for s in found.statuses if s.project_key in kept
                and (_owned(s, owner.get(s.project_key or ""), cards) or s.project_key in named_before(s))]
    rows_of: dict[str, tuple[list[StatusMention], str, int]] = {}
    for card, keys in card_keys:
        values = [(f.value_start, f.value_end) for f in card.fields if f.kind not in ("name", "target")]
        # a field's cue whose segment names another project before it (工程进展：…，甲工程一期已于
        # 去年建成) is that project's, not the card's
        said, kind, group = [q for q in cues if _in(values, q.start, q.end)
                             and named_before(q).issubset(keys)], "clause", 1
        if not said:
            said = _period_plan(text, card, rules, published)
        if not said:
            said, kind, group = _stated(card, layout, statements, cues), "group", len(cards)
        for key in keys if said else ():
            rows_of[key] = ([replace(q, project_key=key) for q in said], kind, group)
    if rows_of:
        statuses = [s for s in statuses if s.project_key not in rows_of]
        for rows, kind, group in rows_of.values():
            states = len({r.status for r in rows if not r.weak and not r.future})
            for row in rows:
                features = link_features(kind, row, distance=0, group_size=group, rows=len(rows), statuses=states)
                statuses.append(replace(row, confidence=model.score(features), features=features))
        statuses.sort(key=lambda s: s.start)
    statuses = [s for s in statuses if not _in(said_nothing, s.start, s.end)]
    return replace(found, cues=cues, mentions=mentions, statuses=statuses,
                   quantities=_card_money(found.quantities, card_keys, kept))


class _NamedBefore:
    """The keys of the projects named before a cue in its own segment (a card's progress field
    naming a project for itself: 工程进展：…，甲工程一期已于去年建成), found by bisection."""

    def __init__(self, mentions: list[ProjectMention], layout: Layout) -> None:
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.layout = layout

    def __call__(self, cue: StatusMention) -> set[str]:
        start = self.layout.unit_around(cue.start, cue.end, SEGMENT_END)[0]
        return {m.key for m in self.mentions[bisect_left(self.starts, start):bisect_right(self.starts, cue.start)]
                if m.end <= cue.start}


def _published(text: str, rules: RuleSet) -> tuple[int, int] | None:
    """The year and month the notice was issued (region.detect_published), None when unsaid."""
    cal = calendar(rules)
    found = detect_published(text, opening_segments(text, cal), cal)
    if found is None or len(found[0]) < 7:
        return None
    return int(found[0][:4]), int(found[0][5:7])


def _period_plan(text: str, card: Card, rules: RuleSet, published: tuple[int, int] | None) -> list[StatusMention]:
    """A planned state from the card's period field when the works start after the notice's
    month (实施期限：2027年4月—2027年10月 in a notice of 2027年3月), else none."""
    if published is None:
        return []
    for f in card.fields:
        if f.kind != "period":
            continue
        m = _YEAR_MONTH.search(text, f.value_start, f.value_end)
        if m is not None and (int(m[1]), int(m[2])) > published:
            return [StatusMention(Status.PLANNED, f.value_start, f.value_end, CARD_PERIOD_RULE)]
    return []


def _no_names(cards: tuple[Card, ...], layout: Layout) -> list[tuple[int, int]]:
    """Where no project is named: a field's label, the value of any field but the name and the
    state (工程进展：…，甲工程一期已于去年建成 names a project of its own), and the heading of a
    section whose own text holds named cards (一、产业发展类项目: their class)."""
    spans = [(f.label_start, max(f.value_end, f.label_end) if f.kind not in ("name", "state") else f.label_end)
             for card in cards for f in card.fields]
    over = {layout.section_at(card.start).section_id for card in cards if card.name is not None}
    spans += [(s.title_start, s.title_end) for s in layout.sections if s.section_id in over and s.section_id != 0
              and not any(c.start <= s.title_end and s.title_start < c.end for c in cards)]   # no card's own line
    return spans


def _owned(row: StatusMention, card: Card | None, cards: tuple[Card, ...]) -> bool:
    """Whether a linked cue may stay with its project: a cue inside a card only with the
    card's own project."""
    if card is not None and card.start <= row.start < card.end:
        return True
    return not any(c.start <= row.start < c.end for c in cards)


def _card_money(quantities: list[Quantity], card_keys: list[tuple[Card, list[str]]], kept: set[str]) -> list[Quantity]:
    """Money in a card's fields is its project's (no one's when it names none or several)."""
    spans = sorted((card.start, card.end, keys[0] if len(keys) == 1 else None) for card, keys in card_keys)
    starts = [s[0] for s in spans]
    out = []
    for q in quantities:
        i = bisect_right(starts, q.start) - 1
        if q.kind is Kind.MONEY and i >= 0 and q.end <= spans[i][1]:
            if q.project_key != spans[i][2]:
                q = replace(q, project_key=spans[i][2])
        elif q.project_key is not None and q.project_key not in kept:
            q = replace(q, project_key=None)
        out.append(q)
    return out


def make_card_rows(rules: RuleSet) -> Stage:
    """The stage after `table_rows`: each card's project, state and money (`link_cards`)."""
    model = load_status_model()

    def card_rows(layout: Layout, found: Found) -> Found:
        return link_cards(layout, found, rules, model)
    return card_rows
