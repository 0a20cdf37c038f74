"""Gespeicherte Schritte je Sekunde, jede Schrittart, auf SQLite (WAL) und PostgreSQL.

Gemessen wird ``schritt_ausfuehren`` in einer langlebigen ORM-Sitzung, wie ein Dienst sie
hält, je Schritt eine Arbeitseinheit. Jedes Feld geht den ganzen Weg, jede Schrittart kommt
vor, auch die bewachten (Datengrundlage; Beschluss und vollständige Maßnahmen) und die, die
Erinnerungen ruhen lassen oder neu planen::

    daten_zusammenstellen → zurueckstellen → wiederaufnehmen → zur_pruefung_vorlegen
    → daten_nachfordern → daten_zusammenstellen → zur_pruefung_vorlegen → massnahmen_beschliessen
    → bericht_erstatten → neue_runde_beginnen → daten_zusammenstellen → zur_pruefung_vorlegen
    → massnahmen_beschliessen → bericht_erstatten → abschliessen

Die Felder laufen reihum; ein abgeschlossenes scheidet aus. Jedes hat eine Datengrundlage,
eine Maßnahme mit Zuständigkeit und Frist und einen Beschluss der Steuerungsgruppe.

Grundlinien im selben Lauf, auf derselben Datenbank, eigene Felder:

- SQLite: SQLAlchemy Core, je Schritt eine Transaktion mit UPDATE handlungsfeld
  (Versionsprüfung), INSERT schrittprotokoll und INSERT aufgabe.
- PostgreSQL: rohes psycopg ohne SQLAlchemy, dieselben drei Anweisungen je Commit.

Nach einer ungezählten Aufwärmsekunde je Lauf abwechselnd, die Reihenfolge je Runde
umgekehrt; gedruckt werden min / Median / max. Gezählt (nicht gemessen) werden außerdem die
Rundreisen zu PostgreSQL je Schrittart (libpq-Trace, ``bench/_rundreisen.py``).
Ziele: SQLite ≥ 1.500 Schritte/s; PostgreSQL ≥ 0,6 × psycopg im selben Lauf (Median der
Verhältnisse je Runde); höchstens 5 Rundreisen je Schritt.

    .venv/bin/python bench/schritte.py [--felder 2000] [--sekunden 3] [--runden 3] [--nur sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import collections
import itertools
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from _gemeinsam import (
    AUFGABE_FUER,
    KREIS,
    KURZ,
    MANAGEMENT,
    MONITORING,
    SG_MITGLIED,
    START,
    CoreLauf,
    PostgresSchema,
    _Lauf,
    abwechselnd,
    datenbank_url_anlegen,
    felder_core,
    folgen_nachziehen,
    personen,
    spanne,
    zahl,
    ziel,
)

VORSITZ = "hiltrud.schraeder@lkclp.example"
PFAD = (
    ("daten_zusammenstellen", MONITORING, ""),
    ("zurueckstellen", MANAGEMENT, "Haushaltssperre."),
    ("wiederaufnehmen", MANAGEMENT, ""),
    ("zur_pruefung_vorlegen", MANAGEMENT, ""),
    ("daten_nachfordern", SG_MITGLIED, "Bitte nach Schulform aufschlüsseln."),
    ("daten_zusammenstellen", MONITORING, ""),
    ("zur_pruefung_vorlegen", MANAGEMENT, ""),
    ("massnahmen_beschliessen", VORSITZ, ""),
    ("bericht_erstatten", MANAGEMENT, ""),
    ("neue_runde_beginnen", MANAGEMENT, ""),
    ("daten_zusammenstellen", MONITORING, ""),
    ("zur_pruefung_vorlegen", MANAGEMENT, ""),
    ("massnahmen_beschliessen", VORSITZ, ""),
    ("bericht_erstatten", MANAGEMENT, ""),
    ("abschliessen", MANAGEMENT, ""),
)
ZIEL_SQLITE = 1_500
ZIEL_PG = 0.6
ZIEL_RUNDREISEN = 5


def _zustaende_entlang() -> list[str]:
    """Der Zustand nach jedem Schritt des Pfads (aus der Maschine des Zyklus)."""
    from prozess.schritte import Feldstand
    from prozess.zyklus import MASCHINE

    stand = Feldstand(id=0, titel="", zustand="definiert", version=1, runde=1, zurueckgestellt_aus=None,
                      zustand_seit=START)
    zustaende = []
    for name, _, _ in PFAD:
        assert MASCHINE.events[name].trigger(stand), name
        zustaende.append(stand.zustand)
    return zustaende


def felder_fuer_den_pfad(engine, anzahl: int) -> range:
    """``felder_core`` und dazu je Feld ein Arbeitspaket mit einer vollständigen Maßnahme und einen
    Beschluss der Steuerungsgruppe (aus einer Sitzung, die nach jedem Beginn einer Prüfung liegt)."""
    from sqlalchemy import func, insert, select

    from modelle.tabellen import Beschluss, Gremium, Massnahme, Sitzung, Ziel

    ids = felder_core(engine, anzahl)
    p = personen(engine)
    jetzt = START.astimezone(timezone.utc)
    with engine.begin() as v:
        gremium = v.execute(select(Gremium.id).where(Gremium.kuerzel == "steuerungsgruppe")).scalar_one()
        sitzung = v.execute(insert(Sitzung).returning(Sitzung.id), [dict(
            gremium_id=gremium, beginn=datetime(2099, 1, 1, 9, tzinfo=timezone.utc), dauer_minuten=120, ort="",
            status="geplant", hinweis="", sequenz=0)]).scalar_one()
        erstes_ziel = (v.execute(select(func.max(Ziel.id))).scalar() or 0) + 1
        v.execute(insert(Ziel), [dict(id=erstes_ziel + (i - ids.start), handlungsfeld_id=i, ebene="arbeitspaket",
                                      ueber_id=None, titel="Frühwarnsystem") for i in ids])
        v.execute(insert(Massnahme), [dict(handlungsfeld_id=i, arbeitspaket_id=erstes_ziel + (i - ids.start),
                                           titel="Fehlzeiten-Ampel", verantwortlich_id=p[MONITORING],
                                           frist=date(2028, 9, 30), status="geplant") for i in ids])
        v.execute(insert(Beschluss), [dict(sitzung_id=sitzung, handlungsfeld_id=i, text="Maßnahmen beschlossen.",
                                           gefasst_am=jetzt) for i in ids])
        folgen_nachziehen(v, "ziel")
    return ids


class PfadLauf(_Lauf):
    """Die Engine: jedes Feld geht den ``PFAD``; reihum, ein abgeschlossenes Feld scheidet aus."""

    GLEICHZEITIG = 20

    def __init__(self, engine, e, uhr, feld_ids):
        from modelle.datenbank import orm_session
        from prozess.arbeit import arbeitseinheit
        from prozess.schritte import schritt_ausfuehren

        super().__init__(engine, e, uhr, feld_ids)
        # Reihum über höchstens ``GLEICHZEITIG`` Felder; ein abgeschlossenes macht einem neuen Platz.
        self.vorrat = iter(feld_ids)
        self.warteschlange = collections.deque(itertools.islice(self.vorrat, self.GLEICHZEITIG))
        self.session = orm_session(engine)
        self.arbeitseinheit, self.ausfuehren = arbeitseinheit, schritt_ausfuehren
        self.je_art: collections.Counter = collections.Counter()

    def naechster(self) -> None:
        if not self.warteschlange:
            raise RuntimeError("Alle Felder sind abgeschlossen: mehr Felder anlegen (--felder)")
        feld_id = self.warteschlange.popleft()
        name, person, begruendung = PFAD[self.stelle[feld_id]]
        self.uhr.vorstellen(seconds=20)
        with self.arbeitseinheit(self.session, self.uhr, self.e) as arbeit:
            self.ausfuehren(arbeit, feld_id, name, self.pid[person], begruendung=begruendung)
        self.je_art[name] += 1
        self.stelle[feld_id] += 1
        if self.stelle[feld_id] < len(PFAD):
            self.warteschlange.append(feld_id)
        else:
            self.warteschlange.extend(itertools.islice(self.vorrat, 1))

    def schritte(self, sekunden: float) -> tuple[int, float]:
        n, start = 0, time.perf_counter()
        while True:
            for _ in range(50):
                self.naechster()
            n += 50
            dauer = time.perf_counter() - start
            if dauer >= sekunden:
                self.gesamt += n
                return n, dauer

    def pruefen(self) -> None:
        from sqlalchemy import text

        zustaende = _zustaende_entlang()
        erwartet = {f: zustaende[i - 1] if i else "definiert" for f, i in self.stelle.items()}
        ids = ",".join(map(str, erwartet))
        with self.engine.connect() as v:
            ist = dict(v.execute(text(f"SELECT id, zustand FROM handlungsfeld WHERE id IN ({ids})")).all())
            protokoll = dict(v.execute(text(f"SELECT handlungsfeld_id, count(*) FROM schrittprotokoll "
                                            f"WHERE handlungsfeld_id IN ({ids}) GROUP BY handlungsfeld_id")).all())
        assert ist == erwartet, "Zustände weichen vom erwarteten Pfad ab"
        assert all(protokoll[f] == 1 + i for f, i in self.stelle.items()), "Protokoll nicht lückenlos"

    def schliessen(self) -> None:
        self.session.close()


class PsycopgLauf(_Lauf):
    """Die Grundlinie auf PostgreSQL: rohes psycopg, je Commit UPDATE (Versionsprüfung) + 2 INSERT."""

    def __init__(self, engine, e, uhr, feld_ids):
        import psycopg
        from sqlalchemy.engine import make_url

        super().__init__(engine, e, uhr, feld_ids)
        with engine.connect() as v:
            from sqlalchemy import text

            self.version = dict(v.execute(text("SELECT id, version FROM handlungsfeld WHERE id = ANY(:ids)"),
                                          {"ids": list(feld_ids)}).all())
        adresse = make_url(engine.url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.verbindung = psycopg.connect(adresse)

    def schritt(self, feld_id, name, person, begruendung, nach) -> None:
        from prozess.zeit import frist_nach_tagen
        from prozess.zyklus import FOLGEAUFGABEN

        jetzt = self.uhr.vorstellen(seconds=20)
        von = KREIS[self.stelle[feld_id] - 1][3]
        with self.verbindung.cursor() as c:
            c.execute("UPDATE handlungsfeld SET zustand = %s, zustand_seit = %s, version = version + 1 "
                      "WHERE id = %s AND version = %s", (nach, jetzt, feld_id, self.version[feld_id]))
            assert c.rowcount == 1, "Versionskonflikt in der Grundlinie"
            c.execute("INSERT INTO schrittprotokoll (handlungsfeld_id, schritt, von_zustand, nach_zustand, person_id, "
                      "zeitpunkt, begruendung, beschluss_id, prozess_version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                      (feld_id, name, von, nach, self.pid[person], jetzt, begruendung, None, 1))
            c.execute("INSERT INTO aufgabe (titel, beschreibung, handlungsfeld_id, massnahme_id, verantwortlich_id, "
                      "frist, status, anlass_zustand, angelegt_am, naechste_erinnerung_am) "
                      "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                      (FOLGEAUFGABEN[nach].titel.format(titel=f"Feld {feld_id}"), "", feld_id, None,
                       self.pid[AUFGABE_FUER[nach]], frist_nach_tagen(jetzt, 14, self.e.zeitzone), "offen", nach,
                       jetzt, jetzt + timedelta(days=7)))
        self.verbindung.commit()
        self.version[feld_id] += 1

    def pruefen(self, offene_aufgaben: bool = False) -> None:
        super().pruefen(offene_aufgaben)

    def schliessen(self) -> None:
        self.verbindung.close()


def rundreisen_je_art(engine, e, uhr) -> dict[str, int]:
    """Zwei eigene Felder den Pfad entlang; beim zweiten wird je Schritt gezählt (die Session ist warm)."""
    from _rundreisen import Rundreisen

    felder = list(felder_fuer_den_pfad(engine, 2))
    lauf = PfadLauf(engine, e, uhr, felder[:1])
    while lauf.warteschlange:
        lauf.naechster()
    lauf.warteschlange.append(felder[1])
    lauf.stelle[felder[1]] = 0
    hoechstens: dict[str, int] = {}
    while lauf.warteschlange:
        name = PFAD[lauf.stelle[felder[1]]][0]
        with Rundreisen(engine) as zaehler:
            lauf.naechster()
        hoechstens[name] = max(hoechstens.get(name, 0), zaehler.anzahl)
    lauf.schliessen()
    return hoechstens


def messen(name: str, url: str, tmp: Path, args, grundlinie) -> dict[str, list[float]]:
    from prozess.zeit import SimulierteUhr

    uhr = SimulierteUhr(START)
    engine, e = datenbank_url_anlegen(url, tmp)
    t = time.perf_counter()
    engine_felder = felder_fuer_den_pfad(engine, args.felder)
    basis_felder = felder_core(engine, 200)
    if engine.dialect.name == "postgresql":
        # Statistiken wie nach dem ANALYZE des Autovacuums, das ein Server im Betrieb nach dem Füllen
        # macht; der Testserver dieser Maschinen läuft ohne Autovacuum, und ohne Statistiken wählt
        # PostgreSQL für das Schließen der Aufgaben eines Feldes einen Index, der alle offenen liest.
        with engine.begin() as v:
            v.exec_driver_sql("ANALYZE")
    print(f"{name}: {zahl(args.felder)} Felder für den Pfad, 200 für die Grundlinie in {time.perf_counter() - t:.1f} s; "
          f"je Runde {args.sekunden:g} s je Messung", flush=True)
    ergebnis = {}
    if engine.dialect.name == "postgresql":
        ergebnis["rundreisen"] = rundreisen_je_art(engine, e, uhr)
    laeufe = {"Engine": PfadLauf(engine, e, uhr, engine_felder), "Grundlinie": grundlinie(engine, e, uhr, basis_felder)}
    raten = abwechselnd(laeufe, args.runden, args.sekunden)
    print("  Schritte je Art: " + ", ".join(f"{k} {v}" for k, v in sorted(laeufe["Engine"].je_art.items())))
    engine.dispose()
    ergebnis.update(raten)
    return ergebnis


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--felder", type=int, default=2000)
    parser.add_argument("--sekunden", type=float, default=1.0 if KURZ else 3.0)
    parser.add_argument("--runden", type=int, default=3)
    parser.add_argument("--nur", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.nur != "postgresql":
            r = messen("SQLite", f"sqlite:///{Path(tmp) / 'schritte.db'}", Path(tmp), args, CoreLauf)
            verhaeltnis = [a / b for a, b in zip(r["Engine"], r["Grundlinie"])]
            print(f"SQLite: Engine {spanne(r['Engine'], '{:.0f}')} Schritte/s, Core-Grundlinie "
                  f"{spanne(r['Grundlinie'], '{:.0f}')}; Verhältnis je Runde {spanne(verhaeltnis)} (min / Median / max)")
            status |= ziel(statistics.median(r["Engine"]) >= ZIEL_SQLITE,
                           "SQLite: Schritte/s, jede Schrittart", werte=r["Engine"],
                           vorgabe=f"≥ {zahl(ZIEL_SQLITE)} /s", einheit="/s")
        if args.nur != "sqlite":
            with PostgresSchema("schritte") as pg:
                if pg.url is None:
                    print(f"PostgreSQL nicht erreichbar ({pg.fehler})")
                    return ziel(False, "PostgreSQL: Schritte gegen psycopg", vorgabe=f"≥ {ZIEL_PG:.1f} ×") | 1
                r = messen("PostgreSQL", pg.url, Path(tmp), args, PsycopgLauf)
            verhaeltnis = [a / b for a, b in zip(r["Engine"], r["Grundlinie"])]
            print(f"PostgreSQL: Engine {spanne(r['Engine'], '{:.0f}')} Schritte/s, psycopg-Grundlinie "
                  f"{spanne(r['Grundlinie'], '{:.0f}')}; Verhältnis je Runde {spanne(verhaeltnis)} (min / Median / max)")
            print("PostgreSQL: Rundreisen je Schritt (höchstens, warme Session): "
                  + ", ".join(f"{k} {v}" for k, v in r["rundreisen"].items()))
            status |= ziel(statistics.median(verhaeltnis) >= ZIEL_PG,
                           "PostgreSQL: Schritte/s gegen rohes psycopg (UPDATE + 2 INSERT)", werte=verhaeltnis,
                           vorgabe=f"≥ {ZIEL_PG:.1f} ×".replace(".", ","), einheit="×")
            rundreisen = list(r["rundreisen"].values())
            status |= ziel(max(rundreisen) <= ZIEL_RUNDREISEN,
                           "PostgreSQL: Rundreisen der teuersten Schrittart (gezählt)",
                           werte=[max(rundreisen)], vorgabe=f"≤ {ZIEL_RUNDREISEN}")
    return status


if __name__ == "__main__":
    sys.exit(main())
