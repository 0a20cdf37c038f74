"""Statusbericht über 50 Handlungsfelder mit je 20 Maßnahmen: Zahlen sammeln und darstellen.

Gemessen: ``bericht_daten`` (gruppierte Abfragen) plus ``bericht_darstellen`` (Text und
HTML), je in einem frischen Prozess wie ein Dienst nach dem Start (Vorlagen vorgeladen):
der erste Aufruf und der Median aus 25 warmen, drei Prozesse. Grundlinie im selben Prozess
auf derselben Datei, abwechselnd: das rohe Lesen aller Felder und Maßnahmen mit SQLAlchemy
Core (ohne Auswertung, ohne Vorlagen). Ziele: erster Bericht ≤ 100 ms, warmer ≤ 100 ms
(je Median über die Prozesse).

Danach, auf einer Kopie der Datei mit fünf Feldern, die eine Kennzahl verknüpfen: was die
Diagramme kosten (``diagramme_zeichnen``, je Kennzahl ein PNG), das erste Mal mit dem Laden von
matplotlib, gegen denselben Bericht ohne Diagramme im selben Prozess (nur gedruckt, kein Ziel:
gezeichnet wird einmal beim Erstellen des Berichts im Takt, nicht beim Versand).

    .venv/bin/python bench/statusbericht.py [--starts 3] [--laeufe 25]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _gemeinsam import WURZEL, spanne, ziel

BERLIN = ZoneInfo("Europe/Berlin")
JETZT = datetime(2027, 10, 15, 8, 0, tzinfo=BERLIN)


def fuellen(arbeit) -> None:
    from sqlalchemy import insert

    from modelle.tabellen import Aufgabe, Massnahme, Schrittprotokoll, Ziel
    from prozess.handlungsfelder import handlungsfeld_anlegen
    from prozess.rollen import person_per_email

    s = arbeit.db
    anna = person_per_email(s, "anna.meyer@lkclp.example").id
    schule = person_per_email(s, "schulleitung@obs-loeningen.example").id
    start = JETZT - timedelta(days=200)
    for i in range(50):
        feld = handlungsfeld_anlegen(arbeit, f"Handlungsfeld {i + 1}", anna)
        ziel = Ziel(handlungsfeld_id=feld.id, ebene="arbeitspaket", titel="Arbeitspaket")
        s.add(ziel)
        s.flush()
        v = s.connection()
        v.execute(insert(Massnahme), [dict(handlungsfeld_id=feld.id, arbeitspaket_id=ziel.id, titel=f"Maßnahme {k}",
                                           verantwortlich_id=schule, frist=date(2027, 6, 1) + timedelta(days=15 * k),
                                           status=("erledigt" if k % 3 == 0 else "laufend")) for k in range(20)])
        v.execute(insert(Schrittprotokoll), [dict(handlungsfeld_id=feld.id, schritt="daten_zusammenstellen",
                                                  von_zustand="definiert", nach_zustand="daten_zusammengestellt",
                                                  person_id=anna, zeitpunkt=start + timedelta(days=k), begruendung="",
                                                  prozess_version=1) for k in range(1, 6)])
        v.execute(insert(Aufgabe), [dict(titel=f"Aufgabe {k}", beschreibung="", handlungsfeld_id=feld.id,
                                         verantwortlich_id=schule, frist=date(2027, 9, 1) + timedelta(days=10 * k),
                                         status="offen", angelegt_am=start) for k in range(5)])
        s.commit()


def anlegen(pfad: Path) -> None:
    """Die Datei mit Organisation und 50 Feldern zu je 20 Maßnahmen."""
    from modelle.datenbank import engine_erstellen, migrieren, orm_session
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden

    e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{pfad}")
    engine = engine_erstellen(e.datenbank_url)
    migrieren(engine)
    with orm_session(engine) as s:
        with arbeitseinheit(s, lambda: JETZT - timedelta(days=200), e) as arbeit:
            organisation_laden(arbeit, datei_lesen(WURZEL / "organisationen" / "landkreis-cloppenburg.toml"))
            fuellen(arbeit)
    engine.dispose()


def messen(pfad: Path, laeufe: int) -> dict:
    """In einem frischen Prozess, wie ein Dienst nach dem Start: Vorlagen vorladen, dann der erste
    Bericht und ``laeufe`` weitere, abwechselnd mit der Grundlinie."""
    from sqlalchemy import select

    from benachrichtigungen.darstellung import vorlagen_vorbereiten
    from modelle.datenbank import engine_erstellen, orm_session
    from modelle.tabellen import Handlungsfeld, Massnahme
    from prozess.arbeit import nur_lesen
    from prozess.einstellungen import laden
    from prozess.grundkontext import grundkontext
    from prozess.statusbericht import abfragen_vorbereiten, bericht_daten, bericht_darstellen

    e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{pfad}")
    engine = engine_erstellen(e.datenbank_url)
    start = time.perf_counter()
    vorlagen = vorlagen_vorbereiten()  # wie der Dienst beim Start (prozess.dienst)
    vorlagen = f"{vorlagen} Vorlagen, {abfragen_vorbereiten(engine)} Abfragen"
    vorbereitet = time.perf_counter() - start
    bericht, basis = [], []
    with orm_session(engine) as s:
        grund = grundkontext(s)

        def ein_bericht() -> float:
            start = time.perf_counter()
            with nur_lesen(s, lambda: JETZT, e) as lesend:
                daten = bericht_daten(lesend, seit=JETZT - timedelta(days=198))
                bericht_darstellen(daten, grund, "Ausschuss für Schule und Bildung")
            return time.perf_counter() - start

        def grundlinie() -> float:
            start = time.perf_counter()
            with engine.connect() as v:
                v.execute(select(Handlungsfeld.__table__)).all()
                v.execute(select(Massnahme.__table__)).all()
            return time.perf_counter() - start

        erster = ein_bericht()
        for i in range(laeufe):  # abwechselnd, die Reihenfolge je Lauf getauscht
            if i % 2:
                basis.append(grundlinie())
                bericht.append(ein_bericht())
            else:
                bericht.append(ein_bericht())
                basis.append(grundlinie())
    engine.dispose()
    return {"erster": erster, "bericht": bericht, "basis": basis, "vorlagen": vorlagen, "vorbereitet": vorbereitet}


def diagramme_messen(pfad: Path) -> tuple[float, float, float, int, int]:
    """Auf einer Kopie: fünf Felder mit einer Kennzahl (fünf Halbjahre), Bericht ohne und mit Diagrammen."""
    import shutil

    from sqlmodel import select

    from modelle.datenbank import engine_erstellen, orm_session
    from modelle.tabellen import Handlungsfeld
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen
    from prozess.arbeit import arbeitseinheit, nur_lesen
    from prozess.einstellungen import laden
    from prozess.grundkontext import grundkontext
    from prozess.statusbericht import bericht_darstellen, bericht_daten, diagramme_zeichnen

    kopie = pfad.with_name("mit_kennzahlen.db")
    shutil.copy(pfad, kopie)
    datei = pfad.with_name("fehlzeiten.csv")
    zeilen = ["gebiet;zeitraum;kennzahl;wert"]
    for i, zeitraum in enumerate(("2023/24-1", "2023/24-2", "2024/25-1", "2024/25-2", "2025/26-1")):
        zeilen += [f"03453;{zeitraum};schueler_allgemeinbildend;{1800 + 40 * i}",
                   f"03453;{zeitraum};schueler_erhebliche_fehlzeiten;{70 + 5 * i}"]
    datei.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{kopie}")
    engine = engine_erstellen(e.datenbank_url)
    with orm_session(engine) as s:
        with arbeitseinheit(s, lambda: JETZT - timedelta(days=1), e) as arbeit:
            kennzahlen_importieren(arbeit, datei)
            for feld_id in s.exec(select(Handlungsfeld.id).order_by(Handlungsfeld.id).limit(5)).all():
                kennzahl_verknuepfen(arbeit, feld_id, "schulabsentismus_anteil")
        grund = grundkontext(s)

        def bericht(mit: bool) -> tuple[float, list]:
            start = time.perf_counter()
            with nur_lesen(s, lambda: JETZT, e) as lesend:
                daten = bericht_daten(lesend, seit=JETZT - timedelta(days=198))
                bilder = diagramme_zeichnen(lesend, daten, "lkclp.example") if mit else []
                bericht_darstellen(daten, grund, "Ausschuss für Schule und Bildung")
            return time.perf_counter() - start, bilder

        ohne = statistics.median(bericht(False)[0] for _ in range(5))
        erster, bilder = bericht(True)
        danach = statistics.median(bericht(True)[0] for _ in range(5))
    engine.dispose()
    return ohne, erster, danach, len(bilder), sum(len(b.inhalt) for b in bilder)


def main() -> int:
    import argparse
    import json
    import subprocess

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="frische Prozesse (je ein erster Bericht)")
    parser.add_argument("--laeufe", type=int, default=25, help="warme Berichte je Prozess")
    parser.add_argument("--messen", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.messen:
        print(json.dumps(messen(args.messen, args.laeufe)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "bericht.db"
        anlegen(pfad)
        ergebnisse = []
        for _ in range(args.starts):
            aus = subprocess.run([sys.executable, __file__, "--messen", str(pfad), "--laeufe", str(args.laeufe)],
                                 capture_output=True, text=True, check=True).stdout
            ergebnisse.append(json.loads(aus.strip().splitlines()[-1]))
        diagramme = diagramme_messen(pfad)
    erste = [r["erster"] * 1000 for r in ergebnisse]
    warm = [statistics.median(r["bericht"]) * 1000 for r in ergebnisse]
    basis = [statistics.median(r["basis"]) * 1000 for r in ergebnisse]
    print(f"Statusbericht über 50 Felder × 20 Maßnahmen; {args.starts} frische Prozesse, je der erste Bericht "
          f"und {args.laeufe} warme (abwechselnd mit der Grundlinie); ms als min / Median / max über die Prozesse")
    print(f"  Beim Start vorbereiten ({ergebnisse[0]['vorlagen']}): "
          f"{spanne([r['vorbereitet'] * 1000 for r in ergebnisse], '{:.1f}')} (einmal je Prozess)")
    print(f"  Erster Bericht nach dem Start:                {spanne(erste, '{:.1f}')}")
    print(f"  Warmer Bericht (Median je Prozess):           {spanne(warm, '{:.1f}')}")
    print(f"  Grundlinie (Felder und Maßnahmen roh lesen):  {spanne(basis, '{:.1f}')}")
    print(f"  Verhältnis warm/Grundlinie: {statistics.median(warm) / statistics.median(basis):.1f}")
    ohne, erster, danach, bilder, groesse = diagramme
    print(f"  Mit Diagrammen (5 Felder mit einer Kennzahl, {bilder} PNG, zusammen {groesse // 1024} KiB), ein Prozess:")
    print(f"    Bericht ohne Diagramme (Median aus 5):      {ohne * 1000:.1f}")
    print(f"    Erster Bericht mit Diagrammen (lädt matplotlib): {erster * 1000:.1f}")
    print(f"    Bericht mit Diagrammen (Median aus 5):      {danach * 1000:.1f} "
          f"({(danach - ohne) / max(bilder, 1) * 1000:.0f} je Diagramm)")
    status = ziel(statistics.median(erste) <= 100, "Statusbericht: erster Aufruf nach dem Start", werte=erste,
                  vorgabe="≤ 100 ms", einheit="ms")
    status |= ziel(statistics.median(warm) <= 100, "Statusbericht: warm (Median)", werte=warm, vorgabe="≤ 100 ms",
                   einheit="ms")
    return status


if __name__ == "__main__":
    sys.exit(main())
