"""Symbolic objects built from first principles (softmax, cross-entropy, their derivatives)."""
