"""The shipped catalogue files (data/, see data/SOURCE.md) read as plain rows.

No model import: the data migration writes the rows through its historical models."""

import csv
from pathlib import Path

DATA = Path(__file__).parent / "data"
CATALOGUE = DATA / "hazchem-2015.csv"
PRECURSORS = DATA / "yizhibao-2017.csv"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def catalogue_rows() -> list[dict]:
    """2,828 entries: serial_no, name, aliases (joined by `；`), cas (joined by `;`), highly_toxic."""
    return [{"serial_no": int(r["serial_no"]), "name": r["name"], "aliases": r["alias"], "cas": r["cas"],
             "highly_toxic": r["highly_toxic"] == "true"} for r in _rows(CATALOGUE)]


def precursor_rows() -> list[dict]:
    """74 entries: precursor_serial, name, aliases, cas, precursor_class, catalogue serial (or None)."""
    return [{"precursor_serial": r["serial_no"], "name": r["name"], "aliases": r["alias"], "cas": r["cas"],
             "precursor_class": r["hazard_class"],
             "serial_no": int(r["hazchem_2015_serial"]) if r["hazchem_2015_serial"] else None}
            for r in _rows(PRECURSORS)]
