"""The validated rules kept between processes (`rules_cache_path`): a later process reads
them from the cache file instead of the rule files, and gets exactly what the rule files
give; a rule file edited since, a damaged cache, or a cache someone else may write to is
never used."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from pipeline.rules import loader
from pipeline.rules.loader import DEFAULT_RULES_DIR, load_rules, rules_cache_path


@pytest.fixture()
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's rules, with a cache folder of its own."""
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    load_rules.cache_clear()            # as in a new process
    yield target
    load_rules.cache_clear()


def _new_process_loads(directory: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[loader.RuleSet, bool]:
    """The rules a new process loads from `directory`, and whether it read the rule files."""
    load_rules.cache_clear()
    built: list[Path] = []
    build = loader._build_rules
    monkeypatch.setattr(loader, "_build_rules", lambda d: built.append(d) or build(d))
    rules = load_rules(directory)
    monkeypatch.setattr(loader, "_build_rules", build)
    return rules, bool(built)


def _add_category(directory: Path, keyword: str, label: str) -> None:
    path = directory / "categories.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  map:\n", f"  map:\n    {keyword}: {label}\n", 1), encoding="utf-8")


def test_a_later_process_reads_the_cache_and_gets_what_the_rule_files_give(rules_dir, monkeypatch):
    first, read_files = _new_process_loads(rules_dir, monkeypatch)
    assert read_files and rules_cache_path(rules_dir).is_file()
    second, read_files = _new_process_loads(rules_dir, monkeypatch)
    assert not read_files
    assert second is not first
    # compiled patterns pickle as their source and flags: equal pickles, equal rules
    assert pickle.dumps(second) == pickle.dumps(first)
    assert second.hash == first.hash and second.directory == rules_dir


@pytest.mark.parametrize(("change", "reads_files_again"), [
    # what happened between two processes             the second reads the rule files
    ("nothing",                                       False),
    ("a rule file edited",                            True),
    ("the cache file damaged",                        True),
    ("the cache file writable by others",             True),
    ("the cache file holds something else",           True),
])
def test_the_cache_is_used_only_when_it_can_be_trusted(rules_dir, monkeypatch, change, reads_files_again):
    _new_process_loads(rules_dir, monkeypatch)
    cache = rules_cache_path(rules_dir)
    if change == "a rule file edited":
        _add_category(rules_dir, "码头", "港口")
    elif change == "the cache file damaged":
        cache.write_bytes(cache.read_bytes()[:1000])
    elif change == "the cache file writable by others":
        os.chmod(cache, 0o666)
    elif change == "the cache file holds something else":
        cache.write_bytes(pickle.dumps({"not": "rules"}))
    rules, read_files = _new_process_loads(rules_dir, monkeypatch)
    assert read_files == reads_files_again
    if change == "a rule file edited":
        assert rules.categories["码头"] == "港口"


def test_an_edited_rule_file_names_another_cache_file(rules_dir):
    before = rules_cache_path(rules_dir)
    _add_category(rules_dir, "码头", "港口")
    assert rules_cache_path(rules_dir) != before


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(blocked / "cache"))
    load_rules.cache_clear()
    try:
        assert load_rules(DEFAULT_RULES_DIR).categories
    finally:
        load_rules.cache_clear()


def test_the_cache_folder_keeps_only_the_most_recently_used_rule_sets(rules_dir, monkeypatch):
    """Every rule edit or code version makes a cache file; beyond CACHE_FILES_KEPT the least
    recently used go, and one just read counts as used."""
    cache = rules_cache_path(rules_dir).parent
    monkeypatch.setattr(loader, "CACHE_FILES_KEPT", 3)
    monkeypatch.setattr(loader.prune_cache, "__defaults__", (3,))
    _new_process_loads(rules_dir, monkeypatch)
    first = rules_cache_path(rules_dir)
    os.utime(first, (1, 1))          # long unused …
    for i in range(3):
        _add_category(rules_dir, f"甲乙{i}", "交通")
        _new_process_loads(rules_dir, monkeypatch)
    assert len(list(cache.glob("keyproj-rules-*.pickle"))) == 3
    assert not first.exists()
    current = rules_cache_path(rules_dir)
    os.utime(current, (1, 1))
    _, read_files = _new_process_loads(rules_dir, monkeypatch)      # … unless read again
    assert not read_files and current.stat().st_mtime > 1


def test_a_process_that_reads_the_cache_never_imports_the_yaml_reader(tmp_path):
    # PyYAML (30 ms of a run's start) is needed only to read the rule files; its version,
    # part of the cache's key, is read from its source
    import subprocess
    import sys

    code = "import sys; from pipeline.rules.loader import load_rules; load_rules(); print('yaml' in sys.modules)"
    env = {**os.environ, "KEYPROJ_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
            for _ in range(2)]
    assert runs == ["True\n", "False\n"]        # the first reads the rule files, the second the cache


def test_the_cache_key_names_the_yaml_version_the_reader_has(monkeypatch):
    import sys

    import yaml

    monkeypatch.delitem(sys.modules, "yaml")     # as in a process that has not imported it
    assert loader._yaml_version() == yaml.__version__


def test_a_region_pickles_as_the_tuple_of_all_its_fields():
    import dataclasses

    from pipeline.rules.configs import Region

    region = Region("990101", "青岚县", "county", "990100")
    assert pickle.loads(pickle.dumps(region, protocol=pickle.HIGHEST_PROTOCOL)) == region
    # a field added to Region and forgotten in its __reduce__ would be lost in the rules cache
    assert len(region.__reduce__()[1]) == len(dataclasses.fields(Region))


@pytest.mark.parametrize(("last_used_minutes_ago", "kept"), [
    # a file beyond the CACHE_FILES_KEPT most recently used   kept?
    (1,                                                        True),    # in use: a run read it
    (29,                                                       True),
    (31,                                                       False),
    (60 * 24,                                                  False),
])
def test_a_file_in_use_is_kept_beyond_the_count(rules_dir, monkeypatch, last_used_minutes_ago, kept):
    """Another checkout or a test run writing many rule sets meanwhile does not evict the
    rule set a run is using (CACHE_IN_USE_S)."""
    import time

    monkeypatch.setattr(loader.prune_cache, "__defaults__", (2,))
    _new_process_loads(rules_dir, monkeypatch)
    ours = rules_cache_path(rules_dir)
    then = time.time() - 60 * last_used_minutes_ago
    os.utime(ours, (then, then))
    for i in range(3):
        _add_category(rules_dir, f"丙丁{i}", "交通")
        _new_process_loads(rules_dir, monkeypatch)
    assert ours.exists() == kept


@pytest.mark.parametrize(("shipped_mode", "reads_files"), [
    # the wheel's copy of the cache file (pipeline/_prebuilt)    the first process reads the rule files
    (0o644,                                                       False),
    (0o666,                                                       True),    # others may write it: not trusted
    (None,                                                        True),    # none shipped
])
def test_a_first_process_copies_the_shipped_cache_file(rules_dir, tmp_path, monkeypatch, shipped_mode, reads_files):
    """A wheel ships the cache file of its rules (named by their content, built from a copy
    of them elsewhere); a first process with an empty cache folder copies it when it can
    trust it, and the rules name the folder they were asked for."""
    built, read_files = _new_process_loads(rules_dir, monkeypatch)
    cache = rules_cache_path(rules_dir)
    shipped = tmp_path / "prebuilt"
    shipped.mkdir(mode=0o755)
    if shipped_mode is not None:
        (shipped / cache.name).write_bytes(cache.read_bytes())
        os.chmod(shipped / cache.name, shipped_mode)
    cache.unlink()
    monkeypatch.setattr(loader, "SHIPPED_CACHE_DIR", shipped)
    elsewhere = tmp_path / "installed" / "rules"
    shutil.copytree(rules_dir, elsewhere)
    rules, read_files = _new_process_loads(elsewhere, monkeypatch)
    assert read_files == reads_files
    assert rules.directory == elsewhere and rules.hash == built.hash
    assert pickle.dumps(rules.categories) == pickle.dumps(built.categories)


def test_prebuilt_writes_what_a_first_run_reads(tmp_path, monkeypatch):
    """pipeline/batch/prebuilt.py (run by setup.py) writes the cache files a first process of
    the installation looks for, and only those: a file of an earlier build goes."""
    from pipeline.batch import prebuilt
    from pipeline.text import segmenter

    target = tmp_path / "prebuilt"
    target.mkdir()
    (target / "keyproj-rules-stale.pickle").write_bytes(b"an earlier build's")
    names = sorted(p.name for p in prebuilt.build(target))
    assert sorted(p.name for p in target.iterdir()) == names
    assert [n.split("-")[1] for n in names] == ["jieba", "methods", "patterns", "rules"]
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(loader, "SHIPPED_CACHE_DIR", target)
    monkeypatch.setattr(segmenter, "SHIPPED_CACHE_DIR", target)
    monkeypatch.setattr(segmenter, "_dictionary", lambda *args: pytest.fail("the segmenter was built"))
    rules, read_files = _new_process_loads(DEFAULT_RULES_DIR, monkeypatch)
    assert not read_files
    from pipeline.extract import Pipeline

    Pipeline(rules)
    load_rules.cache_clear()            # the next test's process reads the rules afresh
