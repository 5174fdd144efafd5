"""The command line's help: every command listed with a description and an example that runs, the names each
option accepts taken from the registries, and ``models`` describing each model in one line."""
from __future__ import annotations

import json
import re
import shlex

import pytest

from reports.cli import EXPORT_FORMATS, EQUIV_METHODS, build_parser, main

EXAMPLE = re.compile(r"^\s+\$ (lrnn-circuits .*)$", re.M)
#: commands whose examples are only parsed here: each runs for seconds to minutes (their own tests run them)
PARSE_ONLY = {"compare", "report", "tracr", "verify"}


@pytest.fixture(autouse=True)
def _columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")


def _help(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as e:
        main([*argv, "--help"])
    assert e.value.code == 0
    return capsys.readouterr().out


def _commands() -> dict:
    sub = build_parser()._subparsers._group_actions[0]
    return {a.dest: a.help for a in sub._choices_actions}


def _examples(text: str) -> list[list[str]]:
    out = [shlex.split(m, comments=True) for m in EXAMPLE.findall(text)]
    assert out and all(x[0] == "lrnn-circuits" for x in out)
    return [x[1:] for x in out]


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[\w.:<>=!-]+", text))


# ---------------------------------------------------------------------------------------------------------
def test_top_level_lists_every_command_with_description_and_example(capsys):
    text = _help(capsys)
    table = text.split("\ncommands:\n", 1)[1]
    commands = _commands()
    assert len(commands) >= 10
    shown = {}
    for name, help_ in commands.items():
        m = re.search(rf"^  {re.escape(name)} +(.+)$", table, re.M)
        assert m, f"{name} is not in the command table"
        # the description (wrapped when long) starts on the command's row, an example follows it
        assert " ".join(help_.split()).startswith(m.group(1).strip())
        ex = EXAMPLE.search(table[m.end():])
        assert ex and shlex.split(ex.group(1))[1] == name, f"{name}: no example of its own under it"
        shown[name] = shlex.split(ex.group(1), comments=True)[1:]
    # every example of the table is also in its command's own help (where it is run or parsed below)
    for name, argv in shown.items():
        assert argv in _examples(_help(capsys, name)), name


def test_every_command_has_a_description_and_examples_in_its_help(capsys):
    for name, help_ in _commands().items():
        text = _help(capsys, name)
        body = text.split("\n\n", 2)
        assert len(body[1].split()) >= 4, f"{name}: no description"
        assert "\nexamples:\n" in text
        assert any(argv[0] == name for argv in _examples(text)), name


@pytest.mark.parametrize("name", sorted(_commands()))
def test_examples_parse_and_the_cheap_ones_run(capsys, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    examples = _examples(_help(capsys, name))
    parser = build_parser()
    for argv in examples:
        args = parser.parse_args(argv)  # a bad example raises UsageError
        assert args.command == argv[0]
    if name in PARSE_ONLY:
        return
    for argv in examples:
        if "--workers" in argv or "--scheduler" in argv:
            continue  # starts processes or needs a cluster: parsed above
        assert main(argv) == 0, f"{' '.join(argv)}: {capsys.readouterr()}"
        if "-o" in argv:
            out = tmp_path / argv[argv.index("-o") + 1]
            assert out.is_file() and out.stat().st_size > 0
    capsys.readouterr()


# ---------------------------------------------------------------------------------------------------------
def test_help_lists_the_names_of_the_registries(capsys):
    from constructions.bits import ADDERS, MULTIPLIERS
    from constructions.models import COMPARATOR_OPS, MODEL_BASES, model_names
    from constructions.rnn import ACTIVATIONS
    from constructions.scans import SCHEDULES
    from proofs_check.claims import REGISTRY, load_builtin

    stats = _tokens(_help(capsys, "stats"))
    for names in (SCHEDULES, model_names(), MODEL_BASES, ADDERS, MULTIPLIERS, COMPARATOR_OPS, ACTIVATIONS):
        missing = set(names) - stats
        assert not missing, missing
    for cmd in ("info", "draw", "export"):
        assert set(model_names()) <= _tokens(_help(capsys, cmd)), cmd
    assert set(SCHEDULES) <= _tokens(_help(capsys, "schedule"))
    assert set(EXPORT_FORMATS) <= _tokens(_help(capsys, "export"))
    assert set(EQUIV_METHODS) <= _tokens(_help(capsys, "equiv"))
    load_builtin()
    assert REGISTRY and set(REGISTRY) <= _tokens(_help(capsys, "verify"))


@pytest.mark.parametrize("argv,flag", [
    (["stats", "--model", "lstm"], "--model"),
    (["info", "--model", "dense", "--scan", "zigzag"], "--scan"),
    (["stats", "--model", "dense", "--basis", "ternary", "--precision", "4"], "--basis"),
    (["stats", "--model", "adder", "--precision", "4", "--adder", "carry-skip"], "--adder"),
    (["stats", "--model", "multiplier", "--precision", "4", "--multiplier", "booth"], "--multiplier"),
    (["stats", "--model", "comparator", "--precision", "4", "--op", "<>"], "--op"),
    (["stats", "--model", "rnn", "--act", "tanh"], "--act"),
    (["schedule", "zigzag", "--n", "4"], "NAME"),
    (["verify", "--claim", "no-such-claim"], "--claim"),
])
def test_a_name_outside_the_registry_is_one_line_and_exit_2(capsys, argv, flag):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"argument {flag}: unknown" in err and "choose one of" in err
    # the names offered are the parser's own choices
    action = next(a for a in _subparser(argv[0])._actions if flag in a.option_strings or a.metavar == flag)
    assert list(action.choices) and all(n in err for n in action.choices)


def _subparser(command):
    return build_parser()._subparsers._group_actions[0].choices[command]


def test_comparison_symbols_are_still_accepted(capsys):
    assert main(["stats", "--model", "comparator", "--precision", "3", "--op", "<=", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["op"] == "<="


# ---------------------------------------------------------------------------------------------------------
def test_models_describes_each_model_in_one_line(capsys):
    from constructions.models import applicable, model_description, model_names
    from constructions.presets import PRESETS

    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = model_names()
    assert [ln.split()[0] for ln in lines] == names
    stats_flags = {o for a in _subparser("stats")._actions for o in a.option_strings}
    for name, line in zip(names, lines):
        desc = model_description(name)
        assert desc and "\n" not in desc and desc in line
        flags = set(re.findall(r"(?<!\w)--[a-z][\w-]*", line.split(" — ")[-1]))
        assert flags and flags <= stats_flags, (name, flags - stats_flags)
        if applicable(name)[0] == "block":
            assert "--n" not in flags and "--precision" in flags
        if name in PRESETS:  # a named architecture is described from its own entry
            p = PRESETS[name]
            assert re.search(r"\d{4}", p.source).group(0) in desc
            assert (p.family.upper() if p.family in ("pd", "dplr") else p.family) in desc or not p.linear


#: a value of each model option that passes its own type check
SAMPLE = {"rank": 1, "scan": "serial", "final_only": True, "mode": "free", "alphabet": 2, "seed": 1, "m": 1,
          "hidden": 2, "act": "relu", "basis": "boolean", "precision": 4, "number": "wrap", "adder": "ripple",
          "multiplier": "array", "op": "lt", "signed": True, "layers": 1, "heads": 1, "causal": True, "frac": 1}


def test_models_json_lists_every_option_that_applies(capsys):
    from constructions.models import SpecError, make_spec, model_names
    from reports.cli import _MODEL_OPTIONS

    assert set(SAMPLE) == set(_MODEL_OPTIONS)
    assert main(["models", "--names"]) == 0
    assert capsys.readouterr().out.split() == model_names()
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == model_names()
    for r in rows:
        assert r["description"] and r["flags"] == ["--" + o.replace("_", "-") for o in r["options"]
                                                  if o in SAMPLE or o in ("n", "d")]
        # an option the listing leaves out is refused for this model, so the listing misses none
        for opt in set(SAMPLE) - set(r["options"]):
            with pytest.raises(SpecError) as e:
                make_spec(r["name"], **{opt: SAMPLE[opt]})
            assert e.value.option == opt, (r["name"], opt, str(e.value))
