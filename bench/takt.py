"""Der Takt über 1.000.000 offene Aufgaben, von denen 4.000 fällig sind, 1.000 davon eskalierend.

Die fälligen Aufgaben sind gemischt wie an einem Montag nach den Ferien: 2.000 mit der
Erinnerung 7 Tage vor der Frist, 1.000 seit einer Woche überfällig (Überfällig-Erinnerung),
1.000 seit 14 Tagen überfällig (Überfällig-Erinnerung und Eskalation an Bildungsmanagement
und den Vorsitz ihres Gremiums). Gemessen wird ``erinnerungen_versenden(jetzt)`` in einem
Stapel: fällige Aufgaben über den Index finden, die dringendste Erinnerung bestimmen, die
Empfänger der Eskalationen holen, Outbox-Zeilen schreiben, nächsten Zeitpunkt planen, Commit.

Grundlinie im selben Lauf auf derselben Datei: das rohe SELECT derselben Zeilen über den
Index und ein INSERT ebenso vieler Outbox-Zeilen mit SQLAlchemy Core. Beide abwechselnd in
``--runden`` Runden, die Reihenfolge je Runde getauscht; nach jeder Messung werden die
Aufgaben auf den Stand davor zurückgesetzt und die neuen Outbox-Zeilen gelöscht. Danach
prüft ein zweiter Takt zum selben Zeitpunkt, dass nichts mehr fällig ist.
Ziel: der Takt in ≤ 1 s (Median), mit allen Outbox-Zeilen.

    .venv/bin/python bench/takt.py [AUFGABEN] [FAELLIG] [--runden 3]
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

BERLIN = ZoneInfo("Europe/Berlin")
JETZT = datetime(2027, 3, 13, 7, 30, tzinfo=BERLIN)


# Anteile der fälligen Aufgaben: (Art, Anteil, Frist relativ zu heute)
MISCHUNG = (("7 Tage vor der Frist", 0.5, 7), ("eine Woche überfällig", 0.25, -7),
            ("zwei Wochen überfällig, eskalierend", 0.25, -14))


def fuellen(engine, aufgaben: int, faellig: int) -> list[int]:
    """Füllt die Datei; gibt die Ids der fälligen Aufgaben."""
    from sqlalchemy import insert, select

    from modelle.tabellen import Aufgabe, Gremium, Landkreis, Mitgliedschaft, Person

    zufall = random.Random(1)
    utc = JETZT.astimezone(timezone.utc)
    heute = JETZT.date()
    with engine.begin() as v:
        v.execute(insert(Landkreis), [{"name": "Landkreis Cloppenburg"}])
        v.execute(insert(Gremium), [
            {"kuerzel": "bildungsbuero", "name": "Bildungsbüro", "email": "bb@lkclp.example", "ladungsfrist_tage": 14},
            {"kuerzel": "steuerungsgruppe", "name": "Steuerungsgruppe", "email": None, "ladungsfrist_tage": 14}])
        v.execute(insert(Person), [{"name": f"Person {i}", "email": f"p{i}@schule.example"} for i in range(1, 1001)])
        gremien = dict(v.execute(select(Gremium.kuerzel, Gremium.id)).all())
        # Person 1 leitet das Bildungsmanagement, Person 2 hat den Vorsitz der Steuerungsgruppe, alle
        # anderen sind dort Mitglied: jede Eskalation geht an zwei Personen.
        v.execute(insert(Mitgliedschaft), [
            {"person_id": 1, "gremium_id": gremien["bildungsbuero"], "rolle": "bildungsmanagement"},
            {"person_id": 2, "gremium_id": gremien["steuerungsgruppe"], "rolle": "vorsitz"}]
            + [{"person_id": i, "gremium_id": gremien["steuerungsgruppe"], "rolle": "mitglied"} for i in range(3, 1001)])
        faellige = zufall.sample(range(aufgaben), faellig)
        art_von = {}
        grenzen = [0]
        for _, anteil, _ in MISCHUNG:
            grenzen.append(grenzen[-1] + round(anteil * faellig))
        for k, (_, _, tage) in enumerate(MISCHUNG):
            for i in faellige[grenzen[k]:grenzen[k + 1]]:
                art_von[i] = tage
        stapel = []
        for i in range(aufgaben):
            if i in art_von:
                frist, naechste = heute + timedelta(days=art_von[i]), utc - timedelta(minutes=30)
            else:
                frist = heute + timedelta(days=8 + zufall.randint(0, 365))
                naechste = utc + timedelta(days=zufall.randint(1, 300))
            stapel.append({"titel": f"Aufgabe {i}", "beschreibung": "", "verantwortlich_id": 3 + i % 998,
                           "frist": frist, "status": "offen", "angelegt_am": utc, "naechste_erinnerung_am": naechste})
            if len(stapel) == 50_000:
                v.execute(insert(Aufgabe), stapel)
                stapel = []
        if stapel:
            v.execute(insert(Aufgabe), stapel)
    return [i + 1 for i in sorted(art_von)]  # Ids beginnen bei 1, in der Reihenfolge des Einfügens


FORMAT = 2  # bei jeder Änderung an ``fuellen`` erhöhen: der Zwischenspeicher gilt dann nicht mehr


def zwischenspeicher(aufgaben: int, faellig: int) -> Path:
    """Wo die gefüllte Datei liegt (wie der Standard-Datensatz: ``$XDG_CACHE_HOME/bildungsbuero-bench``);
    der Name enthält den Stand des Schemas, eine Migration macht sie also neu."""
    from modelle.datenbank import neueste_revision

    basis = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bildungsbuero-bench"
    return basis / f"takt-{aufgaben}-{faellig}-f{FORMAT}-{neueste_revision()}.db"


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


def zuruecksetzen(engine, stand: list) -> None:
    """Die fälligen Aufgaben wieder auf ihren Stand vor dem Takt; die Outbox leer."""
    from sqlalchemy import bindparam, text, update

    from modelle.tabellen import Aufgabe

    t = Aufgabe.__table__
    with engine.begin() as v:
        v.execute(update(t).where(t.c.id == bindparam("b_id")).values(
            naechste_erinnerung_am=bindparam("b_naechste", type_=t.c.naechste_erinnerung_am.type),
            eskaliert_fuer_frist=None, letzte_erinnerung=None, letzte_erinnerung_am=None), stand)
        v.execute(text("DELETE FROM outbox"))


def main() -> int:
    import argparse
    import statistics

    from _gemeinsam import spanne, zahl, ziel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("aufgaben", type=int, nargs="?", default=1_000_000)
    parser.add_argument("faellig", type=int, nargs="?", default=4_000)
    parser.add_argument("--runden", type=int, default=3)
    args = parser.parse_args()
    aufgaben, faellig = args.aufgaben, args.faellig
    from sqlalchemy import select

    from modelle.datenbank import engine_erstellen, migrieren, orm_session
    from modelle.tabellen import Aufgabe
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.erinnerungen import erinnerungen_versenden

    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "takt.db"
        t = time.perf_counter()
        gespeichert = zwischenspeicher(aufgaben, faellig)
        if not gespeichert.exists():
            engine = engine_erstellen(f"sqlite:///{pfad}")
            migrieren(engine)
            fuellen(engine, aufgaben, faellig)
            with engine.connect() as v:
                v.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            gespeichert.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(pfad, gespeichert.with_suffix(".unfertig"))
            os.replace(gespeichert.with_suffix(".unfertig"), gespeichert)
            herkunft = "angelegt"
        else:
            shutil.copy(gespeichert, pfad)
            herkunft = f"aus {gespeichert} kopiert"
        engine = engine_erstellen(f"sqlite:///{pfad}")
        migrieren(engine)
        with engine.connect() as v:
            stand = [{"b_id": i, "b_naechste": n} for i, n in v.execute(
                select(Aufgabe.id, Aufgabe.naechste_erinnerung_am).where(Aufgabe.naechste_erinnerung_am <= JETZT))]
        print(f"{zahl(aufgaben)} offene Aufgaben {herkunft} in {time.perf_counter() - t:.1f} s; fällig: "
              + ", ".join(f"{round(a * faellig)} {name}" for name, a, _ in MISCHUNG), flush=True)
        e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{pfad}")

        def takt():
            with orm_session(engine) as s:
                start = time.perf_counter()
                with arbeitseinheit(s, lambda: JETZT, e) as arbeit:
                    bericht = erinnerungen_versenden(arbeit, stapel=faellig + 1)
                return time.perf_counter() - start, bericht

        dauern, basen, berichte = [], [], []
        for runde in range(args.runden):
            reihenfolge = ("takt", "basis") if runde % 2 == 0 else ("basis", "takt")
            for wer in reihenfolge:
                if wer == "takt":
                    dauer, bericht = takt()
                    dauern.append(dauer)
                    berichte.append(bericht)
                else:
                    basis, n_basis = grundlinie(engine)
                    basen.append(basis)
                zuruecksetzen(engine, stand)
            print(f"  Runde {runde + 1} ({' vor '.join(reihenfolge)}): Takt {dauern[-1] * 1000:.0f} ms, "
                  f"Grundlinie {basen[-1] * 1000:.0f} ms", flush=True)
        _, bericht = takt()
        start = time.perf_counter()
        _, zweiter = takt()
        leer = time.perf_counter() - start
        engine.dispose()
    mails = sum(bericht.mails.values())
    print(f"Grundlinie (SELECT über den Index + INSERT, Core): {spanne([b * 1000 for b in basen], '{:.0f}')} ms "
          f"für {n_basis} Zeilen (min / Median / max)")
    print(f"Takt (Erinnerungen, Eskalationen, Outbox, Planung): {spanne([d * 1000 for d in dauern], '{:.0f}')} ms "
          f"für {bericht.aufgaben} Aufgaben, {mails} Mails: "
          + ", ".join(f"{n} {art}" for art, n in sorted(bericht.mails.items())))
    print(f"Verhältnis Takt/Grundlinie je Runde: {spanne([d / b for d, b in zip(dauern, basen)], '{:.1f}')}; "
          f"zweiter Takt zum selben Zeitpunkt: {leer * 1000:.0f} ms, {zweiter.aufgaben} Aufgaben")
    richtig = (all(b.aufgaben == faellig for b in berichte) and zweiter.aufgaben == 0
               and bericht.mails.get("eskalation", 0) == 2 * round(MISCHUNG[2][1] * faellig))
    if not richtig:
        print(f"FALSCH: Aufgaben je Runde {[b.aufgaben for b in berichte]}, Mails {bericht.mails}, zweiter "
              f"Takt {zweiter.aufgaben}")
    return ziel(richtig and statistics.median(dauern) <= 1.0,
                f"Takt über {zahl(aufgaben)} Aufgaben, {zahl(faellig)} fällig, davon "
                f"{zahl(round(MISCHUNG[2][1] * faellig))} eskalierend",
                werte=[d * 1000 for d in dauern], vorgabe="≤ 1.000 ms", einheit="ms")


if __name__ == "__main__":
    sys.exit(main())
