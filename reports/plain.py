"""Text for the report's readers: math in plain Unicode and checks described in plain words.

:func:`plain` rewrites the notation found in claim statements and check names (``h_{t-1}`` → hₜ₋₁,
``2^k`` → 2ᵏ, ``\\frac{a}{b}`` → (a)/(b), ``$…$`` dropped) and replaces tool names with what they do
(``rsolve`` → "a symbolic recurrence solver"). :func:`claim_evidence` says in a sentence or two what supports
a claim: how many proofs, how many checks over finite ranges, how many deliberately broken versions were
rejected. Identifiers of the code (``lrnn_bounds``, ``build_lrnn``) are left as they are; the page sets
them in ``<code>`` (:func:`code_spans`).
"""
from __future__ import annotations

import re

__all__ = ["plain", "sub", "sup", "claim_evidence", "code_spans", "IDENTIFIER"]

_SUB = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_SUP = dict(zip("0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW*·",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ*˙"))


def sub(text: str) -> str | None:
    """``text`` in Unicode subscripts, or None when some character has none."""
    t = text.replace(" ", "")
    return "".join(_SUB[c] for c in t) if all(c in _SUB for c in t) else None


def sup(text: str) -> str | None:
    """``text`` in Unicode superscripts, or None when some character has none."""
    t = text.replace(" ", "")
    return "".join(_SUP[c] for c in t) if all(c in _SUP for c in t) else None


_TEX = [(r"\cdot", "·"), (r"\times", "×"), (r"\leq", "≤"), (r"\geq", "≥"), (r"\le", "≤"), (r"\ge", "≥"),
        (r"\neq", "≠"), (r"\in", "∈"), (r"\log", "log"), (r"\ldots", "…"), (r"\dots", "…"), (r"\sigma", "σ"),
        (r"\alpha", "α"), (r"\beta", "β"), (r"\gamma", "γ"), (r"\rho", "ρ"), (r"\odot", "⊙"), (r"\oplus", "⊕"),
        (r"\circ", "∘"), (r"\to", "→"), (r"\sum", "Σ"), (r"\prod", "Π"), (r"\lceil", "⌈"), (r"\rceil", "⌉"),
        (r"\lfloor", "⌊"), (r"\rfloor", "⌋"), (r"\infty", "∞"), (r"\,", " "), (r"\;", " ")]

#: tool names and shorthand of the checks, in words
_WORDS = [
    (r"\brsolve derivations\b", "recurrences solved symbolically"),
    (r"\brsolve solves them\b", "a symbolic recurrence solver solves them"),
    (r"\bsolved by rsolve\b", "solved symbolically"),
    (r"\brsolve solutions\b", "symbolic solutions of the recurrences"),
    (r"\bdense balanced product: rsolve\b", "dense balanced product: recurrence solved symbolically"),
    (r"\brsolve\b", "a symbolic recurrence solver"),
    (r"\(to_sympy(, ([^)]*))?\)", lambda m: "(expanded symbolically" + (f", {m.group(2)})" if m.group(2) else ")")),
    (r"\bto_sympy\b", "symbolic expansion"),
    (r"\bMatrixSymbol\b", "symbolic matrices"),
    (r"\bKroneckerDelta sums\b", "symbolic index sums"),
    (r"\bSAT miter\b", "a SAT solver on the difference of the two circuits"),
    (r"\bPIT\b", "randomized identity testing"),
    (r"\bpit\b", "randomized identity testing"),
    (r"\s*\(issue \d+[^)]*\)", ""),
    (r"\bissue \d+:\s*", ""),
    (r"\bthe review's reproducers\b", "known hard cases"),
    (r"\(the audit: ", "("),
]


def plain(text: str) -> str:
    """``text`` with its math in plain Unicode and tool names in words (see the module docstring)."""
    if not text:
        return text
    s = str(text)
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
    for tex, uni in _TEX:
        s = re.sub(re.escape(tex) + r"(?![A-Za-z])", uni, s)
    s = s.replace("$", "")
    for pat, rep in _WORDS:
        s = re.sub(pat, rep, s)

    def _sub(m):
        body = m.group(1) or m.group(2)
        u = sub(body)
        return u if u is not None else f"[{body}]"

    def _sup(m):
        body = m.group(1) if m.group(1) is not None else (m.group(2) if m.group(2) is not None else m.group(3))
        u = sup(body)
        return u if u is not None else f"↑({body})"

    # subscripts on a one-letter math symbol: h_{t-1}, x_0, A_t, h_t (not identifiers like build_lrnn)
    s = re.sub(r"(?<![A-Za-z0-9_])([A-Za-zα-ωΑ-Ω])_(?:\{([^{}]*)\}|([A-Za-z0-9α-ω]+)(?![A-Za-z0-9α-ω_(]))",
               lambda m: m.group(1) + (_sub_body(m.group(2) if m.group(2) is not None else m.group(3))), s)
    # an exponent that is a function, 2^O(√p): in words when it has no superscript form
    s = re.sub(r"\^([A-Za-z]\([^()]*\))", lambda m: sup(m.group(1)) or f" to the power {m.group(1)}", s)
    # superscripts: 2^{k}, 2^k, 2^-40, x^(p−1), n^2
    s = re.sub(r"\^(?:\{([^{}]*)\}|\(([^()]*)\)|([−-]?[A-Za-z0-9]+|[−-]\([^()]*\)))", _sup, s)
    return s


def _sub_body(body: str) -> str:
    u = sub(body)
    return u if u is not None else f"({body})"


#: an identifier of the code: a word with an underscore or a dotted module path
IDENTIFIER = re.compile(r"\b(?:[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*|[a-z_]+(?:\.[a-z_]+)+(?:\.py)?)\b")


def code_spans(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into (is_code, piece) pairs: identifiers of the code are code, the rest is prose."""
    out, pos = [], 0
    for m in IDENTIFIER.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def _names(results, limit: int = 3) -> str:
    names = [plain(r.name) for r in results]
    shown = "; ".join(names[:limit])
    return shown + (f"; and {len(names) - limit} more" if len(names) > limit else "")


def claim_evidence(r) -> str:
    """What supports a claim (a ``proofs_check.claims.ClaimResult``), in plain words."""
    pos = [x for x in r.results if x.expect == "equal"]
    neg = [x for x in r.results if x.expect == "not_equal"]
    if r.status == "open" and not r.results:
        return "Not built: " + plain(r.claim.why_open or "the claim is open.")
    parts = []
    bad = [x for x in r.results if not x.ok]
    proofs = [x for x in pos if x.kind == "proof" and x.ok]
    finite = [x for x in pos if x.kind != "proof" and x.ok]
    if proofs:
        parts.append(f"{_count(len(proofs), 'symbolic proof')} covering every size ({_names(proofs)})")
    if finite:
        parts.append(f"{_count(len(finite), 'check')} over finite ranges ({_names(finite)})")
    text = ("Supported by " + " and ".join(parts) + ".") if parts else "No supporting check passed."
    if neg:
        ok = sum(x.ok for x in neg)
        text += (f" {ok} of {len(neg)} deliberately broken versions were caught by the same checks." if ok != len(neg)
                 else f" {_count(len(neg), 'deliberately broken version').capitalize()} (negative control"
                      f"{'s' if len(neg) > 1 else ''}) {'were' if len(neg) > 1 else 'was'} caught by the same "
                      f"checks.")
    if bad:
        text += " Problems: " + "; ".join(f"{plain(x.name)}: {plain(x.problem)}" for x in bad[:3]) + "."
    if r.status == "open" and r.claim.why_open:
        text += " Open: " + plain(r.claim.why_open)
    return text


def _count(k: int, what: str) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    return f"{words.get(k, str(k))} {what}{'' if k == 1 else 's'}"
