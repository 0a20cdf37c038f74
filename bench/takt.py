"""Der Takt über 1.000.000 offene Aufgaben, von denen etwa 4.000 fällig sind.

Gemessen wird ``erinnerungen_versenden(jetzt)``: fällige Aufgaben über den Index finden,
die dringendste Erinnerung bestimmen, Kontext bauen, Outbox-Zeilen schreiben, nächsten
Zeitpunkt planen, Commit. Grundlinie im selben Lauf auf derselben Datei: nur das rohe
SELECT derselben Zeilen über den Index und ein INSERT ebenso vieler Outbox-Zeilen mit
SQLAlchemy Core. Ziel: der Takt in ≤ 1 s.

    .venv/bin/python bench/takt.py [AUFGABEN] [FAELLIG]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

BERLIN = ZoneInfo("Europe/Berlin")
JETZT = datetime(2027, 3, 13, 7, 30, tzinfo=BERLIN)


def fuellen(engine, aufgaben: int, faellig: int) -> None:
    from sqlalchemy import insert

    from modelle.tabellen import Aufgabe, Gremium, Landkreis, Person

    zufall = random.Random(1)
    utc = JETZT.astimezone(timezone.utc)
    with engine.begin() as v:
        v.execute(insert(Landkreis), [{"name": "Landkreis Cloppenburg"}])
        v.execute(insert(Gremium), [{"kuerzel": "bildungsbuero", "name": "Bildungsbüro", "email": "bb@lkclp.example",
                                     "ladungsfrist_tage": 14}])
        v.execute(insert(Person), [{"name": f"Person {i}", "email": f"p{i}@schule.example"} for i in range(1, 1001)])
        faellige = set(zufall.sample(range(aufgaben), faellig))
        stapel = []
        for i in range(aufgaben):
            if i in faellige:
                frist, naechste = date(2027, 3, 20), utc - timedelta(minutes=30)
            else:
                frist = date(2027, 3, 21) + timedelta(days=zufall.randint(0, 365))
                naechste = utc + timedelta(days=zufall.randint(1, 300))
            stapel.append({"titel": f"Aufgabe {i}", "beschreibung": "", "verantwortlich_id": 1 + i % 1000,
                           "frist": frist, "status": "offen", "angelegt_am": utc, "naechste_erinnerung_am": naechste})
            if len(stapel) == 50_000:
                v.execute(insert(Aufgabe), stapel)
                stapel = []
        if stapel:
            v.execute(insert(Aufgabe), stapel)


def grundlinie(engine) -> tuple[float, int]:
    from sqlalchemy import insert, select

    from modelle.tabellen import Aufgabe, Outbox, Person

    start = time.perf_counter()
    with engine.begin() as v:
        zeilen = v.execute(
            select(Aufgabe.id, Aufgabe.titel, Aufgabe.frist, Person.name, Person.email)
            .join(Person, Person.id == Aufgabe.verantwortlich_id)
            .where(Aufgabe.naechste_erinnerung_am <= JETZT, Aufgabe.status == "offen")
        ).all()
        v.execute(insert(Outbox), [
            {"schluessel": f"grundlinie:{z.id}", "anlass": "grundlinie", "vorlage": "erinnerung",
             "kontext": {"titel": z.titel}, "empfaenger_email": z.email, "empfaenger_name": z.name,
             "message_id": f"<g{z.id}@x>", "status": "verworfen", "versuche": 0, "naechster_versuch": JETZT,
             "erstellt_am": JETZT} for z in zeilen])
    return time.perf_counter() - start, len(zeilen)


def main() -> int:
    aufgaben = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    faellig = int(sys.argv[2]) if len(sys.argv) > 2 else 4_000
    from modelle.datenbank import engine_erstellen, migrieren, orm_session
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.erinnerungen import erinnerungen_versenden

    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "takt.db"
        engine = engine_erstellen(f"sqlite:///{pfad}")
        migrieren(engine)
        t = time.perf_counter()
        fuellen(engine, aufgaben, faellig)
        print(f"{aufgaben:,} offene Aufgaben angelegt in {time.perf_counter() - t:.1f} s".replace(",", "."))
        basis, n_basis = grundlinie(engine)
        e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{pfad}")
        with orm_session(engine) as s:
            start = time.perf_counter()
            with arbeitseinheit(s, lambda: JETZT, e) as arbeit:
                bericht = erinnerungen_versenden(arbeit, stapel=faellig + 1)
            dauer = time.perf_counter() - start
            start = time.perf_counter()
            with arbeitseinheit(s, lambda: JETZT, e) as arbeit:
                zweiter = erinnerungen_versenden(arbeit, stapel=faellig + 1)
            leer = time.perf_counter() - start
        engine.dispose()
    mails = sum(bericht.mails.values())
    print(f"Grundlinie (SELECT über den Index + INSERT, Core): {basis * 1000:7.0f} ms für {n_basis} Zeilen")
    print(f"Takt (Erinnerungen bestimmen, Outbox, Planung):    {dauer * 1000:7.0f} ms für {bericht.aufgaben} Aufgaben, {mails} Mails")
    print(f"Verhältnis Takt/Grundlinie: {dauer / basis:.1f}; zweiter Takt zum selben Zeitpunkt: {leer * 1000:.0f} ms, "
          f"{zweiter.aufgaben} Aufgaben")
    erreicht = dauer <= 1.0 and bericht.aufgaben == faellig and zweiter.aufgaben == 0
    print(f"Ziel Takt ≤ 1 s: {'Ziel erreicht' if erreicht else 'ZIEL VERFEHLT'}")
    return 0 if erreicht else 1


if __name__ == "__main__":
    sys.exit(main())
