"""scripts/styles_batches.py: a gold folder per styles batch and per group of batches, holding
exactly that batch's raw files and gold lines (what `keyproj eval` reads)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import load_script

# (file names in a styles set, groups asked for) -> the files of each folder written
CASES = [
    (["a01.txt", "aa01.txt", "ab02.txt", "s01.txt"], ["aa+ab"],
     {"a": ["a01.txt"], "aa": ["aa01.txt"], "ab": ["ab02.txt"], "s": ["s01.txt"],
      "aa+ab": ["aa01.txt", "ab02.txt"]}),
    # a batch is all of a name's opening letters: batch a holds no aa file
    (["a01.txt", "a02.txt", "aa01.txt"], [], {"a": ["a01.txt", "a02.txt"], "aa": ["aa01.txt"]}),
]


def _styles(folder: Path, files: list[str]) -> Path:
    (folder / "raw").mkdir(parents=True)
    for name in files:
        (folder / "raw" / name).write_text(f"{name}的正文。", encoding="utf-8")
    (folder / "gold.jsonl").write_text("".join(json.dumps({"file": f, "projects": []}) + "\n" for f in files),
                                       encoding="utf-8")
    return folder


@pytest.mark.parametrize("files, groups, written", CASES, ids=["groups", "one letter against two"])
def test_each_folder_holds_its_batches(tmp_path: Path, files: list[str], groups: list[str],
                                       written: dict[str, list[str]]) -> None:
    styles = _styles(tmp_path / "styles", files)
    out = tmp_path / "out"
    assert load_script("styles_batches").main([str(out), *groups, "--styles", str(styles)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(written)
    for name, expected in written.items():
        assert sorted(p.name for p in (out / name / "raw").iterdir()) == expected
        lines = (out / name / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line)["file"] for line in lines] == expected


def test_an_unknown_batch_is_a_usage_error(tmp_path: Path) -> None:
    styles = _styles(tmp_path / "styles", ["a01.txt"])
    with pytest.raises(SystemExit) as exit_:
        load_script("styles_batches").main([str(tmp_path / "out"), "a+zz", "--styles", str(styles)])
    assert exit_.value.code == 2
