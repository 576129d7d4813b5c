#!/usr/bin/env python3
"""Write the person-name lists that nmp-egress embeds (crates/nmp-egress/data/*.txt).

Source: the US Census Bureau's 1990 name frequency lists as shipped in the PyPI package `names`
(0.3.0: dist.male.first, dist.female.first, dist.all.last). Given names: all of both lists.
Surnames: the SURNAMES most frequent (about 86 % of the population). A name that is also a
common lowercase English word in the Debian `wamerican` word list (/usr/share/dict/words) is
marked with a trailing `*` (`grant*`, `young*`): the filter then needs the other half of the name
to be no such word. The lowercase ASCII words of that list are also written (english-words.txt):
a capitalised word that is on neither name list is name-like only when it is no English word.

Usage (with `names` installed, e.g. in the compare virtualenv):
    python3 scripts/egress-compare/names_data.py [OUT_DIR]
"""

import sys
from pathlib import Path

import names

SURNAMES = 50000
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "crates/nmp-egress/data"
WORDS = Path("/usr/share/dict/words")


def read(name, limit=None):
    path = Path(names.__file__).parent / name
    rows = [line.split()[0].lower() for line in path.read_text().splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def main():
    words = {w.strip() for w in WORDS.read_text(encoding="utf-8", errors="replace").splitlines() if w.strip().islower()}
    given = sorted(set(read("dist.male.first") + read("dist.female.first")))
    surnames = sorted(set(read("dist.all.last", SURNAMES)))
    OUT.mkdir(parents=True, exist_ok=True)
    for file, rows in [("given-names.txt", given), ("surnames.txt", surnames)]:
        text = "".join(f"{n}{'*' if n in words else ''}\n" for n in rows)
        (OUT / file).write_text(text)
        print(f"{file}: {len(rows)} names, {sum(n in words for n in rows)} also words")
    english = sorted(w for w in words if w.isascii() and w.isalpha())
    (OUT / "english-words.txt").write_text("".join(f"{w}\n" for w in english))
    print(f"english-words.txt: {len(english)} words")


if __name__ == "__main__":
    main()
