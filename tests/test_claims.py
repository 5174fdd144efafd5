"""The claims registry, the bounds checks and `lrnn-circuits verify`."""
from __future__ import annotations

import json
import subprocess
import sys

import sympy as sp

from proofs_check import bounds
from proofs_check.claims import REGISTRY, Check, Claim, run_claim, run_claims
from proofs_check.verdict import Verdict

EXPECTED = {"scan-prefixes", "scan-formulas", "lrnn-equals-recurrence", "lrnn-depth-log", "rnn-depth-linear",
            "affine-assoc", "pd-closure", "dplr-rank", "rational-addition", "rational-order"}


def test_full_verify_passes_with_evidence():
    """The whole registry, full grids, through the CLI: every claim listed with evidence, exit status 0."""
    r = subprocess.run([sys.executable, "-m", "reports.cli", "verify", "--json"], capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    claims = {c["id"]: c for c in out["claims"]}
    assert EXPECTED <= set(claims)
    for cid, c in claims.items():
        assert c["status"] in ("verified", "verified-with-erratum"), (cid, c["status"])
        assert c["checks"] and all(ch["ok"] for ch in c["checks"])
        negatives = [ch for ch in c["checks"] if ch["expect"] == "not_equal"]
        assert negatives, f"{cid} has no negative control"
        for ch in negatives:
            assert ch["verdict"]["status"] == "not_equal" and ch["verdict"]["counterexample"]
    err = claims["rational-addition"]
    assert err["status"] == "verified-with-erratum"
    ce = err["erratum"]["counterexample"]
    a, b, c_, d = ce["a"], ce["b"], ce["c"], ce["d"]
    from fractions import Fraction
    assert Fraction(a, b) + Fraction(c_, d) != Fraction(a * d + b * c_, b * c_)
    assert claims["lrnn-equals-recurrence"]["checks"][0]["verdict"]["evidence"]["circuits"] > 100


def test_verify_table_and_filter():
    r = subprocess.run([sys.executable, "-m", "reports.cli", "verify", "--quick", "--claim", "affine-assoc",
                        "--claim", "rational-addition"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "affine-assoc" in r.stdout and "verified-with-erratum" in r.stdout and "lrnn-depth-log" not in r.stdout
    assert "erratum [rational-addition]" in r.stdout


def test_a_failing_claim_fails_and_an_undecided_one_is_open():
    bad = Claim("tmp-bad", "test", "a claim whose negative control is accepted",
                [Check("supporting", lambda q: Verdict("equal", "test")),
                 Check("negative control that the checker wrongly accepts", lambda q: Verdict("equal", "test"),
                       "not_equal")])
    assert run_claim(bad).status == "failed"
    crash = Claim("tmp-crash", "test", "a check that raises", [Check("boom", lambda q: 1 / 0)])
    res = run_claim(crash)
    assert res.status == "open" and "ZeroDivisionError" in res.results[0].verdict.why
    assert run_claim(Claim("tmp-empty", "test", "no checks yet")).status == "open"


def test_cli_exit_status_on_failure(monkeypatch, capsys):
    from reports import cli
    run_claims()  # loads the built-in registry
    REGISTRY["tmp-failing"] = Claim("tmp-failing", "test", "always refuted",
                                    [Check("c", lambda q: Verdict("not_equal", "test", why="refuted"))])
    try:
        assert cli.main(["verify", "--claim", "tmp-failing"]) == 1
        assert "failed" in capsys.readouterr().out
    finally:
        del REGISTRY["tmp-failing"]


def test_derivations_and_their_negative_control():
    for i in bounds.DERIVATIONS:
        assert bounds.check_derivation(i).status == "equal", i
    v = bounds.NEGATIVE_CONTROLS["derivation"]()
    assert v.status == "not_equal"
    kk = v.counterexample["k"]
    assert sp.sympify(v.counterexample["recurrence"]) != sp.sympify(v.counterexample["closed_form"])
    assert kk >= 0


def test_growth_classes():
    from constructions.scans import n_sym
    assert bounds.classify_growth(sp.Integer(7)) == "Θ(1)"
    assert bounds.classify_growth(3 * sp.log(n_sym, 2) + 5) == "Θ(log n)"
    assert bounds.classify_growth(2 * n_sym + sp.log(n_sym)) == "Θ(n)"
    assert bounds.classify_growth(n_sym * sp.log(n_sym, 2) / 2) == "Θ(n log n)"
    assert bounds.check_growth("rnn", None, "Θ(n)").status == "equal"
    assert bounds.check_growth("dense", "sklansky", "Θ(log n)").status == "equal"
    assert bounds.NEGATIVE_CONTROLS["growth"]().status == "not_equal"


def test_formula_negative_control_gives_a_real_counterexample():
    v = bounds.NEGATIVE_CONTROLS["formula"]()
    assert v.status == "not_equal"
    from constructions.lrnn import build_lrnn
    p = v.counterexample["params"]
    c = build_lrnn("dense", p["n"], p["d"], scan="brent-kung")
    assert [c.size(), c.depth()] == v.counterexample["measured"] != v.counterexample["formula"]
