"""Shared by the benchmarks: run one phase of a benchmark script in a fresh process and read its JSON line."""
from __future__ import annotations

import json
import subprocess
import sys


def run_phase(script: str, args: list[str]) -> dict:
    """``python script *args`` in a new process; its last stdout line is the phase's JSON result."""
    res = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"benchmark phase {args} failed")
    return json.loads(res.stdout.strip().splitlines()[-1])
