"""Mutation suite: plant bugs in the constructions (and the SAT encoder) and check that ``verify`` catches each.

Every mutant is one textual replacement ``(path, old, new)`` in a temporary copy of the repository's source
(the files ``git ls-files`` lists, tracked or untracked-but-not-ignored, as they are in the working tree).
``old`` must occur exactly once in the file: a mutant whose anchor has gone (the code changed) is an error,
never a silent pass. In each copy the harness runs ``python -m reports.cli verify --quick --json`` (for a
mutant with ``--fail-fast``, which stops at the first failed claim and has the same exit status) with the
copy as working directory and ``PYTHONPATH``, and records which files the run imported, so that a run that
picked up the installed (editable) package instead of the copy is an error, not a result.

Outcomes:

* **killed** — ``verify`` exited 1 and its JSON names at least one failed claim (a wrong verdict, or a check
  that raised);
* **survived** — ``verify`` exited 0 with no failed claim;
* **error** — anything else: exit status 2, a traceback from the CLI itself, unparsable output, a timeout,
  an import from outside the copy, or a mutated module that the run never imported.

An unmutated copy runs first as the control; it must exit 0, else the score means nothing and the suite fails.

Usage::

    python benchmarks/mutants.py [--jobs 2] [--only NAME ...] [--list] [--json FILE] [--keep]

Prints a table (mutant, result, seconds, claims that failed) and the mutation score; exits 1 when the score
is below 100 %, the control fails, or any run is an error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("circuits", "constructions", "proofs_check", "reports")
VERIFY_ARGS = ("verify", "--quick", "--json")  # the control runs every claim
MUTANT_ARGS = VERIFY_ARGS + ("--fail-fast",)  # a mutant stops at its first failed claim: same exit status


class AnchorError(Exception):
    """A mutant's ``old`` text does not occur exactly once in its file."""


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # relative to the repository root
    old: str
    new: str
    description: str
    catcher: str = ""  # the claim that should catch it (documentation only; the run decides)


MUTANTS: tuple[Mutant, ...] = (
    # --- operands swapped in every family's compose --------------------------------------------------------
    Mutant("diagonal-swap", "constructions/lrnn.py",
           'return c.add(c.mul(A["a"], x), plus)',
           'return c.add(c.mul(A["a"], plus), x)',
           "diagonal combine with operands swapped: b' = a2·b2 + b1 instead of a2·b1 + b2 (the A part a2 ⊙ a1 "
           "commutes, so swapping it alone would be an equivalent mutant)",
           "lrnn-equals-recurrence"),
    Mutant("pd-swap", "constructions/lrnn.py",
           '    def compose(c, A2, A1):\n        P = matmul(c, A2["P"], A1["P"])',
           '    def compose(c, A1, A2):\n        P = matmul(c, A2["P"], A1["P"])',
           "PD compose with its operands swapped (A1·A2 for A2·A1)",
           "lrnn-equals-recurrence / pd-closure"),
    Mutant("dplr-swap", "constructions/lrnn.py",
           "    def compose(c, A2, A1, d: int):",
           "    def compose(c, A1, A2, d: int):",
           "DPLR compose with its operands swapped (low-rank and dense paths)",
           "lrnn-equals-recurrence / dplr-rank"),
    Mutant("dense-swap", "constructions/lrnn.py",
           '    def compose(c, A2, A1):\n        return {"A": matmul(c, A2["A"], A1["A"])}',
           '    def compose(c, A2, A1):\n        return {"A": matmul(c, A1["A"], A2["A"])}',
           "dense compose with its operands swapped (A1·A2 for A2·A1)",
           "lrnn-equals-recurrence"),
    # --- wrong algebra in a compose ------------------------------------------------------------------------
    Mutant("dplr-d2-for-d1", "constructions/lrnn.py",
           'c.mul(np.asarray(D1)[..., None], V2)',
           'c.mul(np.asarray(D2)[..., None], V2)',
           "DPLR low-rank compose uses D2 where D1 belongs in V' = [V1, D1 V2] (wrong only while the product "
           "stays low rank: d ≥ 5 for rank 1)",
           "dplr-rank (compose gadget, d = 1..6)"),
    Mutant("pd-no-p1t", "constructions/lrnn.py",
           'return {"P": P, "D": c.mul(g, A1["D"])}',
           'return {"P": P, "D": c.mul(A2["D"], A1["D"])}',
           "PD compose without routing D2 through P1ᵀ: D' = D2 ⊙ D1",
           "pd-closure (compose gadget) / lrnn-equals-recurrence"),
    # --- schedules -----------------------------------------------------------------------------------------
    Mutant("kogge-stone-short", "constructions/scans.py",
           "    # Level d: every position i >= 2^d combines with position i - 2^d.\n"
           "    for d in range(_ceil_log2(n)):",
           "    # Level d: every position i >= 2^d combines with position i - 2^d.\n"
           "    for d in range(_ceil_log2(n) - 1):",
           "Kogge–Stone schedule one level short",
           "scan-prefixes"),
    # --- depth / size ----------------------------------------------------------------------------------------
    Mutant("dense-alpha-off-by-one", "constructions/lrnn_bounds.py",
           '"alpha": 1 + _clog2(d)},',
           '"alpha": 2 + _clog2(d)},',
           "dense compose depth constant α off by one (1 + ⌈log₂ d⌉ → 2 + ⌈log₂ d⌉)",
           "lrnn-depth-log (against built product circuits)"),
    Mutant("diagonal-compose-extra-level", "constructions/lrnn.py",
           'return {"a": c.mul(A2["a"], A1["a"])}',
           'return {"a": c.add(c.mul(A2["a"], A1["a"]), c.sub(A1["a"], A1["a"]))}',
           "diagonal compose with an extra gate level (a2·a1 + (a1 − a1): same values, depth + 1, size + 2d)",
           "lrnn-depth-log (closed forms vs built circuits)"),
    # --- the fold of h0 --------------------------------------------------------------------------------------
    Mutant("h0-wrong-step", "constructions/lrnn.py",
           "b[0] = np.asarray(_apply(c, tr, first, h0[None], b[:1]))[0]",
           "b[-1] = np.asarray(_apply(c, tr, first, h0[None], b[-1:]))[0]",
           "h0 folded into the last step instead of the first (b[n−1] ← A[0] h0 + b[n−1])",
           "lrnn-equals-recurrence"),
    # --- the SAT encoder ---------------------------------------------------------------------------------------
    Mutant("sat-theta-off-by-one", "proofs_check/equivalence/sat.py",
           "th = int(theta)",
           "th = int(theta) + 1",
           "SAT encoder: threshold gate θ off by one ([Σ ≥ θ + 1])",
           "sat-encoder"),
    Mutant("sat-max-boundary", "proofs_check/equivalence/sat.py",
           "        if th > hi_sum:\n            return -T",
           "        if th >= hi_sum:\n            return -T",
           "SAT encoder: a threshold gate whose θ equals its largest attainable Σ is encoded as constant false",
           "sat-encoder"),
    # --- of our choosing -------------------------------------------------------------------------------------
    Mutant("rnn-no-bias", "constructions/rnn.py",
           "    terms.append(np.asarray(bias)[:, None])\n",
           "",
           "nonlinear RNN step without its bias c (σ(W h + U x))",
           "rnn-depth-linear (built chains; size n·d fewer)"),
    Mutant("tree-sum-drops-odd", "constructions/linalg.py",
           "x = np.concatenate([s, x[..., 2 * h :]], axis=-1) if m % 2 else s",
           "x = s",
           "balanced addition tree drops an odd last term",
           "lrnn-equals-recurrence"),
    Mutant("attention-mean-rounds-up", "constructions/transformer/build.py",
           "np.broadcast_to(-(lo + ts)[:, None], (R, Jn))",
           "np.broadcast_to(-(lo + ts - 1)[:, None], (R, Jn))",
           "the thermometer of the attention mean fires one value early (⌊mean⌋ + 1 where the mean is not low)",
           "transformer-exact"),
    Mutant("attention-max-keeps-smaller", "constructions/transformer/build.py",
           "new_alive = gate([(alive, 1), lit, (anyb, 1)], [2, 1, -1], 2)",
           "new_alive = gate([(alive, 1), lit, (anyb, 1)], [2, 1, 0], 2)",
           "the maximum keeps positions whose score bit is below the maximum's",
           "transformer-exact"),
)


def mutant_by_name(name: str) -> Mutant:
    for m in MUTANTS:
        if m.name == name:
            return m
    raise KeyError(f"unknown mutant {name!r}; known: {', '.join(m.name for m in MUTANTS)}")


# ---------------------------------------------------------------------------------------------------------
# applying mutants
def check_anchor(root: Path, m: Mutant) -> str:
    """The text of ``m.path`` under ``root``, after checking that ``m.old`` occurs in it exactly once."""
    path = Path(root) / m.path
    if not path.is_file():
        raise AnchorError(f"mutant {m.name}: {m.path} does not exist")
    text = path.read_text(encoding="utf-8")
    if not m.old:
        raise AnchorError(f"mutant {m.name}: empty anchor")
    if m.old == m.new:
        raise AnchorError(f"mutant {m.name}: replacement equals the anchor (not a mutant)")
    k = text.count(m.old)
    if k != 1:
        raise AnchorError(f"mutant {m.name}: anchor occurs {k} times in {m.path} (must be exactly once): "
                          f"{m.old[:80]!r}")
    return text


def apply_mutant(root: Path, m: Mutant) -> None:
    """Replace ``m.old`` by ``m.new`` in ``root/m.path``; ``AnchorError`` unless ``m.old`` occurs exactly once."""
    text = check_anchor(root, m)
    (Path(root) / m.path).write_text(text.replace(m.old, m.new, 1), encoding="utf-8")


def source_files(src: Path = REPO) -> list[str]:
    """Files of the working tree that git knows or would add (tracked or untracked, not ignored, existing)."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=src,
                         capture_output=True, check=True).stdout.decode()
    files = sorted({f for f in out.split("\0") if f})
    return [f for f in files if (Path(src) / f).is_file()]


def copy_source(src: Path, dst: Path, files: list[str] | None = None) -> None:
    for f in files if files is not None else source_files(src):
        target = Path(dst) / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(src) / f, target)


# ---------------------------------------------------------------------------------------------------------
# running verify in a copy
# Runs ``python -m reports.cli verify …`` (runpy, as -m does) and, at exit, records where every module of
# the project's packages came from.
_RUNNER = r"""
import atexit, json, os, runpy, sys
def _dump():
    mods = {}
    for name, m in list(sys.modules.items()):
        if name.split(".")[0] in %(packages)r:
            f = getattr(m, "__file__", None)
            if f is None:
                f = ";".join(getattr(m, "__path__", []) or [])
            mods[name] = f
    with open(os.environ["LRNN_MUTANT_IMPORTS"], "w") as fh:
        json.dump(mods, fh)
atexit.register(_dump)
sys.argv = ["reports.cli"] + sys.argv[1:]
runpy.run_module("reports.cli", run_name="__main__", alter_sys=True)
""" % {"packages": PACKAGES}


@dataclass
class Result:
    name: str
    outcome: str  # killed | survived | error | passed | failed (the last two for the control)
    seconds: float
    returncode: int | None
    failed_claims: list = field(default_factory=list)
    crashed_claims: list = field(default_factory=list)  # failed because a check raised
    wrong_checks: list = field(default_factory=list)  # "claim: check" whose verdict is wrong or which raised
    detail: str = ""
    description: str = ""


def _module_of(path: str) -> str:
    mod = path[:-3].replace("/", ".")
    return mod[: -len(".__init__")] if mod.endswith(".__init__") else mod


def run_verify(copy: Path, name: str, timeout: float, args=VERIFY_ARGS):
    """(returncode or None on timeout, stdout, stderr, imported modules {name: file}, seconds)."""
    imports = Path(copy).parent / f"{Path(copy).name}.imports.json"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONSTARTUP")}
    env.update({"PYTHONPATH": str(copy), "LRNN_MUTANT": name, "LRNN_MUTANT_IMPORTS": str(imports),
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"})
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-c", _RUNNER, *args], cwd=copy, env=env, capture_output=True,
                           text=True, timeout=timeout)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc = None
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
    secs = time.perf_counter() - t0
    try:
        mods = json.loads(imports.read_text())
    except (OSError, ValueError):
        mods = {}
    return rc, out, err, mods, secs


def _tail(s: str, n: int = 6) -> str:
    lines = [ln for ln in s.strip().splitlines() if ln.strip()]
    return " | ".join(lines[-n:])


def _raised(check: dict) -> bool:
    return check.get("verdict", {}).get("method") == "error"


def classify(m: Mutant | None, copy: Path, rc, out: str, err: str, mods: dict, secs: float) -> Result:
    name = m.name if m else "control"
    desc = m.description if m else "unmutated copy"
    res = Result(name, "error", round(secs, 1), rc, description=desc)
    root = str(Path(copy).resolve())
    outside = sorted(k for k, f in mods.items()
                     if not f or not all(os.path.realpath(x).startswith(root + os.sep) for x in f.split(";")))
    if rc is None:
        res.detail = f"timed out; {_tail(err)}"
        return res
    if not mods:
        res.detail = f"no import record (exit {rc}): {_tail(err)}"
        return res
    if outside:
        res.detail = f"imported from outside the copy: {', '.join(f'{k}={mods[k]}' for k in outside[:3])}"
        return res
    if m is not None and m.path.endswith(".py") and _module_of(m.path) not in mods:
        res.detail = f"the mutated module {_module_of(m.path)} was never imported"
        return res
    if "Traceback (most recent call last)" in err:
        res.detail = f"traceback from the CLI (exit {rc}): {_tail(err)}"
        return res
    try:
        report = json.loads(out)
        claims = report["claims"]
    except (ValueError, KeyError, TypeError):
        res.detail = f"exit {rc}, output is not verify's JSON: {_tail(out or err)}"
        return res
    failed = [c for c in claims if c.get("status") == "failed"]
    res.wrong_checks = [f"{c['id']}: {ch.get('name')}" + (" (raised)" if _raised(ch) else "")
                        for c in claims for ch in c.get("checks", [])
                        if _raised(ch) or ch.get("verdict", {}).get("status") != ch.get("expect")]
    res.failed_claims = [c["id"] for c in failed]
    res.crashed_claims = [c["id"] for c in failed
                          if any(ch.get("verdict", {}).get("method") == "error" for ch in c.get("checks", []))]
    if rc == 1 and failed:
        res.outcome = "killed" if m else "failed"
        if not m:
            res.detail = "; ".join(f"{c['id']}: " + "; ".join(ch.get("problem", "") for ch in c.get("checks", [])
                                                             if ch.get("problem"))[:300] for c in failed)
    elif rc == 0 and not failed:
        res.outcome = "survived" if m else "passed"
    else:
        res.detail = f"exit {rc} with {len(failed)} failed claims (expected 1 with some, or 0 with none)"
    return res


def run_one(m: Mutant | None, src: Path = REPO, files: list[str] | None = None, timeout: float = 600,
            keep: bool = False, args=VERIFY_ARGS) -> Result:
    """Copy the source, apply ``m`` (None: the control), run verify and classify the outcome."""
    tmp = Path(tempfile.mkdtemp(prefix=f"lrnn-mutant-{m.name if m else 'control'}-"))
    copy = tmp / "src"
    try:
        copy_source(src, copy, files)
        if m is not None:
            try:
                apply_mutant(copy, m)
            except AnchorError as e:
                return Result(m.name, "error", 0.0, None, detail=str(e), description=m.description)
        return classify(m, copy, *run_verify(copy, m.name if m else "control", timeout, args))
    finally:
        if keep:
            print(f"kept {copy}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run_suite(mutants=MUTANTS, jobs: int = 2, src: Path = REPO, timeout: float = 600, keep: bool = False,
              progress=None) -> tuple[Result, list[Result]]:
    """Run the control and every mutant, ``jobs`` at a time. Anchors are checked first (``AnchorError``)."""
    for m in mutants:
        check_anchor(src, m)
    names = [m.name for m in mutants]
    if len(set(names)) != len(names):
        raise ValueError("mutant names must be unique")
    files = source_files(src)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        futs = [ex.submit(run_one, m, src, files, timeout, keep, VERIFY_ARGS if m is None else MUTANT_ARGS)
                for m in (None, *mutants)]
        results = []
        for f in futs:
            r = f.result()
            if progress:
                progress(r)
            results.append(r)
    return results[0], results[1:]


def score(results: list[Result]) -> float:
    return 100.0 * sum(r.outcome == "killed" for r in results) / len(results) if results else 0.0


def _claims_cell(r: Result, control: Result) -> str:
    """The failed claims ('(raised)' where a check raised). When the control failed too, the claims whose
    checks the mutant made wrong (a verdict other than the expected one, or a raise) that are right in the
    control, marked '*': what the mutant changed, whatever else is failing."""
    if r is control or control.outcome == "passed" or r.outcome == "error":
        cell = ", ".join(c + (" (raised)" if c in r.crashed_claims else "") for c in r.failed_claims)
        return cell or r.detail[:100] or "-"
    base = set(control.wrong_checks)
    new = [w for w in r.wrong_checks if w.replace(" (raised)", "") not in
           {b.replace(" (raised)", "") for b in base}]
    claims = []
    for w in new:
        cid = w.split(": ", 1)[0] + (" (raised)" if w.endswith("(raised)") else "")
        if cid not in claims:
            claims.append(cid)
    return "*" + (", ".join(claims) if claims else "no check changed")


def format_table(control: Result, results: list[Result]) -> str:
    rows = [(r.name, r.outcome, f"{r.seconds:.1f}", _claims_cell(r, control)) for r in [control] + results]
    head = ("mutant", "result", "s", "claims failed")
    w = [max(len(x[i]) for x in rows + [head]) for i in range(3)]
    lines = [f"{head[0]:<{w[0]}}  {head[1]:<{w[1]}}  {head[2]:>{w[2]}}  {head[3]}"]
    lines.append("-" * (sum(w) + 6 + 13))
    for a, b, c, d in rows:
        lines.append(f"{a:<{w[0]}}  {b:<{w[1]}}  {c:>{w[2]}}  {d}")
    killed = sum(r.outcome == "killed" for r in results)
    lines.append("")
    lines.append(f"mutation score: {killed}/{len(results)} killed = {score(results):.1f}%"
                 f"; control: {control.outcome}")
    if control.outcome != "passed":
        lines.append("THE CONTROL DID NOT PASS: the score is meaningless. '*' cells list the claims with a check "
                     "that the mutant made wrong (verdict or raise) and that is right in the control.")
    for r in [control] + results:
        if r.outcome in ("error", "failed", "survived"):
            why = r.detail or f"should be caught by: {mutant_by_name(r.name).catcher}"
            lines.append(f"  {r.name} [{r.outcome}]: {why}")
        elif control.outcome != "passed" and r is not control and _claims_cell(r, control) == "*no check changed":
            lines.append(f"  {r.name}: killed only because the control fails; should be caught by: "
                         f"{mutant_by_name(r.name).catcher}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    ap.add_argument("--only", action="append", metavar="NAME", help="only this mutant (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copies")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run (default 600)")
    a = ap.parse_args(argv)
    mutants = MUTANTS if not a.only else tuple(mutant_by_name(n) for n in a.only)
    if a.list:
        for m in mutants:
            print(f"{m.name:<30} {m.path:<36} {m.description}")
        return 0
    t0 = time.perf_counter()
    control, results = run_suite(mutants, jobs=a.jobs, timeout=a.timeout, keep=a.keep,
                                 progress=lambda r: print(f"  {r.name}: {r.outcome} ({r.seconds:.1f} s)",
                                                          file=sys.stderr, flush=True))
    print(format_table(control, results))
    print(f"({len(results)} mutants + control, {a.jobs} at a time, {time.perf_counter() - t0:.0f} s)")
    if a.json:
        Path(a.json).write_text(json.dumps({"control": asdict(control), "mutants": [asdict(r) for r in results],
                                            "score": score(results)}, indent=2) + "\n")
    ok = control.outcome == "passed" and all(r.outcome == "killed" for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
