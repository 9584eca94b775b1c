"""The project model: rules propose project candidates, a small logistic model weighs them.

The rules (pipeline/stages/projects.py, pipeline/stages/names.py) aim at recall; many weak signals
decide whether a candidate really is a project: its suffix class, its length, whether a
place or proper noun is in it, counts and class words right after it (…等12个项目), people
and venues in its sentence (记者, 举行), whether it sits in a heading or a list, whether a
status cue or an amount is linked to it. Every feature is such a general class, never a
word of a particular name, so the model carries over to reports nobody tuned on.

The weights are trained by ``python scripts/train.py projects`` (scikit-learn, training
only) and ship as plain JSON in pipeline/data/project_model.json; here they are applied
in plain Python. A candidate's calibrated probability is its `confidence`; candidates
below the trained threshold are dropped.

>>> model = ProjectModel.load()
>>> 0.0 <= model.probability({name: 0.0 for name in FEATURES}) <= 1.0
True
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from pipeline import settings
from pipeline.rules.configs import (
    PROJECT_ANAPHORA_RULE,
    PROJECT_CARD_RULE,
    PROJECT_ENUMERATION_ITEM_RULE,
    PROJECT_SUFFIX_PREFIX_RULE,
    PROJECT_SUFFIX_RULE,
    ModelFeatureRules,
)
from pipeline.rules.loader import RuleSet
from pipeline.stages.names import NameJudge
from pipeline.text.punctuation import CLAUSE_MARKS, COLONS, SEGMENT_END, SEGMENT_MARKS
from pipeline.text.sentences import LONGEST_SENTENCE, char_index
from pipeline.types import Extraction, Kind, Project, ProjectMention, Role, Status

WEIGHTS_PATH = settings.DATA_DIR / "project_model.json"

_SHORT_LINE = 30
#: at most this many characters between a name and the status cue of which it is the subject
_CUE_GAP = 10
_QUOTES = re.compile(r"[“”\"《]")
_BRACKETS = re.compile(r"[(（]")
_COMMON_POS = {"n", "vn", "v", "a", "an", "b"}
_ORDINAL_LINE = re.compile(r"\s*(?:[(（][一二三四五六七八九十0-9]{1,3}[)）]|[0-9]{1,2}[.、．]"
                           r"|[一二三四五六七八九十]{1,3}、|[①-⑳]|[0-9]{1,3}[ \t\u3000]+(?=[\u4e00-\u9fff]))")

#: the features, in the order of the weights
FEATURES: tuple[str, ...] = (
    "len_name", "short_name", "long_name", "rule_suffix", "rule_prefix", "rule_item", "rule_card", "has_alt",
    "sfx_project", "sfx_engineering", "sfx_build", "sfx_activity", "sfx_one_char", "sfx_facility", "sfx_none",
    "proper", "place", "digit_latin", "year", "capacity", "quotes", "brackets", "tokens", "single_share", "inner_verb",
    "first_proper", "first_verb", "specific", "common_share", "inner_joiner", "company", "bare_level_start",
    "mentions", "contains_other", "inside_other",
    "count_after", "class_after", "etc_after", "event_context", "venue", "plan_context", "counted_group_before",
    "in_heading", "line_alone", "in_list", "joined", "after_colon", "starts_line", "ordinal_line",
    "sentence_start", "described_after",
    "sentence_candidates", "sentence_len", "status_known", "status_from_text", "money_linked",
    "quantity_linked",
    # what is not a project, judged from context: class words, slogans, activities, navigation,
    # a place with a park suffix, an organisation, a programme's abstract head, list siblings
    "class_in_name", "work_after", "navigation", "slogan", "place_park", "abstract_head", "siblings_specific",
    "org_after",
    # the distinguishing element (a part mark, a name jieba does not know, nothing but a
    # suffix) and the phrase's role (the class after a list closed by 等, the subject of a
    # status cue in its clause, the object of a work verb)
    "part_mark", "head_unknown", "head_empty", "etc_before", "status_in_clause", "work_verb_before",
    "org_end",
    # what singles an undertaking out, against programme, policy and sector phrases: a policy
    # verb or a scope word opening it, a system or field as its head, a set phrase inside,
    # a function word first, nothing distinguishing, a collective before it
    "policy_start", "scope_start", "sector_head", "set_phrase", "function_start", "unmarked",
    "collective_before",
    # an amount or a head count inside the name (a clause about money or people, not a
    # name); a name with no suffix that ends in a verb (管线迁移, 堤岸加固: a piece of work)
    "amount_in_name", "bare_verb_end",
    # a date or period opening the name (5月, 第四季度…); a part of a whole (its roadbed, an
    # approach span, a numbered block) with nothing singling it out or its whole named apart
    "date_start", "part_of_whole",
    # a word of saying or requiring, or the aspect particle 着, inside the name (…官网称项目,
    # 投标人须具备…工程, 标志着…水库): a clause cut at a suffix, not a name
    "clause_inside",
    # a person, a pronoun or a time of speech inside the name (王某某经手的…公路, 回头大家都去走那座桥,
    # 刚才主持人提到的…三桥): a speaker's clause that runs into a suffix
    "speaker_inside",
    # a line of a list a line ending in a colon announces (以下6个口袋公园已全部开放：, then one
    # name a line): an item set out, as 、 marks one in prose
    "announced_line",
    # a name cut where words describing it begin (rule_prefix and described_after)
    "prefix_described",
    # a construction site after the name (在甲大桥工地召开, 乙馆施工现场): works going on there,
    # whatever event is held at it
    "site_after",
    # a record's field naming the project right before the name (项目名称：甲镇污水管网工程):
    # the field vouches for its value
    "name_label_before",
)


_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}

_LIST_MARK = "、"
_DIGIT_LATIN = re.compile(r"[0-9A-Za-z０-９]")


@dataclass(frozen=True)
class ProjectModel:
    """Logistic weights over `FEATURES`, a Platt calibration and the keep threshold."""

    weights: tuple[float, ...]
    bias: float
    scale: float = 1.0          # calibration: p = sigmoid(scale * score + shift)
    shift: float = 0.0
    threshold: float = 0.0      # candidates whose probability is below it are dropped
    version: str = "untrained"

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> ProjectModel:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: its features do not match this code's; retrain "
                             "(python scripts/train.py projects)")
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]),
                   float(data.get("scale", 1.0)), float(data.get("shift", 0.0)),
                   float(data.get("threshold", 0.0)), str(data.get("version", "")))

    def score(self, features: Mapping[str, float]) -> float:
        """The raw logistic score (log-odds before calibration): the bias plus each weight
        times its feature, added in the order of `FEATURES`. A feature left out is 0
        (`project_features(sparse=True)`) and adds nothing, so only those present are added,
        in that order: the same sum to the last bit, without a look-up of all 80."""
        score = self.bias
        weights = self.weights
        for i in sorted(_FEATURE_INDEX[name] for name in features if name in _FEATURE_INDEX):
            score += weights[i] * features[FEATURES[i]]
        return score

    def probability(self, features: Mapping[str, float]) -> float:
        return _sigmoid(self.scale * self.score(features) + self.shift)

    def weigh(self, ex: Extraction, judge: NameJudge, rules: RuleSet) -> list[Project]:
        """The extraction's projects with their confidence, those below the threshold dropped."""
        kept = []
        for project, features in zip(ex.projects, project_features(ex, judge, rules, sparse=True), strict=True):
            p = self.probability(features)
            if p >= self.threshold:
                kept.append(replace(project, confidence=round(p, 4)))
        return kept

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "features": list(FEATURES), "weights": list(self.weights),
                "bias": self.bias, "scale": self.scale, "shift": self.shift, "threshold": self.threshold}


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


_LEVELS = ("特别行政区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "盟", "省", "市", "县", "区", "旗")


@lru_cache(maxsize=4)
def _place_names(rules: RuleSet) -> frozenset[str]:
    """Names of administrative units (rules/regions.tsv), full and without their level word
    (青禾县, 青禾), two characters or more."""
    names: set[str] = set()
    for region in rules.regions.values():
        name = region.name
        names.add(name)
        # the first level it ends in, among those ending in its last character (a test of
        # each level for each of 3,000 regions took a worker's first document 13-28 ms)
        for level in _LEVELS_BY_LAST.get(name[-1:], ()):
            if name.endswith(level) and len(name) - len(level) >= 2:
                names.add(name[: -len(level)])
                break
    return frozenset(n for n in names if len(n) >= 2)


# the levels by their last character, in the order of `_LEVELS`
_LEVELS_BY_LAST = {last: tuple(level for level in _LEVELS if level[-1] == last) for last in {lv[-1] for lv in _LEVELS}}


def _has_place(name: str, places: frozenset[str]) -> bool:
    """A place name of two to five characters stands somewhere in `name`."""
    heads = _place_heads(places)
    n = len(name)
    for i in range(n - 1):
        if name[i:i + 2] not in heads:
            continue            # no place starts here: the longer slices are not looked up
        for k in range(2, min(6, n - i + 1)):
            if name[i:i + k] in places:
                return True
    return False


@lru_cache(maxsize=4)
def _place_heads(places: frozenset[str]) -> frozenset[str]:
    """The first two characters of each place name (a frozenset keeps its hash: the look-up is cheap)."""
    return frozenset(place[:2] for place in places)


_SUFFIX_CLASSES = ("sfx_project", "sfx_engineering", "sfx_build", "sfx_activity", "sfx_one_char", "sfx_facility",
                   "sfx_none")


def _suffix_class(name: str, judge: NameJudge, one_char: tuple[str, ...]) -> str:
    # the suffix of the name without its decorations, else of the whole name, as
    # `NameJudge.has_suffix` reads it: a phase's 工程 ends a name whose core has no suffix
    # (城西数据谷二期工程 -> 城西数据谷, 工程)
    found = judge.core_suffix(name) or judge.end_suffix(name)
    if found is None:
        return "sfx_none"
    sfx = found[0]
    if sfx == "项目":
        return "sfx_project"
    if sfx == "工程":
        return "sfx_engineering"
    if sfx == "建设":
        return "sfx_build"
    if sfx in judge.activity_suffixes:
        return "sfx_activity"
    if len(sfx) == 1 and sfx in one_char:
        return "sfx_one_char"
    return "sfx_facility"


def name_features(name: str, rule_id: str, has_alt: bool, judge: NameJudge, rules: RuleSet,
                  listed_as: str | None = None) -> dict[str, float]:
    """What the name itself says: length, suffix class, place or proper noun, marks, words.
    `listed_as`: for an item of a list whose class follows it (东坝、西岭、南湾3个中型灌区), the
    item named with that class (东坝灌区, the mention's `alt`)."""
    tags = judge.tags(name)
    places = _place_names(rules)
    words = rules.model_features
    n = len(name)
    f = dict.fromkeys(_SUFFIX_CLASSES, 0.0)
    f[_suffix_class(name, judge, words.one_char_suffix)] = 1.0
    f.update({
        "len_name": min(n, 30) / 10, "short_name": float(n <= 4), "long_name": float(n >= 16),
        "rule_suffix": float(rule_id == PROJECT_SUFFIX_RULE),
        "rule_prefix": float(rule_id == PROJECT_SUFFIX_PREFIX_RULE),
        "rule_item": float(rule_id == PROJECT_ENUMERATION_ITEM_RULE),
        "rule_card": float(rule_id == PROJECT_CARD_RULE),   # a card's name field gives it (项目名称：…)
        "has_alt": float(has_alt),
        "proper": float(judge.proper(name)), "place": float(_has_place(name, places)),
        "digit_latin": float(bool(_DIGIT_LATIN.search(words.year.sub("", words.capacity.sub("", name))))),
        "year": float(bool(words.year.search(name))), "capacity": float(bool(words.capacity.search(name))),
        "quotes": float(bool(_QUOTES.search(name))),
        "brackets": float(bool(_BRACKETS.search(name))),
        "tokens": min(len(tags), 12) / 6,
        "single_share": sum(len(w) == 1 for w, _ in tags) / max(len(tags), 1),
        "inner_verb": float(any(flag.startswith("v") and len(w) > 1 and w not in judge.name_verbs
                                for w, flag in tags)),
        "first_proper": float(bool(tags) and (tags[0][1] in judge.proper_pos or _has_place(name[:4], places))),
        "first_verb": float(bool(tags) and tags[0][1].startswith("v") and len(tags[0][0]) > 1),
        "common_share": sum(len(w) for w, flag in tags if len(w) > 1 and flag in _COMMON_POS) / max(n, 1),
        "inner_joiner": float(any(w in words.joiner for w, _ in tags)),
        "company": float(bool(words.company.search(name))),
        "bare_level_start": float(name[:1] in words.level_start and not _has_place(name[:4], places)),
        "amount_in_name": float(words.amount_in_name.search(name) is not None),
        "date_start": float(words.date_start.match(name) is not None),
        "clause_inside": float(any(w in words.clause_word for w, _ in tags)),
        "speaker_inside": float(any(w in words.speaker_word for w, _ in tags)),
    })
    f["specific"] = float(bool(f["proper"] or f["place"] or f["digit_latin"] or f["quotes"]))
    core = judge.core(name)
    generic = rules.projects.key_endings
    thing = _without_endings(core, judge, generic)     # read by the head and generic features
    core_tags = judge.tags(core)
    f["bare_verb_end"] = float(f["sfx_none"] == 1.0 and bool(core_tags) and len(core_tags[-1][0]) >= 2
                               and core_tags[-1][1] in words.verb_pos)
    f.update(_programme_features(name, f, judge, words, places))
    f.update(_head_features(name, judge, words, generic, thing))
    if listed_as is not None and _named_by_its_list(name, f, judge, words):
        f.update(_bare_item_features(listed_as, judge, words, generic))
    f.update(_generic_features(name, f, judge, words, generic, thing))
    rest = _part_rest(name, words)
    f["part_of_whole"] = float(words.numbered_unit.match(name) is not None
                               or (rest is not None and _names_no_whole_but_a_part(rest, judge, words, places)))
    return f


def _part_rest(name: str, words: ModelFeatureRules) -> str | None:
    """What stands before a part word ending the name (岚江高铁东段 of 岚江高铁东段路基), or
    None when no part word ends it (`part_end`)."""
    part = words.part_end.search(name)
    return None if part is None else name[:part.start()]


def _part_of_named_whole(name: str, names: set[str], words: ModelFeatureRules) -> bool:
    """Another candidate of the document is the name's start and what follows it is a part
    word or a numbered unit (岚江高铁东段 | 路基, 甲物流园 | 二号冷库): the whole is named as a
    project of its own, this is its part."""
    for i in range(len(name) - 1, 1, -1):
        if name[:i] in names:
            rest = name[i:]
            return words.numbered_unit.match(rest) is not None or words.part_end.match(rest) is not None
    return False


def _bare_rest(rest: str, words: ModelFeatureRules) -> str:
    """What stands before a part word once its part marks (二期, 3#, 北, 岸, 剩余) are taken off."""
    rest = words.part_side_mark.sub("", words.part_mark.sub("", rest))
    return _DIGIT_LATIN.sub("", rest).strip("#号、 ")


def _whole_named_before(text: str, project: Project, mentions: Sequence[ProjectMention],
                        named: Sequence[ProjectMention], named_starts: Sequence[int],
                        words: ModelFeatureRules) -> bool:
    """A name ending in a part word (…生产线, …主体工程) whose sentence names another project
    before it, not as a list sibling (甲公司新材料项目已投产，其中储能电池生产线… ; not 甲项目、
    乙生产线项目): the part is that project's, not a project of its own. The caller asks only
    of a name that does not end in 项目 (`sfx_project`): …，年产5万吨饲料生产线项目开工 names
    a project of its own."""
    if words.part_end.search(project.name) is None:
        return False
    for m in mentions:
        s, _ = _sentence_bounds(text, m.start, m.end)
        i = bisect_right(named_starts, m.start - 1) - 1      # the last named mention before it
        while i >= 0 and named[i].start >= s:
            other = named[i]
            if other.key != project.key and other.end <= m.start:
                between = text[other.end:m.start].strip()
                return between not in ("、", *words.joiner)
            i -= 1
    return False


def _names_no_whole_but_a_part(rest: str, judge: NameJudge, words: ModelFeatureRules,
                               places: frozenset[str]) -> bool:
    """The part word ends a part of a whole, judged by what stands before it (`rest`) once its
    part marks (二期, 3#, 北, 岸, 剩余) are taken off: nothing (北引桥, 二号生产线, 剩余工程), or a
    whole by its class that nothing singles out (桥梁主体工程, 隧道二期路面: the whole is the
    project named elsewhere). What names one whole (a place, a proper name, a quote) or what
    it makes or holds (新能源电池生产线项目, 年产5万吨纸生产线) is no part: the line is an
    undertaking of its own."""
    bare = _bare_rest(rest, words)
    if len(bare) < 2:
        return True
    if judge.proper(bare) or _has_place(bare, places) or _QUOTES.search(bare):
        return False
    return judge.end_suffix(bare) is not None


def _named_by_its_list(name: str, f: Mapping[str, float], judge: NameJudge, words: ModelFeatureRules) -> bool:
    """A list item ending in a one-character suffix of its own that names a thing (东坝, 北港,
    not 衢南段, a part of a whole: `one_char_part`), standing as a word of its own (南|坝) or
    ending a word jieba knows as a name (东坝), not ending a common word (…水源及沿线: along
    the line): with the list's class after it, that class is its suffix and its own ending
    is part of its name, as for its bare siblings."""
    if not f["sfx_one_char"] or name[-1:] in words.one_char_part:
        return False
    tags = judge.tags(name)
    return bool(tags) and (len(tags[-1][0]) == 1 or tags[-1][1] in words.name_pos)


def _bare_item_features(listed_as: str, judge: NameJudge, words: ModelFeatureRules,
                        generic: tuple[str, ...]) -> dict[str, float]:
    """The suffix and head features of a list item read as its bare siblings are (西岭 of
    东坝、西岭、南湾3个中型灌区: no suffix of its own, the whole item its head): 东坝 is no
    bare 坝 after one character (`head_empty`) but the name before the list's 灌区."""
    f = dict.fromkeys(_SUFFIX_CLASSES, 0.0)
    f["sfx_none"] = 1.0
    f.update(_head_features(listed_as, judge, words, generic))
    return f


def _generic_features(name: str, f: Mapping[str, float], judge: NameJudge, words: ModelFeatureRules,
                      generic: tuple[str, ...], thing: str) -> dict[str, float]:
    """What tells a programme, a policy line or a sector's work from one undertaking
    (农村公路提质改造, 建立健全供水管护机制, 城乡供水管网) in the name alone: how it opens
    (a policy verb, a scope every county has, a function word), what its head is (a system
    or field), a set phrase inside it, and whether anything singles it out
    at all (a place, a proper name, a phase or number, a capacity), judged on the name
    without its opening scope word, which jieba often tags as a place (城市, 城镇). `thing`:
    the name's core without its generic endings (`_without_endings`)."""
    core = judge.core(name)
    scope = words.scope_start.match(core)
    tags = judge.tags(core)
    # the words after the scope word are tagged only when nothing before them marks it
    marked = (f["place"] or f["head_unknown"] or f["part_mark"] or f["capacity"] or f["digit_latin"]
              or f["quotes"] or any(flag in words.name_pos
                                    for _, flag in (judge.tags(core[scope.end():]) if scope else tags)))
    return {
        "policy_start": float(words.policy_start.match(core) is not None),
        "scope_start": float(scope is not None),
        "sector_head": float(words.sector_head.search(thing) is not None),
        "set_phrase": float(any(len(w) >= 4 and flag in words.set_phrase_pos and judge.end_suffix(w) is None
                                for w, flag in tags)),
        "function_start": float(bool(tags) and tags[0][1] in words.function_pos),
        "unmarked": float(not marked),
    }


def _head_features(name: str, judge: NameJudge, words: ModelFeatureRules, generic: tuple[str, ...],
                   thing: str | None = None) -> dict[str, float]:
    """What singles the undertaking out, read from its head (the name without its endings):
    a part mark (二期, 北段, 3号), characters jieba does not know as words (a proper name it
    cuts into single characters: 青禾, 凤栖), or nothing at all (a bare 改造工程); and
    whether it names an organisation alone (恒川纸业有限公司). `thing`: the name's core
    without its generic endings, when the caller has it (`_without_endings`)."""
    head = _head(name, judge, generic, thing)
    tags = judge.tags(head) if head else ()
    unknown = [len(w) == 1 and "\u4e00" <= w <= "\u9fff" and not flag.startswith("v") for w, flag in tags]
    return {
        "part_mark": float(words.part_mark.search(name) is not None),
        "head_unknown": float(any(a and b for a, b in zip(unknown, unknown[1:], strict=False))),
        "head_empty": float(len(head) <= 1),
        "org_end": float(words.org_end.search(judge.core(name)) is not None),
    }


def _without_endings(core: str, judge: NameJudge, generic: tuple[str, ...]) -> str:
    """`core` without its generic endings and activities, its facility noun kept
    (城乡供水管网改造工程 → 城乡供水管网): the thing the work is done to."""
    found = judge.end_suffix(core)
    while found is not None and found[1] > 0 and (found[0] in generic or found[0] in judge.activity_suffixes):
        core = core[:found[1]]
        found = judge.end_suffix(core)
    return core


def _head(name: str, judge: NameJudge, generic: tuple[str, ...], thing: str | None = None) -> str:
    """`name` without its decorations and its endings: generic endings (`generic`: 项目,
    工程, 建设) and activities (改造) one after another, then the facility noun that ends
    the chain (城东快速路改造工程 → 城东; 北港大桥 → 北港, its 港 is part of the name);
    nothing when the name is endings only (改造工程, 污水处理厂)."""
    if thing is None:
        thing = _without_endings(judge.core(name), judge, generic)
    found = judge.end_suffix(thing)
    return thing if found is None else thing[:found[1]]


_GENERIC_CLASSES = ("sfx_project", "sfx_engineering", "sfx_build", "sfx_activity")


def _programme_features(name: str, f: Mapping[str, float], judge: NameJudge, words: ModelFeatureRules,
                        places: frozenset[str]) -> dict[str, float]:
    """What makes a phrase a programme, a class or a place rather than one undertaking:
    a class word inside it (各类, 八大, 市列), a quoted count (“五网”), a generic ending
    after an abstract word (升级改造, 亮化工程), a park suffix after a place alone (城南园区)."""
    generic = any(f[c] for c in _GENERIC_CLASSES)
    park = words.park_end.search(name)
    rest = _without_places(name[:park.start()], places) if park else None
    return {
        "class_in_name": float(words.class_in_name.search(name) is not None),
        "slogan": float(words.slogan.search(name) is not None),
        "abstract_head": float(generic and _abstract_head(name, judge, words)),
        "place_park": float(rest is not None and (len(rest) <= 1 or words.direction_place.match(rest) is not None)),
    }


def _abstract_head(name: str, judge: NameJudge, words: ModelFeatureRules) -> bool:
    """The word before the name's ending is a verb or an adjective (农网升级改造, 村庄亮化项目),
    not a thing (城东快速路改造)."""
    head = judge.core(name)
    found = judge.end_suffix(head)
    while found is not None and found[0] in judge.activity_suffixes and found[1] > 0:
        head = head[:found[1]]          # 快速路改造工程: past 工程 and 改造 to 快速路
        found = judge.end_suffix(head)
    tags = judge.tags(head)
    return head != judge.core(name) and bool(tags) and tags[-1][1] in words.abstract_pos


def _without_places(text: str, places: frozenset[str]) -> str:
    """`text` with the place names it starts with taken off (云州市城南 → 城南)."""
    changed = True
    while changed and text:
        changed = False
        for k in range(min(6, len(text)), 1, -1):
            if text[:k] in places:
                text, changed = text[k:], True
                break
    return text


_PADDING = re.compile(r"[ \t\u3000]{2,}")


def _padding(text: str, start: int, end: int) -> int:
    """How many characters of text[start:end] are runs of two spaces or more (a flattened
    table's column padding); 0 without a search when it holds no two spaces in a row."""
    if "  " not in text[start:end] and "\u3000\u3000" not in text[start:end] and "\t" not in text[start:end]:
        return 0
    return sum(m.end() - m.start() for m in _PADDING.finditer(text, start, end))


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The segment around [start, end); of a segment longer than `LONGEST_SENTENCE` (text
    whose full stops were lost), the stretch of that length holding `start`, running on to
    `end` (else every mention's context would be the whole text)."""
    ends = char_index(text, SEGMENT_END)       # the index the layout built for this text
    left, right = ends.last_before(start) + 1, ends.first_from(end)
    right = len(text) if right < 0 else right
    if right - left > LONGEST_SENTENCE:
        left += (start - left) // LONGEST_SENTENCE * LONGEST_SENTENCE
        right = min(right, max(end, left + LONGEST_SENTENCE))
    return left, right


def _context_features(text: str, mentions: Sequence[ProjectMention], starts: Sequence[int],
                      title_spans: list[tuple[int, int]], words: ModelFeatureRules,
                      navigation_on_line: dict[int, bool], title_starts: list[int],
                      announced_lines: dict[int, bool]) -> dict[str, float]:
    """What the text around the project's mentions says (any mention counts).
    `starts`: where every named mention of the document starts, sorted; `navigation_on_line`:
    whether a line (by its start) holds page navigation, filled as lines are met (once a line
    for the document: one long line may hold thousands of names); `title_starts`: where each
    of `title_spans` starts, made once for the document (a list made for every project made a
    text of thousands of headings quadratic: 6,600 headings, 29 of 47 s); `announced_lines`:
    `_announced`'s answers by line start, filled as lines are met."""
    f = dict.fromkeys(("count_after", "class_after", "etc_after", "event_context", "venue", "plan_context",
                       "counted_group_before", "in_heading", "line_alone", "in_list", "joined", "after_colon",
                       "starts_line", "ordinal_line", "sentence_candidates", "sentence_len",
                       "sentence_start", "described_after", "work_after", "navigation", "org_after",
                       "etc_before", "work_verb_before", "collective_before", "announced_line",
                       "site_after", "name_label_before"), 0.0)
    after_checks = (("count_after", words.count_after), ("class_after", words.class_after),
                    ("etc_after", words.etc_after), ("work_after", words.work_after),
                    ("org_after", words.org_after), ("described_after", words.described_after),
                    ("site_after", words.site_after))
    before_checks = (("venue", words.venue_before), ("counted_group_before", words.counted_group_before),
                     ("etc_before", words.etc_before), ("work_verb_before", words.work_verb_before),
                     ("collective_before", words.collective_before), ("name_label_before", words.name_label_before))
    # a feature is on when any mention has it: a check already on for an earlier mention is
    # not made again (most projects have one mention; a list's items share a sentence)
    for m in mentions:
        after = text[m.end:m.end + 12]
        before = text[max(0, m.start - 30):m.start]
        s, e = _sentence_bounds(text, m.start, m.end)
        sentence = text[s:e]
        for name, pattern in after_checks:
            if not f[name] and pattern.match(after) is not None:
                f[name] = 1.0
        for name, pattern in before_checks:
            if not f[name] and pattern.search(before) is not None:
                f[name] = 1.0
        if not f["event_context"] and words.event_context.search(sentence) is not None:
            f["event_context"] = 1.0
        if not f["plan_context"] and words.plan_context.search(text, s, m.start) is not None:
            f["plan_context"] = 1.0
        if not f["line_alone"]:
            stripped = sentence.strip()
            if stripped != "" and len(stripped) <= len(m.name) + 8:
                f["line_alone"] = 1.0
        if not f["in_list"] and (before.endswith(_LIST_MARK) or after.startswith(_LIST_MARK)):
            f["in_list"] = 1.0
        if not f["joined"] and (before.endswith(words.joiner) or after.startswith(words.joiner)):
            f["joined"] = 1.0
        line_start = text.rfind("\n", 0, m.start) + 1
        ordinal = _ORDINAL_LINE.match(text, line_start)
        if not f["after_colon"] and before.rstrip().endswith(("：", ":")):
            f["after_colon"] = 1.0
        # a short line it starts is a heading or a list entry (a paragraph's first words are
        # `sentence_start`)
        line_end = text.find("\n", m.end)
        line_end = len(text) if line_end < 0 else line_end
        if not f["navigation"]:
            if line_start not in navigation_on_line:
                navigation_on_line[line_start] = words.navigation.search(text, line_start, line_end) is not None
            if navigation_on_line[line_start]:
                f["navigation"] = 1.0
        if not f["starts_line"] and line_end - line_start <= _SHORT_LINE and (
                text[line_start:m.start].strip() == "" or (ordinal is not None and ordinal.end() >= m.start)):
            f["starts_line"] = 1.0
            if _announced(text, line_start, announced_lines):
                f["announced_line"] = 1.0
        if ordinal is not None:
            f["ordinal_line"] = 1.0
        if not f["sentence_start"] and _opens_its_sentence(text[s:m.start]):
            f["sentence_start"] = 1.0
        in_sentence = bisect_right(starts, e) - bisect_right(starts, s - 1)
        f["sentence_candidates"] = max(f["sentence_candidates"], math.log1p(in_sentence) / 3)
        # its length in characters of text: the runs of spaces that pad a flattened table's
        # columns (a ledger row laid out as one line) are layout, not words
        f["sentence_len"] = max(f["sentence_len"], min(e - s - _padding(text, s, e), 200) / 100)
        if not f["in_heading"]:
            i = bisect_right(title_starts, m.start) - 1
            if i >= 0 and title_spans[i][1] >= m.end:
                f["in_heading"] = 1.0
    return f


def _announced(text: str, line_start: int, known: dict[int, bool]) -> bool:
    """The line starting at `line_start` is one of a list a colon announces: the nearest line
    above it that holds more than space ends in a colon (以下4条防火通道均已完工：), or is a
    short line with no end of sentence that is itself announced (the list's earlier items).
    `known` holds the answers by line start: a list of n lines is read once, not n times.

    >>> text = "以下3座公园已开放：\\n东湖公园\\n西山公园\\n南岭公园。完工。\\n北坡公园"
    >>> [_announced(text, text.index(n), {}) for n in ("东湖", "南岭", "北坡")]
    [True, True, False]
    """
    walked: list[int] = []
    answer = False
    at = line_start
    while at > 0:
        if at in known:
            answer = known[at]
            break
        walked.append(at)
        above = text.rfind("\n", 0, at - 1) + 1
        line = text[above:at - 1].strip()
        if line == "":
            at = above          # a blank line between the items: look above it
            continue
        if line.endswith(tuple(COLONS)):
            answer = True
            break
        if len(line) > _SHORT_LINE or any(mark in line for mark in SEGMENT_MARKS):
            break
        at = above
    for start in walked:
        known[start] = answer
    return answer


# the most characters other than space an `_ORDINAL_LINE` match holds: （十十十）
_ORDINAL_MAX_CHARS = 5


def _opens_its_sentence(before: str) -> bool:
    """Nothing but space and one leading ordinal stands before the mention in its sentence:
    ``_ORDINAL_LINE.sub("", before, count=1).strip() == ""``. The first ordinal is the only
    part that goes, and it holds no space: more than `_ORDINAL_MAX_CHARS` characters between
    the first and the last that are not space always leave something (no scan needed)."""
    return len(before.strip()) <= _ORDINAL_MAX_CHARS and _ORDINAL_LINE.sub("", before, count=1).strip() == ""


def project_features(ex: Extraction, judge: NameJudge, rules: RuleSet,
                     sparse: bool = False) -> list[dict[str, float]]:
    """One feature dict per project of `ex`, in order; `sparse`: without the features
    that are 0 (most of the 80: a big document's dicts of every feature took 3 KB per
    project, 1.1 MB per MB of text at the peak of its extraction)."""
    text = ex.doc.norm
    by_key: dict[str, list[ProjectMention]] = {}
    for m in ex.mentions:
        if m.rule_id != PROJECT_ANAPHORA_RULE:
            by_key.setdefault(m.key, []).append(m)
    quantities: dict[str, list[Any]] = {}
    for q in ex.quantities:
        if q.project_key:
            quantities.setdefault(q.project_key, []).append(q)
    title_spans = sorted((s.title_start, s.title_end) for s in ex.sections[1:] if s.title_end > s.title_start)
    title_starts = [s for s, _ in title_spans]
    contains_other, inside_other = _nesting([p.name for p in ex.projects], rules.ledger.identity.distinct_parts)
    named = sorted((m for m in ex.mentions if m.rule_id != PROJECT_ANAPHORA_RULE), key=lambda m: m.start)
    named_starts = [m.start for m in named]
    navigation_on_line: dict[int, bool] = {}
    announced_lines: dict[int, bool] = {}
    names = {p.name for p in ex.projects}
    out = []
    for p in ex.projects:
        ms = by_key.get(p.key, [])
        rule_id = next((m.rule_id for m in ms if m.start == p.start), ms[0].rule_id if ms else PROJECT_SUFFIX_RULE)
        f = name_features(p.name, rule_id, p.alt is not None, judge, rules, _listed_as(p.name, ms))
        if not f["part_of_whole"]:
            f["part_of_whole"] = float(_part_of_named_whole(p.name, names, rules.model_features)
                                       or (not f["sfx_project"]
                                           and _whole_named_before(text, p, ms, named, named_starts,
                                                                   rules.model_features)))
        f.update(_context_features(text, ms, named_starts, title_spans, rules.model_features, navigation_on_line,
                                   title_starts, announced_lines))
        qs = quantities.get(p.key, [])
        f.update({
            "mentions": math.log1p(p.mentions) / 2,
            "contains_other": float(p.name in contains_other),
            "inside_other": float(p.name in inside_other),
            "status_known": float(p.status is not Status.UNKNOWN),
            "status_from_text": float(p.status_start is not None
                                      and not _in_titles(p.status_start, title_starts, title_spans)),
            "money_linked": float(any(q.kind is Kind.MONEY and q.role in (Role.TOTAL, Role.PLANNED, Role.COMPLETED)
                                      for q in qs)),
            "quantity_linked": float(bool(qs)),
            "status_in_clause": float(_subject_of_cue(text, ms, p.status_start)),
        })
        # a name cut from a run-on segment right before words describing it (沙湾大桥 | 全长1.8公里):
        # the cut is the name's natural end, unlike a cut at the longest named prefix of a phrase
        f["prefix_described"] = f["rule_prefix"] * f["described_after"]
        out.append({k: v for k, v in f.items() if v} if sparse else f)
    _add_siblings(out, ex.projects, named, text, rules.model_features)
    return out


def _listed_as(name: str, mentions: Sequence[ProjectMention]) -> str | None:
    """The name with its list's class (东坝 → 东坝灌区), when a mention of it is a list item
    that a class after the list, or the last item's suffix, names (its `alt`)."""
    return next((m.alt for m in mentions if m.rule_id == PROJECT_ENUMERATION_ITEM_RULE and m.alt
                 and m.alt.startswith(name) and len(m.alt) > len(name)), None)


def _add_siblings(features: list[dict[str, float]], projects: Sequence[Project],
                  named: Sequence[ProjectMention], text: str, words: ModelFeatureRules) -> None:
    """`siblings_specific`: of the other items of the lists a project is named in (names
    joined by 、/和/及), the share that end in a suffix and name a place or proper noun: a
    phrase listed among projects is likelier one (and one listed among programmes is not)."""
    strong = {p.key: bool(f.get("specific") and not f.get("sfx_none"))
              for p, f in zip(projects, features, strict=True)}
    share: dict[str, float] = {}
    joins = {"、", *words.joiner}       # what may stand between two items of one list
    lists: list[list[ProjectMention]] = []
    for m in named:
        previous = lists[-1][-1] if lists else None
        if previous is not None and m.start >= previous.end \
                and text[previous.end:m.start].strip() in joins:
            lists[-1].append(m)
        else:
            lists.append([m])
    for items in lists:
        keys = Counter(m.key for m in items if m.key in strong)
        listed, listed_strong = sum(keys.values()), sum(n for k, n in keys.items() if strong[k])
        for key, n in keys.items():
            others = listed - n             # the list's items that are not this project
            if others:
                others_strong = listed_strong - (n if strong[key] else 0)
                share[key] = max(share.get(key, 0.0), others_strong / others)
    for p, f in zip(projects, features, strict=True):
        f["siblings_specific"] = share.get(p.key, 0.0)


def _nesting(names: list[str], distinct: regex.Pattern[str]) -> tuple[set[str], set[str]]:
    """The names that contain another of `names`, and those inside another (by the
    substrings of each name: linear in the names, not quadratic). A name that another
    continues with a part of its own (城东快速路 | 二期, `distinct`: rules/ledger.yaml
    identity.distinct_parts) is a sibling project, not a fragment of it."""
    known = set(names)
    contains: set[str] = set()
    inside: set[str] = set()
    for name in known:
        for i in range(len(name)):
            for j in range(i + 2, len(name) + 1 - (i == 0)):
                if name[i:j] in known and not (i == 0 and distinct.match(name, j)):
                    contains.add(name)
                    inside.add(name[i:j])
    return contains, inside


def _subject_of_cue(text: str, mentions: Sequence[ProjectMention], cue_start: int | None) -> bool:
    """The status cue that decided the project follows one of its mentions closely within
    one clause (青禾大道已通车): the phrase is the subject the cue is said of."""
    if cue_start is None:
        return False
    return any(0 <= cue_start - m.end <= _CUE_GAP and not any(c in CLAUSE_MARKS for c in text[m.end:cue_start])
               for m in mentions)


def _in_titles(pos: int, title_starts: list[int], title_spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(title_starts, pos) - 1
    return i >= 0 and title_spans[i][1] > pos

