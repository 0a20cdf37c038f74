"""Gemeinsames der Messskripte: Datenbank anlegen, Felder füllen, Schritte messen.

Gemessen wird ein Schritt so, wie ihn ein Dienst auslöst: eine langlebige ORM-Sitzung,
``schritt_ausfuehren(feld_id, ...)`` je Schritt (Wächter, Protokoll, Aufgaben, Outbox,
Commit). Jedes Feld läuft reihum durch einen Kreis ohne Beschluss:

    definiert → daten_zusammenstellen → zur_pruefung_vorlegen → daten_nachfordern → definiert

Die Grundlinie ist dasselbe Schreiben in SQLAlchemy Core, je Schritt eine Transaktion:
``UPDATE handlungsfeld ... WHERE id = ? AND version = ?``, ``INSERT`` ins Schrittprotokoll
und ``INSERT`` einer Aufgabe, Commit. Die Grundlinie bekommt eigene Felder in derselben
Datei, damit die ORM-Sitzung nie eine fremde Version sieht.

Nach den Messungen prüft ``pruefen``, dass jedes Feld im erwarteten Zustand steht (bei der
Engine auch: genau eine offene Aufgabe je Feld); gezählt wird also nur, was wirklich geschrieben wurde.

Das Protokoll der Zusammenfassung (``make bench`` → ``bench/_sammeln.py``)
------------------------------------------------------------------------

Jedes Skript ``bench/NAME.py`` (ohne ``_`` vorn) ist eine Bench: ``make bench`` führt jedes als
eigenen Prozess aus, zeigt seine Ausgabe und sammelt seine *Zielzeilen* in eine Tabelle
»Ziel gegen Gemessen«; es endet ≠ 0, wenn ein Ziel verfehlt ist, ein Skript ≠ 0 endet oder
keine Zielzeile druckt. Eine Zielzeile ist eine Zeile auf stdout::

    #ZIEL {"name": "...", "ziel": "≥ 0,6 × Grundlinie", "werte": [0.71, 0.68, 0.74], "einheit": "×",
           "erfuellt": true}

``werte`` sind die Messungen der (mindestens drei) Runden oder Läufe; die Tabelle zeigt min und
Median. Ein Skript schreibt sie mit ``ziel(erreicht, text, werte=..., vorgabe=..., einheit=...)``
(ohne ``werte`` nur erfüllt/verfehlt) und gibt dessen Ergebnis (0 oder 1) als Exit-Code weiter;
eine Zahl ohne festes Ziel meldet ``kennzahl(text, werte, einheit)``.
Ein neues Skript hängt sich also ein, indem es in ``bench/`` liegt und ``ziel`` ruft; ein Skript,
das nur Daten baut, steht in ``NUR_DATEN`` von ``bench/_sammeln.py``.
``BENCH_KURZ=1`` bitten Skripte, die es kennen, um kleinere Runden (zum Ausprobieren; die
Zusammenfassung vermerkt es); ohne misst jedes Skript mit seinen ehrlichen Vorgaben.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

ORGANISATION = WURZEL / "organisationen" / "landkreis-cloppenburg.toml"
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2027, 1, 11, 9, 0, tzinfo=BERLIN)

MANAGEMENT = "anna.meyer@lkclp.example"
MONITORING = "joerg.toebben@lkclp.example"
SG_MITGLIED = "bernd.wuebbolding@lkclp.example"

# Der Kreis: (Schritt, Person, Begründung, Zustand danach)
KREIS = (
    ("daten_zusammenstellen", MONITORING, "", "daten_zusammengestellt"),
    ("zur_pruefung_vorlegen", MANAGEMENT, "", "steuerungspruefung"),
    ("daten_nachfordern", SG_MITGLIED, "Bitte nach Schulform aufschlüsseln.", "definiert"),
)
# Wer die Folgeaufgabe im Zustand danach bekommt (für die Grundlinie).
AUFGABE_FUER = {"daten_zusammengestellt": MANAGEMENT, "steuerungspruefung": "hiltrud.schraeder@lkclp.example",
                "definiert": MONITORING}


ZIELZEILE = "#ZIEL "
KURZ = bool(os.environ.get("BENCH_KURZ"))


def ziel(erreicht: bool, text: str, *, werte: list[float] | None = None, vorgabe: str = "",
         einheit: str = "") -> int:
    """Druckt das Ergebnis eines Ziels für Menschen und als Zielzeile (siehe Modulkopf); gibt 0 oder 1."""
    print(f"{text}: {'Ziel erreicht' if erreicht else 'ZIEL VERFEHLT'}")
    zeile = {"name": text, "ziel": vorgabe, "werte": [float(w) for w in (werte or [])], "einheit": einheit,
             "erfuellt": bool(erreicht), "kurz": KURZ}
    print(ZIELZEILE + json.dumps(zeile, ensure_ascii=False), flush=True)
    return 0 if erreicht else 1


def kennzahl(text: str, werte: list[float], einheit: str = "") -> int:
    """Eine Zahl ohne festes Ziel (gehört in den Bericht): eine Zeile der Tabelle, die nie verfehlt."""
    zeile = {"name": text, "ziel": "– (Kennzahl)", "werte": [float(w) for w in werte], "einheit": einheit,
             "erfuellt": True, "kennzahl": True, "kurz": KURZ}
    print(ZIELZEILE + json.dumps(zeile, ensure_ascii=False), flush=True)
    return 0


def zahl(x: float) -> str:
    """Deutsche Tausenderpunkte: 12.345."""
    return f"{x:,.0f}".replace(",", ".")


def datenbank_anlegen(pfad: Path):
    """Migrierte SQLite-Datei (WAL) mit der Organisation Cloppenburg; gibt (engine, einstellungen)."""
    return datenbank_url_anlegen(f"sqlite:///{pfad}", pfad.parent)


def datenbank_url_anlegen(url: str, arbeitsverzeichnis: Path):
    """Migriert die (leere) Datenbank hinter ``url`` und lädt die Organisation; gibt (engine, einstellungen)."""
    from modelle.datenbank import engine_erstellen, migrieren, orm_session
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden
    from prozess.zeit import systemzeit

    e = laden(umgebung={}, arbeitsverzeichnis=arbeitsverzeichnis).mit(datenbank_url=url)
    engine = engine_erstellen(url)
    migrieren(engine)
    with orm_session(engine) as db, arbeitseinheit(db, systemzeit, e) as arbeit:
        organisation_laden(arbeit, datei_lesen(ORGANISATION))
    return engine, e


PG_URL = os.environ.get("BILDUNGSBUERO_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class PostgresSchema:
    """Ein frisches Schema auf dem PostgreSQL-Server der Benches (``BILDUNGSBUERO_BENCH_PG_URL``),
    am Ende gelöscht. ``url`` zeigt mit ``search_path`` hinein; ``None``, wenn der Server fehlt."""

    def __init__(self, name: str):
        self.schema = f"bench_{name}_{os.getpid()}"
        self.url = None
        self.fehler = ""

    def __enter__(self) -> "PostgresSchema":
        from urllib.parse import quote

        import sqlalchemy

        self.verwaltung = sqlalchemy.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with self.verwaltung.connect() as v:
                v.exec_driver_sql(f"CREATE SCHEMA {self.schema}")
        except sqlalchemy.exc.OperationalError as fehler:
            self.fehler = str(fehler).splitlines()[0]
            return self
        trenner = "&" if "?" in PG_URL else "?"
        self.url = f"{PG_URL}{trenner}options={quote(f'-csearch_path={self.schema}')}"
        return self

    def __exit__(self, *_) -> None:
        if self.url is not None:
            with self.verwaltung.connect() as v:
                v.exec_driver_sql(f"DROP SCHEMA {self.schema} CASCADE")
        self.verwaltung.dispose()


def personen(engine) -> dict[str, int]:
    from modelle.datenbank import orm_session
    from prozess.rollen import person_per_email

    with orm_session(engine) as s:
        return {m: person_per_email(s, m).id for m in {MANAGEMENT, MONITORING, SG_MITGLIED, *AUFGABE_FUER.values()}}


def felder_orm(engine, e, uhr, anzahl: int, name: str = "Feld") -> list[int]:
    """Legt ``anzahl`` Felder über die Bibliothek an, jedes mit einer Datengrundlage."""
    from modelle.datenbank import orm_session
    from prozess.arbeit import arbeitseinheit
    from prozess.handlungsfelder import datengrundlage_anlegen, handlungsfeld_anlegen

    ids = []
    with orm_session(engine) as db:
        anna = personen(engine)[MANAGEMENT]
        for i in range(anzahl):
            uhr.vorstellen(seconds=1)
            with arbeitseinheit(db, uhr, e) as arbeit:
                feld = handlungsfeld_anlegen(arbeit, f"{name} {i}", anna)
                datengrundlage_anlegen(arbeit, feld.id, "Fehlzeitenquote 2025/26", "Schulamt")
            ids.append(feld.id)
    return ids


def felder_core(engine, anzahl: int, stapel: int = 20_000) -> range:
    """Füllt ``anzahl`` Felder in großen Stapeln mit Core, so wie ``handlungsfeld_anlegen`` sie
    hinterließe: Feld (definiert), Datengrundlage, Protokoll »anlegen«, offene Aufgabe, Outbox-Zeile.
    Gibt die Ids der neuen Felder zurück."""
    from sqlalchemy import func, insert, select

    from modelle.tabellen import Aufgabe, Datengrundlage, Handlungsfeld, Outbox, Schrittprotokoll

    p = personen(engine)
    anna, joerg = p[MANAGEMENT], p[MONITORING]
    jetzt = START.astimezone(timezone.utc)
    frist = (START + timedelta(days=21)).date()
    with engine.begin() as v:
        erste = (v.execute(select(func.max(Handlungsfeld.id))).scalar() or 0) + 1
        erste_aufgabe = (v.execute(select(func.max(Aufgabe.id))).scalar() or 0) + 1
        for anfang in range(0, anzahl, stapel):
            ids = range(erste + anfang, erste + min(anzahl, anfang + stapel))
            v.execute(insert(Handlungsfeld), [
                dict(id=i, titel=f"Feld {i}", beschreibung="", zustand="definiert", zustand_seit=jetzt, version=1,
                     prozess_version=1, runde=1, zurueckgestellt_aus=None, angelegt_am=jetzt) for i in ids])
            v.execute(insert(Datengrundlage), [
                dict(handlungsfeld_id=i, titel="Fehlzeitenquote 2025/26", quelle="Schulamt", angelegt_am=jetzt)
                for i in ids])
            v.execute(insert(Schrittprotokoll), [
                dict(handlungsfeld_id=i, schritt="anlegen", von_zustand=None, nach_zustand="definiert",
                     person_id=anna, zeitpunkt=jetzt, begruendung="", beschluss_id=None, prozess_version=1)
                for i in ids])
            v.execute(insert(Aufgabe), [
                dict(id=erste_aufgabe + (i - erste), titel=f"Daten zum Handlungsfeld »Feld {i}« zusammenstellen",
                     beschreibung="", handlungsfeld_id=i, verantwortlich_id=joerg, frist=frist, status="offen",
                     anlass_zustand="definiert", angelegt_am=jetzt,
                     naechste_erinnerung_am=jetzt + timedelta(days=14 + i % 7)) for i in ids])
            v.execute(insert(Outbox), [
                dict(schluessel=f"aufgabe_zugewiesen:{joerg}:aufgabe{erste_aufgabe + (i - erste)}:{frist}",
                     anlass="aufgabe_zugewiesen", vorlage="aufgabe_zugewiesen", kontext={"feld": i},
                     person_id=joerg, empfaenger_email=MONITORING, empfaenger_name="Jörg Többen",
                     aufgabe_id=erste_aufgabe + (i - erste), message_id=f"<f{i}@lkclp.example>",
                     status="gesendet", versuche=1, naechster_versuch=jetzt, erstellt_am=jetzt) for i in ids])
        folgen_nachziehen(v, "handlungsfeld", "aufgabe")
    return range(erste, erste + anzahl)


def folgen_nachziehen(verbindung, *tabellen: str) -> None:
    """PostgreSQL: nach Zeilen mit vorgegebenen Ids die Folge (SERIAL) der Tabelle auf das Maximum setzen,
    sonst vergibt sie Nummern, die es schon gibt. SQLite: nichts zu tun."""
    from sqlalchemy import text

    if verbindung.dialect.name != "postgresql":
        return
    for t in tabellen:
        verbindung.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"))


class _Lauf:
    """Reihum über ``feld_ids``; jedes Feld merkt seine Stelle im Kreis."""

    def __init__(self, engine, e, uhr, feld_ids):
        self.engine, self.e, self.uhr = engine, e, uhr
        self.pid = personen(engine)
        self.stelle = dict.fromkeys(feld_ids, 0)
        self.reihum = itertools.cycle(feld_ids)
        self.gesamt = 0

    def schritte(self, sekunden: float) -> tuple[int, float]:
        """Löst Schritte aus, bis ``sekunden`` vergangen sind (geprüft alle 50); gibt (Anzahl, Dauer)."""
        n, start = 0, time.perf_counter()
        while True:
            for feld_id in itertools.islice(self.reihum, 50):
                self.schritt(feld_id, *KREIS[self.stelle[feld_id]])
                self.stelle[feld_id] = (self.stelle[feld_id] + 1) % len(KREIS)
            n += 50
            dauer = time.perf_counter() - start
            if dauer >= sekunden:
                self.gesamt += n
                return n, dauer

    def pruefen(self, offene_aufgaben: bool) -> None:
        """Stehen alle Felder da, wo der Kreis sie erwartet (und hat jedes genau eine offene Aufgabe)?"""
        from sqlalchemy import text

        erwartet = {f: KREIS[i - 1][3] for f, i in self.stelle.items()}
        ids = ",".join(map(str, erwartet))
        with self.engine.connect() as v:
            ist = dict(v.execute(text(f"SELECT id, zustand FROM handlungsfeld WHERE id IN ({ids})")).all())
            offen = dict(v.execute(text(f"SELECT handlungsfeld_id, count(*) FROM aufgabe WHERE status = 'offen' "
                                        f"AND handlungsfeld_id IN ({ids}) GROUP BY handlungsfeld_id")).all())
        assert ist == erwartet, "Zustände weichen vom erwarteten Kreis ab"
        if offene_aufgaben:
            assert set(offen.values()) == {1} and len(offen) == len(erwartet), "nicht genau eine offene Aufgabe je Feld"

    def schliessen(self) -> None:
        pass


class EngineLauf(_Lauf):
    """Die Engine: ``schritt_ausfuehren`` je Schritt, in einer langlebigen Session wie ein Dienst."""

    def __init__(self, engine, e, uhr, feld_ids):
        from modelle.datenbank import orm_session
        from prozess.arbeit import arbeitseinheit
        from prozess.schritte import schritt_ausfuehren

        super().__init__(engine, e, uhr, feld_ids)
        self.session = orm_session(engine)
        self.arbeitseinheit = arbeitseinheit
        self.ausfuehren = schritt_ausfuehren

    def schritt(self, feld_id, name, person, begruendung, _nach) -> None:
        self.uhr.vorstellen(seconds=20)
        with self.arbeitseinheit(self.session, self.uhr, self.e) as arbeit:  # je Schritt eine Arbeit, wie die CLI
            self.ausfuehren(arbeit, feld_id, name, self.pid[person], begruendung=begruendung)

    def pruefen(self, offene_aufgaben: bool = True) -> None:
        super().pruefen(offene_aufgaben)

    def schliessen(self) -> None:
        self.session.close()


class CoreLauf(_Lauf):
    """Die Grundlinie: dieselben Zeilen mit Core, je Schritt eine Transaktion (UPDATE + 2 INSERT)."""

    def __init__(self, engine, e, uhr, feld_ids):
        from sqlalchemy import bindparam, insert, select, update

        from modelle.tabellen import Aufgabe, Handlungsfeld, Schrittprotokoll

        super().__init__(engine, e, uhr, feld_ids)
        t = Handlungsfeld.__table__
        with engine.connect() as v:
            self.version = dict(v.execute(select(t.c.id, t.c.version).where(t.c.id.in_(list(feld_ids)))).all())
        self.aendern = (update(t).where(t.c.id == bindparam("fid"), t.c.version == bindparam("alt"))
                        .values(zustand=bindparam("neu"), zustand_seit=bindparam("jetzt", type_=t.c.zustand_seit.type),
                                version=t.c.version + 1))
        self.protokoll = insert(Schrittprotokoll.__table__)
        self.aufgabe = insert(Aufgabe.__table__)
        self.verbindung = engine.connect()

    def schritt(self, feld_id, name, person, begruendung, nach) -> None:
        from prozess.zeit import frist_nach_tagen
        from prozess.zyklus import FOLGEAUFGABEN

        v, jetzt = self.verbindung, self.uhr.vorstellen(seconds=20)
        von = KREIS[self.stelle[feld_id] - 1][3]
        with v.begin():
            r = v.execute(self.aendern, dict(fid=feld_id, alt=self.version[feld_id], neu=nach, jetzt=jetzt))
            assert r.rowcount == 1, "Versionskonflikt in der Grundlinie"
            v.execute(self.protokoll, dict(
                handlungsfeld_id=feld_id, schritt=name, von_zustand=von, nach_zustand=nach,
                person_id=self.pid[person], zeitpunkt=jetzt, begruendung=begruendung, beschluss_id=None,
                prozess_version=1))
            v.execute(self.aufgabe, dict(
                titel=FOLGEAUFGABEN[nach].titel.format(titel=f"Feld {feld_id}"), beschreibung="",
                handlungsfeld_id=feld_id, massnahme_id=None, verantwortlich_id=self.pid[AUFGABE_FUER[nach]],
                frist=frist_nach_tagen(jetzt, 14, self.e.zeitzone), status="offen", anlass_zustand=nach,
                angelegt_am=jetzt, erledigt_am=None, naechste_erinnerung_am=jetzt + timedelta(days=7),
                letzte_erinnerung=None, letzte_erinnerung_am=None, eskaliert_fuer_frist=None))
        self.version[feld_id] += 1

    def pruefen(self, offene_aufgaben: bool = False) -> None:
        super().pruefen(offene_aufgaben)  # die Grundlinie schließt alte Aufgaben nicht

    def schliessen(self) -> None:
        self.verbindung.close()


def abwechselnd(laeufe: dict, runden: int, sekunden: float, aufwaermen: float = 1.0) -> dict[str, list[float]]:
    """Misst die Läufe abwechselnd (``runden`` mal je ``sekunden``) nach einer ungezählten
    Aufwärmrunde je Lauf; prüft danach die Daten. Gibt die Schritte/s je Lauf und Runde.

    Die Reihenfolge kehrt sich von Runde zu Runde um (A B, B A, A B …): keiner hat immer den
    ersten Platz nach der Pause oder den letzten, an dem die Datei am größten ist.
    """
    for lauf in laeufe.values():
        lauf.schritte(aufwaermen)
    raten: dict[str, list[float]] = {name: [] for name in laeufe}
    namen = list(laeufe)
    for runde in range(1, runden + 1):
        teile = []
        for name in (namen if runde % 2 else namen[::-1]):
            n, dauer = laeufe[name].schritte(sekunden)
            raten[name].append(n / dauer)
            teile.append(f"{name} {zahl(n / dauer):>6} Schritte/s ({n} in {dauer:.1f} s)")
        print(f"  Runde {runde}: " + "; ".join(teile), flush=True)
    for lauf in laeufe.values():
        lauf.pruefen()
        lauf.schliessen()
    for name, werte in raten.items():
        print(f"  {name}: min / Median / max {spanne(werte, '{:.0f}')} Schritte/s")
    return raten


def median(werte: list[float]) -> float:
    return statistics.median(werte)


def spanne(werte: list[float], format: str = "{:.2f}") -> str:
    """»min / Median / max« einer Messreihe."""
    return " / ".join(format.format(x) for x in (min(werte), statistics.median(werte), max(werte)))


def paarweise(subjekte: dict, grundlinie, runden: int) -> dict[str, list[tuple]]:
    """Misst jedes Subjekt ``runden`` mal im Paar mit der Grundlinie: (Subjekt, Grundlinie) je Paar.

    Subjekte und Grundlinie sind Funktionen ohne Argumente, die eine Messung geben (etwa eine Dauer
    in Sekunden); die Paare enthalten, was sie geben. In
    geraden Runden läuft im Paar erst das Subjekt, in ungeraden erst die Grundlinie; die Reihenfolge
    der Subjekte rotiert von Runde zu Runde. So trifft eine Störung beide Seiten eines Paares, und
    keine Seite hat immer den warmen oder den kalten Platz.
    """
    namen = list(subjekte)
    paare: dict[str, list[tuple[float, float]]] = {name: [] for name in namen}
    for runde in range(runden):
        for name in namen[runde % len(namen):] + namen[:runde % len(namen)]:
            if runde % 2 == 0:
                s = subjekte[name]()
                g = grundlinie()
            else:
                g = grundlinie()
                s = subjekte[name]()
            paare[name].append((s, g))
    return paare
