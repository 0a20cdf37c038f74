"""Import eines GENESIS-Flatfiles (ffcsv) mit 1.000.000 Zeilen gegen csv-Leser + executemany.

Die Datei: Bevölkerung (12411/BEVSTD) für 5.000 Gemeinden × 20 Stichtage × 10 Merkmale
(Geschlecht × Altersgruppe), UTF-8 mit BOM, Semikolon, ein Teil der Werte mit Zeichen (``.``)
und Kennzeichen (``p``) – so, wie GENESIS sie ausliefert.

Grundlinie im selben Lauf: ``csv.reader`` über dieselbe Datei und ``executemany`` derselben
Zeilen in dieselbe Tabelle ``kennzahlwert`` (eigene, gleich vorbereitete SQLite-Datei mit
denselben Gebieten), ohne jede Prüfung: Wert als Text, Merkmal roh aus den Codes.
Gemessen wird ``kennzahlen_importieren`` mit allen Prüfungen (Prüfsumme, Zahlen, Zeichen,
Zeiträume, Gebiete, Ebenen, Eindeutigkeit, Abgleich mit vorhandenen Werten) in einer
Transaktion. Danach wird geprüft, dass beide Tabellen alle Zeilen enthalten.
Ziel: Import ≤ 2 × Grundlinie.

    .venv/bin/python bench/import_kennzahlen.py [ZEILEN]
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from _gemeinsam import zahl, ziel

ZIEL = 2.0
STICHTAGE = 20
MERKMALE = [(g, a) for g in (("", "Insgesamt"), ("GESW", "weiblich"))
            for a in (("", "Insgesamt"), ("ALT015B18", "15 bis unter 18 Jahre"), ("ALT018B20", "18 bis unter 20 Jahre"),
                      ("ALT020B25", "20 bis unter 25 Jahre"), ("ALT065UM", "65 Jahre und mehr"))]
KOPF = ("statistics_code;statistics_label;time_code;time_label;time;"
        "1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;"
        "2_variable_code;2_variable_label;2_variable_attribute_code;2_variable_attribute_label;"
        "3_variable_code;3_variable_label;3_variable_attribute_code;3_variable_attribute_label;"
        "value;value_unit;value_variable_code;value_variable_label;value_q")


def datenbank_anlegen(pfad: Path):
    """Eine leere, migrierte SQLite-Datei (WAL), wie ``bildungsbuero init`` sie anlegt."""
    from modelle.datenbank import engine_erstellen, migrieren

    engine = engine_erstellen(f"sqlite:///{pfad}")
    migrieren(engine)
    return engine


def gemeinde(i: int) -> str:
    return f"03{100 + i // 200:03d}{1 + i % 200:03d}"


def datei_schreiben(pfad: Path, zeilen: int) -> None:
    gemeinden = zeilen // (STICHTAGE * len(MERKMALE))
    with pfad.open("w", encoding="utf-8-sig", newline="") as datei:
        datei.write(KOPF + "\n")
        n = 0
        for jahr in range(2004, 2004 + STICHTAGE):
            for i in range(gemeinden):
                ags = gemeinde(i)
                for (gcode, glabel), (acode, alabel) in MERKMALE:
                    n += 1
                    wert, q = (".", "") if n % 997 == 0 else (str(1000 + n % 5000), "p" if n % 500 == 0 else "")
                    datei.write(f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;31.12.{jahr};"
                                f"GEMEIN;Gemeinden;{ags};Gemeinde {ags};GES;Geschlecht;{gcode};{glabel};"
                                f"ALTX20;Altersgruppen;{acode};{alabel};{wert};Anzahl;BEVSTD;Bevölkerungsstand;{q}\n")


def grundlinie(engine, pfad: Path) -> tuple[float, int]:
    """csv.reader + executemany derselben Zeilen, ohne Prüfung; Gebiete und Kennzahl wie beim Import."""
    from sqlalchemy import insert, select

    from modelle.kennzahlen import Datenimport, Gebiet
    from monitoring.katalog import katalog_eintragen

    with engine.begin() as v:
        kennzahl_id = katalog_eintragen(v)["bevoelkerung"]
        import_id = v.execute(insert(Datenimport).values(
            sha256="grundlinie", dateiname=pfad.name, format="ffcsv", quelle="", importiert_am=datetime.now(timezone.utc))
            .returning(Datenimport.id)).scalar_one()
        gebiete = dict(v.execute(select(Gebiet.schluessel, Gebiet.id)).all())
    roh = engine.raw_connection()
    try:
        start = time.perf_counter()
        cursor = roh.cursor()
        with pfad.open("r", encoding="utf-8-sig", newline="") as datei:
            leser = csv.reader(datei, delimiter=";")
            next(leser)
            cursor.executemany(
                "INSERT INTO kennzahlwert (kennzahl_id, gebiet_id, zeitraum, merkmal, wert, zeichen, kennzeichen, "
                "import_id) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
                ((kennzahl_id, gebiete[z[7]], z[4], z[11] + z[15], z[17], z[21] or None, import_id) for z in leser))
        roh.commit()
        dauer = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM kennzahlwert")
        return dauer, cursor.fetchone()[0]
    finally:
        roh.close()


def gebiete_vorbereiten(engine, zeilen: int) -> None:
    """Dieselben Gemeinden wie im Import, damit die Grundlinie sie nur nachschlagen muss."""
    from sqlalchemy import insert

    from modelle.kennzahlen import Gebiet

    gemeinden = zeilen // (STICHTAGE * len(MERKMALE))
    with engine.begin() as v:
        v.execute(insert(Gebiet), [dict(schluessel=gemeinde(i), ebene="gemeinde", name=f"Gemeinde {gemeinde(i)}")
                                   for i in range(gemeinden)])


def importieren(engine, pfad: Path) -> tuple[float, int, object]:
    from monitoring.importieren import kennzahlen_importieren

    start = time.perf_counter()
    with engine.begin() as v:
        bericht = kennzahlen_importieren(v, pfad, jetzt=datetime.now(timezone.utc))
    dauer = time.perf_counter() - start
    with engine.connect() as v:
        anzahl = v.exec_driver_sql("SELECT count(*) FROM kennzahlwert").scalar()
    return dauer, anzahl, bericht


def main() -> int:
    zeilen = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "12411-bevoelkerung_flat.csv"
        datei_schreiben(pfad, zeilen)
        print(f"Datei: {zahl(zeilen)} Zeilen, {pfad.stat().st_size / 1e6:.0f} MB (ffcsv, UTF-8 mit BOM)", flush=True)
        engine_g = datenbank_anlegen(Path(tmp) / "grundlinie.db")
        gebiete_vorbereiten(engine_g, zeilen)
        engine_i = datenbank_anlegen(Path(tmp) / "import.db")
        basis, n_basis = grundlinie(engine_g, pfad)
        print(f"Grundlinie (csv.reader + executemany, ohne Prüfung): {basis:6.1f} s, {zahl(n_basis)} Zeilen", flush=True)
        dauer, n_import, bericht = importieren(engine_i, pfad)
        print(f"kennzahlen_importieren (alle Prüfungen):            {dauer:6.1f} s, {zahl(n_import)} Zeilen "
              f"({zahl(bericht.neu)} neu, {len(bericht.gebiete_neu)} Gebiete angelegt)")
        engine_g.dispose()
        engine_i.dispose()
    assert n_basis == n_import == zeilen, "nicht alle Zeilen geschrieben"
    print(f"Verhältnis Import/Grundlinie: {dauer / basis:.2f}")
    return ziel(dauer / basis <= ZIEL, f"Ziel Import ≤ {ZIEL:g} × Grundlinie", werte=[dauer / basis],
                vorgabe=f"≤ {ZIEL:g} ×", einheit="×")


if __name__ == "__main__":
    sys.exit(main())
