"""Hardness constructions: nonlinear RNNs with explicit weight matrices that solve L-complete problems
(Thm 2 of Merrill et al. 2026: :mod:`constructions.hardness.graph`)."""
