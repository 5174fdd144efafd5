"""Reading and writing circuits: JSON (small, documented in docs/formats.md), npz (columns, big circuits),
networkx / GraphML, binary AIGER and BLIF (boolean circuits, for ABC and Yosys).

Every writer is atomic: it writes a temporary file next to the target and renames it into place, so a failed
write leaves no partial file. Every reader validates what it reads and raises ``CircuitError`` with a one-line
message (a gate naming a later gate, an unknown op, a basis violation, …).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ._graph import ARITY, WIRE, fanin_csr, norm_const
from .core import Circuit, extension
from .errors import CircuitError
from .names import check_name, group_elements
from .ops import BASES, BY_NAME, NUM_CODES, OPS, WIDE

FORMAT = "lrnn-circuits"
VERSION = 1


# ---------------------------------------------------------------------------------------------------------
# atomic writes
@contextmanager
def atomic_open(path, mode="w"):
    """Open a temporary file beside ``path``; on success rename it onto ``path``, on error remove it."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise CircuitError(f"cannot write {path}: directory {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, mode) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


# ---------------------------------------------------------------------------------------------------------
# building a circuit from validated raw columns
def _const_json(v):
    return v if isinstance(v, int) else f"{v.numerator}/{v.denominator}"


def from_columns(basis, op, a0, a1, depth, woff, wargs, wwts, wtheta, consts, inputs, outputs,
                 fanin_limit=None) -> Circuit:
    """Validate raw columns (vectorised) and wrap them in a ``Circuit``.

    ``inputs``/``outputs`` are lists of ``(name, shape, ids)``. ``depth`` is checked, not trusted.
    """
    if basis not in BASES:
        raise CircuitError(f"unknown basis {basis!r}")
    op = np.asarray(op, dtype=np.int8)
    n = op.size
    a0 = np.asarray(a0, dtype=np.int64)
    a1 = np.asarray(a1, dtype=np.int64)
    depth = np.asarray(depth, dtype=np.int64)
    woff = np.asarray(woff, dtype=np.int64)
    wargs = np.asarray(wargs, dtype=np.int64)
    wwts = np.asarray(wwts, dtype=np.int64)
    wtheta = np.asarray(wtheta, dtype=np.int64)
    if not (a0.size == a1.size == depth.size == n):
        raise CircuitError("column lengths differ")
    ucode = op.astype(np.int64) & 0xFF
    valid = list(range(NUM_CODES)) + [BY_NAME[x].code | WIDE for x in ("and", "or", "xor", "threshold")]
    bad_code = np.flatnonzero(~np.isin(ucode, valid))
    if bad_code.size:
        raise CircuitError(f"gate {int(bad_code[0])}: unknown op code {int(ucode[bad_code[0]])}")
    base = ucode & ~WIDE
    present = {OPS[int(c)].name for c in np.unique(base)} - {"input", "const"}
    bad = present - BASES[basis]
    if bad:
        raise CircuitError(f"{sorted(bad)[0]} gates are not in the {basis} basis")
    wide = (ucode & WIDE) != 0
    if ((base == BY_NAME["threshold"].code) & ~wide).any():
        raise CircuitError("threshold gate outside the wide table")
    ids = np.arange(n)
    ar = ARITY[ucode]
    for col, mask in ((a0, ar >= 1), (a1, ar == 2)):
        bad_g = np.flatnonzero(mask & ((col < 0) | (col >= ids)))
        if bad_g.size:
            g = int(bad_g[0])
            raise CircuitError(f"gate {g} names gate {int(col[g])}, which is not an earlier gate")
    rows = a0[wide]
    R = wtheta.size
    if rows.size != R or (R and not np.array_equal(rows, np.arange(R))):
        raise CircuitError("wide table rows do not match the wide gates")
    if woff.size != R + 1 or woff[0] != 0 or (np.diff(woff) < 1).any() or woff[-1] != wargs.size \
            or wwts.size != wargs.size:
        raise CircuitError("malformed wide table offsets")
    if R:
        owner = np.repeat(ids[wide], np.diff(woff))
        bad_a = np.flatnonzero((wargs < 0) | (wargs >= owner))
        if bad_a.size:
            k = int(bad_a[0])
            raise CircuitError(f"gate {int(owner[k])} names gate {int(wargs[k])}, which is not an earlier gate")
        if fanin_limit is not None and np.diff(woff).max() > fanin_limit:
            raise CircuitError(f"a gate has fan-in {int(np.diff(woff).max())} > fanin_limit={fanin_limit}")
    cg = np.flatnonzero(base == 1)
    if cg.size and (a0[cg].min() < 0 or a0[cg].max() >= len(consts)):
        raise CircuitError("constant gate refers to a missing constant")
    # depth: 0 on inputs/constants, 1 + max over arguments elsewhere
    offsets, args = fanin_csr(op, a0.astype(WIRE), a1.astype(WIRE), woff, wargs.astype(WIRE))
    has = np.diff(offsets) > 0
    want = np.zeros(n, dtype=np.int64)
    if has.any():
        want[has] = np.maximum.reduceat(depth[args], offsets[:-1][has]) + 1
    if not np.array_equal(depth, want):
        raise CircuitError("stored depths are inconsistent with the gates")
    # inputs
    in_gates = np.flatnonzero(base == 0)
    in_ids = np.concatenate([np.asarray(i).ravel() for _, _, i in inputs]) if inputs else np.zeros(0, np.int64)
    if in_ids.size != in_gates.size or not np.array_equal(np.sort(in_ids), in_gates):
        raise CircuitError("the input list does not match the input gates")
    return Circuit._from_columns(basis, op, a0, a1, depth, woff, wargs, wwts, wtheta, consts, inputs, outputs,
                                 fanin_limit=fanin_limit)


# ---------------------------------------------------------------------------------------------------------
# JSON
@extension("to_json")
def to_json(c: Circuit) -> dict:
    names = dict((wid, nm) for nm, wid in c.input_elements())
    cols = c.columns()
    op = cols["op"].tolist()
    a0 = cols["arg0"].tolist()
    a1 = cols["arg1"].tolist()
    consts = c.constants
    gates = []
    for g, code in enumerate(op):
        base = code & ~WIDE
        nm = OPS[base].name
        if base == 0:
            gates.append(["input", names[g]])
        elif base == 1:
            gates.append(["const", _const_json(consts[a0[g]])])
        elif code & WIDE:
            args = c.args_of(g)
            if nm == "threshold":
                w, th = c.threshold_params(g)
                gates.append(["threshold", args, w, th])
            else:
                gates.append([nm, *args])
        elif ARITY[code] == 2:
            gates.append([nm, a0[g], a1[g]])
        else:
            gates.append([nm, a0[g]])
    return {"format": FORMAT, "version": VERSION, "basis": c.basis, "gates": gates,
            "outputs": [[nm, wid] for nm, wid in c.output_elements()]}


def _int(x, what):
    if isinstance(x, bool) or not isinstance(x, int):
        raise CircuitError(f"{what} must be an integer, got {x!r}")
    return x


@extension("from_json")
def from_json(obj) -> Circuit:
    if not isinstance(obj, dict):
        raise CircuitError("not a circuit: the JSON top level must be an object")
    if obj.get("format") != FORMAT:
        raise CircuitError(f"not a circuit: 'format' must be {FORMAT!r}")
    if obj.get("version") != VERSION:
        raise CircuitError(f"unsupported version {obj.get('version')!r} (this library reads version {VERSION})")
    basis = obj.get("basis")
    if basis not in BASES:
        raise CircuitError(f"unknown basis {basis!r}")
    gates = obj.get("gates")
    outs = obj.get("outputs", [])
    if not isinstance(gates, list) or not isinstance(outs, list):
        raise CircuitError("'gates' and 'outputs' must be lists")
    n = len(gates)
    op = np.zeros(n, np.int8)
    a0 = np.zeros(n, np.int64)
    a1 = np.full(n, -1, np.int64)
    depth = [0] * n
    woff, wargs, wwts, wth = [0], [], [], []
    consts, in_items = [], []
    for i, g in enumerate(gates):
        if not isinstance(g, list) or not g or not isinstance(g[0], str):
            raise CircuitError(f"gate {i}: expected a list starting with an op name, got {g!r:.60}")
        name = g[0]
        spec = BY_NAME.get(name)
        if spec is None:
            raise CircuitError(f"gate {i}: unknown op {name!r}")
        if name == "input":
            if len(g) != 2 or not isinstance(g[1], str):
                raise CircuitError(f"gate {i}: an input is [\"input\", name]")
            check_name(g[1])
            in_items.append((g[1], i))
            continue
        if name == "const":
            if len(g) != 2 or isinstance(g[1], bool) or not isinstance(g[1], (int, str)):
                raise CircuitError(f"gate {i}: a constant is [\"const\", int or \"p/q\"]")
            op[i] = 1
            a0[i] = len(consts)
            consts.append(norm_const(g[1]))
            continue
        if name == "threshold":
            if len(g) != 4 or not isinstance(g[1], list) or not isinstance(g[2], list) or len(g[1]) != len(g[2]) \
                    or not g[1]:
                raise CircuitError(f"gate {i}: a threshold gate is [\"threshold\", [args], [weights], theta]")
            args = [_int(x, f"gate {i}: argument") for x in g[1]]
            w = [_int(x, f"gate {i}: weight") for x in g[2]]
            th = _int(g[3], f"gate {i}: theta")
            wide = True
        else:
            args = [_int(x, f"gate {i}: argument") for x in g[1:]]
            w, th = None, 0
            if spec.arity is None:
                if len(args) < 2:
                    raise CircuitError(f"gate {i}: {name} needs at least 2 arguments")
                wide = len(args) > 2
            else:
                if len(args) != spec.arity:
                    raise CircuitError(f"gate {i}: {name} takes {spec.arity} argument(s), got {len(args)}")
                wide = False
        for x in args:
            if not 0 <= x < i:
                raise CircuitError(f"gate {i} names gate {x}, which is not an earlier gate")
        depth[i] = 1 + max(depth[x] for x in args)
        if wide:
            op[i] = spec.code | WIDE
            a0[i] = len(wth)
            wargs.extend(args)
            wwts.extend(w if w is not None else [1] * len(args))
            wth.append(th)
            woff.append(len(wargs))
        else:
            op[i] = spec.code
            a0[i] = args[0]
            if len(args) == 2:
                a1[i] = args[1]
    out_items = []
    for k, item in enumerate(outs):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise CircuitError(f"output {k}: expected [name, id]")
        wid = _int(item[1], f"output {item[0]!r}: id")
        if not 0 <= wid < n:
            raise CircuitError(f"output {item[0]!r} names gate {wid}, which does not exist")
        out_items.append((item[0], wid))
    return from_columns(basis, op, a0, a1, depth, woff, wargs, wwts, wth, consts,
                        group_elements(in_items), group_elements(out_items))


# ---------------------------------------------------------------------------------------------------------
# npz
def _save_npz(c: Circuit, path) -> None:
    meta = {"format": FORMAT, "version": VERSION, "basis": c.basis, "fanin_limit": c.fanin_limit,
            "consts": [_const_json(v) for v in c.constants],
            "inputs": [[n, list(s)] for n, s, _ in c.input_arrays()],
            "outputs": [[n, list(s)] for n, s, _ in c.output_arrays()]}
    cols = c.columns()
    with atomic_open(path, "wb") as fh:
        np.savez(fh, meta=np.array(json.dumps(meta)), op=cols["op"], arg0=cols["arg0"], arg1=cols["arg1"],
                 depth=cols["depth"], wide_offsets=cols["wide_offsets"], wide_args=cols["wide_args"],
                 wide_weights=cols["wide_weights"], wide_theta=cols["wide_theta"], input_ids=c.input_ids(),
                 output_ids=c.output_ids())


def _split(ids, specs):
    out, k = [], 0
    for name, shape in specs:
        shape = tuple(int(s) for s in shape)
        m = int(np.prod(shape, dtype=np.int64))
        if k + m > ids.size:
            raise CircuitError("npz: id list shorter than the declared names")
        out.append((name, shape, ids[k : k + m].reshape(shape)))
        k += m
    if k != ids.size:
        raise CircuitError("npz: id list longer than the declared names")
    return out


_NPZ_COLUMNS = ("op", "arg0", "arg1", "depth", "wide_offsets", "wide_args", "wide_weights", "wide_theta",
                "input_ids", "output_ids")


def _load_npz(path) -> Circuit:
    try:
        with np.load(path, allow_pickle=False) as z:
            if not hasattr(z, "files"):
                raise CircuitError(f"{path}: not an npz archive (a single array)")
            data = {k: z[k] for k in z.files}
    except CircuitError:
        raise
    except Exception as e:  # EOFError, zipfile.BadZipFile, ValueError, OSError, …: all mean "not readable"
        raise CircuitError(f"{path}: not a readable npz file ({type(e).__name__}: {str(e)[:80]})") from None
    miss = [k for k in ("meta",) + _NPZ_COLUMNS if k not in data]
    if miss:
        raise CircuitError(f"{path}: not an lrnn-circuits npz (missing {miss[0]!r})")
    for k in _NPZ_COLUMNS:
        col = data[k]
        if col.ndim != 1:
            raise CircuitError(f"{path}: column {k!r} must be 1-D, got shape {col.shape}")
        if not np.issubdtype(col.dtype, np.integer):
            raise CircuitError(f"{path}: column {k!r} must hold integers, got {col.dtype}")
    if data["meta"].shape != () or data["meta"].dtype.kind != "U":
        raise CircuitError(f"{path}: corrupt metadata (not a JSON string)")
    meta = _json_loads(str(data["meta"]), f"{path}: metadata")
    if not isinstance(meta, dict):
        raise CircuitError(f"{path}: corrupt metadata (not a JSON object)")
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise CircuitError(f"{path}: not an lrnn-circuits npz of version {VERSION}")
    consts = meta.get("consts")
    fl = meta.get("fanin_limit")
    if not isinstance(consts, list) or not isinstance(meta.get("basis"), str) or \
            (fl is not None and (isinstance(fl, bool) or not isinstance(fl, int) or fl < 2)):
        raise CircuitError(f"{path}: corrupt metadata (basis, consts or fanin_limit)")
    for key in ("inputs", "outputs"):
        specs = meta.get(key)
        if not isinstance(specs, list) or not all(
                isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) and isinstance(x[1], list)
                and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in x[1]) for x in specs):
            raise CircuitError(f"{path}: corrupt metadata ({key!r} must be a list of [name, shape])")
    consts = [norm_const(v) for v in consts]
    return from_columns(meta["basis"], data["op"], data["arg0"], data["arg1"], data["depth"],
                        data["wide_offsets"], data["wide_args"], data["wide_weights"], data["wide_theta"], consts,
                        _split(data["input_ids"], meta["inputs"]), _split(data["output_ids"], meta["outputs"]),
                        fanin_limit=fl)


def _json_loads(text: str, what: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise CircuitError(f"{what}: malformed JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise CircuitError(f"{what}: JSON nested too deeply") from None
    except ValueError as e:  # e.g. an integer literal beyond Python's digit limit
        raise CircuitError(f"{what}: unreadable JSON ({str(e)[:80]})") from None


# ---------------------------------------------------------------------------------------------------------
# dispatch
@extension("save")
def save(c: Circuit, path) -> None:
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".json":
        atomic_write_text(path, json.dumps(to_json(c), separators=(",", ":")))
    elif ext == ".npz":
        _save_npz(c, path)
    else:
        raise CircuitError(f"save: unknown extension {ext!r} (use .json or .npz)")


#: the formats ``write`` knows, each with its file extensions (the first is the one to suggest)
WRITE_FORMATS: dict[str, tuple[str, ...]] = {
    "json": (".json",), "npz": (".npz",), "aiger": (".aig",), "blif": (".blif",),
    "graphml": (".graphml",), "dot": (".dot", ".gv"), "svg": (".svg",), "png": (".png",),
}


def format_of(path) -> str:
    """The format a file name asks for, from its extension; CircuitError for an unknown one."""
    ext = Path(path).suffix.lower()
    for fmt, exts in WRITE_FORMATS.items():
        if ext in exts:
            return fmt
    known = ", ".join(e for exts in WRITE_FORMATS.values() for e in exts)
    raise CircuitError(f"{path}: unknown extension {ext!r} (expected one of {known})")


def write(c: Circuit, path, fmt: str | None = None, summary_above: int = 2000) -> str:
    """Write ``c`` to ``path`` in ``fmt`` (default: from the extension), atomically; return the format.

    A format that does not match the file's extension is refused (``--format aiger -o x.json`` would
    otherwise leave a misnamed file). ``dot``, ``svg`` and ``png`` are drawings: above ``summary_above``
    gates they show the summary drawing. AIGER and BLIF need a boolean circuit."""
    if fmt is None:
        fmt = format_of(path)
    elif fmt not in WRITE_FORMATS:
        raise CircuitError(f"unknown format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")
    elif Path(path).suffix.lower() not in WRITE_FORMATS[fmt]:
        raise CircuitError(f"format {fmt} writes a {WRITE_FORMATS[fmt][0]} file; got {path}")
    if fmt in ("json", "npz"):
        save(c, path)
    elif fmt == "aiger":
        write_aiger(c, path)
    elif fmt == "blif":
        write_blif(c, path)
    elif fmt == "graphml":
        write_graphml(c, path)
    else:
        c.draw(path, max_gates=summary_above)  # the drawing extension (circuits.draw), without importing it here
    return fmt


@extension("load")
def load(path) -> Circuit:
    path = Path(path)
    if not path.exists():
        raise CircuitError(f"{path}: no such file")
    if path.is_dir():
        raise CircuitError(f"{path}: is a directory")
    ext = path.suffix.lower()
    if ext == ".npz":
        return _load_npz(path)
    if ext == ".json":
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CircuitError(f"{path}: not a UTF-8 text file") from None
        return from_json(_json_loads(text, str(path)))
    if ext == ".aig":
        return read_aiger(path)
    raise CircuitError(f"{path}: unknown extension {ext!r} (expected .json, .npz or .aig)")


# ---------------------------------------------------------------------------------------------------------
# networkx / GraphML
@extension("to_networkx")
def to_networkx(c: Circuit):
    """A ``networkx.DiGraph``: one node per wire (attributes ``op``, ``depth``, and ``name`` for inputs,
    ``value`` for constants, ``outputs`` for output wires), one edge per (argument, gate) pair with attribute
    ``pos`` (the argument positions, comma separated, e.g. ``"0"`` or ``"0,1"`` for ``x·x``) and ``weight`` for
    threshold arguments."""
    import networkx as nx

    g = nx.DiGraph()
    n = len(c)
    cols = c.columns()
    consts = c.constants
    op = cols["op"]
    dep = cols["depth"].tolist()
    names = {w: nm for nm, w in c.input_elements()}
    outs: dict[int, list[str]] = {}
    for nm, w in c.output_elements():
        outs.setdefault(w, []).append(nm)
    opname = [OPS[k].name for k in range(NUM_CODES)]
    base = (op.astype(np.int64) & ~WIDE).tolist()
    a0 = cols["arg0"].tolist()
    nodes = []
    for i in range(n):
        attrs = {"op": opname[base[i]], "depth": dep[i]}
        if i in names:
            attrs["name"] = names[i]
        elif base[i] == 1:
            attrs["value"] = str(consts[a0[i]])
        if i in outs:
            attrs["outputs"] = ",".join(outs[i])
        nodes.append((i, attrs))
    g.add_nodes_from(nodes)
    offsets, args = c.fanin_csr()
    dst = np.repeat(np.arange(n), np.diff(offsets))
    pos = np.arange(args.size) - offsets[dst]
    thr = np.flatnonzero((op & ~WIDE) == BY_NAME["threshold"].code)
    wts = {}
    for t in thr.tolist():
        w, _ = c.threshold_params(t)
        for p, wi in enumerate(w):
            wts[(t, p)] = wi
    edges: dict[tuple[int, int], list[int]] = {}
    for s, d, p in zip(args.tolist(), dst.tolist(), pos.tolist()):
        edges.setdefault((s, d), []).append(p)
    g.add_edges_from((s, d, {"pos": ",".join(map(str, ps)), **({"weight": sum(wts[(d, p)] for p in ps)}
                                                                  if (d, ps[0]) in wts else {})})
                     for (s, d), ps in edges.items())
    return g


def write_graphml(c: Circuit, path) -> None:
    import networkx as nx

    with atomic_open(path, "wb") as fh:
        nx.write_graphml(to_networkx(c), fh)


# ---------------------------------------------------------------------------------------------------------
# boolean formats
_BOOL_OPS = {"and", "or", "xor", "not"}


def _require_boolean(c: Circuit, fmt: str) -> None:
    bad = set(c.count_ops()) - _BOOL_OPS
    if bad:
        raise CircuitError(f"{fmt} needs a boolean circuit (and/or/xor/not); this one has "
                           f"{', '.join(sorted(bad))} gates")
    for v in c.constants:
        if v not in (0, 1):
            raise CircuitError(f"{fmt} needs boolean constants; this circuit has the constant {v}")


def _varint(values: np.ndarray) -> bytes:
    """AIGER's 7-bit variable-length encoding of non-negative integers, vectorised."""
    v = np.asarray(values, dtype=np.uint64)
    if v.size == 0:
        return b""
    nbytes = np.ones(v.size, dtype=np.int64)
    t = v >> np.uint64(7)
    while t.any():
        nbytes += t > 0
        t >>= np.uint64(7)
    out = np.empty(int(nbytes.sum()), dtype=np.uint8)
    starts = np.zeros(v.size, dtype=np.int64)
    np.cumsum(nbytes[:-1], out=starts[1:])
    cur = v.copy()
    for k in range(int(nbytes.max())):
        live = nbytes > k
        byte = (cur[live] & np.uint64(0x7F)).astype(np.uint8)
        more = nbytes[live] > k + 1
        out[starts[live] + k] = byte | (more.astype(np.uint8) << 7)
        cur[live] >>= np.uint64(7)
    return out.tobytes()


def _aig_lower(c: Circuit):
    """Map the circuit to AND gates with complemented edges: returns (literal per wire, AND triples)."""
    _require_boolean(c, "AIGER")
    n = len(c)
    lit = np.zeros(n, dtype=np.int64)
    in_ids = c.input_ids()
    lit[in_ids] = 2 * (np.arange(in_ids.size, dtype=np.int64) + 1)
    cols = c.columns()
    consts = c.constants
    op = cols["op"]
    cg = np.flatnonzero(op == 1)
    lit[cg] = [int(consts[k]) for k in cols["arg0"][cg].tolist()]
    nxt = in_ids.size + 1  # next AND variable
    lhs_l, r0_l, r1_l = [], [], []
    a0, a1 = cols["arg0"], cols["arg1"]

    def alloc(k):
        nonlocal nxt
        v = np.arange(nxt, nxt + k, dtype=np.int64)
        nxt += k
        return v

    def emit(var, x, y):
        lhs_l.append(2 * var)
        r0_l.append(x)
        r1_l.append(y)

    def and2(x, y):
        v = alloc(len(x))
        emit(v, x, y)
        return 2 * v

    def xor2(x, y):
        t1 = and2(x, y)
        t2 = and2(x ^ 1, y ^ 1)
        return and2(t1 ^ 1, t2 ^ 1)

    def tree(xs, fn):  # balanced combination of a list of literal arrays
        while len(xs) > 1:
            nxt_xs = [fn(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]
            if len(xs) % 2:
                nxt_xs.append(xs[-1])
            xs = nxt_xs
        return xs[0]

    for code, g in c.level_plan():
        name = OPS[code & ~WIDE].name
        if code & WIDE:
            for gg in g.tolist():
                xs = [np.array([lit[x]]) for x in c.args_of(gg)]
                if name == "and":
                    lit[gg] = tree(xs, and2)[0]
                elif name == "or":
                    lit[gg] = tree([x ^ 1 for x in xs], and2)[0] ^ 1
                else:
                    lit[gg] = tree(xs, xor2)[0]
            continue
        x = lit[a0[g]]
        if name == "not":
            lit[g] = x ^ 1
            continue
        y = lit[a1[g]]
        if name == "and":
            lit[g] = and2(x, y)
        elif name == "or":
            lit[g] = and2(x ^ 1, y ^ 1) ^ 1
        else:
            lit[g] = xor2(x, y)
    if lhs_l:
        lhs, r0, r1 = (np.concatenate(v) for v in (lhs_l, r0_l, r1_l))
        order = np.argsort(lhs, kind="stable")
        lhs, r0, r1 = lhs[order], r0[order], r1[order]
    else:
        lhs = r0 = r1 = np.zeros(0, np.int64)
    return lit, lhs, np.maximum(r0, r1), np.minimum(r0, r1), in_ids.size


@extension("write_aiger")
def write_aiger(c: Circuit, path) -> None:
    """Binary AIGER (``aig M I L O A``), with a symbol table naming inputs and outputs."""
    lit, lhs, r0, r1, I = _aig_lower(c)
    A = lhs.size
    outs = list(c.output_elements())
    header = f"aig {I + A} {I} 0 {len(outs)} {A}\n"
    body = "".join(f"{int(lit[w])}\n" for _, w in outs)
    deltas = np.empty(2 * A, dtype=np.int64)
    deltas[0::2] = lhs - r0
    deltas[1::2] = r0 - r1
    syms = [f"i{k} {nm}" for k, (nm, _) in enumerate(c.input_elements())]
    syms += [f"o{k} {nm}" for k, (nm, _) in enumerate(outs)]
    tail = ("\n".join(syms) + "\n" if syms else "") + "c\nlrnn-circuits\n"
    atomic_write_bytes(path, header.encode() + body.encode() + _varint(deltas) + tail.encode())


_AIG_HEADER = re.compile(rb"^aig( \d+){5}$")


def read_aiger(path, max_wires: int | None = None) -> Circuit:
    """Read binary AIGER (combinational: no latches) into a boolean circuit of and/not gates.

    Everything is validated before a gate is built: the header (``aig M I L O A`` with M = I + L + A), output
    literals (≤ 2M + 1), the delta-encoded AND section (each rhs below its lhs, rhs0 ≥ rhs1, no truncation, no
    varint over 63 bits) and the symbol table (indices in range). Inputs without symbols form one array ``x`` of
    shape (I,), outputs without symbols one array ``y``; named ones keep their names. ``max_wires`` (default:
    from the available memory, see :func:`circuits.guard.max_gates_default`) bounds the circuit a header may
    declare, so a tiny file cannot ask for gigabytes.
    """
    from .guard import max_gates_default

    path = Path(path)
    data = path.read_bytes()
    nl = data.find(b"\n")
    line = data[:nl] if nl >= 0 else b""
    if not _AIG_HEADER.match(line):
        if line.startswith(b"aag"):
            raise CircuitError(f"{path}: ASCII AIGER (aag) is not supported; use binary AIGER (aig)")
        raise CircuitError(f"{path}: not a binary AIGER file (the first line must be 'aig M I L O A')")
    M, I, L, O, A = (int(x) for x in line.split()[1:])
    if M != I + L + A:
        raise CircuitError(f"{path}: header says M = {M}, but I + L + A = {I + L + A}")
    if L:
        raise CircuitError(f"{path}: latches are not supported (combinational circuits only)")
    limit = max_gates_default() if max_wires is None else int(max_wires)
    if 2 * (I + A) + O + 2 > limit:
        raise CircuitError(f"{path}: declares {I:,} inputs, {A:,} AND gates and {O:,} outputs, more than the "
                           f"limit of {limit:,} wires")
    pos = nl + 1
    out_lits = np.zeros(O, dtype=np.int64)
    for k in range(O):
        e = data.find(b"\n", pos)
        tok = data[pos:e] if e >= 0 else b""
        if e < 0 or not tok.isdigit():
            raise CircuitError(f"{path}: output {k}: expected a literal on its own line")
        v = int(tok)
        if v > 2 * M + 1:
            raise CircuitError(f"{path}: output {k} is literal {v}, beyond 2M + 1 = {2 * M + 1}")
        out_lits[k] = v
        pos = e + 1
    buf = np.frombuffer(data, dtype=np.uint8, offset=pos) if pos < len(data) else np.zeros(0, np.uint8)
    term = np.flatnonzero(buf < 0x80)
    if term.size < 2 * A:
        raise CircuitError(f"{path}: truncated AND section ({A:,} gates declared)")
    if A:
        ends = term[: 2 * A]
        starts = np.concatenate([[0], ends[:-1] + 1])
        lengths = ends - starts + 1
        if int(lengths.max()) > 9:
            raise CircuitError(f"{path}: an AND delta is longer than 63 bits")
        end = int(ends[-1]) + 1
        seg = np.repeat(np.arange(2 * A), lengths)
        shift = ((np.arange(end) - starts[seg]) * 7).astype(np.uint64)
        terms = (buf[:end] & 0x7F).astype(np.uint64) << shift
        vals = np.add.reduceat(terms, starts).astype(np.int64)
        lhs = 2 * (I + 1 + np.arange(A, dtype=np.int64))
        d0, d1 = vals[0::2], vals[1::2]
        bad = np.flatnonzero((d0 < 1) | (d0 > lhs))
        if bad.size:
            raise CircuitError(f"{path}: AND gate {int(bad[0])}: first delta {int(d0[bad[0]])} does not give a "
                               f"literal below its lhs {int(lhs[bad[0]])}")
        r0 = lhs - d0
        bad = np.flatnonzero(d1 > r0)
        if bad.size:
            raise CircuitError(f"{path}: AND gate {int(bad[0])}: second delta gives a negative literal")
        r1 = r0 - d1
    else:
        end = 0
        r0 = r1 = np.zeros(0, np.int64)
    in_names: dict[int, str] = {}
    out_names: dict[int, str] = {}
    try:
        tail = data[pos + end:].decode("utf-8")
    except UnicodeDecodeError:
        raise CircuitError(f"{path}: the symbol table is not UTF-8 text") from None
    for ln, line in enumerate(tail.splitlines()):
        if line == "c" or line.startswith("c "):
            break
        if not line:
            continue
        kind, rest = line[0], line[1:]
        idx, sep, nm = rest.partition(" ")
        if kind not in "io" or not sep or not idx.isdigit():
            raise CircuitError(f"{path}: symbol table line {ln + 1}: expected 'i<k> name' or 'o<k> name'")
        k = int(idx)
        if k >= (I if kind == "i" else O):
            raise CircuitError(f"{path}: symbol {line[:40]!r} names {'input' if kind == 'i' else 'output'} {k}, "
                               f"but there are {I if kind == 'i' else O}")
        check_name(nm)
        (in_names if kind == "i" else out_names)[k] = nm
    return _aig_circuit(I, A, r0, r1, out_lits, in_names, out_names)


def _aig_circuit(I, A, r0, r1, out_lits, in_names, out_names) -> Circuit:
    """Columns for validated AIGER data: constants, inputs, NOTs of negated inputs, then each AND gate followed
    by its NOT when some literal uses the complement."""
    lits = np.concatenate([r0, r1, out_lits])
    negated = np.zeros(I + A + 1, dtype=bool)
    negated[lits[(lits & 1) == 1] >> 1] = True
    negated[0] = False  # literal 1 is the constant true
    neg_in = np.flatnonzero(negated[1: I + 1]) + 1
    neg_and = negated[I + 1:]
    # wire of every positive and negated literal
    pos_w = np.zeros(I + A + 1, dtype=np.int64)
    neg_w = np.zeros(I + A + 1, dtype=np.int64)
    pos_w[0], neg_w[0] = 0, 1  # const 0, const 1
    pos_w[1: I + 1] = 2 + np.arange(I)
    neg_w[neg_in] = 2 + I + np.arange(neg_in.size)
    base = 2 + I + neg_in.size
    per = 1 + neg_and.astype(np.int64)  # wires per AND: the gate, and its NOT when needed
    first = base + np.concatenate([[0], np.cumsum(per)[:-1]]) if A else np.zeros(0, np.int64)
    pos_w[I + 1:] = first
    neg_w[I + 1:] = first + 1
    n = base + int(per.sum())

    def wire(lit):
        return np.where(lit & 1, neg_w[lit >> 1], pos_w[lit >> 1])

    AND, NOT = BY_NAME["and"].code, BY_NAME["not"].code
    op = np.zeros(n, np.int8)
    a0 = np.zeros(n, np.int64)
    a1 = np.full(n, -1, np.int64)
    op[:2] = 1
    a0[:2] = [0, 1]
    nin = 2 + I + np.arange(neg_in.size)
    op[nin] = NOT
    a0[nin] = pos_w[neg_in]
    op[first] = AND
    a0[first] = wire(r0)
    a1[first] = wire(r1)
    nots = first[neg_and] + 1
    op[nots] = NOT
    a0[nots] = nots - 1
    # depths: one pass in file order (ANDs only read earlier literals)
    depth = np.zeros(n, np.int64)
    depth[nin] = 1
    w0, w1 = a0[first].tolist(), a1[first].tolist()
    d = depth.tolist()
    for k, g in enumerate(first.tolist()):
        x, y = d[w0[k]], d[w1[k]]
        d[g] = 1 + (x if x > y else y)
        if neg_and[k]:
            d[g + 1] = d[g] + 1
    depth = np.asarray(d, dtype=np.int64)
    in_ids = 2 + np.arange(I, dtype=np.int64)
    if in_names:
        inputs = group_elements([(in_names.get(k, f"x{k}"), int(in_ids[k])) for k in range(I)])
    else:
        inputs = [("x", (I,), in_ids)] if I else []
    out_w = wire(out_lits)
    if out_names:
        outputs = group_elements([(out_names.get(k, f"y{k}"), int(out_w[k])) for k in range(len(out_w))])
    else:
        outputs = [("y", (len(out_w),), out_w)] if len(out_w) else []
    return from_columns("boolean", op, a0, a1, depth, [0], [], [], [], [0, 1], inputs, outputs)


@extension("write_blif")
def write_blif(c: Circuit, path) -> None:
    """BLIF: ``.names`` covers for and/or/xor/not gates (n-ary xor as a chain), buffers for outputs."""
    _require_boolean(c, "BLIF")
    in_names = {w: nm for nm, w in c.input_elements()}
    out_elems = list(c.output_elements())
    clash = set(in_names.values()) & {nm for nm, _ in out_elems}
    if clash:
        raise CircuitError(f"BLIF cannot give an input and an output the same name ({sorted(clash)[0]!r})")
    p = "_n"  # prefix of internal node names, lengthened until no input/output name starts with it
    while any(nm.startswith(p) for nm in list(in_names.values()) + [nm for nm, _ in out_elems]):
        p = "_" + p
    cols = c.columns()
    consts = c.constants
    op = cols["op"].tolist()
    a0 = cols["arg0"].tolist()
    a1 = cols["arg1"].tolist()

    def ref(w):
        return in_names.get(w, f"{p}{w}")

    lines = [".model circuit"]
    if in_names:
        lines.append(".inputs " + " ".join(nm for nm, _ in c.input_elements()))
    if out_elems:
        lines.append(".outputs " + " ".join(nm for nm, _ in out_elems))
    for g, code in enumerate(op):
        base = code & ~WIDE
        if base == 0:
            continue
        if base == 1:
            lines.append(f".names {p}{g}" + ("\n1" if consts[a0[g]] else ""))
            continue
        name = OPS[base].name
        args = c.args_of(g) if code & WIDE else ([a0[g], a1[g]] if name != "not" else [a0[g]])
        k = len(args)
        if name == "not":
            lines.append(f".names {ref(args[0])} {p}{g}\n0 1")
        elif name == "and":
            lines.append(f".names {' '.join(map(ref, args))} {p}{g}\n{'1' * k} 1")
        elif name == "or":
            rows = "\n".join("-" * j + "1" + "-" * (k - j - 1) + " 1" for j in range(k))
            lines.append(f".names {' '.join(map(ref, args))} {p}{g}\n{rows}")
        else:
            prev = ref(args[0])
            for j in range(1, k):
                tgt = f"{p}{g}" if j == k - 1 else f"{p}{g}_x{j}"
                lines.append(f".names {prev} {ref(args[j])} {tgt}\n10 1\n01 1")
                prev = tgt
    for nm, w in out_elems:
        lines.append(f".names {ref(w)} {nm}\n1 1")
    lines.append(".end")
    atomic_write_text(path, "\n".join(lines) + "\n")
