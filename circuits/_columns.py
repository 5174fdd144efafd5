"""Growable numpy columns that do not double their memory when they grow.

A ``Column`` is an append-only 1-D numpy array with geometric capacity growth. On Linux the storage is a
private anonymous ``mmap``: growing it is an ``mremap`` (no copy, and pages not yet written are not resident),
so the peak resident size stays close to the bytes actually written. Elsewhere, or while someone still holds a
view of the old buffer, growth falls back to allocate-and-copy, which is always safe.
"""
from __future__ import annotations

import mmap

import numpy as np

_HAS_PRIVATE = hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS")
_PAGE = mmap.PAGESIZE
_HUGE_PAGE = 2 << 20  # x86-64 / arm64 PMD size


def _round(nbytes: int) -> int:
    """Mapping length: whole pages, and whole 2 MiB huge pages from 2 MiB on. Linux places an anonymous
    mapping whose length is a multiple of 2 MiB on a 2 MiB boundary, which transparent huge pages need (an
    unaligned mapping gets only 4 KiB pages, one page fault per 4 KiB on first write)."""
    step = _HUGE_PAGE if nbytes >= _HUGE_PAGE else _PAGE
    return -(-nbytes // step) * step


def _advise(buf) -> None:
    """Ask for transparent huge pages: far fewer page faults while a big column is first written."""
    if _HUGE is not None:
        try:
            buf.madvise(_HUGE)
        except (OSError, ValueError):
            pass


_HUGE = getattr(mmap, "MADV_HUGEPAGE", None)


class Column:
    __slots__ = ("dtype", "n", "_buf", "_arr")

    def __init__(self, dtype, capacity: int = 1024):
        self.dtype = np.dtype(dtype)
        self.n = 0
        self._buf = None
        self._arr = self._alloc(max(int(capacity), 16))

    # -- storage -------------------------------------------------------------------------------------------
    def _alloc(self, capacity: int) -> np.ndarray:
        nbytes = capacity * self.dtype.itemsize
        if _HAS_PRIVATE and nbytes >= (1 << 16):
            nbytes = _round(nbytes)
            self._buf = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            _advise(self._buf)
            return np.frombuffer(self._buf, dtype=self.dtype)
        self._buf = None
        return np.empty(capacity, dtype=self.dtype)

    def _grow(self, need: int) -> None:
        cap = self._arr.size
        new_cap = max(need, cap + (cap >> 1), 1024)
        buf = self._buf
        if buf is not None:
            nbytes = _round(new_cap * self.dtype.itemsize)
            old = self._arr
            self._arr = None
            del old
            try:
                buf.resize(nbytes)  # mremap: no copy, no zero-fill of untouched pages
                _advise(buf)
                self._arr = np.frombuffer(buf, dtype=self.dtype)
                return
            except (BufferError, OSError, SystemError, ValueError):
                old = np.frombuffer(buf, dtype=self.dtype)
                new = self._alloc(new_cap)
                new[: self.n] = old[: self.n]
                self._arr = new
                return
        new = self._alloc(new_cap)
        new[: self.n] = self._arr[: self.n]
        self._arr = new

    # -- API ---------------------------------------------------------------------------------------------
    def reserve(self, extra: int) -> None:
        need = self.n + int(extra)
        if need > self._arr.size:
            self._grow(need)

    def extend(self, values) -> int:
        """Append ``values`` (any shape, C order; no intermediate copy for strided views); return the start."""
        values = np.asarray(values)
        k = values.size
        start = self.n
        self.reserve(k)
        self._arr[start : start + k].reshape(values.shape)[...] = values
        self.n = start + k
        return start

    def grow_into(self, k: int) -> np.ndarray:
        """Reserve ``k`` more entries, count them as written, and return a view of them to fill in place."""
        start = self.n
        self.reserve(k)
        self.n = start + k
        return self._arr[start : start + k]

    def extend_fill(self, value, k: int) -> int:
        start = self.n
        self.reserve(k)
        self._arr[start : start + k] = value
        self.n = start + k
        return start

    @property
    def data(self) -> np.ndarray:
        """A view of the written part. Do not keep it across appends (copy it if you need to)."""
        return self._arr[: self.n]

    def __len__(self) -> int:
        return self.n

    # pickling (an mmap cannot be pickled): the written data only
    def __getstate__(self):
        return {"dtype": self.dtype.str, "data": np.array(self.data)}

    def __setstate__(self, state):
        self.dtype = np.dtype(state["dtype"])
        self.n = 0
        self._buf = None
        self._arr = self._alloc(max(int(state["data"].size), 16))
        self.extend(state["data"])

    @property
    def nbytes(self) -> int:
        return self.n * self.dtype.itemsize
