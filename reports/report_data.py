"""The numbers behind the report (``lrnn-circuits report``): every table and figure of the page is drawn from the
dict :func:`collect` returns, and ``--json`` writes that dict as ``report.json``.

Sections (each a key of the dict):

* ``headline`` — depth and size against n for the nonlinear RNN, the four LRNN families (arithmetic), the
  diagonal LRNN lowered to a p-bit boolean circuit, and a transformer layer (threshold and boolean), one cell
  per model and n from :func:`reports.compare.cell`; every cell says where its numbers come from (``how``);
* ``scans`` — size, depth and largest fan-out of every prefix schedule of ``constructions.scans``;
* ``claims`` — ``proofs_check.claims.run_claims(quick=True)``, with the evidence in plain words
  (:mod:`reports.plain`);
* ``tracr`` — small RASP programs compiled by tracr, as threshold circuits, checked against tracr;
* ``diagrams`` — the titles and captions of ``reports.diagrams.report_diagrams`` (the drawings themselves are
  written as files, not stored here).

The headline cells are independent: with ``workers`` or ``scheduler`` they run through
``proofs_check.sweep.sweep_iter`` (processes or a Dask cluster), and the claims through ``run_claims``' own
workers; the results are the same values in the same order.
"""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field

__all__ = ["Settings", "settings", "collect", "headline_cases", "report_date", "SECTIONS"]

#: the sections :func:`collect` computes, in order (``skip`` takes any of them)
SECTIONS = ("headline", "scans", "diagrams", "claims", "tracr")


@dataclass(frozen=True)
class Settings:
    """What the report computes. :func:`settings` gives the full and the quick report."""

    quick: bool
    ns: tuple  # headline sequence lengths
    max_gates: int  # circuits are built while their predicted size is at most this
    model_max_gates: int  # the lowered LRNN's depth model runs while its arithmetic circuit is at most this
    scan_ns: tuple
    tracr_programs: tuple  # (program, vocab, max_seq_len)
    d: int = 2
    precision: int = 16  # bits of the lowered LRNN
    transformer: dict = field(default_factory=lambda: {"d": 1, "precision": 4, "frac": 1})
    claim_ids: tuple | None = None
    skip: tuple = ()

    def to_dict(self) -> dict:
        out = asdict(self)
        out["ns"], out["scan_ns"] = list(self.ns), list(self.scan_ns)
        out["tracr_programs"] = [{"program": p, "vocab": list(v), "max_seq_len": m}
                                 for p, v, m in self.tracr_programs]
        out["claim_ids"] = None if self.claim_ids is None else list(self.claim_ids)
        out["skip"] = list(self.skip)
        return out


def settings(quick: bool = False, claim_ids=None, skip=()) -> Settings:
    """The full report (n = 2², …, 2²⁰; circuits built up to 10⁶ gates) or the quick one (n = 2², 2⁴, …, 2¹²;
    built up to 5·10⁴ gates, one tracr program)."""
    bad = sorted(set(skip) - set(SECTIONS))
    if bad:
        from circuits import CircuitError
        raise CircuitError(f"unknown section {bad[0]!r}; choose from {', '.join(SECTIONS)}")
    if claim_ids:
        from proofs_check.claims import REGISTRY, load_builtin
        load_builtin()
        unknown = [c for c in claim_ids if c not in REGISTRY]
        if unknown:
            from circuits import CircuitError
            raise CircuitError(f"unknown claim {unknown[0]!r}; see lrnn-circuits verify for the ids")
    if quick:
        return Settings(quick=True, ns=tuple(2**k for k in range(2, 13, 2)), max_gates=50_000,
                        model_max_gates=2_000, scan_ns=tuple(2**k for k in range(4, 11)),
                        tracr_programs=(("make_length", (1, 2), 2),),
                        claim_ids=None if claim_ids is None else tuple(claim_ids), skip=tuple(skip))
    return Settings(quick=False, ns=tuple(2**k for k in range(2, 21)), max_gates=1_000_000,
                    model_max_gates=200_000, scan_ns=tuple(2**k for k in range(4, 17)),
                    tracr_programs=(("make_length", (1, 2, 3), 3), ("make_reverse", (1, 2, 3), 3)),
                    claim_ids=None if claim_ids is None else tuple(claim_ids), skip=tuple(skip))


def report_date() -> str | None:
    """The date of ``SOURCE_DATE_EPOCH`` (UTC, ``YYYY-MM-DD``), or None when it is unset: the page then carries
    no date, so that two runs give the same bytes."""
    v = os.environ.get("SOURCE_DATE_EPOCH")
    if v is None or v == "":
        return None
    try:
        t = int(v)
    except ValueError:
        from circuits import CircuitError
        raise CircuitError(f"SOURCE_DATE_EPOCH must be an integer (seconds since 1970), got {v!r}") from None
    return time.strftime("%Y-%m-%d", time.gmtime(t))


# ---------------------------------------------------------------------------------------------------------
# headline
from .compare import ALL_MODELS  # noqa: E402

HEADLINE_MODELS = tuple(m.key for m in ALL_MODELS)


def headline_cases(s: Settings) -> list[tuple]:
    """One case per (model, n); slow models first within each n so that parallel runs balance."""
    tr = tuple(sorted(s.transformer.items()))
    return [(key, n, s.d, s.precision, s.max_gates, s.model_max_gates, tr) for n in s.ns for key in HEADLINE_MODELS]


def headline_cell(case: tuple) -> dict:
    """A picklable unit of work for :func:`proofs_check.sweep.sweep`."""
    from .compare import cell
    key, n, d, precision, max_gates, model_max_gates, tr = case
    return cell(key, n, d, precision, max_gates, model_max_gates=model_max_gates, transformer=dict(tr))


def _headline(s: Settings, tick, workers=None, scheduler=None) -> dict:
    cases = headline_cases(s)
    if workers in (None, 1) and scheduler is None:
        rows = []
        for c in cases:
            rows.append(headline_cell(c))
            tick(f"{c[0]} n={c[1]:,}")
    else:
        from circuits import CircuitError
        from proofs_check.sweep import SweepError, sweep_iter
        rows = []
        try:
            for c, r in zip(cases, sweep_iter(headline_cell, cases, total=len(cases), workers=workers,
                                              scheduler=scheduler, chunk_size=1, progress=False)):
                rows.append(r)
                tick(f"{c[0]} n={c[1]:,}")
        except SweepError as e:
            raise CircuitError(f"the headline builds failed: {str(e).splitlines()[0]}") from None
    models = [{"key": m.key, "label": m.label, "basis": m.basis} for m in ALL_MODELS]
    return {"n": list(s.ns), "d": s.d, "precision": s.precision, "transformer": dict(sorted(s.transformer.items())),
            "max_gates": s.max_gates, "model_max_gates": s.model_max_gates, "models": models, "rows": rows}


# ---------------------------------------------------------------------------------------------------------
# scans
def scan_stats(name: str, n: int) -> dict:
    """Size (combine nodes), depth (levels) and the largest fan-out (operand uses of one node) of a schedule."""
    import numpy as np

    from constructions.scans import schedule
    s = schedule(name, n)
    rows = np.concatenate(s.levels) if s.levels else np.empty((0, 2), dtype=np.int64)
    fan = int(np.bincount(rows.ravel(), minlength=s.num_nodes).max()) if len(rows) else 0
    return {"schedule": name, "n": n, "size": s.size, "depth": s.depth, "max_fanout": fan}


def _scans(s: Settings, tick) -> dict:
    from constructions.scans import SCHEDULES
    rows = []
    for name in SCHEDULES:
        for n in s.scan_ns:
            rows.append(scan_stats(name, n))
        tick(f"scan {name}")
    return {"n": list(s.scan_ns), "schedules": list(SCHEDULES), "rows": rows}


# ---------------------------------------------------------------------------------------------------------
# claims
def claim_row(r) -> dict:
    """A ``proofs_check.claims.ClaimResult`` as a row of the claims table (plain words, no timings)."""
    from .plain import claim_evidence, plain
    row = {"id": r.claim.id, "reference": plain(r.claim.reference), "statement": plain(r.claim.statement),
           "status": r.status, "evidence": claim_evidence(r),
           "checks": sum(x.expect == "equal" for x in r.results),
           "controls": sum(x.expect == "not_equal" for x in r.results)}
    if r.erratum:
        row["erratum"] = {"what": plain(r.erratum["what"]), "fix": plain(r.erratum["fix"])}
    return row


def _claims(s: Settings, tick, workers=None, scheduler=None) -> dict:
    """The claims table from ``run_claims(quick=True)``; with ``workers``/``scheduler`` the checks run in
    parallel (``run_claims`` gives the same results in the same order)."""
    from circuits import CircuitError
    from proofs_check.claims import STATUSES, run_claims
    from proofs_check.sweep import SweepError
    kw = {} if workers in (None, 1) and scheduler is None else {"workers": workers, "scheduler": scheduler,
                                                                 "progress": False}
    try:
        results = run_claims(list(s.claim_ids) if s.claim_ids else None, quick=True, **kw)
    except KeyError as e:
        raise CircuitError(str(e).strip("'\"")) from None
    except SweepError as e:
        raise CircuitError(f"the claims failed to run: {str(e).splitlines()[0]}") from None
    rows = [claim_row(r) for r in results]
    tick("claims")
    counts = {st: sum(r["status"] == st for r in rows) for st in STATUSES}
    return {"quick": True, "rows": rows, "counts": counts}


# ---------------------------------------------------------------------------------------------------------
# tracr
def _tracr(s: Settings, tick) -> dict:
    try:
        import tracr  # noqa: F401
    except ImportError:
        tick("tracr")
        return {"available": False, "why": "tracr is not installed (pip install 'lrnn-circuits[tracr]'), so this "
                                           "section is empty"}
    from constructions.transformer.tracr import check_model, compile_program
    progs = []
    for prog, vocab, max_len in s.tracr_programs:
        r = check_model(compile_program(prog, list(vocab), max_len))
        progs.append({"program": prog, "vocab": list(vocab), "max_seq_len": max_len, "precision": r["precision"],
                      "frac": r["frac"], "circuits": r["circuits"], "inputs_checked": r["inputs_checked"],
                      "agrees_with_tracr": r["agrees_with_tracr"], "disagreements": r["disagreements"]})
        tick(f"tracr {prog}")
    return {"available": True, "programs": progs}


# ---------------------------------------------------------------------------------------------------------
# diagrams
def load_diagrams(quick: bool) -> tuple[list, str | None]:
    """(diagrams, None) from ``reports.diagrams.report_diagrams``, or ([], why) when that module is missing."""
    try:
        from .diagrams import report_diagrams
    except ImportError as e:
        return [], f"the diagrams module is not available ({e})"
    return list(report_diagrams(quick=quick)), None


def _steps(s: Settings) -> int:
    n = 0
    if "headline" not in s.skip:
        n += len(s.ns) * len(HEADLINE_MODELS)
    if "scans" not in s.skip:
        from constructions.scans import SCHEDULES
        n += len(SCHEDULES)
    n += ("diagrams" not in s.skip) + ("claims" not in s.skip)
    if "tracr" not in s.skip:
        n += max(1, len(s.tracr_programs))
    return n


def collect(s: Settings, workers: int | None = None, scheduler=None, progress: bool | None = None) -> dict:
    """Compute every section of the report (see the module docstring). Returns ``(data, diagrams)``: the
    JSON-ready dict and the list of ``Diagram`` objects. ``progress``: a tqdm bar on standard error (None: when
    it is a terminal)."""
    import sys

    from tqdm import tqdm

    from circuits import __version__
    bar = tqdm(total=_steps(s), desc="report", unit="step", file=sys.stderr, leave=False,
               disable=(not sys.stderr.isatty()) if progress is None else not progress)

    def tick(label: str) -> None:
        bar.set_postfix_str(label, refresh=False)
        bar.update(1)

    try:
        data: dict = {"version": __version__, "date": report_date(), "settings": s.to_dict()}
        diagrams: list = []
        if "headline" not in s.skip:
            data["headline"] = _headline(s, tick, workers, scheduler)
        if "scans" not in s.skip:
            data["scans"] = _scans(s, tick)
        if "diagrams" not in s.skip:
            diagrams, why = load_diagrams(s.quick)
            data["diagrams"] = {"available": why is None, "why": why,
                                "items": [{"name": g.name, "title": g.title, "caption": g.caption}
                                          for g in diagrams]}
            tick("diagrams")
        if "claims" not in s.skip:
            data["claims"] = _claims(s, tick, workers, scheduler)
        if "tracr" not in s.skip:
            data["tracr"] = _tracr(s, tick)
    finally:
        bar.close()
    return data, diagrams
