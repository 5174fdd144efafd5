"""Transformers as explicit threshold circuits (TC⁰).

* :mod:`.spec` — the model as data (exact rational weights) and its p-bit fixed-point quantisation, with the
  rounding rules;
* :mod:`.reference` — the exact fixed-point forward pass in plain Python integers;
* :mod:`.build` — the same computation as a threshold circuit (depth independent of n), bit-exact with the
  reference.

See ``docs/transformer.md``.
"""
from .build import MAX_METHODS, build_circuit, encode_tokens, run_circuit, run_circuit_batch, score_width
from .reference import linear, reference, token_indices
from .spec import (MAX_PRECISION, FixedSpec, Head, Layer, TransformerSpec, quantize, random_spec, wrap)

__all__ = ["MAX_METHODS", "build_circuit", "encode_tokens", "run_circuit", "run_circuit_batch", "score_width",
           "linear", "reference", "token_indices", "MAX_PRECISION", "FixedSpec", "Head", "Layer",
           "TransformerSpec", "quantize", "random_spec", "wrap"]
