"""What the tests and the benchmarks share: the mutation referee, the corpus scoring, the notation.

Not part of the package: nothing in ``symderiv/`` imports it.
"""
