"""The claims registry: each theorem, lemma or erratum of the paper this library reproduces, with the checks
that support it.

A claim has an id, the paper reference (numbering of Merrill et al. 2026, v3), a one-sentence statement, and
a list of checks. Every check is a callable ``(quick: bool) -> Verdict`` with the status it must return:
``"equal"`` for a supporting check, ``"not_equal"`` for a negative control (a deliberately broken construction
or a wrong formula that the same checker must reject).

Each supporting check also says what kind of evidence it gives (``Check.kind``):

* ``"proof"`` — a symbolic argument that covers every parameter value the statement names (sympy identities
  with symbolic dimensions, ``rsolve`` solutions for all n, …);
* ``"finite"`` — finitely many cases. Its verdict must carry ``evidence["scope"]``: the range it ran, as data
  (e.g. ``{"n": [1, 300], "d": [1, 4]}``; a list of two numbers is an inclusive range, any other list the values
  themselves). A finite check without a scope is a failure of the check, not a pass.

The claim's status (the vocabulary of ``docs/verification.md``):

* ``proved`` — every check returned what it must and every supporting check is a proof;
* ``checked`` — every check returned what it must, and some supporting check is finite; the claim's JSON
  carries each finite check's scope under ``"scope"``;
* ``verified-with-erratum`` — a claim whose printed form is wrong (``erratum`` says what is wrong and the fix;
  the counterexample comes from the negative control) and whose corrected form was proved or checked
  (``"basis"`` says which);
* ``open`` — the claim declares itself open (``why_open`` says why); its checks, if any, are run and shown;
* ``failed`` — some check returned another status than the one it must, could not decide (``undecided``), or
  raised (the exception is in its evidence). ``lrnn-circuits verify`` exits 1 when any claim failed.

Later constructions add claims with ``register``; :func:`run_claims` loads the built-in ones
(:mod:`proofs_check.builtin_claims`) on first use.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Callable

from .verdict import Verdict

STATUSES = ("proved", "checked", "verified-with-erratum", "open", "failed")

CheckFn = Callable[[bool], Verdict]


@dataclass
class Check:
    name: str
    fn: CheckFn
    expect: str = "equal"  # "not_equal" for a negative control
    kind: str = "finite"  # "proof" (symbolic, every parameter value) or "finite" (evidence["scope"] says which)

    def __post_init__(self):
        if self.expect not in ("equal", "not_equal"):
            raise ValueError(f"check {self.name!r}: expect must be 'equal' or 'not_equal', not {self.expect!r}")
        if self.kind not in ("proof", "finite"):
            raise ValueError(f"check {self.name!r}: kind must be 'proof' or 'finite', not {self.kind!r}")

    @property
    def negative(self) -> bool:
        return self.expect == "not_equal"


@dataclass
class Claim:
    id: str
    reference: str
    statement: str
    checks: list[Check] = field(default_factory=list)
    erratum: dict | None = None  # {"what", "fix"}; the counterexample comes from the negative control
    why_open: str = ""


REGISTRY: dict[str, Claim] = {}


def register(claim: Claim) -> Claim:
    if claim.id in REGISTRY:
        raise ValueError(f"claim {claim.id!r} registered twice")
    REGISTRY[claim.id] = claim
    return claim


# ---------------------------------------------------------------------------------------------------------
# running
@dataclass
class CheckResult:
    name: str
    expect: str
    verdict: Verdict
    seconds: float

    kind: str = "finite"

    @property
    def crashed(self) -> bool:
        return self.verdict.method == "error"

    @property
    def scope(self):
        return self.verdict.evidence.get("scope") if self.verdict.evidence else None

    @property
    def problem(self) -> str:
        """Why this result does not support its claim ('' when it does)."""
        if self.crashed:
            return f"raised {self.verdict.why}"
        if self.verdict.status != self.expect:
            return f"returned {self.verdict.status} (must be {self.expect})" + \
                (f": {self.verdict.why}" if self.verdict.why else "")
        if self.expect == "equal" and self.kind == "finite" and not isinstance(self.scope, dict):
            return "a finite check that reports no scope (evidence['scope'])"
        return ""

    @property
    def ok(self) -> bool:
        return not self.problem

    def to_dict(self) -> dict:
        out = {"name": self.name, "expect": self.expect, "kind": self.kind, "ok": self.ok,
               "seconds": round(self.seconds, 3), "verdict": self.verdict.to_dict()}
        if self.problem:
            out["problem"] = self.problem
        return out


@dataclass
class ClaimResult:
    claim: Claim
    status: str
    results: list[CheckResult]
    erratum: dict | None = None
    basis: str | None = None  # "proved" or "checked", for verified-with-erratum

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.results)

    def evidence_summary(self) -> str:
        pos = [r for r in self.results if r.expect == "equal"]
        neg = [r for r in self.results if r.expect == "not_equal"]
        if self.status == "open" and not self.results:
            return "open: " + self.claim.why_open
        parts = [f"{sum(r.ok for r in pos)}/{len(pos)} checks hold"]
        if neg:
            parts.append(f"{sum(r.ok for r in neg)}/{len(neg)} negative controls rejected")
        bad = [r for r in self.results if not r.ok]
        if bad:
            parts.append("; ".join(f"{r.name}: {r.problem}" for r in bad[:2]))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        c = self.claim
        out = {"id": c.id, "reference": c.reference, "statement": c.statement, "status": self.status,
               "seconds": round(self.seconds, 3), "checks": [r.to_dict() for r in self.results]}
        scopes = {r.name: r.scope for r in self.results if r.expect == "equal" and r.kind == "finite" and r.scope}
        if scopes:
            out["scope"] = scopes
        if self.basis:
            out["basis"] = self.basis
        if self.erratum:
            out["erratum"] = self.erratum
        if c.why_open:
            out["why_open"] = c.why_open
        return out


def _run_check(chk: Check, quick: bool) -> CheckResult:
    t0 = time.perf_counter()
    try:
        v = chk.fn(quick)
        if not isinstance(v, Verdict):
            v = Verdict("undecided", "error", why=f"check returned {type(v).__name__}, not a Verdict")
    except Exception as e:  # a crashing check is reported, not hidden
        tb = traceback.format_exc(limit=3).strip().splitlines()[-1]
        v = Verdict("undecided", "error", why=f"{type(e).__name__}: {e}"[:300], evidence={"traceback": tb})
    return CheckResult(chk.name, chk.expect, v, time.perf_counter() - t0, chk.kind)


def run_claim(claim: Claim, quick: bool = False) -> ClaimResult:
    return conclude(claim, [_run_check(chk, quick) for chk in claim.checks])


def conclude(claim: Claim, results: list[CheckResult]) -> ClaimResult:
    """The claim's status from the results of its checks (in the order of ``claim.checks``)."""
    if claim.why_open:
        return ClaimResult(claim, "open", results)
    if not claim.checks or any(not r.ok for r in results):
        return ClaimResult(claim, "failed", results)
    support = [r for r in results if r.expect == "equal"]
    if not support:
        return ClaimResult(claim, "failed", results)
    basis = "proved" if all(r.kind == "proof" for r in support) else "checked"
    if not claim.erratum:
        return ClaimResult(claim, basis, results)
    erratum = dict(claim.erratum)
    neg = [r for r in results if r.expect == "not_equal"]
    if neg:
        erratum["counterexample"] = neg[0].verdict.counterexample
    return ClaimResult(claim, "verified-with-erratum", results, erratum, basis)


_LOADED = False
_BUILTIN_MODULES = ("builtin_claims", "engine_claims", "threshold_claims", "bits_claims", "lowering_claims",
                    "transformer_claims", "barrington_claims", "wfa_claims",
                    "products_claims", "hardness_stack_claims", "hardness_graph_claims")  # each has load(), which calls register()


def load_builtin() -> None:
    """Register the built-in claims (once)."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        import importlib
        for mod in _BUILTIN_MODULES:
            importlib.import_module(f"{__package__}.{mod}").load()


# How the checks' own big sweeps run (:func:`proofs_check.sweep.sweep` options); claim modules read it through
# :func:`sweep_options`. ``run_claims`` sets it for the length of one run.
SWEEP_OPTIONS = {"workers": None, "scheduler": None, "progress": None}


def sweep_options() -> dict:
    """The sweep options a check passes to :func:`proofs_check.sweep.sweep` for its own cases."""
    return dict(SWEEP_OPTIONS)


def configure_sweeps(workers=None, scheduler=None, progress=None) -> None:
    SWEEP_OPTIONS.update(workers=workers, scheduler=scheduler, progress=progress)


def _builtin(claim: Claim) -> bool:
    """A claim that every worker can load by its id (registered by a module of this package)."""
    return all(getattr(ch.fn, "__module__", "").startswith(f"{__package__}.") for ch in claim.checks)


def _check_case(case: tuple) -> CheckResult:
    """One check of one claim, by ids (the unit of work of a parallel ``run_claims``)."""
    cid, index, quick = case
    load_builtin()
    return _run_check(REGISTRY[cid].checks[index], quick)


def run_claims(ids=None, quick: bool = False, fail_fast: bool = False, *, workers: int | None = None,
               scheduler=None, progress: bool | None = None) -> list[ClaimResult]:
    """Run the claims (all, or ``ids`` in that order). ``fail_fast``: stop after the first failed claim (the
    exit status of ``verify`` is the same; the table is shorter).

    ``workers=N`` (N ≥ 2) or ``scheduler=ADDRESS`` runs the checks through :func:`proofs_check.sweep.sweep`:
    with several claims every check of every claim is one case (the checks' own sweeps then run in their
    worker); with one claim its checks run here and their own sweeps get the workers. The results are the same
    and in the same order either way (with ``fail_fast`` every check runs, and the list stops at the first
    failed claim). Claims registered outside this package (at run time) run in this process."""
    load_builtin()
    if ids:
        unknown = [i for i in ids if i not in REGISTRY]
        if unknown:
            raise KeyError(f"unknown claim {unknown[0]!r}; known: {', '.join(REGISTRY)}")
        claims = [REGISTRY[i] for i in ids]
    else:
        claims = list(REGISTRY.values())
    parallel = (workers is not None and workers > 1) or scheduler is not None
    saved = dict(SWEEP_OPTIONS)
    try:
        if parallel and len(claims) > 1 and all(_builtin(c) for c in claims):
            from .sweep import sweep
            configure_sweeps(progress=False)  # the checks' own sweeps run serially inside their worker
            cases = [(c.id, i, quick) for c in claims for i in range(len(c.checks))]
            flat = sweep(_check_case, cases, workers=workers, scheduler=scheduler, chunk_size=1,
                         progress=progress, desc="claims")
            results, at = [], 0
            for c in claims:
                results.append(conclude(c, flat[at:at + len(c.checks)]))
                at += len(c.checks)
            if fail_fast:
                bad = next((k for k, r in enumerate(results) if r.status == "failed"), None)
                if bad is not None:
                    results = results[:bad + 1]
            return results
        if parallel:
            configure_sweeps(workers=workers, scheduler=scheduler, progress=progress)
        results = []
        for c in claims:
            results.append(run_claim(c, quick))
            if fail_fast and results[-1].status == "failed":
                break
        return results
    finally:
        SWEEP_OPTIONS.clear()
        SWEEP_OPTIONS.update(saved)
