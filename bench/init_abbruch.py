"""Abbruch-Kampagne für ``bildungsbuero init`` auf SQLite, lange Form (Issue 11, Punkt 5).

Je Art 30 Abbrüche mit kill -9 zu zufälligen Zeitpunkten (Seed fest): ``init`` einer neuen
Datei und ``init`` als Anheben einer Datenbank auf Stand 0002 mit Daten. Ziel: nach jedem
Abbruch steht die Datenbank auf dem alten oder dem neuen Stand (vollständig), und das nächste
``init`` läuft durch. Der Ablauf steht in ``tests/modelle/abbruch.py``; der Test
``tests/modelle/test_init_abbruch.py`` führt dasselbe mit 5 Abbrüchen aus.

    .venv/bin/python bench/init_abbruch.py [--kills 30] [--seed 11] [--befehl PFAD/bildungsbuero]

``--befehl`` nimmt das ``bildungsbuero`` einer anderen Installation, z. B. eines älteren
Stands, um zu sehen, dass die Kampagne halbe Migrationen findet.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _gemeinsam import ziel

from tests.modelle.abbruch import BEFEHL, kampagne


def main() -> int:
    argumente = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumente.add_argument("--kills", type=int, default=30)
    argumente.add_argument("--seed", type=int, default=11)
    argumente.add_argument("--befehl", type=Path, default=BEFEHL)
    a = argumente.parse_args()
    ergebnisse = []
    for art in ("frisch", "anheben"):
        with tempfile.TemporaryDirectory() as tmp:
            ergebnis = kampagne(art, a.kills, Path(tmp), seed=a.seed, befehl=a.befehl)
        print(ergebnis.zeile(), flush=True)
        for fehler in ergebnis.fehler:
            print(f"  {fehler}")
        ergebnisse.append(ergebnis)
    kills = sum(e.kills for e in ergebnisse)
    wieder = sum(e.wiederhergestellt for e in ergebnisse)
    print(f"Zusammen: {kills} Abbrüche, {wieder} wiederhergestellt, "
          f"{sum(len(e.fehler) for e in ergebnisse)} Fehler")
    erreicht = all(e.kills == a.kills and e.wiederhergestellt == e.kills and not e.fehler for e in ergebnisse)
    return ziel(erreicht, f"init übersteht {kills} Abbrüche")


if __name__ == "__main__":
    sys.exit(main())
