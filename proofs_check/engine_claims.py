"""Claims about the verification engines themselves (soundness on known traps, encoders against brute force)."""
from __future__ import annotations


def load() -> None:
    """Register the engine claims (none yet)."""
