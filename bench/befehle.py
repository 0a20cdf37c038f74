"""Wanduhrzeit der Alltagsbefehle auf dem Standard-Datensatz gegen ``python -c "import sqlmodel"``.

Gemessen werden fünf Befehle, jeder als eigener Prozess des installierten Konsolenskripts
(neben ``sys.executable``), auf einer Kopie des Standard-Datensatzes (``bench/datensatz.py``,
SQLite, 1.000 Felder, 20.000 Aufgaben, 1 Mio. gesendete Mails):

    handlungsfeld liste
    handlungsfeld zeige ID          das Feld in der Steuerungsprüfung mit dem längsten Verlauf
    aufgabe liste
    versand status
    handlungsfeld schritt ID daten_zusammenstellen --als <Bildungsmonitoring>
                                    je Lauf ein anderes Feld in »definiert« mit Datengrundlage,
                                    sodass jeder Lauf einen erlaubten Schritt mit Wächter schreibt

Vorher übersetzt das Skript die Module des Projekts in Bytecode (``compileall``), wie es eine
Installation mit pip tut und wie es für SQLModel und SQLAlchemy in der Grundlinie schon geschehen ist:
in einer Umgebung mit ``PYTHONDONTWRITEBYTECODE=1`` übersetzte sonst jeder Befehl seine Module bei
jedem Start neu, die Grundlinie aber nicht.

Die Grundlinie ``python -c "import sqlmodel"`` läuft im selben Lauf: jede Messung ist ein Paar
(Befehl, Grundlinie); in geraden Runden läuft erst der Befehl, in ungeraden erst die Grundlinie,
und die Reihenfolge der Befehle rotiert (``_gemeinsam.paarweise``). Vorher läuft jeder Befehl und
die Grundlinie einmal ungezählt. Die Ausgabe jedes Befehls wird über eine Pipe ganz gelesen (wie
ein Terminal); endet ein Befehl nicht mit 0, bricht die Messung ab. Danach wird geprüft, dass
jedes Feld der Schritt-Läufe jetzt »Daten zusammengestellt« ist.

Gedruckt werden je Befehl min / Median / max der Wanduhrzeit, der Grundlinie und des Verhältnisses
je Paar, dazu das Verhältnis der CPU-Zeiten (Benutzer + System) je Paar: auf einer belasteten
Maschine wartet ein Prozess auch auf den Prozessor, die CPU-Zeit zeigt, was er selbst kostet.
Ziel je Befehl: Median des Wanduhr-Verhältnisses ≤ 1,5, je Befehl eine Zielzeile mit den Verhältnissen
aller Paare. Verfehlt ein Befehl das Ziel, endet das Skript mit 1, nachdem alles gedruckt ist.

    .venv/bin/python bench/befehle.py [--runden 15] [--massstab 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _gemeinsam import MONITORING, WURZEL, paarweise, spanne, ziel
from datensatz import bereitstellen

BEFEHL = Path(sys.executable).parent / "bildungsbuero"
GRUNDLINIE = [sys.executable, "-c", "import sqlmodel"]
ZIEL = 1.5


class Prozess:
    """Startet Befehle als eigene Prozesse in einer Umgebung, die nur auf die Kopie zeigt."""

    def __init__(self, url: str, verzeichnis: Path) -> None:
        self.umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
        self.umgebung["BILDUNGSBUERO_DATENBANK_URL"] = url
        self.verzeichnis = verzeichnis  # ohne bildungsbuero.toml: es gelten die Standardwerte

    def messen(self, name: str, befehl: list[str]) -> tuple[float, float]:
        """(Wanduhrzeit, CPU-Zeit) eines Laufs in Sekunden; die Ausgabe wird ganz gelesen."""
        vorher = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        ergebnis = subprocess.run(befehl, capture_output=True, env=self.umgebung, cwd=self.verzeichnis)
        dauer = time.perf_counter() - start
        nachher = resource.getrusage(resource.RUSAGE_CHILDREN)
        if ergebnis.returncode != 0 or (befehl is not GRUNDLINIE and not ergebnis.stdout):
            raise SystemExit(f"{name}: Exit-Code {ergebnis.returncode}\n{ergebnis.stderr.decode(errors='replace')}")
        return dauer, nachher.ru_utime - vorher.ru_utime + nachher.ru_stime - vorher.ru_stime


def felder(url: str) -> tuple[int, list[int]]:
    """(Feld für »zeige«, Felder für den Schritt): das geprüfte Feld mit dem längsten Verlauf, und alle
    Felder in »definiert« mit Datengrundlage (dort ist daten_zusammenstellen erlaubt)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as v:
        zeige = v.execute(text(
            "SELECT h.id FROM handlungsfeld h JOIN schrittprotokoll p ON p.handlungsfeld_id = h.id "
            "WHERE h.zustand = 'steuerungspruefung' GROUP BY h.id ORDER BY count(*) DESC, h.id LIMIT 1")).scalar_one()
        schritt = list(v.execute(text(
            "SELECT h.id FROM handlungsfeld h WHERE h.zustand = 'definiert' AND EXISTS "
            "(SELECT 1 FROM datengrundlage d WHERE d.handlungsfeld_id = h.id) ORDER BY h.id")).scalars())
    engine.dispose()
    return zeige, schritt


def zustaende(url: str, ids: list[int]) -> dict[int, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as v:
        ergebnis = dict(v.execute(text(f"SELECT id, zustand FROM handlungsfeld WHERE id IN ({','.join(map(str, ids))})")).all())
    engine.dispose()
    return ergebnis


def bytecode_uebersetzen() -> None:
    """Übersetzt die Pakete des Projekts in Bytecode (__pycache__), wie ``pip install`` es täte."""
    import compileall

    for paket in ("prozess", "modelle", "benachrichtigungen", "monitoring", "web"):
        if not compileall.compile_dir(WURZEL / paket, quiet=1):
            raise SystemExit(f"Bytecode für {paket} ließ sich nicht übersetzen.")


def main() -> int:
    teiler = argparse.ArgumentParser(description="Alltagsbefehle gegen python -c 'import sqlmodel'.")
    teiler.add_argument("--runden", type=int, default=15, help="gezählte Paare je Befehl (Standard 15)")
    teiler.add_argument("--massstab", type=float, default=1.0, help="Maßstab des Standard-Datensatzes (Standard 1)")
    args = teiler.parse_args()

    bytecode_uebersetzen()
    with tempfile.TemporaryDirectory() as tmp:
        verzeichnis = Path(tmp)
        url = f"sqlite:///{verzeichnis / 'bench.db'}"
        bereitstellen(url, args.massstab)
        zeige, schrittfelder = felder(url)
        if len(schrittfelder) < args.runden + 1:
            raise SystemExit(f"Nur {len(schrittfelder)} Felder für den Schritt, gebraucht {args.runden + 1}.")
        offen = iter(schrittfelder)
        benutzt: list[int] = []

        def schritt() -> list[str]:
            benutzt.append(next(offen))
            return [str(BEFEHL), "handlungsfeld", "schritt", str(benutzt[-1]), "daten_zusammenstellen", "--als", MONITORING]

        befehle = {
            "handlungsfeld liste": lambda: [str(BEFEHL), "handlungsfeld", "liste"],
            f"handlungsfeld zeige {zeige}": lambda: [str(BEFEHL), "handlungsfeld", "zeige", str(zeige)],
            "aufgabe liste": lambda: [str(BEFEHL), "aufgabe", "liste"],
            "versand status": lambda: [str(BEFEHL), "versand", "status"],
            "handlungsfeld schritt": schritt,
        }
        p = Prozess(url, verzeichnis)
        for name, befehl in befehle.items():  # ungezählt: Dateisystem-Cache, Bytecode
            p.messen(name, befehl())
        p.messen("Grundlinie", GRUNDLINIE)
        paare = paarweise({name: (lambda n=name, b=befehl: p.messen(n, b())) for name, befehl in befehle.items()},
                          lambda: p.messen("Grundlinie", GRUNDLINIE), args.runden)
        falsch = {f: z for f, z in zustaende(url, benutzt).items() if z != "daten_zusammengestellt"}
        if falsch or len(benutzt) != args.runden + 1:
            raise SystemExit(f"Schritt-Läufe haben nicht geschrieben, was sie sollten: {falsch or len(benutzt)}")

    print(f"\n{args.runden} Paare je Befehl; Zeiten in ms als min / Median / max; Grundlinie: python -c 'import sqlmodel'")
    print(f"{'Befehl':<26} {'Befehl (Wanduhr)':>20} {'Grundlinie':>20} {'Verhältnis je Paar':>20} "
          f"{'CPU-Verhältnis':>20}")
    ergebnisse = {}
    for name, reihe in paare.items():
        befehl_s, grundlinie_s = [s[0] for s, _ in reihe], [g[0] for _, g in reihe]
        verhaeltnis = [s[0] / g[0] for s, g in reihe]
        cpu = [s[1] / g[1] for s, g in reihe]
        ergebnisse[name] = verhaeltnis
        print(f"{name:<26} {spanne([x * 1000 for x in befehl_s], '{:.0f}'):>20} "
              f"{spanne([x * 1000 for x in grundlinie_s], '{:.0f}'):>20} {spanne(verhaeltnis):>20} {spanne(cpu):>20}")
    print(f"Schritt-Läufe: {len(benutzt)} Felder, jedes jetzt »Daten zusammengestellt«.\n")
    print(f"{'Ziel (Median Verhältnis)':<26} {'Ziel':>8} {'gemessen':>10}")
    for name, verhaeltnis in ergebnisse.items():
        gemessen = statistics.median(verhaeltnis)
        print(f"{name:<26} {'≤ ' + f'{ZIEL:.2f}':>8} {gemessen:>10.2f}  {'erreicht' if gemessen <= ZIEL else 'VERFEHLT'}")
    print()
    fehler = 0
    for name, verhaeltnis in ergebnisse.items():
        befehl = name.split(" ")[0] + " " + name.split(" ")[1]  # ohne die Nummer des Felds: stabiler Name
        fehler += ziel(statistics.median(verhaeltnis) <= ZIEL, f"{befehl} / import sqlmodel (Prozess, Wanduhr)",
                       werte=verhaeltnis, vorgabe=f"≤ {ZIEL:.1f} ×".replace(".", ","), einheit="×")
    return 1 if fehler else 0


if __name__ == "__main__":
    sys.exit(main())
