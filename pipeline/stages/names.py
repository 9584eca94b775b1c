"""Is a string a project name? The suffix test and the filters that tell a named
undertaking (城南大道, 石门水厂扩建工程) from what merely looks like one: a category
(重点项目), a sector (风电项目), a verb and its object (跟进项目), a clause (县政府十分
重视该工程), governance language (社会治安综合治理) or a masked placeholder (xx水库).

Every word list comes from `rules/projects.yaml`; jieba's part-of-speech tags (from
`text/segmenter.py`) tell verbs, function words and proper nouns apart.

>>> from pipeline.rules.loader import load_rules
>>> from pipeline.text.segmenter import load_segmenter
>>> judge = NameJudge(load_rules(), load_segmenter())
>>> [judge.accepts(n) for n in ["城南大道", "重点项目", "跟进项目", "风电项目", "xx水库"]]
[True, False, False, False, False]
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.loader import RuleSet, alternation, word_trie
from pipeline.text.scan import last_characters

# jieba's own block and character classes (jieba/__init__.py and jieba/posseg/__init__.py)

_NUMBERED_PARTS = regex.compile(r"[0-9一二三四五六七八九十]、[0-9一二三四五六七八九十]")
# Parts of speech of a last word that is no facility even when it ends in 线, 路, 段 …
# (沿线 is a direction word, 在线 a distinguishing word)
_NOT_A_THING = {"f", "b", "d", "r", "p", "c", "u"}
_SPECIFIC_MARKS = regex.compile(r"[0-9A-Za-z“”\"(（《]")
_ONLY_PUNCT = regex.compile(r"[\d.\s\p{P}]+")
_DIGITS = regex.compile(r"[0-9０-９.．]+")
_NAME_CACHE_MAX = 50_000     # entries per NameJudge cache (names, tags, verdicts)
_ROUND_BRACKET = re.compile("[(（)）]")
_FLAG = itemgetter(1)        # a (word, flag) pair's flag
# the character every phase (projects.yaml `phase_tail`) holds: a look for it before the pattern
_PHASE = "期"


class NameJudge:
    """Decides whether strings are project names."""

    def __init__(self, rules: RuleSet, tagger: Any) -> None:
        """`tagger`: a `Segmenter`, or anything with jieba.posseg's ``cut(text, HMM=False)``."""
        p = rules.projects
        self.tagger = tagger
        self._tag = tagger.tag if hasattr(tagger, "tag") else (
            lambda text: tuple((t.word, t.flag) for t in tagger.cut(text, HMM=False)))
        self._tag_cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self.suffixes = sorted(set(p.suffixes), key=lambda w: (-len(w), w))
        self.short_min: dict[str, int] = dict(p.short_suffix_min_chars)
        self.tail = p.tail_pattern
        # the characters a decoration (tail_pattern) can end in: a name ending in none of them
        # has none, and is its own core without a match tried (None: not proven of the pattern)
        self._tail_ends = last_characters(self.tail)
        self.phase_tail = p.phase_tail
        # one-character prepositions that open an adverbial of a clause (在, 对, 从, 把…; not 与 or
        # 和, which join two names' works: 堤防加固与改造工程)
        self.clause_prepositions = frozenset(w for w in p.strip_leading_chars if w in p.cut_after_words)
        self.suffix_end = compiled(f"(?:{alternation(self.suffixes)})$")
        # the same words with `re`, factored by prefix: several times faster than `regex`
        self.suffix_any = re.compile(word_trie(self.suffixes))
        self._suffix_set = set(self.suffixes)
        # per last character, the lengths of the suffixes ending in it, longest first: most
        # strings asked about end in a character no suffix ends in, and need no slicing
        self._suffix_lengths_by_end: dict[str, tuple[int, ...]] = {
            last: tuple(sorted({len(w) for w in self.suffixes if w[-1] == last}, reverse=True))
            for last in {w[-1] for w in self.suffixes}}
        # last characters of the suffixes of two characters or more, and the line break
        # end_suffix reads past (named_prefix skips the cuts inside words that end in none)
        self._long_suffix_ends = frozenset({w[-1] for w in self.suffixes if len(w) >= 2} | {"\n"}
                                           | {_PHASE})
        self._core_cache: dict[str, str] = {}
        self._has_suffix_cache: dict[str, bool] = {}
        generic = alternation((*p.generic_words, *p.programme_words))     # 农网升级改造: words only
        self.generic = compiled(f"^(?:{generic}|[{regex.escape(''.join(p.generic_joiners))}])+$")
        self.masked = p.masked
        self.listed_category = compiled(
            rf"^(?:\d{{4}}年)?\p{{Han}}{{0,4}}?(?:{generic})*(?:{alternation(p.list_words)})(?:{generic})+$")
        # what listed_category needs, found with `re` first: its backtracking is slow to fail
        self._list_word = re.compile(alternation(p.list_words))
        self._verdicts: dict[tuple[str, bool], bool] = {}
        self.count_prefix = p.count_prefix
        self.organisation = p.organisation_after
        self.forbidden = p.forbidden
        self.contract_section = p.contract_section
        self.class_name = p.class_name
        self.max_chars = p.max_chars
        self.min_chars = p.min_chars
        self.strip_pos = set(p.strip_leading_pos)
        self.verbal_pos = set(p.not_before_bare_suffix_pos)
        self.dependent = p.dependent_suffixes
        self.sector_suffixes = p.sector_suffixes
        self.sector_max = p.sector_max_chars
        self.proper_pos = set(p.proper_pos)
        self.rare_first_pos = set(p.rare_first_pos)
        self.rare_first_before_pos = self.proper_pos | set(p.rare_first_before_pos)
        self.place_marks = frozenset(p.place_marks)
        self.place_pos = frozenset(p.place_pos)
        self.known_place_pos = frozenset(p.known_place_pos)
        self.own_levels = frozenset(p.own_levels)
        self.own_level_institutions = frozenset(p.own_level_institutions)
        self.place_classes = tuple(p.place_classes)    # 两个村的…工程: places each with its works
        self.abstract_suffixes = p.abstract_suffixes
        self.activity_suffixes = set(p.activity_suffixes)
        # the suffixes of two characters or more that name a thing, not an activity: one
        # inside a sector-like name makes it a facility's (`_sector`); one search, not a
        # look for each suffix
        self._facility_word = compiled(word_trie(
            [w for w in self.suffixes if len(w) >= 2 and w not in self.activity_suffixes]))
        self.umbrella_suffixes = set(p.umbrella_suffixes)
        self.specific_min = p.specific_min_chars
        self.ordinal_in_name = p.ordinal_in_name
        self.name_verbs = set(p.name_verbs)
        self.narrative_pos = set(p.narrative_pos)
        self.action_verbs = set(p.action_verbs)
        # 等工程, 等12个工业项目 (umbrella_after); 等骨干水电站 (shared_suffix_after, group 'rest')
        self.umbrella_after = p.umbrella_after
        self.shared_after = p.shared_suffix_after
        # 等机电产品, 等经济作物: a class after 等 that is no kind of project
        self.other_kind_class = p.other_kind_class
        self.parts_class = p.parts_class
        # framing verbs (加快推进, 完成) that are no words of names: they end the class after 等
        self.framing_verbs = {w for w in p.left_boundaries if len(w) > 1} - self.name_verbs

    def tags(self, text: str) -> tuple[tuple[str, str], ...]:
        """jieba's (word, part of speech) pairs, cached: the filters ask about one name often."""
        tags = self._tag_cache.get(text)
        return tags if tags is not None else _remember(self._tag_cache, text, self._tag(text))

    # -- suffixes -------------------------------------------------------------------
    def end_suffix(self, text: str) -> tuple[str, int] | None:
        """The longest suffix `text` ends with, and where it starts (what
        ``suffix_end.search`` finds, by set look-ups instead of a scan)."""
        if text.endswith("\n"):
            text = text[:-1]        # as `$` matches before a final line break
        if not text:
            return None
        n = len(text)
        for length in self._suffix_lengths_by_end.get(text[-1], ()):
            if length <= n and text[n - length:] in self._suffix_set:
                return text[n - length:], n - length
        return None

    def core_suffix(self, name: str) -> tuple[str, int] | None:
        """The suffix `name` ends with once its decorations are off (城南水厂二期 -> 水厂), and
        where it starts in the core."""
        return self.end_suffix(self.core(name))

    def core(self, name: str) -> str:
        """`name` without its decorations (tail_pattern), or `name` if nothing is left."""
        if self._without_tail(name):
            return name         # (most names: neither a match tried nor the name kept)
        core = self._core_cache.get(name)
        return core if core is not None else _remember(self._core_cache, name, self.tail.sub("", name) or name)

    def _without_tail(self, name: str) -> bool:
        """`name` ends in no decoration, as its last character shows (`_tail_ends`)."""
        return (self._tail_ends is not None and name[-1:] not in self._tail_ends
                and not name.endswith("\n"))       # (`$` matches before a last line break)

    def has_suffix(self, name: str) -> bool:
        """Ends in a project suffix, possibly followed by decorations (二期, (四川境))."""
        known = self._has_suffix_cache.get(name)
        return known if known is not None else _remember(self._has_suffix_cache, name, self._has_suffix(name))

    def _has_suffix(self, name: str) -> bool:
        bare = self.core(name)
        # (a name without decorations is its own core: asked about once)
        for core in ((bare,) if bare == name else (bare, name)):
            found = self.end_suffix(core)
            if found is None:
                continue
            sfx, start = found
            if len(core) < max(self.short_min.get(sfx, 0), self.min_chars):
                continue
            if sfx in self.dependent and not self.has_suffix(core[:start]):
                continue        # 体育馆建设 yes, 电力建设 no
            if len(sfx) == 1 and self.tags(core)[-1][1] in _NOT_A_THING:
                continue        # 线 in 沿线 (along) or 一线 (front line) names nothing
            return True
        return self._phased(name)

    def is_suffix(self, word: str) -> bool:
        """`word` is one of the suffixes, whole (a set look-up, not a scan of the list)."""
        return word in self._suffix_set

    def phased_name(self, name: str) -> bool:
        """`name` is a name by its phase alone and tells no action (甲湖御府二期 after 有 | , not
        有人来问二期): what a cut before it may leave when no facility word follows."""
        return self._phased(name) and self.accepts(name) and not any(
            flag.startswith("v") and word not in self.name_verbs for word, flag in self.tags(name))

    def _phased(self, name: str) -> bool:
        """Ends in a phase after a name that is no facility word (城西数据谷二期, 老街二期):
        the phase singles out what it follows; not after a verb, an adverb or a direction
        (启动二期, 向东一期)."""
        if _PHASE not in name:
            return False
        m = self.phase_tail.search(name)
        if m is None or m.start() < 2:
            return False
        core = name[:m.start()]
        found = self.end_suffix(core)
        if found is not None and found[0] in self.dependent and not self.has_suffix(core[:found[1]]):
            return False        # 绿化美化建设二期: a dependent suffix needs a name before it, as in has_suffix
        word, flag = self.tags(core)[-1]
        return flag not in _NOT_A_THING and not self.is_narrative(word, flag) and not (
            flag.startswith("v") and word not in self.name_verbs)

    def may_end_in_phase(self, text: str, start: int, end: int) -> bool:
        """Some name inside `text[start:end]` may end in a phase (`_phased`): the look
        before the judge for a segment holding no suffix."""
        at = text.find(_PHASE, start, end)
        while at >= 0:
            stop = min(at + 3, end)
            if any(self.phase_tail.search(text, start, e) for e in range(at + 1, stop + 1)):
                return True
            at = text.find(_PHASE, at + 1, end)
        return False

    def phase_ends(self, text: str) -> list[int]:
        """Where the phases in `text` (`phase_tail`) start their 期: one find per occurrence
        of the character, a pattern tried only there."""
        out = []
        at = text.find(_PHASE)
        while at >= 0:
            if self.may_end_in_phase(text, max(0, at - 3), at + 3):
                out.append(at)
            at = text.find(_PHASE, at + 1)
        return out

    def name_like(self, name: str) -> bool:
        """Looser than has_suffix: also counts dependent suffixes (安全生态水系建设)."""
        return self.has_suffix(name) or name.endswith(self.dependent)

    def named_prefix(self, name: str) -> int:
        """Length of the longest prefix that is a name (青云高速公路起于青州市 -> 6), or 0.
        A one-character suffix must end a word: 路 in 路灯 or 堤 in 堤防 ends nothing; a
        prefix ends outside quotes (拉萨“两桥 | 一洞” is no name)."""
        if self.suffix_any.search(name, 0, len(name) - 1) is None and not self.may_end_in_phase(name, 0, len(name) - 1):
            return 0        # no prefix has a suffix or a phase in it (has_suffix needs one)
        boundaries = set()
        pos = 0
        for word, _ in self.tags(name):
            pos += len(word)
            boundaries.add(pos)
        long_ends = self._long_suffix_ends
        for cut in range(min(len(name) - 1, self.max_chars), self.min_chars - 1, -1):
            if cut not in boundaries and name[cut - 1] not in long_ends:
                continue    # no suffix of two characters or more ends inside this word here
            head = name[:cut]
            found = self.end_suffix(head)
            if cut not in boundaries and (found is None or len(found[0]) < 2):
                continue    # a one-character suffix inside a word (路灯, 堤防) is no end
            if found is None and self._without_tail(head):
                continue    # no suffix ends it and no decoration follows one: has_suffix is False
            if self.has_suffix(head) and balanced(head) and head.count("“") == head.count("”"):
                if (cut not in boundaries and self.suffix_any.match(name, cut)) or self.organisation.match(name[cut:]):
                    # the suffix runs on inside a word (工程 | 师), or an organisation (临港 | 新区
                    # 管委会); a facility word after it is a part of the name (…供电项目 | 线路)
                    return 0
                return cut
        return 0

    def shared_suffix(self, rest: str) -> str | None:
        """The specific suffix after an enumeration's 等 (…等骨干水电站 -> 水电站)."""
        m = self.shared_after.match(rest)
        if m is None:
            return None
        # the class the items share ends at the first verb after its first word: what follows
        # is what is done to them (等乡镇 | 完成人居环境整治 shares nothing; 等骨干水电站 and
        # 等新兴产业基地 | 加快建设 keep their suffix)
        rest_ = self._class_phrase(m.group("rest"))
        # the longest; of equal lengths the first written (等新兴产业基地加快建设和提升 -> 基地)
        found = [(len(sfx), -rest_.find(sfx), sfx) for sfx in self.suffixes
                 if sfx in rest_ and len(sfx) >= 2 and sfx not in self.umbrella_suffixes]
        if not found:
            # a one-character suffix closing a facility's word of its own (等乡镇的污水处理站:
            # 站 after 污水处理), not a bare one (等5条路 says no more than a count)
            words = [w for w, _ in self.tags(rest_)]
            for before, word in zip(words, words[1:]):
                if len(before) >= 2 and word in self._suffix_set and word not in self.umbrella_suffixes:
                    return word
            # the works done to each item, then 工程/项目 (两个村的供水巩固提升工程: each village's
            # works, read from the whole class, as its verbs cut the class phrase); not a bare
            # umbrella (等项目, 等重点工程 name no works)
            raw = m.group("rest")
            at, umbrella = min(((raw.find(u), u) for u in self.umbrella_suffixes if raw.find(u) > 0),
                               default=(0, ""))
            if "的" in raw[:at]:
                places, works = raw[:at].rsplit("的", 1)
                tags = self.tags(works) if len(works) >= 3 else ()
                # the items are places (两个村的, 等社区的), each with its own works; not parts
                # of one (一号车间、二号车间等车间的内部装修工程)
                if tags and tags[-1][0] in self.name_verbs and places.endswith(self.place_classes):
                    return umbrella
        return max(found)[2] if found else None

    def _class_phrase(self, rest: str) -> str:
        """`rest` (what follows 等) up to its first verb after its first word (乡镇 | 完成
        人居环境整治, 乡镇 | 加快推进…: a narrative verb or a framing one, which the segmenter
        knows untagged); a verb names use (改造, 加固) goes on naming the class. Nothing when
        the first word is such a verb (…等 | 进行技术改造: the list is the object of what is
        done, and names no class)."""
        tags = self.tags(rest)
        pos = 0
        for i, (word, flag) in enumerate(tags):
            # a verb right before a suffix word of its own names the facility (等物流 | 分拨 | 中心,
            # 等垃圾 | 转运 | 站): the class goes on (not a framing verb: 等项目 | 加快建设 | 厂房)
            if self._doing(word, flag) and not (
                    word not in self.framing_verbs and i + 1 < len(tags) and pos > 0
                    and (found := self.end_suffix(tags[i + 1][0])) is not None and found[1] == 0):
                return rest[:pos]
            pos += len(word)
        return rest

    def _doing(self, word: str, flag: str) -> bool:
        """A verb that says what is done, not a word a class is named with."""
        return (self.is_narrative(word, flag) and flag.startswith("v")) or (
            word in self.framing_verbs and (flag == "x" or flag.startswith("v")))

    def other_kind(self, rest: str) -> bool:
        """The class after an enumeration's 等 (`rest`, from 等 on) is no kind of project
        (等机电产品, 等经济作物生产基地, 等骨干企业: `other_kind_class`): the bare items are
        products, crops, trades or firms, not undertakings."""
        m = self.shared_after.match(rest)
        if m is None:
            return False
        # a class word jieba tags as a verb (手续) is the phrase's first word, not what is done
        phrase = self._class_phrase(m.group("rest")) or next(iter(self.tags(m.group("rest"))), ("", ""))[0]
        return self.other_kind_class.match(phrase) is not None

    def parts_follow(self, rest: str) -> bool:
        """The class after an enumeration's 等 (`rest`, from 等 on) is the whole of one
        project's works (等全部工程, 等各项工程: `parts_class`): the items are its parts."""
        m = self.shared_after.match(rest)
        return m is not None and self.parts_class.match(m.group("rest")) is not None

    def umbrella_follows(self, rest: str) -> bool:
        """An enumeration ends in 等 + 工程/项目 (东岭上坪、西岭下湾等工程)."""
        return self.umbrella_after.match(rest) is not None

    # -- word classes ---------------------------------------------------------------
    def proper(self, name: str) -> bool:
        """A place or proper noun in it, or characters jieba does not know (unknown names
        come out one character at a time): 青州热电联产, 白岩滩, not 疏浚."""
        tokens = self.tags(name)
        if not self.proper_pos.isdisjoint(map(_FLAG, tokens)):
            return True
        if len(tokens) > 2 and len(tokens[0][0]) > 1 and tokens[1][0] in self.place_marks:
            return True         # 溪口 | 村 | 党群服务中心: a village the segmenter does not know
        previous = False        # two single Han characters in a row (`_single_han`, inline)
        for word, _ in tokens:
            single = len(word) == 1 and "\u4e00" <= word <= "\u9fff"
            if single and previous:
                return True
            previous = single
        return False

    def nominal(self, name: str) -> bool:
        """A short name with no verb in it (西岭下湾, not 整治河道). A one-character "verb"
        is no verb: jieba cuts unknown names into characters and tags some as verbs (鑫达建材)."""
        if not 2 <= len(name) <= 16:
            return False
        tags = self.tags(name)
        if all(flag.startswith("v") for _, flag in tags):
            return False        # 疏浚, 清淤: an activity, whatever verbs names use
        # verbs that names use (保护, 加固, 翻新) are no sign of a clause
        return not any(flag in ("v", "vd", "ad", "d") and len(word) > 1 and word not in self.name_verbs
                       for word, flag in tags)

    def lent_suffix(self, items: list[str]) -> str | None:
        """The specific suffix the last item of a list lends to the bare items before it
        (东坪、西岭、南湾水库 -> 水库): short proper names like the last one's own part, no
        suffix of their own. None when any bare item is not such a name (城北供水 | 污水处理厂)."""
        last = self.core(items[-1])
        found = self.end_suffix(last)
        if found is None or len(found[0]) < 2 or found[0] in self.umbrella_suffixes:
            return None
        own = found[1]          # length of the last item's own part (南湾)
        bare = [item for item in items[:-1] if not self.has_suffix(item)]
        if own < 2 or not bare:
            return None
        # in a list of three or more, a bare item may be one common word (红旗、胜利、团结水库:
        # names made of words jieba reads as a noun, a verb or an adjective)
        fits = all(2 <= len(item) <= own + 2 and (
            (self.nominal(item) and self.proper(item)) or (len(items) >= 3 and self._one_word(item)))
            for item in bare)
        return found[0] if fits else None

    def _one_word(self, item: str) -> bool:
        """`item` is one word of a kind names are made of: not a distinguishing word (小型),
        a direction, a function word, a numeral or an action (新增)."""
        tags = self.tags(item)
        return (len(tags) == 1 and tags[0][1] not in _NOT_A_THING and tags[0][1] not in ("m", "q", "t", "b")
                and tags[0][0] not in self.action_verbs)

    def is_narrative(self, word: str, flag: str) -> bool:
        """A verb or adverb that project names do not use (重视, 十分)."""
        return (len(word) > 1 and flag in self.narrative_pos and word not in self.name_verbs
                and self.end_suffix(word) is None)

    # -- the verdict ----------------------------------------------------------------
    def accepts(self, name: str, listed: bool = False, whole: bool = False) -> bool:
        """Whether `name` reads as a project; `listed` names share a suffix after 等, which
        vouches for them (修水至平江 … 等高速公路); `whole`: `name` is all its segment holds
        once trimmed, not a cut inside a longer name (a facility word and a phase, 安置区二期,
        names a project only so). Cached: a report names its projects again and again."""
        verdict = self._verdicts.get((name, listed))
        if verdict is None:
            verdict = _remember(self._verdicts, (name, listed), self._accepts(name, listed))
        # (a whole segment differs only for a facility word and its phase: asked again only then)
        return verdict or (whole and _PHASE in name and self.rejection(name, listed, whole) is None)

    def _accepts(self, name: str, listed: bool) -> bool:
        return self.rejection(name, listed) is None

    def rejection(self, name: str, listed: bool = False, whole: bool = False) -> str | None:
        """Why `name` is no project name (the first filter it fails), or None when it is
        one: what `accepts` decides, with its reason (scripts/candidate_misses.py counts them)."""
        if _outside_brackets(name, "、") or not balanced(name) or name.count("“") != name.count("”"):
            return "list or unbalanced brackets"
        core = self.masked.sub("", name)
        if core != name and (len(core) < self.min_chars or self._only_suffixes(core)):
            return "masked"        # xx工程, ××水库: the distinguishing part is masked
        if not (self.min_chars <= len(name) <= self.max_chars) and not (
                len(name) == 2 and not self.has_suffix(name)):
            return "length"
        if self.forbidden.search(name):
            return "forbidden"
        if self.contract_section.search(name):
            return "contract section"
        if self.class_name.search(name):
            return "class of projects"
        if self.count_prefix.search(name):
            return "count prefix"
        if _ONLY_PUNCT.fullmatch(name):
            return "punctuation"
        if self.generic.match(self.core(name)) or (
                self._list_word.search(name) and self.listed_category.match(name)):
            return "generic words"
        if self._only_suffixes(name) and not (whole and _PHASE in name and self.phase_tail.search(name)):
            return "only suffixes"      # (a phase singles out the facility it follows: 安置区二期)
        if self._suffix_after_preposition(name):
            return "preposition and a bare suffix"
        if self._verb_object(name):
            return "verb and object"
        if self._sector(name):
            return "sector"
        if not listed and self._narrative(name) and not self._placed(name):
            return "narrative verb"
        if not listed and self._action(name):
            return "action"
        if (not listed and name.endswith(self.abstract_suffixes) and len(name) < self.specific_min
                and not _SPECIFIC_MARKS.search(name) and not self.ordinal_in_name.search(name)
                and not self.proper(name) and not self.own_level(name)):
            return "abstract suffix"        # 社会治安综合治理, 发展道路: governance and policy, not works
        return None

    def _only_suffixes(self, name: str) -> bool:
        """Made of suffixes and generic words only (隧道工程, 道路改造). The writer's own level
        before two of them (镇 | 卫生院 | 住院楼, 县 | 敬老院 | 改扩建项目) is not: the works on a part
        of the county's or town's own institution, singled out; nor is it before one specific
        facility word of three characters or more (县 | 档案馆, 镇 | 卫生院: the county's one such
        building; 县 | 医院 and 县 | 中学 stay generic)."""
        core = self.core(name)
        found = self.end_suffix(core)
        if found is None:
            return self.generic.match(core) is not None
        layers = 0
        while found[1] > 0:
            core, last = core[: found[1]], found[0]
            layers += 1
            if self.generic.match(core):
                return not (core in self.own_levels and (layers >= 2 or len(last) >= 3))
            if len(found[0]) >= 2 and self._one_place_word(core):
                return False        # 新港 | 小学: a place jieba knows whole, though 港 ends names
            found = self.end_suffix(core)
            if found is None:
                return False        # (what is left is no generic word either: asked just above)
        return True

    def _suffix_after_preposition(self, name: str) -> bool:
        """A preposition, then suffixes only (甲县在 | 项目选址上, 乙镇对 | 工程质量): the
        subject of a clause and the works it speaks of, no name."""
        pos = 0
        for word, flag in self.tags(name)[:-1]:
            pos += len(word)
            if flag == "p" and word in self.clause_prepositions and self._only_suffixes(name[pos:]):
                return True
        return False

    def own_level(self, name: str) -> bool:
        """`name` opens with the writer's own level of government alone (县 | 文化艺术中心, 市 |
        体育中心; rules/projects.yaml `own_levels`): the county or city the report is of, a place
        as a proper name is; not before an institution's word (市 | 人民 | 医院)."""
        tokens = self.tags(name)
        return (len(tokens) >= 2 and tokens[0][0] in self.own_levels
                and tokens[1][0] not in self.own_level_institutions)

    def _one_place_word(self, text: str) -> bool:
        """`text` is one word jieba tags a place (新港, 新城): a name's own part, even when it
        ends in a character that ends names (港, 城)."""
        tokens = self.tags(text)
        return len(tokens) == 1 and tokens[0][1] in self.known_place_pos

    def _verb_object(self, name: str) -> bool:
        """跟进项目, 要积极跟踪项目, 2022年项目, 暑期维修改造项目: a bare 项目/工程/建设 after only
        verbs, adverbs, counts or time words, or a time word and only verbs (暑期维修改造): a
        season's works are a class, not a name."""
        tokens = self.tags(name)
        if len(tokens) < 2:
            return False
        if tokens[-1][0] not in self.umbrella_suffixes:
            # 暑期维修改造: a time word and then only verbs, the works of a season
            return tokens[0][1] == "t" and all(flag in self.verbal_pos for _, flag in tokens[1:])
        # digits are numerals, though jieba tags a run of them "eng" (2022年项目)
        return all(flag in self.verbal_pos or flag in self.strip_pos or flag == "t" or _DIGITS.fullmatch(word)
                   for word, flag in tokens[:-1])

    def _action(self, name: str) -> bool:
        """铺设雨污水管网, 安装路灯: a verb first and nothing proper, an action not a name."""
        tokens = self.tags(name)
        if len(tokens) < 2:
            return False
        word, flag = tokens[0]
        # (the first word first: most names open with no verb, and need no look at the rest)
        if flag == "v" and len(word) == 1 and len(tokens) == 2 and word not in self.name_verbs \
                and tokens[1][0] in self._suffix_set and not self.proper(name):
            return True     # 跨 | 铁路, 修 | 公路: a verb and the bare suffix it takes, no name
        if not ((word in self.action_verbs or (flag == "v" and len(word) > 1)) and not self.proper(name)):
            return False
        # the verb opens a facility word that ends the core (安置 | 区二期): no action
        found = self.core_suffix(name)
        return found is None or found[1] > 0 or len(found[0]) <= len(word)

    def _narrative(self, name: str) -> bool:
        """A clause posing as a name (县委十分关心该工程)."""
        core = self.core(name)
        narrative_pos = self.narrative_pos      # (is_narrative's first test, on every word at once)
        return any(self.is_narrative(word, flag) for word, flag in self.tags(core) if flag in narrative_pos)

    def _placed(self, name: str) -> bool:
        """A name from a place or proper noun to a suffix, with no adverb in it: a verb
        inside (撤并, 怡养, 滚转) is part of what it names, not a clause around it
        (县委十分关心该工程 has an adverb; 青禾县团结水库 does not)."""
        tags = self.tags(name)
        # (a phase jieba tags as an adverb, 一期, is a word names use: no adverb)
        if not self.has_suffix(name) or any(flag in ("d", "ad", "vd") and len(word) > 1 and word not in self.name_verbs
                                            for word, flag in tags):
            return False
        if tags[0][1] in self.proper_pos or self.unknown_start(tags):
            return True
        # a common noun first (学院路拓宽): one verb inside at most
        return tags[0][1] == "n" and sum(self.is_narrative(word, flag) for word, flag in tags) == 1

    def unknown_start(self, tags: tuple[tuple[str, str], ...]) -> bool:
        """The name opens with a name jieba does not know: it comes out one character at a
        time, whatever tags those get (跃鹿 as 跃/v 鹿/nr), as `proper`
        reads it; a function word (要, 把, 对) is no such character. A rare character (rules/
        projects.yaml rare_first_pos) before a place word or a noun opens one too (甗 | 山县,
        甗 | 水乡: the place's name is 甗山, 甗水)."""
        return (len(tags) >= 3 and all(_single_han(word) and flag not in self.strip_pos and flag != "p"
                                       for word, flag in tags[:2])) or (
            len(tags) >= 2 and _single_han(tags[0][0]) and tags[0][1] in self.rare_first_pos
            and tags[1][1] in self.rare_first_before_pos)

    def _sector(self, name: str) -> bool:
        """风电项目, 低碳制造业项目: short, generic suffix, one or two common words before it."""
        if len(name) > self.sector_max or not name.endswith(self.sector_suffixes):
            return False
        if _SPECIFIC_MARKS.search(name):
            return False
        if self._facility_word.search(name, 0, max(len(name) - 2, 0)):
            return False        # 石门水厂扩建工程 names a facility (水厂)
        # two common words at most before the suffix; unknown place names come out as
        # single characters
        words = self.tags(name)
        return (len(words) <= 3 and all(flag not in self.proper_pos for _, flag in words)
                and sum(len(word) == 1 for word, _ in words) <= 1)


def _single_han(word: str) -> bool:
    """One Chinese character: how jieba cuts a name it does not know (跃鹿 → 跃 鹿)."""
    return len(word) == 1 and "\u4e00" <= word <= "\u9fff"


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    """Store `value` in one of NameJudge's caches and return it; a full cache starts over,
    so a worker's memory stays flat on a large corpus."""
    if len(cache) > _NAME_CACHE_MAX:
        cache.clear()
    cache[key] = value
    return value


def balanced(name: str) -> bool:
    """Round brackets open and close in order."""
    if _ROUND_BRACKET.search(name) is None:
        return True         # (most names: no bracket to walk to)
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
    if char not in name:
        return False
    depth = 0
    for i, ch in enumerate(name):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch == char and depth == 0 and not _NUMBERED_PARTS.match(name, max(i - 1, 0)):
            return True
    return False
