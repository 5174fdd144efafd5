"""Vectorised linear-algebra blocks over wire arrays.

A d×d matrix of wires is an int array of shape (d, d); a batch of k matrices is (k, d, d). Every block is a
handful of vectorised builder calls, whatever the batch size.

Sizes and depths (exact): ``tree_sum`` of m terms: m − 1 adds, depth ⌈log₂ m⌉; ``matmul`` of (d×e)(e×f):
d·e·f MUL + d·f·(e − 1) ADD, depth 1 + ⌈log₂ e⌉ (so 2d³ − d² gates for square d×d).
"""
from __future__ import annotations

import numpy as np

from circuits.errors import CircuitError

__all__ = ["tree_sum", "matmul", "matvec", "product_tree"]


def tree_sum(c, terms: np.ndarray, axis: int = -1) -> np.ndarray:
    """Balanced addition tree along ``axis``: adjacent pairs are added level by level (an odd last term is
    carried up). m terms → m − 1 adds, depth ⌈log₂ m⌉."""
    x = np.moveaxis(np.asarray(terms), axis, -1)
    if x.shape[-1] == 0:
        raise CircuitError("tree_sum of zero terms")
    while x.shape[-1] > 1:
        m = x.shape[-1]
        h = m // 2
        s = c.add(x[..., 0 : 2 * h : 2], x[..., 1 : 2 * h : 2])
        x = np.concatenate([s, x[..., 2 * h :]], axis=-1) if m % 2 else s
    return x[..., 0]


def matmul(c, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Batched matrix product of wire arrays, ``A`` (..., d, e) times ``B`` (..., e, f): one MUL call for all
    d·e·f products, then a balanced ADD tree per entry (one call per tree level)."""
    A = np.asarray(A)
    B = np.asarray(B)
    prod = c.mul(A[..., :, None, :], np.swapaxes(B, -1, -2)[..., None, :, :])  # (..., d, f, e)
    return tree_sum(c, prod, axis=-1)


def matvec(c, A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``A`` (..., d, e) times ``x`` (..., e)."""
    return matmul(c, np.asarray(A), np.asarray(x)[..., :, None])[..., 0]


def product_tree(c, mats: np.ndarray) -> np.ndarray:
    """``M[n−1] ⋯ M[1] M[0]`` of a stack (n, d, d) by a balanced tree: each level multiplies adjacent pairs
    (later @ earlier) in one matmul call; an odd last matrix is carried up. Depth ⌈log₂ n⌉(1 + ⌈log₂ d⌉)."""
    x = np.asarray(mats)
    while x.shape[0] > 1:
        m = x.shape[0]
        h = m // 2
        p = matmul(c, x[1 : 2 * h : 2], x[0 : 2 * h : 2])
        x = np.concatenate([p, x[2 * h :]], axis=0) if m % 2 else p
    return x[0]
