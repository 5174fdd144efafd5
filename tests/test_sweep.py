"""The sweep executor: the same results in the same order in-process, on local processes and on a Dask
LocalCluster; chunking; errors that name the case."""
from __future__ import annotations

import sys

import pytest

from proofs_check.sweep import SweepError, default_chunk_size, sweep, sweep_iter


def _square_plus(case):
    a, b = case
    return a * a + b


def _fails_on_13(case):
    if case == 13:
        raise ValueError("unlucky")
    return case


CASES = [(i, i % 7) for i in range(1000)]
WANT = [a * a + b for a, b in CASES]


def test_serial_matches_comprehension():
    assert sweep(_square_plus, CASES) == WANT
    assert sweep(_square_plus, CASES, chunk_size=7) == WANT
    assert sweep(_square_plus, []) == []


def test_two_workers_equal_serial():
    serial = sweep(_square_plus, CASES, workers=1)
    assert sweep(_square_plus, CASES, workers=2) == serial
    assert sweep(_square_plus, CASES, workers=2, chunk_size=3) == serial  # many small chunks, order kept


def test_lazy_generator_in_order():
    gen = ((i, 1) for i in range(5000))
    out = list(sweep_iter(_square_plus, gen, workers=2, chunk_size=100))
    assert out == [i * i + 1 for i in range(5000)]
    assert list(sweep_iter(_square_plus, iter(CASES), total=len(CASES))) == WANT


def test_chunking_million_cases_few_tasks():
    size = default_chunk_size(1_000_000, workers=8)
    tasks = -(-1_000_000 // size)
    assert 500 <= tasks <= 5000
    assert default_chunk_size(10, workers=2) == 1


@pytest.mark.parametrize("workers", [1, 2])
def test_error_names_case(workers):
    with pytest.raises(SweepError, match=r"case 13 \(13\) raised ValueError: unlucky") as e:
        sweep(_fails_on_13, range(40), workers=workers, chunk_size=5)
    assert e.value.index == 13 and e.value.case == 13


def test_bad_arguments():
    with pytest.raises(SweepError, match="top level"):
        sweep(lambda c: c, range(3), workers=2)
    with pytest.raises(SweepError, match="workers must be"):
        sweep(_square_plus, CASES, workers=0)
    with pytest.raises(SweepError, match="not both"):
        sweep(_square_plus, CASES, workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(SweepError, match="chunk_size"):
        sweep(_square_plus, CASES, chunk_size=0)


def test_missing_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(SweepError, match=r"dask\[distributed\]"):
        sweep(_square_plus, CASES, scheduler="tcp://127.0.0.1:1")


def test_local_cluster_equals_serial():
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed (optional extra)")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert sweep(_square_plus, CASES, scheduler=client, chunk_size=17) == WANT
        assert sweep(_square_plus, CASES, scheduler=cluster.scheduler_address) == WANT  # by address
        with pytest.raises(SweepError, match=r"case 13 \(13\) raised ValueError"):
            sweep(_fails_on_13, range(40), scheduler=client, chunk_size=4)


def test_progress_bar_counts_cases(capsys):
    assert sweep(_square_plus, CASES, progress=True, desc="squares", chunk_size=100) == WANT
    err = capsys.readouterr().err
    assert "squares" in err and "1000" in err
    assert sweep(_square_plus, CASES, progress=False) == WANT
    assert capsys.readouterr().err == ""


def test_in_process_error_keeps_the_original_exception():
    with pytest.raises(SweepError) as e:
        sweep(_fails_on_13, range(20))
    assert isinstance(e.value.__cause__, ValueError)
    assert "test_sweep.py" in str(e.value)  # where it was raised


# ---------------------------------------------------------------------------------------------------------
# verify's claims through the executor
CLAIM_IDS = ["group-word-problem", "prop1-cor1-upper-bounds", "rnn-unrolled-depth-linear"]


def _untimed(x):
    """A result without its timings (they differ between runs)."""
    if isinstance(x, dict):
        return {k: _untimed(v) for k, v in x.items() if k not in ("seconds", "time", "elapsed")}
    if isinstance(x, (list, tuple)):
        return [_untimed(v) for v in x]
    return x


def _claims_view(results):
    return [_untimed(r.to_dict()) for r in results]


@pytest.fixture(scope="module")
def serial_claims():
    from proofs_check.claims import run_claims
    return _claims_view(run_claims(CLAIM_IDS, quick=True))


def test_claims_on_two_processes_equal_serial(serial_claims):
    from proofs_check.claims import SWEEP_OPTIONS, run_claims
    before = dict(SWEEP_OPTIONS)
    got = run_claims(CLAIM_IDS, quick=True, workers=2, progress=False)
    assert [r.claim.id for r in got] == CLAIM_IDS
    assert {r.status for r in got} >= {"checked", "open"}
    assert _claims_view(got) == serial_claims
    assert SWEEP_OPTIONS == before  # the checks' sweep options are restored after the run


def test_claims_on_a_local_cluster_equal_serial(serial_claims):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed (optional extra)")
    from proofs_check.claims import run_claims
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        got = run_claims(CLAIM_IDS, quick=True, scheduler=cluster.scheduler_address, progress=False)
    assert _claims_view(got) == serial_claims


def test_one_claim_gives_its_sweeps_the_workers(monkeypatch):
    """With one claim the checks run here and their own sweeps get the workers."""
    from proofs_check import claims, sweep as sweep_mod
    seen = []
    real = sweep_mod.sweep

    def spy(fn, cases, **kw):
        seen.append(kw.get("workers"))
        return real(fn, cases, **kw)

    monkeypatch.setattr(sweep_mod, "sweep", spy)
    r = claims.run_claims(["thm2-graph-connectivity"], quick=True, workers=2, progress=False)
    assert r[0].status == "checked"
    assert seen and set(seen) == {2}
    assert claims.SWEEP_OPTIONS["workers"] is None


def test_verify_cli_workers(capsys):
    from reports.cli import main
    assert main(["verify", "--quick", "--claim", "group-word-problem", "--claim", "prop1-cor1-upper-bounds",
                 "--workers", "2", "--json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in out["claims"]] == ["group-word-problem", "prop1-cor1-upper-bounds"]
    assert main(["verify", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "not both" in capsys.readouterr().err
