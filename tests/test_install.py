"""A real install: the wheel carries the rules and the package data, and runs from anywhere.

The top-level `rules/` folder is the one people edit; pyproject.toml ships it inside the
package as `pipeline/_rules`. These tests build the wheel from a clean copy of the sources
(about 20 s), unpack it as pip would, and run it with this environment's dependencies from
a folder outside the repository. `.ci/run` also installs the wheel into a fresh venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.rules.loader import DEFAULT_RULES_DIR, load_rules

from conftest import RAW_DIR, ROOT, raw_reports

# What the wheel is built from: everything pyproject.toml packages, nothing else (a stale
# build/ folder or a cache in the checkout cannot leak into the wheel this way).
SOURCES = ["pyproject.toml", "setup.py", "README.md", "pipeline", "rules"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
                   check=True, capture_output=True, timeout=600)
    [built] = dist.glob("keyproj-*.whl")
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel's files as pip lays them into site-packages (a pure wheel is one zip)."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize(("source", "in_wheel"), [
    ("rules", "pipeline/_rules"),          # every rule file, byte for byte
    ("pipeline/data", "pipeline/data"),    # labels and any model weights
])
def test_wheel_holds_package_data(wheel: Path, source: str, in_wheel: str) -> None:
    expected = _files(ROOT / source)
    assert expected, f"{source} is empty"
    with zipfile.ZipFile(wheel) as zf:
        shipped = {name.rsplit("/", 1)[1]: zf.read(name) for name in zf.namelist()
                   if name.rsplit("/", 1)[0] == in_wheel}
    assert sorted(shipped) == sorted(expected)
    assert shipped == expected


def test_installed_package_reads_its_shipped_rules(unpacked: Path) -> None:
    shipped = unpacked / "pipeline" / "_rules"
    out = subprocess.run(
        [sys.executable, "-c", "import pipeline, pipeline.rules.loader as r; print(pipeline.__file__); "
                               "print(r.DEFAULT_RULES_DIR); print(r.load_rules().hash)"],
        cwd=unpacked.parent, env=_env(unpacked), check=True, capture_output=True, text=True, timeout=120,
    ).stdout.splitlines()
    assert out == [str(unpacked / "pipeline" / "__init__.py"), str(shipped),
                   load_rules(DEFAULT_RULES_DIR).hash]      # rules_hash: same files, same hash


def test_installed_keyproj_runs_from_another_folder(unpacked: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(RAW_DIR), "--out", str(out), "-q"],
                          cwd=tmp_path, env=_env(unpacked), capture_output=True, text=True, timeout=600)
    assert (done.returncode, done.stderr) == (0, "")
    documents = pq.read_table(out / "documents.parquet", columns=["path", "status"]).to_pylist()
    reports = {p.name for p in raw_reports()}
    assert {d["path"]: d["status"] for d in documents if d["path"] in reports} == dict.fromkeys(reports, "ok")
    assert pq.read_metadata(out / "quantities.parquet").num_rows > 0


def test_first_run_reads_the_shipped_caches(unpacked: Path, tmp_path: Path) -> None:
    """The wheel ships the cache files of its rules (setup.py, pipeline/batch/prebuilt.py): a
    first run with an empty cache folder copies them instead of building them."""
    prebuilt = unpacked / "pipeline" / "_prebuilt"
    [shipped] = prebuilt.glob("keyproj-jieba-*.trie")
    [rules] = prebuilt.glob("keyproj-rules-*.pickle")
    assert len(list(prebuilt.glob("keyproj-patterns-*.pickle"))) == 1
    [methods] = prebuilt.glob("keyproj-methods-*.marshal")
    cache = tmp_path / "cache"
    env = {**_env(unpacked), "KEYPROJ_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(RAW_DIR), "--out", str(tmp_path / "t"),
                           "-q", "--jobs", "1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert (done.returncode, done.stderr) == (0, "")
    [copied] = cache.glob("keyproj-jieba-*.trie")
    assert copied.read_bytes() == shipped.read_bytes()
    assert (cache / rules.name).read_bytes() == rules.read_bytes()     # read, not built and written
    assert (cache / methods.name).is_file()        # copied, with what the build could not import


def test_rules_folder_from_the_environment_wins(tmp_path: Path) -> None:
    """KEYPROJ_RULES points keyproj at another copy of the rules (here an edited one)."""
    mine = tmp_path / "my-rules"
    shutil.copytree(DEFAULT_RULES_DIR, mine)
    with (mine / "categories.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# edited copy\n")
    script = "import pipeline.rules.loader as r; rs = r.load_rules(); print(rs.directory); print(rs.hash)"
    out = subprocess.run([sys.executable, "-c", script], env={**os.environ, "KEYPROJ_RULES": str(mine)},
                         check=True, capture_output=True, text=True, timeout=120).stdout.splitlines()
    assert out[0] == str(mine)
    assert out[1] != load_rules(DEFAULT_RULES_DIR).hash


def _env(site: Path) -> dict[str, str]:
    """This environment, with the unpacked wheel first on the path and no KEYPROJ_RULES."""
    env = {k: v for k, v in os.environ.items() if k not in ("KEYPROJ_RULES", "PYTHONPATH")}
    return {**env, "PYTHONPATH": str(site)}
