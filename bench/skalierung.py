"""Kostet ein Schritt bei 100.000 Handlungsfeldern so viel wie bei 100?

Zwei SQLite-Dateien (WAL) im selben Lauf: eine mit 100 Feldern, eine mit 100.000. Beide
werden gleich mit Core gefüllt, so wie ``handlungsfeld_anlegen`` sie hinterließe (Feld im
Zustand »definiert«, eine Datengrundlage, Protokoll »anlegen«, eine offene Aufgabe mit
geplanter Erinnerung, eine Outbox-Zeile), damit alle Indizes realistisch groß sind.
Gemessen wird wie in ``bench/schritte.py``: ``schritt_ausfuehren`` in einer langlebigen
Sitzung, reihum über die Felder (klein: alle 100; groß: eine Zufallsauswahl von 2.000, über
die ganze Datei verteilt). Nach einer ungezählten Aufwärmsekunde beide Dateien abwechselnd,
je mindestens 3 s; gewertet wird der Median. Ziel: Schritte/s groß ≥ 0,8 × Schritte/s klein.

    .venv/bin/python bench/skalierung.py [GROSS] [AUSWAHL] [SEKUNDEN] [RUNDEN]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from _gemeinsam import START, EngineLauf, abwechselnd, datenbank_anlegen, felder_core, median, zahl, ziel

KLEIN = 100
ZIEL = 0.8


def main() -> int:
    gross = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    auswahl = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    sekunden = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    runden = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    from prozess.zeit import SimulierteUhr

    uhr = SimulierteUhr(START)
    with tempfile.TemporaryDirectory() as tmp:
        laeufe, engines = {}, []
        for name, anzahl, stichprobe in (("klein", KLEIN, KLEIN), ("groß", gross, auswahl)):
            engine, e = datenbank_anlegen(Path(tmp) / f"{anzahl}.db")
            start = time.perf_counter()
            alle = felder_core(engine, anzahl)
            with engine.connect() as v:
                v.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            groesse = (Path(tmp) / f"{anzahl}.db").stat().st_size / 1e6
            ids = sorted(random.Random(1).sample(alle, min(stichprobe, anzahl)))
            print(f"{name}: {zahl(anzahl)} Felder mit Core gefüllt in {time.perf_counter() - start:.1f} s "
                  f"({groesse:.1f} MB); gemessen reihum über {len(ids)} davon", flush=True)
            laeufe[name] = EngineLauf(engine, e, uhr, ids)
            engines.append(engine)
        raten = abwechselnd(laeufe, runden, sekunden)
        for engine in engines:
            engine.dispose()
    klein, gross_rate = median(raten["klein"]), median(raten["groß"])
    print(f"{zahl(KLEIN):>7} Felder: {zahl(klein):>6} Schritte/s (Median)")
    print(f"{zahl(gross):>7} Felder: {zahl(gross_rate):>6} Schritte/s (Median)")
    print(f"Verhältnis groß/klein: {gross_rate / klein:.2f} (Ziel ≥ {ZIEL:.2f})")
    return ziel(gross_rate / klein >= ZIEL, f"Ziel Schritt bei {zahl(gross)} Feldern höchstens 20 % langsamer",
                werte=[gross_rate / klein], vorgabe=f"≥ {ZIEL:.1f} ×".replace(".", ","), einheit="×")


if __name__ == "__main__":
    sys.exit(main())
