"""Projects: named construction or investment undertakings.

A clause is cut into segments at framing words (推进, 其中, 完成 …), status cues and the
enumeration comma 、; a segment that ends in a project suffix (工程, 公路 …, plus phase or
section decorations) names a project. Items of an enumeration that also holds suffixed
names, or that ends in 等 + a suffix, are projects too (遂昌周公源、青田外雄等骨干水电站).

>>> from pipeline.rules import load_rules
>>> extract = ProjectExtractor(load_rules())
>>> [m.name for m in extract("加快推进城南大道、滨江大桥等重点工程建设。")]
['城南大道', '滨江大桥']
>>> [m.name for m in extract("全县重点项目进展顺利。")]
[]
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.rules import RuleSet
from pipeline.types import ProjectMention

_OPEN, _CLOSE = "(（《“‘【[", ")）》”’】]"
_CLAUSE_END = set("，,；;：:。！？!?\n")
_ORDINAL = regex.compile(r"\s*(?:[(（][一二三四五六七八九十0-9]{1,3}[)）]|[0-9]{1,2}[.、．](?![0-9])|"
                         r"[一二三四五六七八九十]{1,3}、|[①-⑳])\s*")
_SPACES = regex.compile(r"[ \t\u3000]+")
_PLACEHOLDER = regex.compile(r"[xX×*＊]+")
_DASH = regex.compile(r"[—－-]{2,}")
_PUNCT_STRIP = " \t\u3000\"'“”‘’《》「」【】·-—"


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int
    end: int
    sep_before: str     # what separates it from the previous segment: "、", "boundary", "clause"
    followed_by_etc: bool


def _alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


class ProjectExtractor:
    """Find project mentions in normalised text (offsets into that text)."""

    def __init__(self, rules: RuleSet, status_pattern: regex.Pattern[str] | None = None) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)     # its start-up chatter is not for our users
        p = rules.projects
        self.suffixes = sorted(set(p["suffixes"]), key=len, reverse=True)
        self.short_min: dict[str, int] = dict(p["short_suffix_min_chars"])
        self.tail = regex.compile(p["tail_pattern"])
        self.suffix_end = regex.compile(f"(?:{_alternation(self.suffixes)})$")
        self.suffix_any = regex.compile(_alternation(self.suffixes))
        self.boundaries = set(p["left_boundaries"])
        self.weak = set(p["weak_left_boundaries"])
        self.generic = regex.compile(f"^(?:{_alternation(p['generic_words'])}|[、和及与的])+$")
        self.count_prefix = regex.compile(p["count_prefix"])
        generic_alt = _alternation(p["generic_words"])
        self.listed_category = regex.compile(
            rf"^(?:\d{{4}}年)?\p{{Han}}{{0,4}}?(?:{generic_alt})*(?:{_alternation(p['list_words'])})(?:{generic_alt})+$")
        self.forbidden = regex.compile(p["forbidden"])
        self.max_chars = int(p["max_chars"])
        self.min_chars = int(p["min_chars"])
        self.status_pattern = status_pattern or regex.compile(
            "|".join(f"(?:{c.pattern.pattern})" for c in rules.status_cues))
        self.strip_pos = set(p["strip_leading_pos"])
        self.cut_after = set(p["cut_after_words"])
        self.verbal_pos = set(p["not_before_bare_suffix_pos"])
        self.strip_chars = set(p["strip_leading_chars"])
        self.joiners = set(p["joiners"])
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
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        for word in self.boundaries | self.weak:
            if len(word) > 1:
                self.tokenizer.add_word(word, 2000)
        import jieba.posseg

        self.tagger = jieba.posseg.POSTokenizer(self.tokenizer)

    # -- public -------------------------------------------------------------------
    def __call__(self, text: str, offset: int = 0) -> list[ProjectMention]:
        mentions: list[ProjectMention] = []
        for c_start, c_end in _clauses(text):
            if c_end - c_start < self.min_chars:
                continue
            mentions.extend(self._clause(text, c_start, c_end, offset))
        return mentions

    def is_project_name(self, name: str) -> bool:
        """True when `name` alone reads as a project (ends in a suffix, not a category)."""
        return self._has_suffix(name) and self._acceptable(name)

    # -- steps --------------------------------------------------------------------
    def _clause(self, text: str, c_start: int, c_end: int, offset: int) -> list[ProjectMention]:
        clause = text[c_start:c_end]
        segments = self._segments(clause)
        out: list[ProjectMention] = []
        # group segments into enumerations: runs joined by 、
        groups: list[list[_Segment]] = []
        for seg in segments:
            if groups and seg.sep_before == "、":
                groups[-1].append(seg)
            else:
                groups.append([seg])
        for group in groups:
            names = [self._trim(clause, seg) for seg in group]
            suffixed = [self._has_suffix(name) for name, _, _ in names]
            name_like = [ok or name.endswith(self.dependent) for ok, (name, _, _) in zip(suffixed, names)]
            shared = self._shared_suffix(clause, group[-1]) if group[-1].followed_by_etc else None
            # 缙云里隆、庆元荷地等工程投入运行: names (no verbs) listed before 等 + 工程/项目
            umbrella = (group[-1].followed_by_etc and shared is None and len(group) > 1
                        and self._umbrella_follows(clause, group[-1])
                        and all(self._nominal(n) for (n, _, _), ok in zip(names, suffixed) if not ok))
            # an enumeration of names: mostly suffixed items, or items sharing a specific
            # suffix after 等; lists of activities (疏浚、整治河道、安置房) are not
            is_list = len(group) > 1 and (2 * sum(name_like) >= len(group) or shared is not None or umbrella)
            for (name, s, e), has_suffix in zip(names, suffixed):
                alt = None
                if has_suffix:
                    rule_id = "project.suffix"
                else:
                    # 宜攀高速公路起于宜宾市: the name is the longest prefix ending in a suffix
                    head, head_end = self._longest_named_prefix(name, s, e)
                    if head:
                        name, e, rule_id = head, head_end, "project.suffix_prefix"
                    elif shared is not None or (is_list and self._proper(name)):
                        rule_id = "project.enumeration_item"
                        alt = name + shared if shared else None
                    else:
                        continue
                while len(name) > self.min_chars and name[0] in self.strip_chars and self._has_suffix(name[1:]):
                    name, s = name[1:], s + 1       # 如云州港三期码头工程受…影响
                if name and self._acceptable(name, listed=alt is not None) and not _inside_title_marks(clause, s, e):
                    out.append(ProjectMention(name, project_key(name), offset + c_start + s,
                                              offset + c_start + e, rule_id, alt))
        return out

    def _segments(self, clause: str) -> list[_Segment]:
        """Cut a clause at 、, 等, framing words and status cues (not inside brackets)."""
        cuts: list[tuple[int, int, str]] = []      # (start, end, kind) of removed spans
        for m in self.status_pattern.finditer(clause):
            cuts.append((m.start(), m.end(), "boundary"))
        for m in _DASH.finditer(clause):      # apposition: 最长的隧道——某某通道
            cuts.append((m.start(), m.end(), "boundary"))
        for m in _SPACES.finditer(clause):    # flattened text: 成效值得肯定   项目开复工率
            cuts.append((m.start(), m.end(), "boundary"))
        pos = 0
        depth = 0
        for token in self.tokenizer.cut(clause, HMM=False):
            end = pos + len(token)
            if token in _OPEN or (len(token) == 1 and token in _OPEN):
                depth += 1
            elif token in _CLOSE and depth:
                depth -= 1
            elif depth == 0:
                if token == "、" or token in self.joiners:
                    cuts.append((pos, end, "、"))
                elif token == "等":
                    cuts.append((pos, end, "etc"))
                elif token in self.boundaries:
                    cuts.append((pos, end, "boundary"))
            pos = end
        cuts.sort()
        segments: list[_Segment] = []
        cursor = 0
        sep = "clause"
        for start, end, kind in cuts:
            if start < cursor:
                cursor = max(cursor, end)
                continue
            if start > cursor:
                segments.append(_Segment(cursor, start, sep, kind == "etc"))
            sep = kind if kind == "、" else "boundary"
            cursor = end
        if cursor < len(clause):
            segments.append(_Segment(cursor, len(clause), sep, False))
        return segments

    def _trim(self, clause: str, seg: _Segment) -> tuple[str, int, int]:
        """Strip punctuation, a weak framing word at the start, and anything after the name."""
        s, e = seg.start, seg.end
        while s < e and clause[s] in _PUNCT_STRIP + "（(":
            if clause[s] in "（(" and _closing(clause, s, e) is not None:
                break
            if clause[s] == "“" and "”" in clause[s:e]:
                break       # “云州芯谷”集成电路产业园: the quote is part of the name
            s += 1
        while e > s and clause[e - 1] in _PUNCT_STRIP:
            e -= 1
        for word in sorted(self.weak, key=len, reverse=True):
            if clause.startswith(word, s) and e - s - len(word) >= self.min_chars:
                s += len(word)
                break
        ordinal = _ORDINAL.match(clause, s, e)
        if ordinal:
            s = ordinal.end()
        s += self._leading_function_words(clause[s:e])
        while e - s > self.min_chars and clause[s] in self.strip_chars and self._has_suffix(clause[s + 1:e]):
            s += 1
        name = clause[s:e]
        # a lone opening quote or bracket left at the start
        if name and name[0] in _OPEN and not _balanced(name):
            s += 1
            name = name[1:]
        return name, s, e

    def _leading_function_words(self, name: str) -> int:
        """Characters to drop from the start: function words (把, 该, 对 …) and anything up to
        the last preposition (某公司为 | 弥陀寺景区建设)."""
        if len(name) < self.min_chars:
            return 0
        cut = 0
        pos = 0
        leading = True
        for word, flag in self.tagger.cut(name, HMM=False):
            pos += len(word)
            rest = name[pos:]
            if leading and flag in self.strip_pos and word not in "至到与和及":
                cut = pos
            elif word in self.cut_after and len(rest) >= self.min_chars and self.suffix_any.search(rest):
                cut = pos
            elif self._is_narrative(word, flag) and len(rest) >= self.min_chars and self._has_suffix(rest):
                cut = pos       # 主会场设在 | 某工业园项目
            else:
                leading = False
        return cut

    def _longest_named_prefix(self, name: str, s: int, e: int) -> tuple[str, int]:
        for cut in range(len(name) - 1, self.min_chars - 1, -1):
            head = name[:cut]
            if self._has_suffix(head) and _balanced(head):
                if any(name.startswith(sfx, cut) for sfx in self.suffixes):
                    break       # the suffix runs on (工程 | 师): not a clean end
                return head, s + cut
        return "", e

    def _has_suffix(self, name: str) -> bool:
        for core in (self.tail.sub("", name) or name, name):
            m = self.suffix_end.search(core)
            if m is None or len(core) < max(self.short_min.get(m.group(), 0), self.min_chars):
                continue
            if m.group() in self.dependent and not self._has_suffix(core[: m.start()]):
                continue
            return True
        return False

    def _umbrella_follows(self, clause: str, last: _Segment) -> bool:
        rest = clause[last.end:]
        return regex.match(r"等[0-9一二两三四五六七八九十几多个座项批条宗处所家大]*(?:重点|重大|骨干|一批)?(?:工程|项目)", rest) is not None

    def _proper(self, name: str) -> bool:
        """A name with a place or proper noun in it, or characters jieba does not know
        (unknown names come out one character at a time): 武威热电联产, 乌弄龙, not 疏浚."""
        tokens = list(self.tagger.cut(name, HMM=False))
        if any(t.flag in self.proper_pos for t in tokens):
            return True
        singles = [len(t.word) == 1 and "\u4e00" <= t.word <= "\u9fff" for t in tokens]
        return any(a and b for a, b in zip(singles, singles[1:]))

    def _nominal(self, name: str) -> bool:
        """A short name with no verb in it (庆元荷地, not 整治河道)."""
        if not 2 <= len(name) <= 12:
            return False
        return not any(t.flag in ("v", "vd", "ad", "d") for t in self.tagger.cut(name, HMM=False))

    def _shared_suffix(self, clause: str, last: _Segment) -> str | None:
        """The suffix that follows 等 after an enumeration (…等骨干水电站 -> 水电站)."""
        rest = clause[last.end:]
        m = regex.match(r"等[0-9一二两三四五六七八九十几多个座项批条宗处所家大]*([^，。；、]{0,12})", rest)
        if m is None:
            return None
        tail = m.group(1)
        for sfx in self.suffixes:
            if sfx in tail and len(sfx) >= 2 and sfx not in self.umbrella_suffixes:
                return sfx
        return None

    def _only_suffixes(self, name: str) -> bool:
        """True for names made of suffixes and generic words only (隧道工程, 道路改造)."""
        core = self.tail.sub("", name) or name
        while True:
            m = self.suffix_end.search(core)
            if m is None or m.start() == 0:
                return m is not None or self.generic.match(core) is not None
            core = core[: m.start()]
            if self.generic.match(core):
                return True

    def _verb_object(self, name: str) -> bool:
        """True for 跟进项目, 要积极跟踪项目: a bare 项目/工程/建设 with no noun before it,
        only verbs, adverbs or counts."""
        tokens = list(self.tagger.cut(name, HMM=False))
        if len(tokens) < 2 or tokens[-1].word not in self.umbrella_suffixes:
            return False
        return all(t.flag in self.verbal_pos or t.flag in self.strip_pos for t in tokens[:-1])

    def _narrative(self, name: str) -> bool:
        """True for a clause posing as a name: a verb or adverb that project names do not use."""
        core = self.tail.sub("", name) or name
        return any(self._is_narrative(t.word, t.flag) for t in self.tagger.cut(core, HMM=False))

    def _is_narrative(self, word: str, flag: str) -> bool:
        return (len(word) > 1 and flag in self.narrative_pos and word not in self.name_verbs
                and not self.suffix_end.search(word))

    def _sector(self, name: str) -> bool:
        """True for 风电项目, 市政项目: short, generic suffix, nothing proper in it."""
        if len(name) > self.sector_max or not name.endswith(self.sector_suffixes):
            return False
        if regex.search(r"[0-9A-Za-z“”\"(（《]", name):
            return False
        core = name[: -2]
        if any(sfx in core for sfx in self.suffixes if len(sfx) >= 2 and sfx not in self.activity_suffixes):
            return False        # 石门水厂扩建工程 names a facility (水厂)
        # every word a known common word: unknown place names come out as single characters
        words = [t for t in self.tagger.cut(name, HMM=False)]
        return all(t.flag not in self.proper_pos for t in words) and sum(len(t.word) == 1 for t in words) <= 1

    def _acceptable(self, name: str, listed: bool = False) -> bool:
        """Whether `name` reads as a project; `listed` names share a suffix after 等, which
        vouches for them (修水至平江 … 等高速公路)."""
        if _outside_brackets(name, "、"):
            return False
        core = _PLACEHOLDER.sub("", name)
        if core != name and (len(core) < self.min_chars or self._only_suffixes(core)):
            return False        # xx工程, ××水库: the distinguishing part is masked
        if not (self.min_chars <= len(name) <= self.max_chars) and not (
                len(name) == 2 and not self._has_suffix(name)):
            return False
        if self.forbidden.search(name) or self.count_prefix.search(name):
            return False
        if self.generic.match(self.tail.sub("", name) or name) or self.listed_category.match(name):
            return False
        if self._only_suffixes(name) or self._verb_object(name) or self._sector(name):
            return False
        if not listed and self._narrative(name):
            return False
        if (name.endswith(self.abstract_suffixes) and len(name) < self.specific_min
                and not regex.search(r"[0-9A-Za-z“”\"(（《]", name) and not self._proper(name)):
            return False        # 社会治安综合治理, 发展道路: governance and policy, not works
        if name.count("“") != name.count("”"):
            return False
        if not _balanced(name) or regex.fullmatch(r"[\d.\s\p{P}]+", name):
            return False
        return True


def project_key(name: str) -> str:
    """Identity of a project across mentions: 城南大道建设项目 ~ 城南大道建设 ~ 城南大道."""
    key = regex.sub(r"[\s\p{P}]", "", name)
    for suffix in ("建设项目", "项目", "建设", "工程"):
        if key.endswith(suffix) and len(key) - len(suffix) >= 3:
            key = key[: -len(suffix)]
            break
    return key


def _clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans, not split inside brackets or quotes."""
    spans = []
    start = 0
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch in _CLAUSE_END and (depth == 0 or ch in "。\n"):
            spans.append((start, i))
            start = i + 1
            depth = 0
    spans.append((start, len(text)))
    return spans


def _outside_brackets(name: str, char: str) -> bool:
    """True when `char` occurs in `name` outside brackets."""
    depth = 0
    for ch in name:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch == char and depth == 0:
            return True
    return False


def _inside_title_marks(clause: str, s: int, e: int) -> bool:
    """True when the span sits inside 《…》 without being its whole content (a document title)."""
    opened = clause.rfind("《", 0, s + 1)
    if opened < 0 or clause.rfind("》", 0, s) > opened:
        return False
    close = clause.find("》", e)
    return not (opened == s - 1 and close == e)


def _closing(text: str, i: int, end: int) -> int | None:
    j = text.find(")" if text[i] == "(" else "）", i, end)
    return j if j >= 0 else None


def _balanced(name: str) -> bool:
    depth = 0
    for ch in name:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
