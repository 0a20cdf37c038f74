"""Statusbericht über 50 Handlungsfelder mit je 20 Maßnahmen: Zahlen sammeln und darstellen.

Gemessen: ``bericht_daten`` (gruppierte Abfragen) plus ``bericht_darstellen`` (Text und
HTML), Median aus 25 Läufen. Grundlinie im selben Lauf auf derselben Datei: das rohe
Lesen aller Felder und Maßnahmen mit SQLAlchemy Core (ohne Auswertung, ohne Vorlagen).
Ziel: Bericht ≤ 100 ms.

    .venv/bin/python bench/statusbericht.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))
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


def main() -> int:
    from sqlalchemy import select

    from modelle.datenbank import engine_erstellen, migrieren, orm_session
    from prozess.arbeit import arbeitseinheit, nur_lesen
    from prozess.grundkontext import grundkontext
    from modelle.tabellen import Handlungsfeld, Massnahme
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden
    from prozess.statusbericht import bericht_daten, bericht_darstellen

    with tempfile.TemporaryDirectory() as tmp:
        e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{Path(tmp) / 'bericht.db'}")
        engine = engine_erstellen(e.datenbank_url)
        migrieren(engine)
        with orm_session(engine) as s:
            with arbeitseinheit(s, lambda: JETZT - timedelta(days=200), e) as arbeit:
                organisation_laden(arbeit, datei_lesen(WURZEL / "organisationen" / "landkreis-cloppenburg.toml"))
                fuellen(arbeit)
            grund = grundkontext(s)
            from benachrichtigungen.darstellung import vorlagen_vorbereiten

            start = time.perf_counter()
            vorlagen = vorlagen_vorbereiten()  # wie der Dienst beim Start
            vorbereitet = time.perf_counter() - start
            with nur_lesen(s, lambda: JETZT, e) as lesend:
                bericht, basis = [], []
                for _ in range(25):
                    start = time.perf_counter()
                    daten = bericht_daten(lesend, seit=JETZT - timedelta(days=198))
                    dargestellt = bericht_darstellen(daten, grund, "Ausschuss für Schule und Bildung")
                    bericht.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    with engine.connect() as v:
                        v.execute(select(Handlungsfeld.__table__)).all()
                        v.execute(select(Massnahme.__table__)).all()
                    basis.append(time.perf_counter() - start)
        engine.dispose()
    b, g = statistics.median(bericht), statistics.median(basis)
    print(f"Statusbericht: {daten['summe']['felder']} Felder, {daten['summe']['massnahmen']} Maßnahmen, "
          f"{len(dargestellt.html) // 1024} KiB HTML, {len(dargestellt.text) // 1024} KiB Text")
    print(f"  Grundlinie (Felder und Maßnahmen roh lesen): {g * 1000:6.1f} ms (Median aus 25)")
    print(f"  Vorlagen beim Start laden ({vorlagen}):          {vorbereitet * 1000:6.1f} ms (einmal je Prozess)")
    print(f"  Erster Bericht nach dem Start:               {bericht[0] * 1000:6.1f} ms (Ziel ≤ 100 ms: "
          f"{'erreicht' if bericht[0] <= 0.1 else 'VERFEHLT'})")
    print(f"  Bericht (Zahlen sammeln und darstellen):     {b * 1000:6.1f} ms (Median aus 25)")
    print(f"  Verhältnis Bericht/Grundlinie: {b / g:.1f}; Ziel ≤ 100 ms: "
          + ("Ziel erreicht" if b <= 0.1 else "ZIEL VERFEHLT"))
    return 0 if b <= 0.1 else 1


if __name__ == "__main__":
    sys.exit(main())
