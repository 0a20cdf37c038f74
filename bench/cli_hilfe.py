"""Wanduhrzeit von ``bildungsbuero --help`` gegen ``python -c "import click"``.

Beide als echte Unterprozesse, abwechselnd, je 15 Mal; verglichen werden die Mediane.
Ziel: Verhältnis ≤ 1,5. Dazu die Prüfung, dass ``--help`` weder SQLModel noch SQLAlchemy lädt.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

BEFEHL = Path(sys.executable).parent / "bildungsbuero"


def dauer(argumente: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argumente, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    hilfe, click = [], []
    for _ in range(15):
        hilfe.append(dauer([str(BEFEHL), "--help"]))
        click.append(dauer([sys.executable, "-c", "import click"]))
    h, c = statistics.median(hilfe), statistics.median(click)
    geladen = subprocess.run(
        [sys.executable, "-c",
         "import contextlib, io, sys\nfrom prozess.cli import hauptbefehl\n"
         "with contextlib.redirect_stdout(io.StringIO()):\n    try:\n        hauptbefehl(['--help'])\n"
         "    except SystemExit:\n        pass\n"
         "print(','.join(m for m in ('sqlmodel', 'sqlalchemy') if m in sys.modules))"],
        capture_output=True, text=True, check=True).stdout.strip()
    print(f"bildungsbuero --help: {h * 1000:6.1f} ms (Median aus 15)")
    print(f"python -c 'import click': {c * 1000:6.1f} ms (Median aus 15)")
    print(f"Verhältnis: {h / c:.2f} (Ziel ≤ 1,50); teure Module geladen: {geladen or 'keine'}")
    erreicht = h / c <= 1.5 and not geladen
    print("Ziel erreicht" if erreicht else "ZIEL VERFEHLT")
    return 0 if erreicht else 1


if __name__ == "__main__":
    sys.exit(main())
