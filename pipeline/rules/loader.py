"""The only reader of `rules/`: load the YAML files, validate them, compile patterns, and
build the typed config of each stage (pipeline/rules/configs.py) once per rule folder.

Every error names the file and the key, so a user editing a lexicon sees what to fix; an
example written beside a rule that the rule does not match is such an error too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, TypeVar

import regex

from pipeline.rules.cache_place import SHIPPED_CACHE_DIR, cache_dir, is_private
from pipeline.rules.configs import (
    BUILT,
    PATTERN,
    PATTERNS,
    TEXT_MAP,
    WORDS,
    CategoryRules,
    Cue,
    Example,
    LedgerConfig,
    LinkPatterns,
    ModelFeatureRules,
    NormaliseRules,
    PeriodRule,
    PeriodRules,
    ProjectRules,
    QuantityRules,
    Region,
    RegionNameRules,
    RoleCues,
    RoleRules,
    ScopeRules,
    SectionMarker,
    SectionRules,
    StatusRules,
    Unit,
)
from pipeline.text.scan import word_trie
from pipeline.types import Kind, Role, Status

__all__ = ["DEFAULT_RULES_DIR", "SHIPPED_CACHE_DIR", "Cue", "Region", "RuleError", "RuleSet", "Unit", "alternation",
           "cache_dir", "is_private", "load_rules", "load_regions", "word_trie"]


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
    is tried before 计划投资 at one place). Words of one length (of which at most one matches
    at a place) are in code-point order, so that the pattern's text is the same in every
    process, whatever the order of a set of words (pipeline/rules/compiled.py keeps
    compiled patterns by their text)."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


class RuleError(ValueError):
    """A rule file is missing, malformed or inconsistent."""


REGION_LEVELS = ("province", "prefecture", "county")


@dataclass(frozen=True, slots=True, eq=False)   # hashed by identity: compiled caches key on it
class RuleSet:
    """Every rule file, validated and compiled: one typed config per stage."""

    directory: Path
    hash: str
    normalise: NormaliseRules
    sections: SectionRules
    quantities: QuantityRules          # with the units of units.yaml
    roles: RoleRules
    statuses: StatusRules
    projects: ProjectRules
    categories: dict[str, str]         # keyword in a section title -> sector
    regions: dict[str, Region]         # code -> unit (regions.tsv)
    region_names: RegionNameRules      # regions.yaml
    periods: PeriodRules
    links: LinkPatterns                # links.yaml
    model_features: ModelFeatureRules  # model_features.yaml
    scope: ScopeRules                  # scope.yaml
    ledger: LedgerConfig               # ledger.yaml
    examples: tuple[Example, ...]      # every rule's examples, checked at load

    @property
    def units(self) -> tuple[Unit, ...]:
        return self.quantities.units

    @property
    def status_cues(self) -> tuple[Cue, ...]:
        return self.statuses.cues

    @property
    def role_cues(self) -> dict[Role, tuple[tuple[str, ...], tuple[str, ...]]]:
        """role -> (specific, generic) cue words."""
        return {role: (cues.specific, cues.generic) for role, cues in self.roles.roles.items()}


def _read_yaml(text: str) -> Any:
    """The data of a YAML text. PyYAML is imported here, only when rule files are read (a
    run whose rules come from the cache never needs it: 30 ms of its start); libyaml's safe
    loader (in PyYAML's wheels) reads the rules 10x faster than the pure-Python one, the
    same data."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _yaml_version() -> str:
    """PyYAML's version, for the rules cache's key: read from its `__init__.py` without
    importing it when it is not imported yet (see `_read_yaml`)."""
    if "yaml" not in sys.modules:
        spec = importlib.util.find_spec("yaml")
        if spec is not None and spec.origin:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                source = Path(spec.origin).read_text(encoding="utf-8")
                found = regex.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", source, regex.M)
                if found:
                    return found.group(1)
    import yaml

    return str(yaml.__version__)


class _File:
    """A loaded YAML mapping that names itself in errors, and collects the examples of
    the rules read from it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise RuleError(f"{path}: rule file is missing")
        import yaml

        try:
            data = _read_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RuleError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise RuleError(f"{path}: top level must be a mapping")
        self.data: dict[str, Any] = data
        self.examples: list[Example] = []

    def error(self, label: str, what: str) -> RuleError:
        return RuleError(f"{self.path.name}: key '{label}' {what}")

    def get(self, key: str, typ: type | tuple[type, ...], where: dict[str, Any] | None = None,
            label: str | None = None) -> Any:
        src = self.data if where is None else where
        if key not in src:
            raise RuleError(f"{self.path.name}: missing key '{label or key}'")
        value = src[key]
        if not isinstance(value, typ) or (isinstance(value, bool) and bool not in _types(typ)):
            raise self.error(label or key, f"must be {_typename(typ)}, got {type(value).__name__}")
        return value

    def compile(self, pattern: str, label: str, flags: int = 0) -> regex.Pattern[str]:
        try:
            return regex.compile(pattern, flags)
        except regex.error as exc:
            raise RuleError(f"{self.path.name}: key '{label}': bad pattern {pattern!r}: {exc}") from exc

    def strings(self, key: str, where: dict[str, Any] | None = None, label: str | None = None) -> tuple[str, ...]:
        return self.string_list(self.get(key, list, where, label), label or key)

    def string_list(self, items: list[Any], label: str) -> tuple[str, ...]:
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item:
                raise self.error(f"{label}[{i}]", "must be a non-empty string")
        return tuple(items)

    def text_map(self, value: dict[Any, Any], label: str) -> dict[str, str]:
        for k, v in value.items():
            if not isinstance(k, str) or not isinstance(v, str) or not k or not v:
                raise self.error(f"{label}.{k}", "must map text to non-empty text")
        return dict(value)

    def check_examples(self, label: str, matcher: regex.Pattern[str], entry: dict[str, Any],
                       value_of: Callable[[str], Any] | None = None, check_not: bool = True,
                       at_start: bool = False) -> None:
        """Check the `examples:` and `not:` of `entry` against `matcher` (and, with
        `value_of`, the value each example states) and keep them. `check_not=False` leaves
        the counter-examples to the tests (三方 holds 方, but the quantity stage reads none)."""
        raw = entry.get("examples", [])
        if isinstance(raw, dict):
            pairs = [(self._example_text(k, f"{label}.examples"), v) for k, v in raw.items()]
        elif isinstance(raw, list):
            pairs = [(self._example_text(k, f"{label}.examples"), None) for k in raw]
        else:
            raise self.error(f"{label}.examples", "must be a list of texts or a mapping text -> value")
        not_raw = entry.get("not", [])
        if not isinstance(not_raw, list):
            raise self.error(f"{label}.not", "must be a list of texts")
        counter = tuple(self._example_text(t, f"{label}.not") for t in not_raw)
        find = matcher.match if at_start else matcher.search
        for text, stated in pairs:
            if find(text) is None:
                raise self.error(label, f"does not match its example {text!r}")
            if value_of is not None and stated is not None and value_of(text) != stated:
                raise self.error(label, f"gives {value_of(text)!r} for its example {text!r}, not {stated!r}")
        for text in counter if check_not else ():
            m = find(text)
            if m is not None:
                raise self.error(label, f"matches {m.group()!r} in its counter-example {text!r}")
        if pairs or counter:
            self.examples.append(Example(self.path.name, label, tuple(pairs), counter, at_start))

    def _example_text(self, text: Any, label: str) -> str:
        if not isinstance(text, str) or not text:
            raise self.error(label, "must hold non-empty texts")
        return text


_EXAMPLE_KEYS = {"examples", "not"}
_WRAPPED = {WORDS: "words", PATTERN: "pattern", PATTERNS: "pattern", TEXT_MAP: "map"}


def _types(typ: type | tuple[type, ...]) -> tuple[type, ...]:
    return typ if isinstance(typ, tuple) else (typ,)


def _typename(typ: type | tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in _types(typ))


def _check_entry_keys(f: _File, entry: dict[str, Any], allowed: set[str], label: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise RuleError(f"{f.path.name}: key '{label}.{unknown[0]}' is unknown (known: {', '.join(sorted(allowed))})")


C = TypeVar("C")


def build_config(cls: type[C], f: _File, data: dict[str, Any], built: dict[str, Any] | None = None,
                 prefix: str = "") -> C:
    """Read `data` (a rule file's mapping, or a nested one under `prefix`) as the config
    `cls`: every field's key is there with its kind, no other key is. Fields of kind BUILT
    come from `built`, read by the caller."""
    fields_ = {fl.name: fl for fl in dataclasses.fields(cls)}  # type: ignore[arg-type]
    known = sorted(name for name, fl in fields_.items() if fl.metadata["in_file"])
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise RuleError(f"{f.path.name}: unknown key '{prefix}{unknown[0]}' (known: {', '.join(known)})")
    values = {}
    for name, fl in fields_.items():
        label = prefix + name
        kind, flags = fl.metadata["kind"], fl.metadata["flags"]
        if kind == BUILT:
            if name not in data and fl.metadata["in_file"]:
                raise RuleError(f"{f.path.name}: missing key '{label}'")
            values[name] = (built or {})[name]
        elif isinstance(kind, type) and dataclasses.is_dataclass(kind):
            values[name] = build_config(kind, f, f.get(name, dict, data, label), built, f"{label}.")
        elif kind in _WRAPPED:
            values[name] = _read_rule(f, data, name, label, kind, flags, fl.metadata["at"])
        else:
            values[name] = f.get(name, kind, data, label)
    return cls(**values)


def _read_rule(f: _File, data: dict[str, Any], name: str, label: str, kind: str, flags: int,
               at_start: bool) -> Any:
    """A word list, pattern or text map, written plain or as a mapping with examples."""
    if name not in data:
        raise RuleError(f"{f.path.name}: missing key '{label}'")
    raw = data[name]
    entry: dict[str, Any] = {}
    inner = _WRAPPED[kind]
    if isinstance(raw, dict) and inner in raw:
        _check_entry_keys(f, raw, {inner} | _EXAMPLE_KEYS, label)
        entry, data, label_in = raw, raw, f"{label}.{inner}"
        name = inner
    else:
        label_in = label
    value: Any
    value_of: Callable[[str], Any] | None = None
    if kind == WORDS:
        value = f.strings(name, data, label_in)
    elif kind == PATTERN:
        value = f.compile(f.get(name, str, data, label_in), label_in, flags)
    elif kind == PATTERNS:
        parts = f.strings(name, data, label_in)
        for i, part in enumerate(parts):
            f.compile(part, f"{label_in}[{i}]")
        value = f.compile("|".join(parts), label_in, flags)
    else:
        value = f.text_map(f.get(name, dict, data, label_in), label_in)
        value_of = functools.partial(_first_key_value, value)
    if entry:
        # a word list or text map matches where one of its words (keys) occurs
        matcher = value if isinstance(value, regex.Pattern) else regex.compile(alternation(list(value)))
        f.check_examples(label, matcher, entry, value_of, at_start=at_start)
    return value


def _first_key_value(table: dict[str, str], text: str) -> str | None:
    """The value of the first key (in file order) that `text` holds (categories)."""
    return next((v for k, v in table.items() if k in text), None)


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
            _check_entry_keys(f, spec, {"factor", "arabic_only", "prefix"} | _EXAMPLE_KEYS, label)
            factor = _parse_factor(f, f.get("factor", (int, float, str), spec, f"{label}.factor"),
                                   f"{label}.factor")
            # an example of a unit holds it; the value it states, and that its counter-examples
            # give no quantity in this unit, are checked by tests/test_rules.py
            f.check_examples(label, regex.compile(regex.escape(str(surface))), spec, check_not=False)
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


def _entries(f: _File, key: str, allowed: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """(id, entry) of a list of mappings with unique ids (status cues, markers, periods)."""
    out = []
    seen: set[str] = set()
    for i, entry in enumerate(f.get(key, list)):
        label = f"{key}[{i}]"
        if not isinstance(entry, dict):
            raise RuleError(f"{f.path.name}: key '{label}' must be a mapping")
        _check_entry_keys(f, entry, allowed | {"id"} | _EXAMPLE_KEYS, label)
        entry_id = f.get("id", str, entry, f"{label}.id")
        if entry_id in seen:
            raise RuleError(f"{f.path.name}: key '{label}.id': duplicate id '{entry_id}'")
        seen.add(entry_id)
        out.append((entry_id, entry))
    return out


def _load_status_cues(f: _File) -> tuple[Cue, ...]:
    cues = []
    for cue_id, entry in _entries(f, "cues", {"status", "pattern", "weak", "future", "pace", "mask", "step", "hide",
                                                   "resumes", "episode"}):
        status = f.get("status", str, entry, f"{cue_id}.status")
        try:
            Status(status)
        except ValueError:
            raise RuleError(f"{f.path.name}: key '{cue_id}.status': unknown status '{status}'") from None
        pattern = f.compile(f.get("pattern", str, entry, f"{cue_id}.pattern"), f"{cue_id}.pattern")
        # the status an example gives, after overlaps, is checked by tests/test_rules.py
        f.check_examples(cue_id, pattern, entry)
        cues.append(Cue(cue_id, status, pattern, bool(entry.get("weak", False)),
                        bool(entry.get("future", False)), bool(entry.get("pace", False)),
                        bool(entry.get("mask", False)), bool(entry.get("step", False)),
                        bool(entry.get("hide", False)), bool(entry.get("resumes", False)),
                        bool(entry.get("episode", False))))
    return tuple(cues)


def _load_markers(f: _File) -> tuple[SectionMarker, ...]:
    markers = []
    for marker_id, entry in _entries(f, "markers", {"pattern", "part"}):
        pattern = f.compile(f.get("pattern", str, entry, f"{marker_id}.pattern"), f"{marker_id}.pattern", regex.M)
        if "marker" not in pattern.groupindex:
            raise RuleError(f"{f.path.name}: key '{marker_id}.pattern' needs a group named 'marker'")
        part = bool(entry.get("part", False))
        if part and "title" not in pattern.groupindex:
            raise RuleError(f"{f.path.name}: key '{marker_id}.pattern' of a part needs a group named 'title'")
        f.check_examples(marker_id, pattern, entry)
        markers.append(SectionMarker(marker_id, pattern, part))
    return tuple(markers)


def _load_roles(f: _File) -> dict[Role, RoleCues]:
    table = f.get("roles", dict)
    out = {}
    for name, spec in table.items():
        try:
            role = Role(name)
        except ValueError:
            raise RuleError(f"{f.path.name}: key 'roles.{name}': unknown role") from None
        if not isinstance(spec, dict):
            raise RuleError(f"{f.path.name}: key 'roles.{name}' must be a mapping")
        _check_entry_keys(f, spec, {"specific", "generic"} | _EXAMPLE_KEYS, f"roles.{name}")
        cues = RoleCues(f.strings("specific", spec, f"roles.{name}.specific"),
                        f.strings("generic", spec, f"roles.{name}.generic") if spec.get("generic") else ())
        # the role an example gives is checked by tests/test_rules.py
        f.check_examples(f"roles.{name}", regex.compile(alternation([*cues.specific, *cues.generic])), spec)
        out[role] = cues
    return out


def _check_roles(f: _File, roles: RoleRules) -> None:
    cue_words = {w for cues in roles.roles.values() for w in (*cues.specific, *cues.generic)}
    for verb in roles.completion_verbs:
        if verb not in cue_words:
            raise RuleError(f"{f.path.name}: key 'completion_verbs': '{verb}' is not a cue of any role")
    if roles.plain_plan not in roles.roles.get(Role.PLANNED, RoleCues((), ())).specific:
        raise RuleError(f"{f.path.name}: key 'plain_plan': '{roles.plain_plan}' is not a specific cue "
                        "of planned_investment")


def _load_short_suffixes(f: _File) -> dict[str, int]:
    table = f.get("short_suffix_min_chars", dict)
    for suffix, n in table.items():
        if not isinstance(n, int) or isinstance(n, bool):
            raise RuleError(f"{f.path.name}: key 'short_suffix_min_chars.{suffix}' must be int")
    return {str(k): v for k, v in table.items()}


def _check_projects(f: _File, projects: ProjectRules) -> None:
    for key, group in (("shared_suffix_after", "rest"), ("copula", "verb")):
        if group not in getattr(projects, key).groupindex:
            raise RuleError(f"{f.path.name}: key '{key}' needs a group named '{group}'")
    if any(len(w) != 1 for w in projects.generic_joiners):
        raise RuleError(f"{f.path.name}: key 'generic_joiners' must list single characters")


def _load_quantities(f: _File, units: tuple[Unit, ...]) -> QuantityRules:
    bare = f.get("bare_scale", dict)
    scales = f.get("scales", dict, bare, "bare_scale.scales")
    for word, value in scales.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise RuleError(f"{f.path.name}: key 'bare_scale.scales.{word}' must be a positive number")
    built = {"units": units, "scales": {str(k): Decimal(str(v)) for k, v in scales.items()}}
    rules = build_config(QuantityRules, f, f.data, built)
    if "half" not in rules.half_after_unit.groupindex:
        raise RuleError(f"{f.path.name}: key 'half_after_unit' needs a group named 'half'")
    return rules


def _load_normalise(f: _File) -> NormaliseRules:
    fold = f.text_map(f.get("fold", dict), "fold")
    for src, dst in fold.items():
        if len(src) != 1 or len(dst) != 1:
            raise RuleError(f"{f.path.name}: key 'fold.{src}' must map one character to one")
    read = build_config(NormaliseRules, f, f.data, {"fold": fold, "invisible_chars": ()})
    return dataclasses.replace(read, invisible_chars=_matched_alone(read.invisible))


def _matched_alone(pattern: regex.Pattern[str]) -> tuple[str, ...]:
    """The characters of the Basic Multilingual Plane that `pattern` matches on their own,
    in code point order (a tuple, so that the rules pickle the same every time)."""
    return tuple(chr(c) for c in range(0x10000) if pattern.fullmatch(chr(c)))


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


def _load_region_names(f: _File) -> RegionNameRules:
    names = build_config(RegionNameRules, f, f.data)
    if "suffix" not in names.level_cue.groupindex:
        raise RuleError(f"{f.path.name}: key 'level_cue' needs a group named 'suffix'")
    return names


def _load_periods(f: _File) -> PeriodRules:
    numerals = f.get("numerals", dict)
    for digit, value in numerals.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise RuleError(f"{f.path.name}: key 'numerals.{digit}' must be int")
    periods = []
    for pid, entry in _entries(f, "periods", {"pattern", "label", "title_only"}):
        pattern = f.compile(f.get("pattern", str, entry, f"{pid}.pattern"), f"{pid}.pattern")
        label = f.get("label", str, entry, f"{pid}.label")
        if ("{n}" in label) != ("n" in pattern.groupindex):
            raise RuleError(f"{f.path.name}: key '{pid}.label': a label with {{n}} needs a group 'n' "
                            "in its pattern, and a group 'n' needs {n} in the label")
        if pattern.fullmatch(""):
            raise RuleError(f"{f.path.name}: key '{pid}.pattern' matches the empty string")
        # the period label an example gives is checked by tests/test_rules.py
        f.check_examples(pid, pattern, entry)
        periods.append(PeriodRule(pid, pattern, label, bool(entry.get("title_only", False))))
    rules = build_config(PeriodRules, f, f.data, {"numerals": {str(k): v for k, v in numerals.items()},
                                                  "periods": tuple(periods)})
    for key in ("year", "chinese_year"):
        if "year" not in getattr(rules, key).groupindex:
            raise RuleError(f"{f.path.name}: key '{key}' needs a group named 'year'")
    return rules


def _hash_dir(directory: Path) -> str:
    h = hashlib.sha256()
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.tsv")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=4)
def load_rules(directory: Path | str | None = None) -> RuleSet:
    """Load, validate and compile all rule files (cached per directory in this process,
    and across processes in a file: see `rules_cache_path`).

    The directory defaults to $KEYPROJ_RULES, else the project's `rules/`.
    """
    directory = Path(directory or os.environ.get("KEYPROJ_RULES") or DEFAULT_RULES_DIR)
    if not directory.is_dir():
        raise RuleError(f"{directory}: rules directory not found")
    cache = rules_cache_path(directory)
    found = _read_rules_cache(cache, directory)
    if found is None and copy_shipped(cache, "keyproj-rules-*.pickle"):
        found = _read_rules_cache(cache, directory)
    if found is not None:
        mark_used(cache)
        return found
    rules = _build_rules(directory)
    with contextlib.suppress(pickle.PicklingError):     # not kept: read again next time
        write_cache_file(cache, lambda f: pickle.dump(rules, f, protocol=pickle.HIGHEST_PROTOCOL),
                         "keyproj-rules-*.pickle")
    return rules


# ---- the validated rules kept between processes ---------------------------------------------------
#
# Reading, checking and compiling the rule files takes 0.1-0.5 s, paid by every run and by
# every worker it starts; unpickling the result takes about 10 ms. The cache file is keyed
# by everything the result depends on: the rule files' bytes (`RuleSet.hash`), the code that
# reads them and the classes it builds (`code_version`, which covers rules/, types.py,
# text/ and stages/), and the Python, `regex` and PyYAML versions; not the folder (a RuleSet
# read from a copy of the rules elsewhere names the folder asked for). A pickle runs code
# when loaded, so it is read only from a folder and a file that this user owns and no one
# else may write to (the user's own cache folder, `cache_dir`, or the installation's own
# copy that a wheel ships, `copy_shipped`).

_RULES_CACHE_FORMAT = 1


# Files of one kind kept in the cache folder: a new rule set or dictionary adds one, and the
# oldest go beyond this (a rule edit, a new version or a test's rules folder each make one) ...
CACHE_FILES_KEPT = 12
# ... unless used this recently: a run reads its files when it (or a worker) starts, and a
# test run or another checkout writing a dozen rule sets meanwhile must not evict them (the
# run's next worker, or the next run, would build them again: 1-2 s of CPU)
CACHE_IN_USE_S = 30 * 60


def prune_cache(pattern: str, keep: int = CACHE_FILES_KEPT) -> None:
    """Remove the files of `cache_dir()` matching `pattern` beyond the `keep` most recently
    used, but none used within CACHE_IN_USE_S; a file another process still reads stays
    readable to it (POSIX)."""
    try:
        used = sorted(((p.stat().st_mtime, p) for p in cache_dir().glob(pattern)), reverse=True)
    except OSError:
        return      # a file went while listing: the next write prunes
    recent = time.time() - CACHE_IN_USE_S
    for mtime, old in used[keep:]:
        if mtime < recent:
            with contextlib.suppress(OSError):
                old.unlink()


def mark_used(path: Path) -> None:
    """Note that the cache file `path` was just read: pruning keeps the most recently used."""
    with contextlib.suppress(OSError):
        os.utime(path)


def write_cache_file(path: Path, write: Callable[[IO[bytes]], object], kind: str) -> None:
    """Write the cache file `path` with `write` (atomically: parallel workers may write it at
    once), then prune the files of its `kind` (a glob: `prune_cache`). A folder that cannot
    be written only means the next process builds it again; an error of `write` other than
    OSError is raised, the temporary file gone."""
    tmp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        return
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    prune_cache(kind)


def rules_cache_path(directory: Path) -> Path:
    """The cache file of the rules in `directory` as its files and keyproj's code now are:
    a rule file edited, added or removed, or the code changed, names another file."""
    from pipeline.version import code_version

    # by content, not by folder: copies of the same rules (another checkout's, a test's, the
    # wheel's build folder's: `copy_shipped`) share one file
    key = repr((_RULES_CACHE_FORMAT, _hash_dir(directory), code_version(), sys.version, regex.__version__,
                _yaml_version()))
    return cache_dir() / f"keyproj-rules-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.pickle"


def _read_rules_cache(path: Path, directory: Path) -> RuleSet | None:
    """The RuleSet kept in `path`, or None when there is none to trust (missing, someone
    else's, unreadable, or not a RuleSet): the rules are then read again. The file is named by
    the rules' content, so it may have been written from a copy of them elsewhere: the RuleSet
    returned names `directory`."""
    if not (is_private(path.parent) and is_private(path)):
        return None
    try:
        found = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a damaged or stale cache is rebuilt, never an error
        return None
    if not isinstance(found, RuleSet):
        return None
    return found if found.directory == directory else dataclasses.replace(found, directory=directory)


def copy_shipped(path: Path, kind: str) -> bool:
    """Copy the wheel's cache file of the name of `path` (a file of `cache_dir()` that is
    missing) into the user's cache; True when it did. Read only where the installation is
    this user's own and no one else may write to it (a pickle runs code when loaded; the
    package's modules are trusted the same way)."""
    shipped = SHIPPED_CACHE_DIR / path.name
    if path.exists() or not (is_private(SHIPPED_CACHE_DIR) and is_private(shipped)):
        return False
    try:
        data = shipped.read_bytes()
    except OSError:
        return False
    write_cache_file(path, lambda f: f.write(data), kind)
    return path.exists()


def _build_rules(directory: Path) -> RuleSet:
    """Read, validate and compile the rule files of `directory`."""
    files = {name: _File(directory / f"{name}.yaml") for name in (
        "units", "quantities", "normalise", "sections", "roles", "statuses", "projects", "categories",
        "regions", "periods", "links", "model_features", "scope", "ledger")}
    quantities = _load_quantities(files["quantities"], _load_units(files["units"]))
    normalise = _load_normalise(files["normalise"])
    sections = build_config(SectionRules, files["sections"], files["sections"].data,
                            {"markers": _load_markers(files["sections"])})
    roles = build_config(RoleRules, files["roles"], files["roles"].data, {"roles": _load_roles(files["roles"])})
    _check_roles(files["roles"], roles)
    statuses = build_config(StatusRules, files["statuses"], files["statuses"].data,
                            {"cues": _load_status_cues(files["statuses"])})
    projects = build_config(ProjectRules, files["projects"], files["projects"].data,
                            {"short_suffix_min_chars": _load_short_suffixes(files["projects"])})
    _check_projects(files["projects"], projects)
    categories = build_config(CategoryRules, files["categories"], files["categories"].data)
    region_names = _load_region_names(files["regions"])
    periods = _load_periods(files["periods"])
    links = build_config(LinkPatterns, files["links"], files["links"].data)
    model_features = build_config(ModelFeatureRules, files["model_features"], files["model_features"].data)
    scope = build_config(ScopeRules, files["scope"], files["scope"].data)
    ledger = build_config(LedgerConfig, files["ledger"], files["ledger"].data)
    return RuleSet(
        directory=directory,
        hash=_hash_dir(directory),
        normalise=normalise,
        sections=sections,
        quantities=quantities,
        roles=roles,
        statuses=statuses,
        projects=projects,
        categories=categories.categories,
        regions=load_regions(directory / "regions.tsv"),
        region_names=region_names,
        periods=periods,
        links=links,
        model_features=model_features,
        scope=scope,
        ledger=ledger,
        examples=tuple(ex for f in files.values() for ex in f.examples),
    )
