"""The claims registry, the bounds checks and `lrnn-circuits verify`."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from fractions import Fraction

import pytest
import sympy as sp

from proofs_check import bounds
from proofs_check.claims import REGISTRY, STATUSES, Check, Claim, run_claim, run_claims
from proofs_check.verdict import Verdict

BUILTIN = {"scan-prefixes", "scan-formulas", "lrnn-equals-recurrence", "lrnn-gadgets", "lrnn-depth-log",
           "rnn-depth-linear", "affine-assoc", "pd-closure", "dplr-rank", "rational-addition", "rational-order",
           "deltanet-router"}
EXPECTED = BUILTIN
# the status each built-in claim must have (for the errata: the basis of the corrected form)
PROVED = {"affine-assoc", "rational-order"}
ERRATA = {"rational-addition": "proved", "deltanet-router": "proved"}
CHECKED = BUILTIN - PROVED - set(ERRATA)


#: claims whose full grids take minutes (the acceptance ranges of the automata and hardness issues): the suite
#: runs them in quick mode; ``lrnn-circuits verify`` (full) runs them whole
HEAVY = {"wfa-to-pd-lrnn", "wfa-to-dplr-lrnn", "thm5-rwkv7-products", "thm5-deltanet-products",
         "thm2-graph-connectivity", "thm1-stack-rnn"}


def _verify(args) -> dict:
    r = subprocess.run([sys.executable, "-m", "reports.cli", "verify", "--json"] + args, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:] + r.stdout[-2000:]
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def full_verify():
    """The whole registry through the CLI, full grids except the :data:`HEAVY` claims (quick), shared by the
    tests below."""
    from proofs_check.claims import load_builtin
    load_builtin()
    builtin = {cid for cid, c in REGISTRY.items()  # not the claims other tests register in this process
               if not any(ch.fn.__module__.split(".")[-1].startswith("test") for ch in c.checks)}
    heavy = sorted(HEAVY & builtin)
    light = sorted(builtin - HEAVY)
    out = _verify([a for cid in light for a in ("--claim", cid)])
    if heavy:
        quick = _verify(["--quick"] + [a for cid in heavy for a in ("--claim", cid)])
        out["claims"] += quick["claims"]
    return out, {c["id"]: c for c in out["claims"]}


def test_full_verify_statuses(full_verify):
    out, claims = full_verify
    assert EXPECTED <= set(claims)
    for cid, c in claims.items():
        assert c["status"] in STATUSES and c["status"] != "failed", (cid, c["status"])
        if c["status"] == "open":  # declared open, with the reason
            assert c.get("why_open"), cid
        else:
            assert c["checks"] and all(ch["ok"] for ch in c["checks"]), cid
    for cid in PROVED:
        assert claims[cid]["status"] == "proved", cid
    for cid, basis in ERRATA.items():
        assert claims[cid]["status"] == "verified-with-erratum" and claims[cid]["basis"] == basis, cid
    for cid in CHECKED:
        assert claims[cid]["status"] == "checked", (cid, claims[cid]["status"])


def test_docs_claims_table_matches_verify(full_verify):
    """docs/verification.md lists every built-in claim with the status that verify gives it."""
    import pathlib
    import re
    text = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "verification.md").read_text()
    table = text.split("## The claims", 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    rows = {m.group(1): m.group(2).strip() for m in re.finditer(r"^\| `([a-z0-9-]+)` \| ([^|]+)\|", "|" + table, re.M)}
    _, claims = full_verify
    assert set(rows) == BUILTIN
    for cid, shown in rows.items():
        assert shown.split(" (")[0] == claims[cid]["status"], (cid, shown, claims[cid]["status"])


def test_every_claim_has_rejected_negative_controls(full_verify):
    _, claims = full_verify
    for cid in BUILTIN:
        negatives = [ch for ch in claims[cid]["checks"] if ch["expect"] == "not_equal"]
        assert negatives, f"{cid} has no negative control"
        for ch in negatives:
            assert ch["verdict"]["status"] == "not_equal" and ch["verdict"]["counterexample"], (cid, ch["name"])


def test_checked_claims_carry_their_ranges_as_data(full_verify):
    _, claims = full_verify
    for cid, c in claims.items():
        finite = [ch for ch in c["checks"] if ch["expect"] == "equal" and ch["kind"] == "finite"]
        if c["status"] == "checked" or (c["status"] == "verified-with-erratum" and c.get("basis") == "checked"):
            assert finite and isinstance(c.get("scope"), dict), cid
            assert set(c["scope"]) == {ch["name"] for ch in finite}, cid
            for ch in finite:
                assert isinstance(ch["verdict"]["evidence"]["scope"], dict) and ch["verdict"]["evidence"]["scope"]
        if c["status"] == "proved":
            assert not finite and "scope" not in c, cid
    # a few ranges, as data
    scan = claims["scan-prefixes"]["scope"]
    assert list(scan.values())[0]["n"] == [1, 300]
    gad = [v for k, v in claims["dplr-rank"]["scope"].items() if "gadget" in k][0]
    assert gad["d"] == [1, 6] and gad["rank"] == [1, 3]
    assert {"low-rank ∘ low-rank → low-rank", "low-rank ∘ low-rank → dense (2(ρ2+ρ1) ≥ d)",
            "low-rank ∘ dense → dense", "dense ∘ dense → dense"} <= set(gad["paths"])


def test_errata(full_verify):
    _, claims = full_verify
    ce = claims["rational-addition"]["erratum"]["counterexample"]
    a, b, c_, d = ce["a"], ce["b"], ce["c"], ce["d"]
    assert Fraction(a, b) + Fraction(c_, d) != Fraction(a * d + b * c_, b * c_)
    router = claims["deltanet-router"]
    assert "1,404" in router["erratum"]["what"] and router["erratum"]["fix"]
    cx = router["erratum"]["counterexample"]
    assert cx["claimed_order"] == 1404 and cx["achievable_orders"] == [1, 2, 3, 4, 6]


def test_citations_say_what_is_shown():
    run_claims(["affine-assoc"], quick=True)  # loads the registry
    ref = REGISTRY["rnn-depth-linear"].reference
    assert ref.startswith("the unrolled") and "not a bound of Prop 1" in ref
    assert REGISTRY["dplr-rank"].reference.startswith("lemma")
    assert "lemma used in Thm 7" in REGISTRY["pd-closure"].reference
    assert REGISTRY["deltanet-router"].erratum and "Thm 5" in REGISTRY["deltanet-router"].reference


def test_verify_table_and_filter():
    r = subprocess.run([sys.executable, "-m", "reports.cli", "verify", "--quick", "--claim", "affine-assoc",
                        "--claim", "rational-addition"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "affine-assoc" in r.stdout and "verified-with-erratum" in r.stdout and "lrnn-depth-log" not in r.stdout
    assert "proved" in r.stdout
    assert "erratum [rational-addition]" in r.stdout


def test_quick_verify_passes_with_scopes():
    results = run_claims(sorted(BUILTIN), quick=True)
    for res in results:
        assert res.status != "failed", (res.claim.id, res.evidence_summary())
        d = res.to_dict()
        if res.status == "checked":
            assert d["scope"], res.claim.id


# ---------------------------------------------------------------------------------------------------------
# the status rules
def test_a_failing_claim_fails():
    bad = Claim("tmp-bad", "test", "a claim whose negative control is accepted",
                [Check("supporting", lambda q: Verdict("equal", "test"), kind="proof"),
                 Check("negative control that the checker wrongly accepts", lambda q: Verdict("equal", "test"),
                       "not_equal")])
    assert run_claim(bad).status == "failed"
    crash = Claim("tmp-crash", "test", "a check that raises", [Check("boom", lambda q: 1 / 0, kind="proof")])
    res = run_claim(crash)
    assert res.status == "failed" and "ZeroDivisionError" in res.results[0].verdict.why
    assert run_claim(Claim("tmp-empty", "test", "no checks yet")).status == "failed"
    undecided = Claim("tmp-undecided", "test", "undecided", [Check("u", lambda q: Verdict("undecided", "t"),
                                                                   kind="proof")])
    assert run_claim(undecided).status == "failed"
    declared = Claim("tmp-open", "test", "declared open", why_open="needs a construction not built yet")
    assert run_claim(declared).status == "open"


def test_a_finite_check_without_scope_fails():
    no_scope = Claim("tmp-noscope", "test", "a grid check that does not say its grid",
                     [Check("grid", lambda q: Verdict("equal", "grid", evidence={"points": 10}))])
    res = run_claim(no_scope)
    assert res.status == "failed" and "scope" in res.results[0].problem
    with_scope = Claim("tmp-scope", "test", "for n ≤ 10",
                       [Check("grid", lambda q: Verdict("equal", "grid", evidence={"scope": {"n": [1, 10]}}))])
    res = run_claim(with_scope)
    assert res.status == "checked" and res.to_dict()["scope"] == {"grid": {"n": [1, 10]}}
    proof = Claim("tmp-proof", "test", "for every n", [Check("p", lambda q: Verdict("equal", "sympy"),
                                                             kind="proof")])
    assert run_claim(proof).status == "proved"


def test_cli_exit_status_on_failure(monkeypatch, capsys):
    from reports import cli
    run_claims(["affine-assoc"], quick=True)  # loads the built-in registry
    REGISTRY["tmp-failing"] = Claim("tmp-failing", "test", "always refuted",
                                    [Check("c", lambda q: Verdict("not_equal", "test", why="refuted"))])
    try:
        assert cli.main(["verify", "--claim", "tmp-failing"]) == 1
        assert "failed" in capsys.readouterr().out
    finally:
        del REGISTRY["tmp-failing"]


def test_a_raising_check_makes_verify_exit_1():
    """A claim whose check raises, registered in a fresh interpreter, then `lrnn-circuits verify`: exit 1."""
    script = textwrap.dedent("""
        import sys
        from proofs_check.claims import Check, Claim, load_builtin, register
        from reports import cli
        load_builtin()
        def boom(quick):
            raise RuntimeError("deliberate")
        register(Claim("tmp-raises", "test", "a check that raises", [Check("boom", boom, kind="proof")]))
        sys.exit(cli.main(["verify", "--quick", "--json", "--claim", "tmp-raises", "--claim", "affine-assoc"]))
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    out = json.loads(r.stdout)
    st = {c["id"]: c for c in out["claims"]}
    assert st["tmp-raises"]["status"] == "failed" and st["affine-assoc"]["status"] == "proved"
    assert "RuntimeError: deliberate" in st["tmp-raises"]["checks"][0]["verdict"]["why"]
    # --fail-fast: the same exit status, and nothing after the first failed claim runs
    r = subprocess.run([sys.executable, "-c", script.replace('"--json",', '"--json", "--fail-fast",')],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and [c["id"] for c in json.loads(r.stdout)["claims"]] == ["tmp-raises"]


# ---------------------------------------------------------------------------------------------------------
# bounds
def test_derivations_and_their_negative_control():
    for i in bounds.DERIVATIONS:
        v = bounds.check_derivation(i)
        assert v.status == "equal", i
        assert v.evidence["recurrence_source"]
        assert bounds.check_recurrence(i, kmax=8).status == "equal", i
    assert "textbook" in bounds.check_derivation("sklansky-size").evidence["recurrence_source"]
    assert "counted" in bounds.check_derivation("dense-product-size").evidence["recurrence_source"]
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


def test_measured_growth():
    v = bounds.check_measured_log_depth("dense", "brent-kung", 3, 7)
    assert v.status == "equal" and v.evidence["class"] == "Θ(log n)"
    v = bounds.NEGATIVE_CONTROLS["measured-growth"]()
    assert v.status == "not_equal"
    from constructions.lrnn import build_lrnn
    n = v.counterexample["n"]
    assert build_lrnn("dense", n, 2, scan="serial").depth() == v.counterexample["measured"]


def test_formula_negative_control_gives_a_real_counterexample():
    v = bounds.NEGATIVE_CONTROLS["formula"]()
    assert v.status == "not_equal"
    from constructions.lrnn import build_lrnn
    p = v.counterexample["params"]
    c = build_lrnn("dense", p["n"], p["d"], scan="brent-kung")
    assert [c.size(), c.depth()] == v.counterexample["measured"] != v.counterexample["formula"]


def test_fast_closed_form_evaluation_agrees_with_sympy():
    from constructions import lrnn_bounds as LB
    from constructions.scans import n_sym
    for fam, scan in (("pd", "ladner-fischer"), ("dense", "brent-kung"), ("diagonal", "han-carlson")):
        S, D = LB.closed_form(fam, scan)
        for n in (2, 4, 8, 64):
            for d in (1, 3, 7):
                for e in (S, D):
                    slow = int(sp.nsimplify(e.subs({n_sym: n, LB.d_sym: d})))
                    assert bounds._at(e, n, d) == slow
