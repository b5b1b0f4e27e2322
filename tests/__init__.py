"""The test suite; a package so that ``tests.support`` is importable from the tests and ``bench/``.

NOTE: latex2sympy2 installs a top-level ``tests`` package of its own; as a regular package with
the repository root first on ``sys.path`` (pytest's ``pythonpath``, the bench scripts) this one wins.
"""
