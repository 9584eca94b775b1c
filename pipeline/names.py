"""Is a string a project name? The suffix test and the filters that tell a named
undertaking (城南大道, 石门水厂扩建工程) from what merely looks like one: a category
(重点项目), a sector (风电项目), a verb and its object (跟进项目), a clause (县政府十分
重视该工程), governance language (社会治安综合治理) or a masked placeholder (xx水库).

Every word list comes from `rules/projects.yaml`; jieba's part-of-speech tags tell verbs,
function words and proper nouns apart.

>>> import jieba.posseg
>>> from pipeline.rules import load_rules
>>> judge = NameJudge(load_rules(), jieba.posseg.POSTokenizer())
>>> [judge.accepts(n) for n in ["城南大道", "重点项目", "跟进项目", "风电项目", "xx水库"]]
[True, False, False, False, False]
"""

from __future__ import annotations

from typing import Any

import regex

from pipeline.rules import RuleSet, alternation

_NUMBERED_PARTS = regex.compile(r"[0-9一二三四五六七八九十]、[0-9一二三四五六七八九十]")
# Parts of speech of a last word that is no facility even when it ends in 线, 路, 段 …
# (沿线 is a direction word, 在线 a distinguishing word)
_NOT_A_THING = {"f", "b", "d", "r", "p", "c", "u"}
_PLACEHOLDER = regex.compile(r"[xX×*＊]+")
_SPECIFIC_MARKS = regex.compile(r"[0-9A-Za-z“”\"(（《]")
_COUNTED_ETC = r"等[0-9一二两三四五六七八九十几多个座项批条宗处所家大]*"


class NameJudge:
    """Decides whether strings are project names."""

    def __init__(self, rules: RuleSet, tagger: Any) -> None:
        p = rules.projects
        self.tagger = tagger
        self._tag_cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self.suffixes = sorted(set(p["suffixes"]), key=len, reverse=True)
        self.short_min: dict[str, int] = dict(p["short_suffix_min_chars"])
        self.tail = regex.compile(p["tail_pattern"])
        self.suffix_end = regex.compile(f"(?:{alternation(self.suffixes)})$")
        self.suffix_any = regex.compile(alternation(self.suffixes))
        generic = alternation(p["generic_words"])
        self.generic = regex.compile(f"^(?:{generic}|[、和及与的])+$")
        self.listed_category = regex.compile(
            rf"^(?:\d{{4}}年)?\p{{Han}}{{0,4}}?(?:{generic})*(?:{alternation(p['list_words'])})(?:{generic})+$")
        self.count_prefix = regex.compile(p["count_prefix"])
        self.organisation = regex.compile(p["organisation_after"])
        self.forbidden = regex.compile(p["forbidden"])
        self.max_chars = int(p["max_chars"])
        self.min_chars = int(p["min_chars"])
        self.strip_pos = set(p["strip_leading_pos"])
        self.verbal_pos = set(p["not_before_bare_suffix_pos"])
        self.dependent = tuple(p["dependent_suffixes"])
        self.sector_suffixes = tuple(p["sector_suffixes"])
        self.sector_max = int(p["sector_max_chars"])
        self.proper_pos = set(p["proper_pos"])
        self.abstract_suffixes = tuple(p["abstract_suffixes"])
        self.activity_suffixes = set(p["activity_suffixes"])
        self.umbrella_suffixes = set(p["umbrella_suffixes"])
        self.specific_min = int(p["specific_min_chars"])
        self.name_verbs = set(p["name_verbs"])
        self.narrative_pos = set(p["narrative_pos"])
        self.action_verbs = set(p["action_verbs"])
        self.umbrella_after = regex.compile(_COUNTED_ETC + r"(?:重点|重大|骨干|一批)?(?:工程|项目)")
        self.shared_after = regex.compile(_COUNTED_ETC + r"([^，,。；;、]{0,12})")

    def tags(self, text: str) -> tuple[tuple[str, str], ...]:
        """jieba's (word, part of speech) pairs, cached: the filters ask about one name often."""
        tags = self._tag_cache.get(text)
        if tags is None:
            if len(self._tag_cache) > 100_000:
                self._tag_cache.clear()
            tags = self._tag_cache[text] = tuple((t.word, t.flag) for t in self.tagger.cut(text, HMM=False))
        return tags

    # -- suffixes -------------------------------------------------------------------
    def has_suffix(self, name: str) -> bool:
        """Ends in a project suffix, possibly followed by decorations (二期, (四川境))."""
        for core in (self.tail.sub("", name) or name, name):
            m = self.suffix_end.search(core)
            if m is None or len(core) < max(self.short_min.get(m.group(), 0), self.min_chars):
                continue
            if m.group() in self.dependent and not self.has_suffix(core[: m.start()]):
                continue        # 体育馆建设 yes, 电力建设 no
            if len(m.group()) == 1 and self.tags(core)[-1][1] in _NOT_A_THING:
                continue        # 线 in 沿线 (along) or 一线 (front line) names nothing
            return True
        return False

    def name_like(self, name: str) -> bool:
        """Looser than has_suffix: also counts dependent suffixes (安全生态水系建设)."""
        return self.has_suffix(name) or name.endswith(self.dependent)

    def named_prefix(self, name: str) -> int:
        """Length of the longest prefix that is a name (宜攀高速公路起于宜宾市 -> 6), or 0.
        A one-character suffix must end a word: 路 in 路灯 or 堤 in 堤防 ends nothing."""
        boundaries = set()
        pos = 0
        for word, _ in self.tags(name):
            pos += len(word)
            boundaries.add(pos)
        for cut in range(min(len(name) - 1, self.max_chars), self.min_chars - 1, -1):
            head = name[:cut]
            m = self.suffix_end.search(head)
            if cut not in boundaries and (m is None or len(m.group()) < 2):
                continue    # a one-character suffix inside a word (路灯, 堤防) is no end
            if self.has_suffix(head) and balanced(head):
                if any(name.startswith(sfx, cut) for sfx in self.suffixes) or self.organisation.match(name[cut:]):
                    return 0    # the suffix runs on (工程 | 师), or an organisation (临港 | 新区管委会)
                return cut
        return 0

    def shared_suffix(self, rest: str) -> str | None:
        """The specific suffix after an enumeration's 等 (…等骨干水电站 -> 水电站)."""
        m = self.shared_after.match(rest)
        if m is None:
            return None
        for sfx in self.suffixes:
            if sfx in m.group(1) and len(sfx) >= 2 and sfx not in self.umbrella_suffixes:
                return sfx
        return None

    def umbrella_follows(self, rest: str) -> bool:
        """An enumeration ends in 等 + 工程/项目 (缙云里隆、庆元荷地等工程)."""
        return self.umbrella_after.match(rest) is not None

    # -- word classes ---------------------------------------------------------------
    def proper(self, name: str) -> bool:
        """A place or proper noun in it, or characters jieba does not know (unknown names
        come out one character at a time): 武威热电联产, 乌弄龙, not 疏浚."""
        tokens = self.tags(name)
        if any(flag in self.proper_pos for _, flag in tokens):
            return True
        singles = [len(word) == 1 and "\u4e00" <= word <= "\u9fff" for word, _ in tokens]
        return any(a and b for a, b in zip(singles, singles[1:]))

    def nominal(self, name: str) -> bool:
        """A short name with no verb in it (庆元荷地, not 整治河道)."""
        if not 2 <= len(name) <= 12:
            return False
        return not any(flag in ("v", "vd", "ad", "d") for _, flag in self.tags(name))

    def is_narrative(self, word: str, flag: str) -> bool:
        """A verb or adverb that project names do not use (重视, 十分)."""
        return (len(word) > 1 and flag in self.narrative_pos and word not in self.name_verbs
                and not self.suffix_end.search(word))

    # -- the verdict ----------------------------------------------------------------
    def accepts(self, name: str, listed: bool = False) -> bool:
        """Whether `name` reads as a project; `listed` names share a suffix after 等, which
        vouches for them (修水至平江 … 等高速公路)."""
        if _outside_brackets(name, "、") or not balanced(name) or name.count("“") != name.count("”"):
            return False
        core = _PLACEHOLDER.sub("", name)
        if core != name and (len(core) < self.min_chars or self._only_suffixes(core)):
            return False        # xx工程, ××水库: the distinguishing part is masked
        if not (self.min_chars <= len(name) <= self.max_chars) and not (
                len(name) == 2 and not self.has_suffix(name)):
            return False
        if self.forbidden.search(name) or self.count_prefix.search(name):
            return False
        if regex.fullmatch(r"[\d.\s\p{P}]+", name):
            return False
        if self.generic.match(self.tail.sub("", name) or name) or self.listed_category.match(name):
            return False
        if self._only_suffixes(name) or self._verb_object(name) or self._sector(name):
            return False
        if not listed and (self._narrative(name) or self._action(name)):
            return False
        if (name.endswith(self.abstract_suffixes) and len(name) < self.specific_min
                and not _SPECIFIC_MARKS.search(name) and not self.proper(name)):
            return False        # 社会治安综合治理, 发展道路: governance and policy, not works
        return True

    def _only_suffixes(self, name: str) -> bool:
        """Made of suffixes and generic words only (隧道工程, 道路改造)."""
        core = self.tail.sub("", name) or name
        while True:
            m = self.suffix_end.search(core)
            if m is None or m.start() == 0:
                return m is not None or self.generic.match(core) is not None
            core = core[: m.start()]
            if self.generic.match(core):
                return True

    def _verb_object(self, name: str) -> bool:
        """跟进项目, 要积极跟踪项目: a bare 项目/工程/建设 after only verbs, adverbs or counts."""
        tokens = self.tags(name)
        if len(tokens) < 2 or tokens[-1][0] not in self.umbrella_suffixes:
            return False
        return all(flag in self.verbal_pos or flag in self.strip_pos for _, flag in tokens[:-1])

    def _action(self, name: str) -> bool:
        """铺设雨污水管网, 安装路灯: a verb first and nothing proper, an action not a name."""
        tokens = self.tags(name)
        if len(tokens) < 2 or self.proper(name):
            return False
        word, flag = tokens[0]
        return word in self.action_verbs or (flag == "v" and len(word) > 1)

    def _narrative(self, name: str) -> bool:
        """A clause posing as a name (县政府十分重视该工程)."""
        core = self.tail.sub("", name) or name
        return any(self.is_narrative(word, flag) for word, flag in self.tags(core))

    def _sector(self, name: str) -> bool:
        """风电项目, 低碳制造业项目: short, generic suffix, one or two common words before it."""
        if len(name) > self.sector_max or not name.endswith(self.sector_suffixes):
            return False
        if _SPECIFIC_MARKS.search(name):
            return False
        core = name[:-2]
        if any(sfx in core for sfx in self.suffixes if len(sfx) >= 2 and sfx not in self.activity_suffixes):
            return False        # 石门水厂扩建工程 names a facility (水厂)
        # two common words at most before the suffix; unknown place names come out as
        # single characters
        words = self.tags(name)
        return (len(words) <= 3 and all(flag not in self.proper_pos for _, flag in words)
                and sum(len(word) == 1 for word, _ in words) <= 1)


def balanced(name: str) -> bool:
    """Round brackets open and close in order."""
    depth = 0
    for ch in name:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _outside_brackets(name: str, char: str) -> bool:
    """`char` occurs in `name` outside brackets, other than between numerals (1、2号线)."""
    depth = 0
    for i, ch in enumerate(name):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch == char and depth == 0 and not _NUMBERED_PARTS.match(name, max(i - 1, 0)):
            return True
    return False
