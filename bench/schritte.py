"""Gespeicherte Schritte je Sekunde auf einer SQLite-Datei (WAL).

Gemessen wird ``schritt_ausfuehren`` in einer langlebigen ORM-Sitzung, wie ein Dienst sie
hält: Zustand und Person prüfen, Rollen und Wächter abfragen, Zustand mit Versionsprüfung
setzen, Protokoll schreiben, alte Aufgaben schließen, Folgeaufgabe und Outbox-Mail anlegen,
Commit. Reihum über viele Felder: daten_zusammenstellen → zur_pruefung_vorlegen →
daten_nachfordern → wieder von vorn (keiner dieser Schritte braucht einen Beschluss).

Grundlinie im selben Lauf auf derselben Datei (eigene Felder): SQLAlchemy Core, je Schritt
eine Transaktion mit UPDATE handlungsfeld (Versionsprüfung), INSERT schrittprotokoll und
INSERT aufgabe. Nach einer ungezählten Aufwärmsekunde beide abwechselnd, je mindestens
3 s; gewertet wird der Median.
Ziel: Engine ≥ 1.500 Schritte/s.

    .venv/bin/python bench/schritte.py [FELDER] [SEKUNDEN] [RUNDEN]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _gemeinsam import START, CoreLauf, EngineLauf, abwechselnd, datenbank_anlegen, felder_orm, median, zahl, ziel

ZIEL = 1_500


def main() -> int:
    felder = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    sekunden = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    runden = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    from prozess.zeit import SimulierteUhr

    uhr = SimulierteUhr(START)
    with tempfile.TemporaryDirectory() as tmp:
        engine, e = datenbank_anlegen(Path(tmp) / "schritte.db")
        engine_felder = felder_orm(engine, e, uhr, felder, "Engine")
        core_felder = felder_orm(engine, e, uhr, felder, "Grundlinie")
        print(f"{felder} + {felder} Felder angelegt (je mit Datengrundlage); je Runde {sekunden:g} s je Messung")
        laeufe = {"Engine": EngineLauf(engine, e, uhr, engine_felder), "Core": CoreLauf(engine, e, uhr, core_felder)}
        raten = abwechselnd(laeufe, runden, sekunden)
        engine.dispose()
    orm, core = median(raten["Engine"]), median(raten["Core"])
    print(f"Grundlinie (Core: UPDATE + 2 INSERT + Commit): {zahl(core):>6} Schritte/s (Median)")
    print(f"Engine (schritt_ausfuehren):                   {zahl(orm):>6} Schritte/s (Median)")
    print(f"Verhältnis Engine/Grundlinie: {orm / core:.2f}")
    return ziel(orm >= ZIEL, f"Ziel Engine ≥ {zahl(ZIEL)} Schritte/s")


if __name__ == "__main__":
    sys.exit(main())
