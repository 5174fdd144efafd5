"""The ``lrnn-circuits`` command line.

Every command reports bad input as one line on stderr and exits with status 2 (no traceback).
"""
from __future__ import annotations

import argparse
import json
import sys

from circuits import Circuit, CircuitError, __version__

EXPORT_FORMATS = ("json", "npz", "aiger", "blif", "graphml", "dot")
_EXT = {"json": ".json", "npz": ".npz", "aiger": ".aig", "blif": ".blif", "graphml": ".graphml", "dot": ".dot"}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _load(path: str) -> Circuit:
    return Circuit.load(path)


# ---------------------------------------------------------------------------------------------------------
def cmd_info(a) -> int:
    c = _load(a.file)
    s = c.summary()
    if a.json:
        print(json.dumps(s, indent=2))
        return 0
    print(f"basis       {s['basis']}")
    print(f"size        {s['size']:,} gates")
    print(f"depth       {s['depth']}")
    print(f"inputs      {s['inputs']:,}")
    print(f"outputs     {s['outputs']:,}")
    print(f"constants   {s['constants']}")
    print(f"max fan-in  {s['max_fanin']}    max fan-out {s['max_fanout']}    width {s['width']:,}")
    print("ops         " + ", ".join(f"{k} {v:,}" for k, v in s["count_ops"].items()))
    return 0


def cmd_draw(a) -> int:
    c = _load(a.file)
    fmt = c.draw(a.output, max_gates=a.max_gates)
    kind = "summary" if c.size() > a.max_gates else "circuit"
    print(f"wrote {a.output} ({fmt}, {kind} drawing of {c.size():,} gates)")
    return 0


def cmd_export(a) -> int:
    c = _load(a.file)
    want = _EXT[a.format]
    if not a.output.lower().endswith(want) and not (a.format == "dot" and a.output.lower().endswith(".gv")):
        raise CircuitError(f"--format {a.format} writes a {want} file; got -o {a.output}")
    if a.format in ("json", "npz"):
        c.save(a.output)
    elif a.format == "aiger":
        c.write_aiger(a.output)
    elif a.format == "blif":
        c.write_blif(a.output)
    elif a.format == "graphml":
        from circuits.io import write_graphml
        write_graphml(c, a.output)
    else:
        c.draw(a.output, max_gates=a.max_gates)
    print(f"wrote {a.output} ({a.format})")
    return 0


def cmd_report(a) -> int:
    from reports.report import write_report
    path = write_report(a.output)
    print(f"wrote {path}")
    return 0


# ---------------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lrnn-circuits",
                description="Recurrent and attention models as explicit circuits: size, depth, drawings, export.")
    p.add_argument("--version", action="version", version=f"lrnn-circuits {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("info", help="size, depth and gate counts of a circuit file")
    s.add_argument("file", help="circuit file (.json, .npz or .aig)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("draw", help="draw a circuit to SVG or PNG")
    s.add_argument("file")
    s.add_argument("-o", "--output", required=True, help="OUT.svg, OUT.png or OUT.dot")
    s.add_argument("--max-gates", type=int, default=2000, help="above this many gates draw a summary")
    s.set_defaults(func=cmd_draw)

    s = sub.add_parser("export", help="convert a circuit to another format")
    s.add_argument("file")
    s.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--max-gates", type=int, default=2000, help="for --format dot: above this, a summary")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("report", help="write the HTML report")
    s.add_argument("-o", "--output", default="report", help="output directory (default: report)")
    s.set_defaults(func=cmd_report)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as e:
        print(f"lrnn-circuits: error: {e}", file=sys.stderr)
        return 2
    except (CircuitError, ValueError, OSError, MemoryError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"lrnn-circuits: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lrnn-circuits: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
