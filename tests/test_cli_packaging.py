"""The distribution: the sdist holds what the tests read, the wheel the plugin, hook, typing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _tracked(*paths: str) -> set[str]:
    done = subprocess.run(
        ["git", "ls-files", "--", *paths], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists(), reason="no git checkout"
)
def test_the_sdist_holds_every_file_the_tests_and_the_catalogue_read(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    done = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (sdist,) = tmp_path.glob("symderiv-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    needed = _tracked("tests", "examples", "derivations", "symderiv") | {
        "README.md",
        "LICENSE",
        "pyproject.toml",
        ".pre-commit-hooks.yaml",
        "symderiv/py.typed",
    }
    assert sorted(needed - members) == []


def test_license_and_metadata() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert "Typing :: Typed" in project["classifiers"]
    assert (REPO / "symderiv" / "py.typed").exists()
