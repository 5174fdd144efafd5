"""How big a circuit this machine can hold: the default limit that builders and readers check before they
allocate."""
from __future__ import annotations

import os

BYTES_PER_GATE = 32  # columns take about 15–24 bytes per gate; the rest is headroom for evaluation and metrics


def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable`` on Linux; otherwise physical memory)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - exotic platforms
        return 8 << 30


def max_gates_default() -> int:
    """The default gate limit: available memory over :data:`BYTES_PER_GATE`."""
    return max(1 << 20, available_memory() // BYTES_PER_GATE)
