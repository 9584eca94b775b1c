"""The only reader of `rules/`: load the YAML files, validate them, compile patterns.

Every error names the file and the key, so a user editing a lexicon sees what to fix.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

from pipeline.types import Kind, Role, Status


def _default_rules_dir() -> Path:
    """The rules this installation ships: `pipeline/_rules` in a wheel or a non-editable
    install (pyproject.toml maps the repository's `rules/` there), else the repository's
    `rules/` itself (a checkout or an editable install, where people edit them)."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_rules"
    return shipped if shipped.is_dir() else package.parent / "rules"


DEFAULT_RULES_DIR = _default_rules_dir()


def alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regular-expression alternation of literal words, longest first (so 年度计划投资
    is tried before 计划投资 at one place)."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


def word_trie(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """The same words as `alternation`, factored by shared prefixes (工(?:程|业园)…): at
    each place the engine follows one branch per character instead of trying every word.
    Matches what `alternation` matches, longest first.

    >>> word_trie(["工程", "工业园", "项目", "工"])
    '(?:工(?:业园|程)?|项目)'
    """
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        if word:
            node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alts = [regex.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        optional = "" in node       # a word ends here; greedy `?` tries the longer ones first
        if not alts:
            return ""
        if len(alts) == 1:
            only = alts[0]
            single = len(only) == 1 or (only.startswith("\\") and len(only) == 2)
            return only if not optional else (only + "?" if single else f"(?:{only})?")
        return "(?:" + "|".join(alts) + ")" + ("?" if optional else "")

    return branch(trie)


class RuleError(ValueError):
    """A rule file is missing, malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class Unit:
    surface: str
    kind: Kind
    factor: Decimal
    arabic_only: bool
    prefix: bool


@dataclass(frozen=True, slots=True)
class Cue:
    """A compiled pattern that yields a label (a status, a role)."""

    id: str
    label: str
    pattern: regex.Pattern[str]
    weak: bool = False
    future: bool = False


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative division of regions.tsv."""

    code: str            # GB/T 2260 / statistical code, six digits
    name: str            # official name (浑源县, 湘西土家族苗族自治州)
    level: str           # province | prefecture | county
    parent: str | None   # code of the enclosing unit, None for provinces


REGION_LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True, slots=True, eq=False)   # hashed by identity: compiled caches key on it
class RuleSet:
    directory: Path
    hash: str
    units: tuple[Unit, ...]
    quantities: dict[str, Any]
    normalise: dict[str, Any]
    sections: dict[str, Any]
    role_cues: dict[Role, tuple[tuple[str, ...], tuple[str, ...]]]   # role -> (specific, generic)
    roles: dict[str, Any]
    status_cues: tuple[Cue, ...]
    projects: dict[str, Any]
    categories: dict[str, str]
    regions: dict[str, Region] = field(default_factory=dict)      # code -> unit (regions.tsv)
    region_names: dict[str, Any] = field(default_factory=dict)    # regions.yaml
    periods: dict[str, Any] = field(default_factory=dict)         # periods.yaml
    ledger: dict[str, Any] = field(default_factory=dict)          # ledger.yaml (stages/ledger_rules.py)


class _File:
    """A loaded YAML mapping that names itself in errors."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise RuleError(f"{path}: rule file is missing")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RuleError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise RuleError(f"{path}: top level must be a mapping")
        self.data: dict[str, Any] = data

    def get(self, key: str, typ: type | tuple[type, ...], where: dict[str, Any] | None = None,
            label: str | None = None) -> Any:
        src = self.data if where is None else where
        if key not in src:
            raise RuleError(f"{self.path.name}: missing key '{label or key}'")
        value = src[key]
        if not isinstance(value, typ):
            raise RuleError(f"{self.path.name}: key '{label or key}' must be {_typename(typ)}, "
                            f"got {type(value).__name__}")
        return value

    def compile(self, pattern: str, label: str) -> regex.Pattern[str]:
        try:
            return regex.compile(pattern)
        except regex.error as exc:
            raise RuleError(f"{self.path.name}: key '{label}': bad pattern {pattern!r}: {exc}") from exc

    def strings(self, key: str, where: dict[str, Any] | None = None, label: str | None = None) -> tuple[str, ...]:
        items = self.get(key, list, where, label)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item:
                raise RuleError(f"{self.path.name}: key '{label or key}[{i}]' must be a non-empty string")
        return tuple(items)


def _check_entry_keys(f: _File, entry: dict[str, Any], allowed: set[str], label: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise RuleError(f"{f.path.name}: key '{label}.{unknown[0]}' is unknown (known: {', '.join(sorted(allowed))})")


def _typename(typ: type | tuple[type, ...]) -> str:
    if isinstance(typ, tuple):
        return " or ".join(t.__name__ for t in typ)
    return typ.__name__


def _load_units(f: _File) -> tuple[Unit, ...]:
    units = []
    for kind_name, table in f.data.items():
        try:
            kind = Kind(kind_name)
        except ValueError:
            raise RuleError(f"{f.path.name}: unknown kind '{kind_name}' "
                            f"(expected one of {', '.join(k.value for k in Kind)})") from None
        if not isinstance(table, dict):
            raise RuleError(f"{f.path.name}: key '{kind_name}' must map unit -> settings")
        for surface, spec in table.items():
            label = f"{kind_name}.{surface}"
            spec = f.get(surface, dict, table, label)
            _check_entry_keys(f, spec, {"factor", "arabic_only", "prefix"}, label)
            factor = _parse_factor(f, f.get("factor", (int, float, str), spec, f"{label}.factor"),
                                   f"{label}.factor")
            units.append(Unit(str(surface), kind, factor,
                              bool(spec.get("arabic_only", False)), bool(spec.get("prefix", False))))
    return tuple(units)


def _parse_factor(f: _File, raw: int | float | str, label: str) -> Decimal:
    """A positive number, or an exact fraction written as 'a/b' (1 亩 = 10000/15 m²)."""
    try:
        if isinstance(raw, str) and "/" in raw:
            num, den = raw.split("/")
            value = Decimal(num.strip()) / Decimal(den.strip())
        else:
            value = Decimal(str(raw))
    except (ArithmeticError, ValueError):
        raise RuleError(f"{f.path.name}: key '{label}': not a number: {raw!r}") from None
    if value <= 0:
        raise RuleError(f"{f.path.name}: key '{label}' must be positive")
    return value


def _load_status_cues(f: _File) -> tuple[Cue, ...]:
    cues = []
    seen: set[str] = set()
    for i, entry in enumerate(f.get("cues", list)):
        label = f"cues[{i}]"
        if not isinstance(entry, dict):
            raise RuleError(f"{f.path.name}: key '{label}' must be a mapping")
        cue_id = f.get("id", str, entry, f"{label}.id")
        _check_entry_keys(f, entry, {"id", "status", "pattern", "weak", "future"}, cue_id)
        if cue_id in seen:
            raise RuleError(f"{f.path.name}: key '{label}.id': duplicate id '{cue_id}'")
        seen.add(cue_id)
        status = f.get("status", str, entry, f"{cue_id}.status")
        try:
            Status(status)
        except ValueError:
            raise RuleError(f"{f.path.name}: key '{cue_id}.status': unknown status '{status}'") from None
        pattern = f.compile(f.get("pattern", str, entry, f"{cue_id}.pattern"), f"{cue_id}.pattern")
        cues.append(Cue(cue_id, status, pattern, bool(entry.get("weak", False)),
                        bool(entry.get("future", False))))
    return tuple(cues)


def _load_roles(f: _File) -> dict[Role, tuple[tuple[str, ...], tuple[str, ...]]]:
    table = f.get("roles", dict)
    out = {}
    for name, spec in table.items():
        try:
            role = Role(name)
        except ValueError:
            raise RuleError(f"{f.path.name}: key 'roles.{name}': unknown role") from None
        if not isinstance(spec, dict):
            raise RuleError(f"{f.path.name}: key 'roles.{name}' must be a mapping")
        out[role] = (f.strings("specific", spec, f"roles.{name}.specific"),
                     f.strings("generic", spec, f"roles.{name}.generic") if spec.get("generic") else ())
    cue_words = {w for specific, generic in out.values() for w in (*specific, *generic)}
    for verb in f.strings("completion_verbs"):
        if verb not in cue_words:
            raise RuleError(f"{f.path.name}: key 'completion_verbs': '{verb}' is not a cue of any role")
    f.compile(f.get("threshold_after", str), "threshold_after")
    f.compile(f.get("budget_after", str), "budget_after")
    f.compile(f.get("breakdown_item", str), "breakdown_item")
    f.strings("breakdown_markers")
    return out


def _check_patterns(f: _File, key: str, allowed: set[str]) -> None:
    """Compile every regular expression under `key` (a list of {id, pattern} mappings)."""
    for i, entry in enumerate(f.get(key, list)):
        if not isinstance(entry, dict):
            raise RuleError(f"{f.path.name}: key '{key}[{i}]' must be a mapping")
        _check_entry_keys(f, entry, allowed, f"{key}[{i}]")
        rid = f.get("id", str, entry, f"{key}[{i}].id")
        f.compile(f.get("pattern", str, entry, f"{rid}.pattern"), f"{rid}.pattern")


# Top-level keys of each rule file and their type: list[str] ("words"), a regular
# expression ("pattern"), or a plain type. Unknown keys are errors, so typos surface.
_WORDS, _PATTERN = "words", "pattern"
_QUANTITIES: dict[str, Any] = {"bare_scale": dict, "qualifiers": dict, "placeholder": _PATTERN,
                               "range_joiners": _WORDS, "chinese_number_blockers": _WORDS,
                               "not_before": _WORDS, "max_digits": int}
_NORMALISE: dict[str, Any] = {"fold": dict, "keep_fullwidth": str, "pinyin_gloss": _PATTERN,
                              "invisible": _PATTERN, "hard_breaks": dict}
_SECTIONS: dict[str, Any] = {"markers": list, "title_end": str, "max_title_chars": int}
_ROLES: dict[str, Any] = {"roles": dict, "threshold_after": _PATTERN, "budget_after": _PATTERN,
                          "breakdown_markers": _WORDS, "breakdown_item": _PATTERN,
                          "completion_verbs": _WORDS, "measures": _WORDS, "comparison_before": _PATTERN,
                          "list_between": _PATTERN, "completed_non_investment": _WORDS,
                          "class_band": _PATTERN, "year_words": _WORDS}
_PROJECTS: dict[str, Any] = {
    **{key: _WORDS for key in (
        "suffixes", "left_boundaries", "weak_left_boundaries", "generic_words", "list_words",
        "strip_leading_pos", "cut_after_words", "not_before_bare_suffix_pos", "continuation_openers",
        "update_openers", "strip_leading_chars", "joiners", "dependent_suffixes", "sector_suffixes",
        "proper_pos", "name_verbs", "narrative_pos", "umbrella_suffixes", "activity_suffixes",
        "abstract_suffixes", "location_markers", "action_verbs")},
    **{key: _PATTERN for key in (
        "tail_pattern", "count_prefix", "forbidden", "anaphora", "new_subject", "subject_end",
        "aggregate_marker", "organisation_after")},
    **{key: int for key in ("max_chars", "min_chars", "sector_max_chars", "specific_min_chars")},
    "short_suffix_min_chars": dict,
}


_REGION_NAMES: dict[str, Any] = {"suffixes": _WORDS, "ethnic_markers": _WORDS, "autonomous_short": dict,
                                 "context_only": _WORDS, "short_name_after": str, "not_followed_by": dict,
                                 "stem_not_followed_by": str,
                                 "common_stems": _WORDS, "level_cue": _PATTERN}
_PERIODS: dict[str, Any] = {"scan_chars": int, "title_max_chars": int, "headline_max_chars": int,
                            "year": _PATTERN, "chinese_year": _PATTERN, "numerals": dict,
                            "masked_year": _PATTERN, "not_covered_before": _WORDS,
                            "delivery_after_year": _PATTERN, "delivery_year_offset": int,
                            "review_after_year": _PATTERN,
                            "annual_title": _PATTERN, "periods": list, "period_aliases": dict}


def load_regions(path: Path) -> dict[str, Region]:
    """regions.tsv: `code<TAB>name<TAB>level<TAB>parent` per line, '#' lines are comments.

    Every parent exists and sits one level up (a county may hang directly under a
    province: Beijing's districts, Hubei's 仙桃市); errors name the file and line.
    """
    if not path.exists():
        raise RuleError(f"{path}: rule file is missing")
    regions: dict[str, Region] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path.name}: line {n}"
        cols = line.split("\t")
        if len(cols) != 4:
            raise RuleError(f"{where}: expected 4 tab-separated columns (code, name, level, parent), "
                            f"got {len(cols)}")
        code, name, level, parent = (c.strip() for c in cols)
        if not (len(code) == 6 and code.isdigit()):
            raise RuleError(f"{where}: code '{code}' is not six digits")
        if code in regions:
            raise RuleError(f"{where}: duplicate code '{code}'")
        if not name:
            raise RuleError(f"{where}: empty name")
        if level not in REGION_LEVELS:
            raise RuleError(f"{where}: level '{level}' is not one of {', '.join(REGION_LEVELS)}")
        if (level == "province") != (parent == ""):
            raise RuleError(f"{where}: a {level} {'has no' if level == 'province' else 'needs a'} parent")
        regions[code] = Region(code, name, level, parent or None)
    for region in regions.values():
        if region.parent is None:
            continue
        parent_region = regions.get(region.parent)
        if parent_region is None:
            raise RuleError(f"{path.name}: code '{region.code}' ({region.name}): parent '{region.parent}' "
                            "is not in the file")
        allowed = ("province",) if region.level == "prefecture" else ("province", "prefecture")
        if parent_region.level not in allowed:
            raise RuleError(f"{path.name}: code '{region.code}' ({region.name}): a {region.level} "
                            f"cannot lie in a {parent_region.level}")
    if not regions:
        raise RuleError(f"{path.name}: no regions")
    return regions


def _check_region_names(f: _File) -> None:
    for key in ("autonomous_short", "not_followed_by"):
        for k, v in f.get(key, dict).items():
            if not isinstance(k, str) or not isinstance(v, str) or not k or not v:
                raise RuleError(f"{f.path.name}: key '{key}.{k}' must map text to non-empty text")
    if "suffix" not in f.compile(f.get("level_cue", str), "level_cue").groupindex:
        raise RuleError(f"{f.path.name}: key 'level_cue' needs a group named 'suffix'")


def _check_periods(f: _File) -> None:
    for key in ("year", "chinese_year"):
        if "year" not in f.compile(f.get(key, str), key).groupindex:
            raise RuleError(f"{f.path.name}: key '{key}' needs a group named 'year'")
    for digit, value in f.get("numerals", dict).items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise RuleError(f"{f.path.name}: key 'numerals.{digit}' must be int")
    seen: set[str] = set()
    for i, entry in enumerate(f.get("periods", list)):
        if not isinstance(entry, dict):
            raise RuleError(f"{f.path.name}: key 'periods[{i}]' must be a mapping")
        _check_entry_keys(f, entry, {"id", "pattern", "label", "title_only"}, f"periods[{i}]")
        pid = f.get("id", str, entry, f"periods[{i}].id")
        if pid in seen:
            raise RuleError(f"{f.path.name}: key 'periods[{i}].id': duplicate id '{pid}'")
        seen.add(pid)
        pattern = f.compile(f.get("pattern", str, entry, f"{pid}.pattern"), f"{pid}.pattern")
        label = f.get("label", str, entry, f"{pid}.label")
        if ("{n}" in label) != ("n" in pattern.groupindex):
            raise RuleError(f"{f.path.name}: key '{pid}.label': a label with {{n}} needs a group 'n' "
                            "in its pattern, and a group 'n' needs {n} in the label")
        if pattern.fullmatch(""):
            raise RuleError(f"{f.path.name}: key '{pid}.pattern' matches the empty string")
    for span, label in f.get("period_aliases", dict).items():
        if not isinstance(label, str) or not label:
            raise RuleError(f"{f.path.name}: key 'period_aliases.{span}' must be a non-empty string")


def _check_schema(f: _File, schema: dict[str, Any]) -> None:
    """Every key of `schema` is present with its type; no other key is."""
    unknown = sorted(set(f.data) - set(schema))
    if unknown:
        raise RuleError(f"{f.path.name}: unknown key '{unknown[0]}' (known: {', '.join(sorted(schema))})")
    for key, kind in schema.items():
        if kind == _WORDS:
            f.strings(key)
        elif kind == _PATTERN:
            f.compile(f.get(key, str), key)
        else:
            f.get(key, kind)


def _hash_dir(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.tsv")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=4)
def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Load and validate all rule files (cached per directory).

    The directory defaults to $KEYPROJ_RULES, else the project's `rules/`.
    """
    directory = Path(directory or os.environ.get("KEYPROJ_RULES") or DEFAULT_RULES_DIR)
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules directory not found")
    units_f = _File(directory / "units.yaml")
    quant_f = _File(directory / "quantities.yaml")
    norm_f = _File(directory / "normalise.yaml")
    sect_f = _File(directory / "sections.yaml")
    roles_f = _File(directory / "roles.yaml")
    status_f = _File(directory / "statuses.yaml")
    proj_f = _File(directory / "projects.yaml")
    cat_f = _File(directory / "categories.yaml")
    region_names_f = _File(directory / "regions.yaml")
    periods_f = _File(directory / "periods.yaml")
    ledger_f = _File(directory / "ledger.yaml")

    for f, schema in ((quant_f, _QUANTITIES), (norm_f, _NORMALISE), (sect_f, _SECTIONS),
                      (roles_f, _ROLES), (proj_f, _PROJECTS), (status_f, {"cues": list}),
                      (cat_f, {"categories": dict}), (region_names_f, _REGION_NAMES), (periods_f, _PERIODS),
                      (ledger_f, {"identity": dict, "dates": dict, "responsible": dict, "checks": dict})):
        _check_schema(f, schema)
    _check_region_names(region_names_f)
    _check_periods(periods_f)
    _check_patterns(sect_f, "markers", {"id", "pattern", "part"})
    categories = cat_f.get("categories", dict)
    for word, label in categories.items():
        if not isinstance(label, str):
            raise RuleError(f"{cat_f.path.name}: key 'categories.{word}' must be a string")

    return RuleSet(
        directory=directory,
        hash=_hash_dir(directory),
        units=_load_units(units_f),
        quantities=quant_f.data,
        normalise=norm_f.data,
        sections=sect_f.data,
        role_cues=_load_roles(roles_f),
        roles=roles_f.data,
        status_cues=_load_status_cues(status_f),
        projects=proj_f.data,
        categories=categories,
        regions=load_regions(directory / "regions.tsv"),
        region_names=region_names_f.data,
        periods=periods_f.data,
        ledger=ledger_f.data,
    )
