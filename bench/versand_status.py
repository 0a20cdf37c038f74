"""``versand status`` bei wachsender Geschichte: 1 Mio. gesendete Mails gegen 1.000, im selben Lauf.

Zwei SQLite-Dateien mit derselben Organisation und denselben offenen Mails (wartend, im Versand,
vorübergehend und dauerhaft gescheitert, ein paar verworfene); sie unterscheiden sich nur in der
Geschichte: 1.000 gegen 1.000.000 gesendete Mails (``--gross``). Gemessen werden

- die Ansicht ``versand_uebersicht`` im Prozess (was der Befehl und die Webseite fragen), je
  Aufruf eine neue Arbeitseinheit, paarweise abwechselnd, die Reihenfolge je Runde getauscht;
- der Befehl ``bildungsbuero versand status`` als eigener Prozess, ebenso paarweise.

Gedruckt werden min / Median / max je Datei und das Verhältnis groß/klein je Paar. Ziel: Median
des Verhältnisses der Ansicht ≤ 1,2. Zum Vergleich steht daneben, was das frühere Zählen über
alle Zeilen (``GROUP BY status``) auf der großen Datei kostet.

    .venv/bin/python bench/versand_status.py [--gross 1000000] [--runden 200] [--prozessrunden 7]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

from _gemeinsam import spanne, zahl, ziel  # noqa: E402

JETZT = datetime(2027, 3, 1, 7, 0, tzinfo=timezone.utc)
BEFEHL = Path(sys.executable).parent / "bildungsbuero"
ZIEL = 1.2
# Die offenen Mails, in beiden Dateien gleich: (Status, Anzahl)
OFFEN = (("wartend", 25), ("in_versand", 3), ("fehler_voruebergehend", 8), ("fehler_dauerhaft", 4), ("verworfen", 10))


def bauen(pfad: Path, gesendet: int) -> str:
    """Migriert, lädt die Organisation, schreibt Geschichte und offene Mails; gibt die URL zurück."""
    from sqlmodel import Session

    from modelle.datenbank import engine_erstellen, migrieren
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden

    url = f"sqlite:///{pfad}"
    e = laden(umgebung={}).mit(datenbank_url=url)
    engine = engine_erstellen(url)
    migrieren(engine)
    with Session(engine) as db, arbeitseinheit(db, lambda: JETZT, e) as arbeit:
        organisation_laden(arbeit, datei_lesen(WURZEL / "organisationen" / "landkreis-cloppenburg.toml"))
    engine.dispose()
    beginn = (JETZT - timedelta(days=5 * 365)).strftime("%Y-%m-%d %H:%M:%S")
    sekunden = 5 * 365 * 86400
    with sqlite3.connect(pfad) as roh:
        roh.execute("PRAGMA synchronous=OFF")
        zeilen = [(gesendet, "gesendet", f"'+' || (n * {sekunden} / {gesendet}) || ' seconds'")]
        zeilen += [(anzahl, status, "'+' || (1825 * 86400 - n * 3600) || ' seconds'") for status, anzahl in OFFEN]
        versatz = 0
        for menge, status, abstand in zeilen:
            zeit = f"strftime('%Y-%m-%d %H:%M:%f000', '{beginn}', {abstand})"
            roh.execute(f"""
                WITH RECURSIVE zahlen(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM zahlen WHERE n < {menge})
                INSERT INTO outbox (schluessel, anlass, vorlage, kontext, empfaenger_email, empfaenger_name,
                                    message_id, status, versuche, naechster_versuch, erstellt_am, gesendet_am,
                                    letzter_fehler, beansprucht_von, beansprucht_bis)
                SELECT 'status:' || (n + {versatz}), 'erinnerung', 'erinnerung', '{{"aufgabe": {{"titel": "Fehlzeiten"}}}}',
                       'schulleitung@obs-loeningen.example', 'Thomas Ostendorf', '<' || (n + {versatz}) || '@x>',
                       '{status}', 1, {zeit}, {zeit}, CASE WHEN '{status}' = 'gesendet' THEN {zeit} END,
                       CASE WHEN '{status}' LIKE 'fehler%' THEN '451 4.3.0 Bitte später erneut versuchen' END,
                       CASE WHEN '{status}' = 'in_versand' THEN 'anderer:1:abc' END,
                       CASE WHEN '{status}' = 'in_versand' THEN {zeit} END
                FROM zahlen""")
            versatz += menge
        roh.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return url


class Ansicht:
    """``versand_uebersicht`` auf einer Datei, je Aufruf eine neue Arbeitseinheit (wie ein Befehl)."""

    def __init__(self, url: str):
        from modelle.datenbank import engine_erstellen
        from prozess.einstellungen import laden

        self.e = laden(umgebung={}).mit(datenbank_url=url)
        self.engine = engine_erstellen(url)

    def __call__(self) -> float:
        from sqlmodel import Session

        from prozess.ansichten.versand import versand_uebersicht
        from prozess.arbeit import arbeitseinheit

        start = time.perf_counter()
        with Session(self.engine) as db, arbeitseinheit(db, lambda: JETZT, self.e) as arbeit:
            uebersicht = versand_uebersicht(arbeit)
        dauer = time.perf_counter() - start
        assert uebersicht.gescheitert.gesamt == 12, uebersicht.gescheitert.gesamt
        return dauer


def befehl(url: str, verzeichnis: Path):
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = url

    def messen() -> float:
        start = time.perf_counter()
        ergebnis = subprocess.run([str(BEFEHL), "versand", "status"], capture_output=True, env=umgebung, cwd=verzeichnis)
        dauer = time.perf_counter() - start
        if ergebnis.returncode != 0 or b"gesendet" not in ergebnis.stdout:
            raise SystemExit(f"versand status: Exit-Code {ergebnis.returncode}\n{ergebnis.stderr.decode(errors='replace')}")
        return dauer

    return messen


def paare(klein, gross, runden: int) -> list[tuple[float, float]]:
    """(klein, groß) je Runde; in geraden Runden zuerst klein, in ungeraden zuerst groß."""
    ergebnis = []
    for runde in range(runden):
        if runde % 2:
            g = gross()
            k = klein()
        else:
            k = klein()
            g = gross()
        ergebnis.append((k, g))
    return ergebnis


def zeile(name: str, reihe: list[tuple[float, float]]) -> float:
    klein_ms, gross_ms = [k * 1000 for k, _ in reihe], [g * 1000 for _, g in reihe]
    verhaeltnis = [g / k for k, g in reihe]
    print(f"{name:<22} {spanne(klein_ms, '{:.1f}'):>26} {spanne(gross_ms, '{:.1f}'):>26} {spanne(verhaeltnis):>20}")
    return statistics.median(verhaeltnis)


def main() -> int:
    teiler = argparse.ArgumentParser(description="versand status: große gegen kleine Geschichte.")
    teiler.add_argument("--klein", type=int, default=1000, help="gesendete Mails der kleinen Datei (Standard 1.000)")
    teiler.add_argument("--gross", type=int, default=1_000_000, help="gesendete Mails der großen Datei (Standard 1 Mio.)")
    teiler.add_argument("--runden", type=int, default=200, help="Paare der Ansicht im Prozess (Standard 200)")
    teiler.add_argument("--prozessrunden", type=int, default=7, help="Paare des Befehls als Prozess (Standard 7)")
    args = teiler.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        verzeichnis = Path(tmp)
        start = time.perf_counter()
        klein_url = bauen(verzeichnis / "klein.db", args.klein)
        gross_url = bauen(verzeichnis / "gross.db", args.gross)
        print(f"Zwei Outboxen mit {zahl(args.klein)} und {zahl(args.gross)} gesendeten Mails, sonst gleich "
              f"(bereit nach {time.perf_counter() - start:.1f} s)", flush=True)
        klein, gross = Ansicht(klein_url), Ansicht(gross_url)
        for _ in range(5):  # ungezählt: Seiten-Cache, Vorlagen, Bytecode
            klein(), gross()
        ansicht = paare(klein, gross, args.runden)
        prozess_klein, prozess_gross = befehl(klein_url, verzeichnis), befehl(gross_url, verzeichnis)
        prozess_klein(), prozess_gross()
        prozess = paare(prozess_klein, prozess_gross, args.prozessrunden)
        with sqlite3.connect(verzeichnis / "gross.db") as roh:
            vorher = []
            for _ in range(3):
                t = time.perf_counter()
                roh.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
                vorher.append(time.perf_counter() - t)
        for engine in (klein.engine, gross.engine):
            engine.dispose()

    print("\nZeiten in ms als min / Median / max; Verhältnis groß/klein je Paar")
    print(f"{'':<22} {f'{zahl(args.klein)} gesendet':>26} {f'{zahl(args.gross)} gesendet':>26} {'Verhältnis':>20}")
    gemessen = zeile(f"Ansicht ({args.runden} Paare)", ansicht)
    zeile(f"Befehl ({args.prozessrunden} Paare)", prozess)
    print(f"Zum Vergleich, das frühere Zählen über alle Zeilen auf der großen Datei: "
          f"{spanne([x * 1000 for x in vorher], '{:.0f}')} ms")
    # Der Name bleibt über Läufe gleich (make bench LAEUFE=3 fasst nach ihm zusammen); die Zahl steht in werte.
    return ziel(gemessen <= ZIEL, f"versand status: {zahl(args.gross)} gegen {zahl(args.klein)} gesendete Mails "
                                  f"(Median der Ansicht)", werte=[gemessen],
                vorgabe=f"≤ {ZIEL:.1f} ×".replace(".", ","), einheit="×")


if __name__ == "__main__":
    sys.exit(main())
