"""Modules imported on first use: a step's time limit never stops an import half-way, nor counts it."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from symderiv._timeout import time_limit
from symderiv.checker._lazy import OnFirstUse
from symderiv.errors import CheckTimeout


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="SIGALRM limit"
)
def test_a_time_limit_fires_after_the_import_not_inside_it(tmp_path: Path, monkeypatch):
    (tmp_path / "slow_module_for_lazy.py").write_text(
        "import time\ntime.sleep(0.4)\nDONE = True\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    lazy = OnFirstUse("slow_module_for_lazy")
    start = time.monotonic()
    with pytest.raises(CheckTimeout), time_limit(0.1):
        lazy.DONE  # noqa: B018
        time.sleep(5)
    # the limit's clock stood still while the module loaded (0.4 s), then fired (0.1 s)
    assert 0.45 < time.monotonic() - start < 3
    assert sys.modules["slow_module_for_lazy"].DONE is True
    assert lazy.DONE is True
