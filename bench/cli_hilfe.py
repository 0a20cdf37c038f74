"""Wanduhrzeit von ``bildungsbuero --help`` gegen ``python -c "import click"``.

Beide als echte Unterprozesse (das installierte Konsolenskript neben ``sys.executable``),
abwechselnd in 15 Runden, die Reihenfolge je Runde getauscht; verglichen werden die
Mediane. Ziel: Verhältnis ≤ 1,5. Dazu die Prüfung in einem eigenen Prozess, dass
``--help`` weder SQLModel noch SQLAlchemy lädt (``hauptbefehl(['--help'], standalone_mode=False)``,
danach ``sys.modules`` ansehen).

    .venv/bin/python bench/cli_hilfe.py [RUNDEN]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from _gemeinsam import WURZEL, ziel

BEFEHL = Path(sys.executable).parent / "bildungsbuero"
GRUNDLINIE = [sys.executable, "-c", "import click"]
HILFE = [str(BEFEHL), "--help"]
ZIEL = 1.5

PRUEFUNG = """
import contextlib, io, sys
from prozess.cli import hauptbefehl
with contextlib.redirect_stdout(io.StringIO()) as ausgabe:
    code = hauptbefehl(['--help'], standalone_mode=False)
assert code == 0 and 'Usage' in ausgabe.getvalue(), ausgabe.getvalue()
print(','.join(m for m in ('sqlmodel', 'sqlalchemy') if m in sys.modules))
"""


def dauer(befehl: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(befehl, check=True, stdout=subprocess.DEVNULL, cwd=WURZEL)
    return time.perf_counter() - start


def main() -> int:
    runden = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    hilfe, grundlinie = [], []
    dauer(HILFE), dauer(GRUNDLINIE)  # Aufwärmen (Dateisystem-Cache), nicht gewertet
    for runde in range(runden):
        if runde % 2:
            grundlinie.append(dauer(GRUNDLINIE))
            hilfe.append(dauer(HILFE))
        else:
            hilfe.append(dauer(HILFE))
            grundlinie.append(dauer(GRUNDLINIE))
    h, g = statistics.median(hilfe), statistics.median(grundlinie)
    geladen = subprocess.run([sys.executable, "-c", PRUEFUNG], capture_output=True, text=True, check=True,
                             cwd=WURZEL).stdout.strip()
    print(f"Grundlinie python -c 'import click': {g * 1000:6.1f} ms (Median aus {runden})")
    print(f"bildungsbuero --help:                {h * 1000:6.1f} ms (Median aus {runden})")
    print(f"Verhältnis --help/Grundlinie: {h / g:.2f} (Ziel ≤ {ZIEL:.2f})")
    print(f"Nach --help geladen (sqlmodel, sqlalchemy): {geladen or 'keines von beiden'}")
    return ziel(h / g <= ZIEL and not geladen, "Ziel --help ≤ 1,5 × import click, ohne SQLModel/SQLAlchemy",
                werte=[h / g], vorgabe="≤ 1,5 ×", einheit="×")


if __name__ == "__main__":
    sys.exit(main())
