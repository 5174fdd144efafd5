"""Write the AND-count / AIG-depth table of docs/bits.md (between its markers), or check it is current.

    .venv/bin/python benchmarks/bits_table.py          # rewrite the block, print it
    .venv/bin/python benchmarks/bits_table.py --check  # exit 1 if the doc differs from what the code gives
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from constructions.bits.table import replace_block, table_markdown  # noqa: E402

DOC = Path(__file__).resolve().parents[1] / "docs" / "bits.md"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    block = table_markdown()
    text = DOC.read_text()
    new = replace_block(text, block)
    if "--check" in argv:
        if new != text:
            print("docs/bits.md: the table differs from what the code produces; run benchmarks/bits_table.py")
            return 1
        print("docs/bits.md: table is current")
        return 0
    DOC.write_text(new)
    print(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
