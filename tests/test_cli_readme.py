"""The README's "Use in CI" section: every command in it is run here, as a user would run it."""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SOFTMAX = r"""# Softmax and cross-entropy

$$p_i = \frac{\exp(x_i)}{\sum_{k=1}^{n} \exp(x_k)}$$

$$(x_1+1)^2 = x_1^2 + 2x_1 + 1$$

With targets that sum to one,

$$p_i \sum_j y_j - y_i = p_i - y_i$$
"""
SLIP = "# A slip\n\n$$(x+1)^2 = x^2 + 1$$\n"


def _section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Use in CI\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", _section(), flags=re.S)


def _shell_commands() -> list[str]:
    """Each command of the ``sh`` blocks and the ``run:`` of the GitHub Actions step."""
    commands = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command:
                commands.append(command)
    (actions, _) = _blocks("yaml")
    run = actions.split("run: |\n", 1)[1]
    commands.extend(line.strip() for line in run.splitlines() if line.strip())
    return commands


#: What each command of the section must exit with: on a docs/ folder whose one document holds
#: (its conditional step under `sum(y) = 1` only), and once a document with a false step is added.
EXPECTED = {
    "symderiv check docs/": (0, 1),
    "symderiv check -q --strict --assume 'sum(y) = 1' docs/": (0, 1),
    "symderiv check --output-format github docs/": (0, 1),
    "symderiv check --format md - < docs/softmax.md": (0, 0),
    "pytest --symderiv docs/": (0, 1),
    "pytest --symderiv --symderiv-strict --symderiv-assume 'sum(y) = 1' docs/": (0, 1),
    # Installing is the user's business: the test environment has symderiv installed already.
    "python -m pip install ./symderiv": None,
}


def test_the_section_lists_exactly_the_commands_this_test_runs() -> None:
    assert sorted(_shell_commands()) == sorted(
        [*EXPECTED, "symderiv check --output-format github docs/"]
    )


def _bash(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("COLUMNS", None)
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "softmax.md").write_text(SOFTMAX, encoding="utf-8")
    return tmp_path


def _run(
    command: str, cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``symderiv ...`` through ``main`` in this process (``< file`` as standard input), the
    rest in a shell, both in ``cwd``."""
    if not command.startswith("symderiv "):
        done = _bash(command, cwd)
        return done.returncode, done.stdout, done.stderr
    from symderiv.cli import main

    argv = shlex.split(command)[1:]
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("COLUMNS", raising=False)
    if "<" in argv:
        k = argv.index("<")
        data = (cwd / argv[k + 1]).read_bytes()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        argv = argv[:k] + argv[k + 2 :]
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_command_of_the_section(
    notes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = []
    for state in (0, 1):
        if state == 1:
            (notes / "docs" / "slip.md").write_text(SLIP, encoding="utf-8")
        for command in dict.fromkeys(_shell_commands()):
            expected = EXPECTED[command]
            if expected is None:
                continue
            code, out, err = _run(command, notes, monkeypatch, capsys)
            seen.append((command, state, code))
            assert code == expected[state], (command, state, out, err)
            assert "Traceback" not in err, err
            if command.startswith("symderiv check --output-format github") and state == 1:
                assert out.startswith(
                    "::error file=docs/slip.md,line=3,col=13,title=symderiv%3A false step 1.0::"
                )
            if command.startswith("pytest") and state == 1:
                assert "docs/slip.md:3:13: false  (x+1)^2 = x^2 + 1" in out
    assert len(seen) == 12


def test_the_python_example(notes: Path) -> None:
    (example,) = _blocks("python")
    (notes / "test_notes.py").write_text(example, encoding="utf-8")
    done = _bash("python -m pytest -q -p no:cacheprovider test_notes.py", notes)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    (notes / "docs" / "softmax.md").write_text(SOFTMAX + "\n" + SLIP, encoding="utf-8")
    done = _bash("python -m pytest -q -p no:cacheprovider test_notes.py", notes)
    assert done.returncode == 1
    assert "docs/softmax.md: 1 step false" in done.stdout


pre_commit = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")


@pytest.mark.skipif(
    pre_commit is None, reason="pre-commit is not installed (the test extra has it)"
)
def test_the_hook_manifest_and_the_readme_config_validate(notes: Path) -> None:
    assert pre_commit is not None
    manifest = subprocess.run(
        [pre_commit, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    (_, config) = _blocks("yaml")
    (notes / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    checked = subprocess.run(
        [pre_commit, "validate-config", ".pre-commit-config.yaml"],
        cwd=notes,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_hook_runs_check_on_the_files_pre_commit_passes(
    notes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What pre-commit runs: the manifest's entry, the config's args, then the staged files.
    yaml = pytest.importorskip("yaml")
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["types_or"], hook["language"]) == (
        "symderiv",
        ["markdown", "tex"],
        "python",
    )
    (_, config) = _blocks("yaml")
    args = yaml.safe_load(config)["repos"][0]["hooks"][0]["args"]
    from symderiv.cli import main

    monkeypatch.chdir(notes)
    entry = hook["entry"].split()
    assert entry[0] == "symderiv"
    assert main([*entry[1:], *args, "docs/softmax.md"]) == 0
    (notes / "docs" / "slip.md").write_text(SLIP, encoding="utf-8")
    assert main([*entry[1:], *args, "docs/softmax.md", "docs/slip.md"]) == 1
    assert "docs/slip.md:3:13: false  (x+1)^2 = x^2 + 1" in capsys.readouterr().out
