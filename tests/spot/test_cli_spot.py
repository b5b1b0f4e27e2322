"""symderiv spot on the command line: exit codes and the JSON of the contract."""

from __future__ import annotations

import json

import pytest


def _main(argv: list[str]) -> int:
    from symderiv.cli import main

    return main(argv)


def test_spot_json_and_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code = _main(["spot", "softmax-ce", "--n", "4", "--samples", "4", "--seed", "2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (data["name"], data["n"], data["seed"]) == ("softmax-ce", 4, 2)
    assert all(c["ok"] for c in data["checks"])


def test_spot_table_float32(capsys: pytest.CaptureFixture[str]) -> None:
    code = _main(["spot", "softmax-ce", "--n", "3", "--samples", "4", "--dtype", "float32"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("spot softmax-ce: n = 3, 9 points (seed 0), float32\n")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["spot", "no-such-derivation"], id="unknown-name"),
        pytest.param(["spot", "softmax-ce", "--n", "0"], id="n-zero"),
        pytest.param(["spot", "softmax-ce", "--dtype", "float16"], id="dtype"),
    ],
)
def test_spot_bad_arguments_exit_two(argv: list[str]) -> None:
    assert _main(argv) == 2
