"""Der Standard-Datensatz der Messungen: ein großer Landkreis, einmal gebaut, für alle Benches.

``standard_datensatz(url)`` legt im vollen Maßstab (``massstab=1``) an:

- 1.000 Handlungsfelder, verteilt über jeden Zustand aus ``prozess.zyklus.ZUSTAENDE``. Jedes hat
  ein lückenloses Schrittprotokoll, das die Zustandsmaschine des Zyklus (``MASCHINE``) selbst
  durchlaufen hat: neue Runden, Rückfragen der Steuerungsgruppe, Pausen, zurückgestellte Felder
  mit ``zurueckgestellt_aus``. Schritte der Steuerungsgruppe fallen in eine ihrer Sitzungen;
  ein Maßnahmenbeschluss stützt sich auf einen Beschluss dieser Sitzung.
- 20.000 Aufgaben, offen und erledigt: die Folgeaufgabe jedes betretenen Zustands (erledigt oder
  hinfällig, wie der Schritt es will), je beschlossene Maßnahme eine, dazu von Hand angelegte an
  Partner. Fristen und Erinnerungen folgen den Standardwerten der Einstellungen; offene Aufgaben
  haben die nächste Erinnerung geplant (``prozess.erinnerungen.naechster_zeitpunkt``), viele sind
  überfällig, manche eskaliert; die eines zurückgestellten Feldes ruhen.
- 5.000 Maßnahmen unter Zielbäumen (strategisches Ziel → 2 Mittlerziele → je 2 Arbeitspakete).
- 200 Sitzungen der Gremien mit Rhythmus, vergangene und kommende; jede eingeladene hat ihre
  Tagesordnung (gebaut nach ``prozess.zyklus.TAGESORDNUNG`` aus dem Stand der Felder zum
  Einladungszeitpunkt); vor jeder des Schulausschusses ein Statusbericht.
- Eine Outbox mit 1.000.000 gesendeten Zeilen: die Mails, die zu diesen Aufgaben (Auftrag,
  Erinnerungen, Eskalationen), Einladungen, Absagen und Berichten gehören, aufgefüllt mit
  weiteren Erinnerungen zu denselben Aufgaben aus fünf Jahren; dazu ein paar wartende,
  vorübergehend und dauerhaft gescheiterte und verworfene.

Personen und Rollen kommen aus ``organisationen/landkreis-cloppenburg.toml``, geladen über die
Bibliothek (``prozess.organisation``); dazu Partner ohne Rolle (Schulleitungen, Kitas, Träger),
die Maßnahmen und Aufgaben bekommen. Alles Übrige schreibt SQLAlchemy Core in großen Stapeln,
die Outbox der Treiber selbst (SQLite: ``executemany``, PostgreSQL: ``COPY``), damit eine Million
Zeilen in Sekunden statt Minuten entsteht. Gleicher Maßstab und gleiches ``jetzt`` ergeben
dieselben Daten (fester Zufallsstartwert).

``jetzt`` ist ohne Angabe der Montag dieser Woche, 0 Uhr in Berlin: die Befehlszeile läuft mit
der Systemuhr, und so liegt der Datensatz für sie eine Woche lang kurz vor »heute«.

SQLite: gebaut wird einmal in einen Zwischenspeicher (``$XDG_CACHE_HOME/bildungsbuero-bench``),
unter einem Schlüssel aus dem Inhalt dieses Moduls, des Zyklus, der Einstellungen, der
Erinnerungsregeln, der Tabellen, der Migrationen und der Organisationsdatei sowie Maßstab und
``jetzt``; jeder Aufruf kopiert die fertige Datei
an ihr Ziel. PostgreSQL: gebaut wird direkt in die Datenbank der URL. In beiden Fällen muss das
Ziel leer sein (migriert oder ganz leer); eine Datenbank mit Handlungsfeldern bleibt unberührt.

    .venv/bin/python bench/datensatz.py [--massstab 0.1] [ZIEL.db]
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import os
import random
import shutil
import sqlite3
import sys
from collections import deque
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

WURZEL = Path(__file__).resolve().parent.parent
if str(WURZEL) not in sys.path:
    sys.path.insert(0, str(WURZEL))

ORGANISATION = WURZEL / "organisationen" / "landkreis-cloppenburg.toml"
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
ZUFALL_STARTWERT = 20270111
DOMAIN = "lkclp.example"

# Wie viele Felder am Ende in welchem Zustand stehen (Anteile; jeder Zustand kommt vor).
ANTEIL_ZUSTAND = {
    "definiert": 0.14, "daten_zusammengestellt": 0.10, "steuerungspruefung": 0.14, "massnahmen_beschlossen": 0.24,
    "berichterstattung": 0.12, "zurueckgestellt": 0.08, "abgeschlossen": 0.18,
}
# Wie lange ein Feld schon im Endzustand steht (Tage, von–bis): so werden manche Fristen überfällig.
VERWEILEN_TAGE = {
    "definiert": (1, 80), "daten_zusammengestellt": (1, 35), "steuerungspruefung": (3, 150),
    "massnahmen_beschlossen": (20, 330), "berichterstattung": (1, 110), "zurueckgestellt": (10, 400),
    "abgeschlossen": (5, 900),
}
# Tage bis zum nächsten Schritt (von–bis); Schritte der Steuerungsgruppe warten auf ihre Sitzung.
DAUER_TAGE = {
    "daten_zusammenstellen": (7, 50), "zur_pruefung_vorlegen": (2, 20), "bericht_erstatten": (90, 250),
    "abschliessen": (10, 70), "neue_runde_beginnen": (10, 70), "zurueckstellen": (5, 60),
    "wiederaufnehmen": (30, 200),
}
DAUER_SONST = (7, 30)
# Die Arten der früheren Erinnerungen, reihum (9 : 3 : 5 : 2).
ARTEN_FRUEHER = ("erinnerung",) * 9 + ("heute_faellig",) * 3 + ("ueberfaellig",) * 5 + ("frist_geaendert",) * 2
ANTEIL_SITZUNGEN = {"steuerungsgruppe": 0.5, "schulausschuss": 0.25, "bildungsbeirat": 0.2, "bildungskonferenz": 0.05}
JAHRE_ZURUECK = 6
WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

THEMEN = (
    "Schulabsentismus", "Übergang Kita–Grundschule", "Sprachförderung", "Berufsorientierung", "Ganztag",
    "Inklusion", "Digitale Bildung", "MINT-Förderung", "Integration Neuzugewanderter", "Lesekompetenz",
    "Elternarbeit", "Schulsozialarbeit", "Ausbildungsabbrüche", "Fachkräftesicherung Pflege",
    "Grundbildung Erwachsener", "Gesundheitsbildung", "Demokratiebildung", "Frühe Bildung",
    "Übergang Schule–Beruf", "Bildungsberatung",
)
ZIELGRUPPEN = ("Kita", "Grundschule", "Sekundarstufe I", "Berufsbildende Schulen")
GEMEINDEN = ("Cloppenburg", "Friesoythe", "Löningen", "Barßel", "Bösel", "Cappeln", "Emstek", "Essen (Oldb.)",
             "Garrel", "Lastrup", "Lindern", "Molbergen", "Saterland")
VORNAMEN = ("Anke", "Bernd", "Christa", "Dirk", "Elke", "Frank", "Gerda", "Heiko", "Ingrid", "Jens", "Karin",
            "Ludger", "Monika", "Norbert", "Petra", "Rainer", "Sandra", "Thomas", "Ulrike", "Werner")
NACHNAMEN = ("Többen", "Brinkmann", "Rolfes", "Stukenborg", "Tapken", "Thole", "Wilke", "Bruns", "Hackmann",
             "Niemöller", "Kathmann", "Lübbers", "Meyer", "Schröder", "Kösters", "Bünger", "Wienken", "Evers")
PARTNER = ("Grundschule", "Oberschule", "Gymnasium", "BBS", "Kita", "Familienzentrum", "Volkshochschule",
           "Jobcenter", "Agentur für Arbeit", "Kreishandwerkerschaft", "Jugendhilfeträger")
MASSNAHMEN = (
    "Fehlzeiten-Ampel einführen", "Elternabende zur Schulpflicht", "Fortbildung für Lehrkräfte",
    "Sprachförderkräfte in Kitas", "Berufsorientierungsmesse", "Mentoring-Programm", "Fachtag ausrichten",
    "Praxisleitfaden erstellen", "Beratungsstelle einrichten", "Lesepatenschaften", "Übergangsgespräche",
    "Digitale Lernplattform", "Ferienschule", "Netzwerktreffen", "Datenbericht veröffentlichen",
)
HANDAUFGABEN = (
    "Schulstatistik zuliefern", "Stellungnahme zum Entwurf abgeben", "Ansprechperson benennen",
    "Teilnehmendenzahlen melden", "Raum für den Fachtag reservieren", "Protokoll abstimmen",
    "Kostenschätzung vorlegen", "Kooperationsvereinbarung prüfen", "Rückmeldung zum Zwischenbericht",
    "Fördermittelantrag vorbereiten",
)
INDIKATOREN = ("Fehlzeitenquote", "Übergangsquote", "Sprachstand bei der Einschulung", "Abbruchquote",
               "Betreuungsquote", "Anteil ohne Abschluss")
QUELLEN = ("Schulamt", "Landesamt für Statistik Niedersachsen", "Jobcenter", "Agentur für Arbeit",
           "Gesundheitsamt (Schuleingangsuntersuchung)")
BEGRUENDUNGEN = {
    "daten_nachfordern": ("Bitte nach Schulform aufschlüsseln.", "Es fehlen die Zahlen des Vorjahres.",
                          "Bitte die Gemeinden einzeln ausweisen."),
    "zurueckstellen": ("Haushaltssperre; Wiederaufnahme nach dem Haushaltsbeschluss.",
                       "Personal im Bildungsbüro fehlt bis zur Nachbesetzung.",
                       "Landesprogramm abwarten."),
}


@dataclass(frozen=True)
class Umfang:
    """Wie viel der Datensatz enthält (Zeilen); ``zum_massstab(1)`` sind die Zahlen des Auftrags."""

    felder: int
    aufgaben: int
    massnahmen: int
    sitzungen: int
    gesendet: int
    partner: int
    wartend: int
    voruebergehend: int
    dauerhaft: int
    verworfen: int

    @classmethod
    def zum_massstab(cls, massstab: float) -> "Umfang":
        """Alles skaliert mit den Feldern; kleinste Werte, damit jeder Zustand und jedes Gremium vorkommt."""
        if massstab <= 0:
            raise ValueError(f"Der Maßstab muss größer als 0 sein, nicht {massstab}.")
        felder = max(35, round(1000 * massstab))
        m = felder / 1000
        return cls(felder=felder, aufgaben=20 * felder, massnahmen=5 * felder,
                   sitzungen=max(24, round(200 * m)), gesendet=1000 * felder, partner=max(20, round(400 * m)),
                   wartend=max(3, round(25 * m)), voruebergehend=max(2, round(8 * m)),
                   dauerhaft=max(2, round(4 * m)), verworfen=max(2, round(10 * m)))


@dataclass(frozen=True)
class Datensatz:
    """Ein gebauter Datensatz: wo er liegt, zu welchem ``jetzt``, wie groß, ob aus dem Zwischenspeicher."""

    url: str
    jetzt: datetime
    umfang: Umfang
    aus_zwischenspeicher: bool = False
    bauzeit_s: float = 0.0


class ZielNichtLeer(Exception):
    """Die Zieldatenbank enthält schon Handlungsfelder, Sitzungen oder Mails."""


def wochenbeginn(jetzt: datetime | None = None) -> datetime:
    """Montag der Woche von ``jetzt`` (Standard: der echten Zeit), 0 Uhr in Berlin."""
    lokal = (jetzt or datetime.now(UTC)).astimezone(BERLIN)
    montag = lokal.date() - timedelta(days=lokal.weekday())
    return datetime.combine(montag, time(0), BERLIN)


def bereitstellen(url: str, massstab: float = 1.0) -> "Datensatz":
    """``standard_datensatz`` für ein Bench-Skript: baut oder kopiert ihn und sagt, was es war und wie lange es dauerte."""
    import time

    start = time.perf_counter()
    d = standard_datensatz(url, massstab=massstab)
    herkunft = "aus dem Zwischenspeicher kopiert" if d.aus_zwischenspeicher else f"gebaut in {d.bauzeit_s:.1f} s"
    print(f"Standard-Datensatz ({d.umfang.felder} Felder, {d.umfang.aufgaben} Aufgaben, {d.umfang.gesendet} "
          f"gesendete Mails): {herkunft}, bereit nach {time.perf_counter() - start:.1f} s", flush=True)
    return d


def standard_datensatz(url: str, *, massstab: float = 1.0, jetzt: datetime | None = None,
                       zwischenspeicher: Path | None = None) -> Datensatz:
    """Baut den Standard-Datensatz in die (leere) Datenbank ``url``.

    SQLite: aus dem Zwischenspeicher kopiert, beim ersten Mal dort gebaut. PostgreSQL: direkt
    gebaut. Wirft ``ZielNichtLeer``, wenn das Ziel schon Daten hat; es bleibt dann unverändert.
    """
    from sqlalchemy.engine import make_url

    umfang = Umfang.zum_massstab(massstab)
    jetzt = (jetzt or wochenbeginn()).astimezone(UTC)
    adresse = make_url(url)
    if adresse.get_backend_name() != "sqlite":
        start = perf_counter()
        aufbauen(url, umfang, jetzt)
        return Datensatz(url, jetzt, umfang, False, perf_counter() - start)
    ziel = Path(adresse.database)
    _sqlite_ziel_pruefen(ziel)
    vorlage, gebaut_in = _vorlage(umfang, jetzt, zwischenspeicher or _standard_zwischenspeicher())
    for rest in (ziel, ziel.with_name(ziel.name + "-wal"), ziel.with_name(ziel.name + "-shm")):
        rest.unlink(missing_ok=True)
    shutil.copyfile(vorlage, ziel)
    return Datensatz(url, jetzt, umfang, gebaut_in is None, gebaut_in or 0.0)


def aufbauen(url: str, umfang: Umfang, jetzt: datetime) -> None:
    """Migriert ``url``, lädt die Organisation und schreibt den ganzen Datensatz (eine Transaktion)."""
    from sqlmodel import Session

    from modelle.datenbank import engine_erstellen, migrieren
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden

    # Die Standardwerte (hier liegt keine bildungsbuero.toml): Fristen, Erinnerungen, Ladungsvorlauf.
    einstellungen = laden(umgebung={}, arbeitsverzeichnis=Path(__file__).parent)
    engine = engine_erstellen(url)
    try:
        migrieren(engine)
        _leer_pruefen(engine)
        with Session(engine) as db, arbeitseinheit(db, lambda: jetzt, einstellungen) as arbeit:
            organisation_laden(arbeit, datei_lesen(ORGANISATION))
        with Session(engine) as db:
            bau = _Bau(umfang, jetzt, einstellungen, _Organisation.lesen(db))
        bau.erzeugen()
        with engine.connect() as verbindung:
            sqlite = verbindung.dialect.name == "sqlite"
            if sqlite:
                # Gebaut wird in eine eigene Datei, die bei einem Fehler verworfen wird: ohne Journal
                # schreibt SQLite jede Seite einmal (WAL: zweimal), ohne fsync wartet es nicht auf die
                # Platte, und ein großer Seiten-Cache hält die Indizes der Outbox im Speicher.
                for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000"):
                    verbindung.exec_driver_sql(f"PRAGMA {pragma}").close()
                verbindung.commit()
            with verbindung.begin():
                bau.schreiben(verbindung)
            if not sqlite:
                _sequenzen_nachziehen(verbindung)
                verbindung.commit()
                # Statistiken wie nach dem ersten Lauf von autovacuum, damit Pläne nicht vom Zufall abhängen.
                verbindung.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    if sqlite:
        # Wieder WAL wie jede Datei der Engine, und alles in der Hauptdatei: sie wird kopiert.
        with closing(sqlite3.connect(engine.url.database)) as roh:
            roh.execute("PRAGMA journal_mode=WAL")
            roh.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- Zwischenspeicher (nur SQLite) -----------------------------------------------------------


def _standard_zwischenspeicher() -> Path:
    basis = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return basis / "bildungsbuero-bench"


def _schluessel(umfang: Umfang, jetzt: datetime) -> str:
    """Inhalt von allem, was den Datensatz bestimmt: ändert sich etwas davon, wird neu gebaut."""
    h = hashlib.sha256()
    dateien = [Path(__file__), ORGANISATION, WURZEL / "modelle" / "tabellen.py"]
    dateien += [WURZEL / "prozess" / f"{modul}.py" for modul in ("zyklus", "einstellungen", "erinnerungen")]
    dateien += sorted((WURZEL / "modelle" / "migrationen" / "versions").glob("*.py"))
    for datei in dateien:
        h.update(datei.name.encode() + b"\0" + datei.read_bytes() + b"\0")
    h.update(repr((umfang, jetzt.isoformat())).encode())
    return h.hexdigest()[:20]


def _vorlage(umfang: Umfang, jetzt: datetime, verzeichnis: Path) -> tuple[Path, float | None]:
    """Die fertige Datei im Zwischenspeicher; gibt (Pfad, Bauzeit oder None, wenn schon da)."""
    verzeichnis.mkdir(parents=True, exist_ok=True)
    vorlage = verzeichnis / f"datensatz-{_schluessel(umfang, jetzt)}.db"
    if vorlage.exists():
        return vorlage, None
    _alte_entfernen(verzeichnis, vorlage)
    im_bau = verzeichnis / f"{vorlage.stem}.bau-{os.getpid()}.db"
    start = perf_counter()
    try:
        aufbauen(f"sqlite:///{im_bau}", umfang, jetzt)
        os.replace(im_bau, vorlage)  # atomar: ein gleichzeitiger Bau findet nie eine halbe Datei
    finally:
        for rest in (im_bau, im_bau.with_name(im_bau.name + "-wal"), im_bau.with_name(im_bau.name + "-shm")):
            rest.unlink(missing_ok=True)
    return vorlage, perf_counter() - start


def _alte_entfernen(verzeichnis: Path, behalten: Path) -> None:
    """Alte Vorlagen (über 8 Tage) und liegengebliebene Bauten (über 1 Tag) kosten nur Platz."""
    jetzt = datetime.now().timestamp()
    for datei in verzeichnis.glob("datensatz-*.db*"):
        alter_tage = (jetzt - datei.stat().st_mtime) / 86400
        if datei != behalten and (alter_tage > 8 or (".bau-" in datei.name and alter_tage > 1)):
            datei.unlink(missing_ok=True)


def _sqlite_ziel_pruefen(ziel: Path) -> None:
    if not ziel.exists():
        return
    with closing(sqlite3.connect(f"file:{ziel}?mode=ro", uri=True)) as v:
        tabellen = {z[0] for z in v.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        belegt = [t for t in ("handlungsfeld", "sitzung", "outbox") if t in tabellen
                  and v.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()]
    if belegt:
        raise ZielNichtLeer(f"{ziel}: die Datenbank enthält schon Daten (Tabelle {belegt[0]}); der Standard-Datensatz "
                            "ersetzt nur eine leere. Nennen Sie eine neue Datei oder löschen Sie diese selbst.")


def _leer_pruefen(engine) -> None:
    from sqlalchemy import text

    with engine.connect() as v:
        for tabelle in ("handlungsfeld", "sitzung", "outbox"):
            if v.execute(text(f"SELECT 1 FROM {tabelle} LIMIT 1")).first():
                raise ZielNichtLeer(f"Die Datenbank {engine.url.render_as_string(hide_password=True)} enthält schon "
                                    f"Daten (Tabelle {tabelle}); der Standard-Datensatz braucht eine leere. "
                                    "Nennen Sie eine neue Datenbank oder ein neues Schema.")


def _sequenzen_nachziehen(verbindung) -> None:
    """PostgreSQL: die Ids wurden vorgegeben; die Sequenzen müssen danach weiterzählen."""
    from sqlmodel import SQLModel
    import modelle.metadaten  # noqa: F401  (alle Tabellen)

    for tabelle in SQLModel.metadata.sorted_tables:
        if "id" in tabelle.c:
            verbindung.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{tabelle.name}', 'id'), "
                f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {tabelle.name}")


# --- Die Organisation, wie die Bibliothek sie geladen hat -------------------------------------


@dataclass
class _Gremium:
    id: int
    kuerzel: str
    name: str
    ladungsfrist_tage: int
    rhythmus: dict | None
    mitglieder: list[int] = field(default_factory=list)
    vorsitz: list[int] = field(default_factory=list)


@dataclass
class _Organisation:
    landkreis: str
    personen: dict[int, tuple[str, str]]  # id → (Name, E-Mail)
    gremien: list[_Gremium]
    rolle_person: dict[str, int]  # Rollenmuster aus dem Zyklus → zuständige Person

    @classmethod
    def lesen(cls, db) -> "_Organisation":
        from sqlalchemy import select

        from modelle.tabellen import Gremium, Landkreis, Mitgliedschaft, Person
        from prozess.rollen import zustaendige_person
        from prozess.zyklus import FOLGEAUFGABEN, MANAGEMENT, SCHRITTE

        v = db.connection()
        personen = {i: (n, e) for i, n, e in v.execute(select(Person.id, Person.name, Person.email)) if e}
        gremien = {g.id: _Gremium(g.id, g.kuerzel, g.name, g.ladungsfrist_tage, g.rhythmus)
                   for g in v.execute(select(Gremium.id, Gremium.kuerzel, Gremium.name, Gremium.ladungsfrist_tage,
                                             Gremium.rhythmus).order_by(Gremium.id))}
        for gid, pid, rolle in v.execute(select(Mitgliedschaft.gremium_id, Mitgliedschaft.person_id,
                                                Mitgliedschaft.rolle).order_by(Mitgliedschaft.id)):
            if pid in personen and pid not in gremien[gid].mitglieder:
                gremien[gid].mitglieder.append(pid)
            if rolle == "vorsitz":
                gremien[gid].vorsitz.append(pid)
        muster = {MANAGEMENT} | {r for s in SCHRITTE for r in s.rollen} | {f.rolle for f in FOLGEAUFGABEN.values()}
        rolle_person = {m: zustaendige_person(db, m).id for m in sorted(muster)}
        landkreis = v.execute(select(Landkreis.name)).scalar_one()
        return cls(landkreis, personen, list(gremien.values()), rolle_person)


# --- Was erzeugt wird (im Speicher, bevor es geschrieben wird) --------------------------------


@dataclass
class _Sitzung:
    id: int
    gremium: _Gremium
    beginn: datetime
    geplant_am: date
    status: str
    sequenz: int
    hinweis: str
    einladung_am: datetime
    eingeladen: bool = False


@dataclass
class _Feld:
    id: int
    ziel: str
    angelegt: datetime
    weg: list[str]
    zeiten: list[datetime]
    titel: str = ""
    # (Zeitpunkt, Zustand, Runde) ab dem Anlegen, für »in welchem Zustand war es am …«
    verlauf: list[tuple[datetime, str, int]] = field(default_factory=list)
    zustand: str = "definiert"
    runde: int = 1
    zurueckgestellt_aus: str | None = None
    beschluss_am: datetime | None = None
    massnahmen_enden_am: datetime | None = None
    massnahmen: list[int] = field(default_factory=list)

    def zustand_am(self, t: datetime) -> tuple[str, int] | None:
        i = bisect.bisect_right(self.verlauf, (t, "\uffff", 0)) - 1
        return None if i < 0 else self.verlauf[i][1:]


@dataclass
class _Aufgabe:
    titel: str
    beschreibung: str
    feld: _Feld | None
    massnahme_id: int | None
    person_id: int
    frist: date
    angelegt: datetime
    anlass: str  # Mail zum Auftrag: schritt_erfolgt oder aufgabe_zugewiesen
    anlass_zustand: str | None = None
    status: str = "offen"
    erledigt: datetime | None = None
    ruht: bool = False
    massnahme_titel: str | None = None
    id: int = 0


class _Stand:
    """Was die Zustandsmaschine an einem Feld bewegt (wie ``prozess.schritte.Feldstand``)."""

    def __init__(self) -> None:
        self.zustand, self.runde, self.zurueckgestellt_aus = "definiert", 1, None


def _aufteilen(gesamt: int, anteile: dict[str, float], mindestens: int = 1) -> dict[str, int]:
    """``gesamt`` nach Anteilen verteilt (größte Reste), jeder Schlüssel mindestens ``mindestens``."""
    summe = sum(anteile.values())
    frei = gesamt - mindestens * len(anteile)
    roh = {k: frei * a / summe for k, a in anteile.items()}
    ganz = {k: int(x) for k, x in roh.items()}
    for k in sorted(roh, key=lambda k: ganz[k] - roh[k])[: frei - sum(ganz.values())]:
        ganz[k] += 1
    return {k: n + mindestens for k, n in ganz.items()}


def _tag(t: datetime) -> date:
    return t.astimezone(BERLIN).date()


def _werktag(t: datetime, tage: float) -> datetime:
    """``tage`` später, an einem Werktag zwischen 8 und 17 Uhr (der Bruchteil wählt die Uhrzeit)."""
    tag = _tag(t + timedelta(days=tage))
    tag += timedelta(days=max(0, 7 - tag.weekday()) if tag.weekday() >= 5 else 0)
    minuten = int((tage % 1) * 540)
    return datetime.combine(tag, time(8 + minuten // 60, minuten % 60), BERLIN).astimezone(UTC)


def _slug(text: str) -> str:
    for alt, neu in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), (" ", "-"), ("(", ""), (")", ""), (".", "")):
        text = text.lower().replace(alt, neu)
    return text


def _erinnerungen(r, frist: date, angelegt: datetime, bis: datetime) -> list[tuple[datetime, str, date]]:
    """Die Erinnerungen, die der Takt mit den Regeln ``r`` (``prozess.erinnerungen.Regeln``) zu dieser
    Frist bis ``bis`` geschickt hätte, wenn er durchlief: (Zeitpunkt, Art, Tag).

    Frühestens nach dem Auftrag (``erster_zeitpunkt``), die Tage vor der Frist, danach im Abstand
    ``ueberfaellig_alle_tage`` als überfällig. Die Eskalation ist ``_eskaliert_am``.
    """
    erster = max(angelegt, r.punkt(_tag(angelegt)))
    termine = [("erinnerung" if t else "heute_faellig", frist - timedelta(days=t)) for t in r.tage_vor_frist]
    k = 1
    while r.punkt(frist + timedelta(days=k * r.ueberfaellig_alle_tage)) <= bis:
        termine.append(("ueberfaellig", frist + timedelta(days=k * r.ueberfaellig_alle_tage)))
        k += 1
    return [(p, art, tag) for art, tag in termine if erster < (p := r.punkt(tag)) <= bis]


def _eskaliert_am(r, frist: date) -> datetime:
    return r.punkt(frist + timedelta(days=r.eskalation_nach_tagen))


# --- Der Bau --------------------------------------------------------------------------------


class _Bau:
    """Erzeugt den Datensatz im Speicher (``erzeugen``) und schreibt ihn (``schreiben``)."""

    def __init__(self, umfang: Umfang, jetzt: datetime, einstellungen, org: _Organisation) -> None:
        from prozess.erinnerungen import Regeln
        from prozess.zyklus import AKTIVE_ZUSTAENDE, MANAGEMENT, SCHRITT_NACH_NAME, SCHRITTE, ZUSTAENDE

        if set(ANTEIL_ZUSTAND) != set(ZUSTAENDE):
            raise RuntimeError(f"ANTEIL_ZUSTAND passt nicht zu den Zuständen des Zyklus: {sorted(ZUSTAENDE)}.")
        self.umfang, self.jetzt, self.e, self.org = umfang, jetzt, einstellungen, org
        self.regeln = Regeln.aus(einstellungen)
        self.zufall = random.Random(ZUFALL_STARTWERT)
        self.schritte, self.schritt = SCHRITTE, SCHRITT_NACH_NAME
        self.aktiv = AKTIVE_ZUSTAENDE
        self.zurueckstellen = next(s.name for s in SCHRITTE if s.nach == "zurueckgestellt")
        self.wiederaufnehmen = next(s.name for s in SCHRITTE if "zurueckgestellt" in s.von)
        # Schritte, die die Steuerungsgruppe auslöst, geschehen in einer ihrer Sitzungen.
        self.in_sitzung = {s.name for s in SCHRITTE if any(r.startswith("steuerungsgruppe:") for r in s.rollen)}
        self.management = org.rolle_person[MANAGEMENT]
        self.grund = {"landkreis": org.landkreis, "buero": self._buero()}
        self.partner: list[int] = []
        self.personen = dict(org.personen)
        self.partner_zeilen: list[dict] = []
        self.sitzungen: list[_Sitzung] = []
        self.felder: list[_Feld] = []
        self.aufgaben: list[_Aufgabe] = []
        self.zeilen: dict[str, list[dict]] = {n: [] for n in (
            "datengrundlage", "ziel", "massnahme", "beschluss", "schrittprotokoll", "tagesordnungspunkt",
            "statusbericht")}
        self.mails: list[tuple] = []
        self.kontexte: dict[tuple[int, str, str], tuple[str, str, str]] = {}

    def _buero(self) -> dict:
        buero = next((g for g in self.org.gremien if g.kuerzel == "bildungsbuero"), None)
        return {"name": buero.name if buero else "Bildungsbüro", "email": f"bildungsbuero@{DOMAIN}"}

    def erzeugen(self) -> None:
        self._partner_anlegen()
        self._sitzungen_planen()
        self._felder_durchlaufen()
        self._zielbaeume_und_massnahmen()
        self._folgeaufgaben()
        self._handaufgaben()
        self._aufgaben_nummerieren()
        self._tagesordnungen_und_berichte()
        self._mails_zu_aufgaben()

    # Partner ---------------------------------------------------------------------------------

    def _partner_anlegen(self) -> None:
        z = self.zufall
        naechste = max(self.personen) + 1
        for i in range(self.umfang.partner):
            vorname, nachname = z.choice(VORNAMEN), z.choice(NACHNAMEN)
            art, gemeinde = PARTNER[i % len(PARTNER)], GEMEINDEN[(i // len(PARTNER)) % len(GEMEINDEN)]
            email = f"{_slug(vorname)}.{_slug(nachname)}{i}@{_slug(art)}-{_slug(gemeinde)}.example"
            pid = naechste + i
            self.personen[pid] = (f"{vorname} {nachname}", email)
            self.partner.append(pid)
            self.partner_zeilen.append(dict(id=pid, name=f"{vorname} {nachname}", email=email,
                                            organisation=f"{art} {gemeinde}", entfernt_am=None))

    # Sitzungen -------------------------------------------------------------------------------

    def _sitzungen_planen(self) -> None:
        from prozess.organisation import WOCHENTAGE as RHYTHMUS_TAGE

        z = self.zufall
        mit_rhythmus = [g for g in self.org.gremien if g.rhythmus]
        anzahl = _aufteilen(self.umfang.sitzungen, {g.kuerzel: ANTEIL_SITZUNGEN.get(g.kuerzel, 0.1)
                                                    for g in mit_rhythmus}, mindestens=3)
        von, bis = self.jetzt - timedelta(days=365 * JAHRE_ZURUECK), self.jetzt + timedelta(days=365)
        for g in mit_rhythmus:
            wochentag, uhr = RHYTHMUS_TAGE.index(g.rhythmus["wochentag"]), time.fromisoformat(g.rhythmus["uhrzeit"])
            tage: set[date] = set()
            for i in range(anzahl[g.kuerzel]):
                tag = _tag(von + (bis - von) * ((i + 0.5) / anzahl[g.kuerzel]))
                tag += timedelta(days=(wochentag - tag.weekday()) % 7)
                while tag in tage:
                    tag += timedelta(days=7)
                tage.add(tag)
                beginn = datetime.combine(tag, uhr, BERLIN).astimezone(UTC)
                self.sitzungen.append(self._sitzung(g, beginn, tag, z.random()))
        self.sitzungen.sort(key=lambda s: (s.beginn, s.gremium.id))
        for i, s in enumerate(self.sitzungen, 1):
            s.id = i
        self.sg = [s for s in self.sitzungen if s.gremium.kuerzel == "steuerungsgruppe" and s.status != "abgesagt"]
        self.sg_beginne = [s.beginn for s in self.sg]

    def _sitzung(self, g: _Gremium, beginn: datetime, geplant_am: date, wurf: float) -> _Sitzung:
        vorbei = beginn <= self.jetzt
        # »stattgefunden« wird eine Sitzung erst, wenn ein Beschluss aus ihr erfasst ist (``_beschluss``).
        einladung_am = beginn - timedelta(days=g.ladungsfrist_tage + self.e.einladung_vorlauf_tage)
        s = _Sitzung(0, g, beginn, geplant_am, "geplant", 0, "", einladung_am)
        if vorbei and wurf < 0.04:
            s.status, s.sequenz, s.hinweis = "abgesagt", 1, "Abgesagt: die Beschlussfähigkeit war nicht gesichert."
        elif wurf > 0.95:
            vorher = beginn - timedelta(days=7)
            s.sequenz, s.hinweis = 1, f"verschoben vom {vorher.astimezone(BERLIN):%d.%m.%Y, %H:%M Uhr}"
        s.eingeladen = vorbei or s.einladung_am <= self.jetzt
        return s

    # Handlungsfelder -------------------------------------------------------------------------

    def _felder_durchlaufen(self) -> None:
        z = self.zufall
        ziele = [zustand for zustand, n in _aufteilen(self.umfang.felder, ANTEIL_ZUSTAND).items() for _ in range(n)]
        z.shuffle(ziele)
        felder = [self._feld_simulieren(ziel, nr) for nr, ziel in enumerate(ziele)]
        felder.sort(key=lambda f: f.angelegt)
        titel = list(itertools.product(THEMEN, ZIELGRUPPEN, GEMEINDEN))
        z.shuffle(titel)
        for i, f in enumerate(felder, 1):
            thema, gruppe, gemeinde = titel[(i - 1) % len(titel)]
            f.id, f.titel = i, f"{thema} – {gruppe}, {gemeinde}" + (f" ({i})" if i > len(titel) else "")
            self._protokollieren(f)
        self.felder = felder

    def _kuerzester_weg(self, von: str, nach: str) -> list[str]:
        """Die kürzeste Folge von Schritten (ohne Zurückstellen) von ``von`` nach ``nach``."""
        if von == nach:
            return []
        vorher: dict[str, tuple[str, str]] = {von: ("", "")}
        offen = deque([von])
        while offen:
            zustand = offen.popleft()
            for s in self.schritte:
                if zustand in s.von and s.name not in (self.zurueckstellen, self.wiederaufnehmen) \
                        and s.nach not in vorher:
                    vorher[s.nach] = (zustand, s.name)
                    offen.append(s.nach)
        weg, zustand = [], nach
        while zustand != von:
            zustand, name = vorher[zustand]
            weg.append(name)
        return weg[::-1]

    def _weg(self, ziel: str, nr: int) -> list[str]:
        """Der Weg des ``nr``-ten Feldes vom Anlegen bis ``ziel``. Reihum (nicht zufällig, damit es sie in
        jedem Maßstab gibt): jedes 7. mit einer früheren Runde, jedes 4. mit einer Rückfrage der
        Steuerungsgruppe, wo es geprüft wurde, jedes 12. mit einer Pause."""
        z, kurz = self.zufall, self._kuerzester_weg
        if ziel == "zurueckgestellt":
            return self._weg(z.choice(self.aktiv), nr) + [self.zurueckstellen]
        weg = []
        if nr % 7 == 3:
            weg += kurz("definiert", "berichterstattung") + kurz("berichterstattung", "definiert")
        weg += kurz("definiert", ziel)
        zustaende = self._zustaende(weg)
        pruefung = [i for i, zustand in enumerate(zustaende) if zustand == "steuerungspruefung"]
        if pruefung and nr % 4 == 1:
            i = pruefung[0]
            weg[i:i] = kurz("steuerungspruefung", "definiert") + kurz("definiert", "steuerungspruefung")
        if nr % 12 == 5:
            zustaende = self._zustaende(weg)
            i = z.choice([i for i, zustand in enumerate(zustaende) if zustand in self.aktiv])
            weg[i:i] = [self.zurueckstellen, self.wiederaufnehmen]
        return weg

    def _zustaende(self, weg: list[str]) -> list[str]:
        """Der Zustand vor jedem Schritt des Weges und am Ende (läuft durch die Maschine des Zyklus)."""
        from prozess.zyklus import MASCHINE

        stand, zustaende = _Stand(), ["definiert"]
        for name in weg:
            if stand.zustand not in self.schritt[name].von or not MASCHINE.events[name].trigger(stand):
                raise RuntimeError(f"Schritt {name} ist im Zustand {stand.zustand} nicht möglich (Weg {weg}).")
            zustaende.append(stand.zustand)
        return zustaende

    def _feld_simulieren(self, ziel: str, nr: int) -> _Feld:
        z = self.zufall
        weg = self._weg(ziel, nr)
        dauern = [z.uniform(*DAUER_TAGE.get(name, DAUER_SONST)) for name in weg]
        verweilen = timedelta(days=z.uniform(*VERWEILEN_TAGE[ziel]))
        ende_soll = self.jetzt - verweilen
        start = ende_soll - timedelta(days=sum(sum(DAUER_TAGE.get(n, DAUER_SONST)) / 2 for n in weg) + 10)
        for _ in range(50):
            angelegt = _werktag(start, 0.2)
            zeiten = self._zeiten(angelegt, weg, dauern)
            ende = zeiten[-1] if zeiten else angelegt
            if ende <= ende_soll:
                break
            start -= max(ende - ende_soll, timedelta(days=7))
        else:
            raise RuntimeError(f"Kein Zeitplan für einen Weg nach {ziel} gefunden.")
        return _Feld(0, ziel, angelegt, weg, zeiten)

    def _zeiten(self, angelegt: datetime, weg: list[str], dauern: list[float]) -> list[datetime]:
        zeiten, t = [], angelegt
        for name, dauer in zip(weg, dauern):
            if name in self.in_sitzung:
                i = bisect.bisect_right(self.sg_beginne, t + timedelta(days=2))
                if i == len(self.sg_beginne):
                    return zeiten + [self.jetzt + timedelta(days=365)]  # keine Sitzung mehr: zu spät
                t = self.sg_beginne[i] + timedelta(minutes=90)
            else:
                t = _werktag(t, dauer)
            zeiten.append(t)
        return zeiten

    def _protokollieren(self, f: _Feld) -> None:
        """Protokoll, Beschlüsse und Datengrundlagen eines Feldes; setzt seinen Endstand."""
        from prozess.zyklus import MASCHINE, PROZESS_VERSION

        z, stand = self.zufall, _Stand()
        protokoll = self.zeilen["schrittprotokoll"]
        protokoll.append(dict(handlungsfeld_id=f.id, schritt="anlegen", von_zustand=None, nach_zustand="definiert",
                              person_id=self.management, zeitpunkt=f.angelegt, begruendung="", beschluss_id=None,
                              prozess_version=PROZESS_VERSION))
        f.verlauf.append((f.angelegt, "definiert", 1))
        seit = f.angelegt
        for name, t in zip(f.weg, f.zeiten):
            schritt, von = self.schritt[name], stand.zustand
            MASCHINE.events[name].trigger(stand)
            begruendung, beschluss_id = "", None
            if "datengrundlage_vorhanden" in schritt.waechter:
                self._datengrundlage(f, seit + (t - seit) * z.uniform(0.3, 0.9))
            if "beschluss_der_steuerungsgruppe" in schritt.waechter:
                beschluss_id, begruendung = self._beschluss(f, t)
                f.beschluss_am = f.beschluss_am or t
            elif schritt.begruendung_noetig:
                begruendung = z.choice(BEGRUENDUNGEN.get(name, ("Siehe Protokoll der Sitzung.",)))
            if f.beschluss_am and not f.massnahmen_enden_am and name in ("abschliessen", "neue_runde_beginnen"):
                f.massnahmen_enden_am = t
            protokoll.append(dict(handlungsfeld_id=f.id, schritt=name, von_zustand=von, nach_zustand=stand.zustand,
                                  person_id=self.org.rolle_person[schritt.rollen[0]], zeitpunkt=t,
                                  begruendung=begruendung, beschluss_id=beschluss_id, prozess_version=PROZESS_VERSION))
            f.verlauf.append((t, stand.zustand, stand.runde))
            seit = t
        f.zustand, f.runde, f.zurueckgestellt_aus = stand.zustand, stand.runde, stand.zurueckgestellt_aus
        # Wer als Nächstes Daten zusammenstellen soll, hat oft schon eine Datengrundlage erfasst.
        if any("datengrundlage_vorhanden" in self.schritt[s.name].waechter for s in self.schritte
               if f.zustand in s.von) and z.random() < 0.6:
            self._datengrundlage(f, seit + (self.jetzt - seit) * z.uniform(0.1, 0.9))

    def _datengrundlage(self, f: _Feld, t: datetime) -> None:
        z = self.zufall
        jahr = t.astimezone(BERLIN).year - 1
        self.zeilen["datengrundlage"].append(dict(
            id=len(self.zeilen["datengrundlage"]) + 1, handlungsfeld_id=f.id,
            titel=f"{z.choice(INDIKATOREN)} {jahr}/{(jahr + 1) % 100:02d}", quelle=z.choice(QUELLEN), angelegt_am=t))

    def _beschluss(self, f: _Feld, t: datetime) -> tuple[int, str]:
        sitzung = self.sg[bisect.bisect_left(self.sg_beginne, t - timedelta(minutes=90))]
        sitzung.status = "stattgefunden"
        bid = len(self.zeilen["beschluss"]) + 1
        text = f"Die Maßnahmen zum Handlungsfeld »{f.titel}« werden beschlossen."
        self.zeilen["beschluss"].append(dict(id=bid, sitzung_id=sitzung.id, tagesordnungspunkt_id=None,
                                             handlungsfeld_id=f.id, text=text, gefasst_am=t))
        return bid, f"Beschluss {bid}: {text}"[:500]

    # Zielbäume und Maßnahmen ------------------------------------------------------------------

    def _zielbaeume_und_massnahmen(self) -> None:
        z = self.zufall
        geprueft = [f for f in self.felder if "zur_pruefung_vorlegen" in f.weg]
        if len(geprueft) > self.umfang.massnahmen:
            raise RuntimeError("Mehr geprüfte Felder als Maßnahmen: der Maßstab ist zu klein.")
        anzahl = {f.id: 1 for f in geprueft}
        for f in z.choices(geprueft, k=self.umfang.massnahmen - len(geprueft)):
            anzahl[f.id] += 1
        for f in self.felder:
            pakete = self._zielbaum(f, f.id in anzahl)
            for k in range(anzahl.get(f.id, 0)):
                self._massnahme(f, pakete[k % len(pakete)], k)

    def _zielbaum(self, f: _Feld, mit_paketen: bool) -> list[int]:
        ziele = self.zeilen["ziel"]
        thema = f.titel.split(" – ")[0]

        def neu(ebene: str, ueber: int | None, titel: str) -> int:
            ziele.append(dict(id=len(ziele) + 1, handlungsfeld_id=f.id, ebene=ebene, ueber_id=ueber, titel=titel))
            return len(ziele)

        oben = neu("strategisches_ziel", None, f"{thema}: jedes Kind und jeder Jugendliche erreicht sein Bildungsziel")
        if not mit_paketen:
            return []
        pakete = []
        for m in (1, 2):
            mitte = neu("mittlerziel", oben, f"{thema}: Mittlerziel {m}")
            pakete += [neu("arbeitspaket", mitte, f"{thema}: Arbeitspaket {m}.{a}") for a in (1, 2)]
        return pakete

    def _massnahme(self, f: _Feld, paket: int, k: int) -> None:
        z = self.zufall
        mid = len(self.zeilen["massnahme"]) + 1
        person = z.choice(self.partner) if z.random() < 0.8 else z.choice(list(self.org.personen))
        titel = f"{MASSNAHMEN[(f.id + k) % len(MASSNAHMEN)]} ({GEMEINDEN[(f.id * 7 + k) % len(GEMEINDEN)]})"
        zeile = dict(id=mid, handlungsfeld_id=f.id, arbeitspaket_id=paket, titel=titel, verantwortlich_id=person,
                     frist=None, status="geplant")
        self.zeilen["massnahme"].append(zeile)
        f.massnahmen.append(mid)
        if f.beschluss_am is None:  # ein Vorschlag: Frist und Zuständigkeit fehlen manchmal noch
            zeile["frist"] = None if z.random() < 0.1 else _tag(self.jetzt) + timedelta(days=z.randint(60, 600))
            zeile["verantwortlich_id"] = None if z.random() < 0.05 else person
            return
        zeile["frist"] = _tag(f.beschluss_am) + timedelta(days=z.randint(90, 720))
        aufgabe = _Aufgabe(f"Maßnahme umsetzen: {titel}", f"Beschlossene Maßnahme im Handlungsfeld »{f.titel}«.",
                           f, mid, person, zeile["frist"], f.beschluss_am, "schritt_erfolgt", massnahme_titel=titel)
        self._massnahme_beenden(f, zeile, aufgabe)
        self.aufgaben.append(aufgabe)

    def _massnahme_beenden(self, f: _Feld, zeile: dict, aufgabe: _Aufgabe) -> None:
        """Status der Maßnahme heute und was aus ihrer Aufgabe wurde."""
        z, frist_am = self.zufall, self.regeln.punkt(zeile["frist"])
        frueh = f.beschluss_am + timedelta(days=1)
        if f.massnahmen_enden_am:
            zeile["status"] = "erledigt" if z.random() < 0.9 else "abgebrochen"
            fertig = min(frist_am, f.massnahmen_enden_am) - timedelta(days=z.uniform(0, 30))
        elif frist_am < self.jetzt:
            zeile["status"] = "erledigt" if z.random() < 0.75 else "laufend"
            fertig = frist_am - timedelta(days=z.uniform(0, 30))
        else:
            wurf = z.random()
            zeile["status"] = "erledigt" if wurf < 0.1 else "laufend" if wurf < 0.7 else "geplant"
            fertig = frueh + (self.jetzt - frueh) * z.random()
        if zeile["status"] in ("erledigt", "abgebrochen"):
            aufgabe.status = "erledigt" if zeile["status"] == "erledigt" else "hinfaellig"
            aufgabe.erledigt = min(max(fertig, frueh), self.jetzt - timedelta(hours=1))

    # Aufgaben ----------------------------------------------------------------------------------

    def _folgeaufgaben(self) -> None:
        """Je betretenem Zustand die Folgeaufgabe; der nächste Schritt erledigt sie oder macht sie hinfällig."""
        from prozess.zyklus import FOLGEAUFGABEN

        for f in self.felder:
            offen: list[_Aufgabe] = []
            eintritte = [(f.angelegt, None, "definiert")] + [(t, n, nach) for (t, nach, _), n in zip(f.verlauf[1:], f.weg)]
            for t, name, zustand in eintritte:
                if name is not None:
                    for a in offen:
                        a.status, a.erledigt = self.schritt[name].offene_aufgaben, t
                    offen = []
                vorlage = FOLGEAUFGABEN.get(zustand)
                if vorlage is None:
                    continue
                a = _Aufgabe(vorlage.titel.format(titel=f.titel), "", f, None, self.org.rolle_person[vorlage.rolle],
                             _tag(t) + timedelta(days=getattr(self.e, vorlage.frist.name)), t,
                             "schritt_erfolgt" if name else "aufgabe_zugewiesen", anlass_zustand=zustand)
                offen.append(a)
                self.aufgaben.append(a)

    def _handaufgaben(self) -> None:
        """Von Hand angelegte Aufgaben (meist an Partner), bis die Zahl der Aufgaben erreicht ist."""
        z = self.zufall
        fehlen = self.umfang.aufgaben - len(self.aufgaben)
        if fehlen < 0:
            raise RuntimeError(f"Die Felder erzeugen schon {len(self.aufgaben)} Aufgaben, mehr als "
                               f"{self.umfang.aufgaben}.")
        for i in range(fehlen):
            f = z.choice(self.felder)
            # Abgeschlossene und zurückgestellte Felder bekommen seitdem keine neuen Aufgaben.
            ende = f.verlauf[-1][0] if f.zustand in ("abgeschlossen", "zurueckgestellt") else self.jetzt
            angelegt = f.angelegt + (ende - f.angelegt) * z.uniform(0.02, 0.98)
            person = z.choice(self.partner) if z.random() < 0.75 else z.choice(list(self.org.personen))
            mid = z.choice(f.massnahmen) if f.massnahmen and z.random() < 0.4 else None
            a = _Aufgabe(f"{HANDAUFGABEN[i % len(HANDAUFGABEN)]} ({f.titel.split(' – ')[0]})", "", f, mid, person,
                         _tag(angelegt) + timedelta(days=z.randint(7, 60)), angelegt, "aufgabe_zugewiesen")
            fertig = angelegt + timedelta(days=z.uniform(2, 75))
            if f.zustand == "abgeschlossen" or (fertig < self.jetzt and z.random() < 0.93):
                a.status = "erledigt" if z.random() < 0.95 else "hinfaellig"
                a.erledigt = min(fertig, ende) if f.zustand == "abgeschlossen" else fertig
            self.aufgaben.append(a)

    def _aufgaben_nummerieren(self) -> None:
        self.aufgaben.sort(key=lambda a: a.angelegt)
        for i, a in enumerate(self.aufgaben, 1):
            a.id = i
            # Ein zurückgestelltes Feld: seine offenen Aufgaben erinnern nicht (erinnerungen_ruhen_lassen).
            a.ruht = a.status == "offen" and a.feld is not None and a.feld.zustand == "zurueckgestellt"

    def erinnert_bis(self, a: _Aufgabe) -> datetime:
        """Bis wann der Takt an diese Aufgabe erinnert hat: bis sie erledigt war, oder bis ihr Feld
        zurückgestellt wurde, sonst bis jetzt."""
        bis = a.erledigt or self.jetzt
        if a.feld is not None and a.feld.zustand == "zurueckgestellt":
            bis = min(bis, a.feld.verlauf[-1][0])
        return bis

    def aufgabe_zeile(self, a: _Aufgabe) -> dict:
        """Die Zeile, wie Anlegen, Takt und Erledigen sie hinterlassen hätten."""
        from prozess.erinnerungen import naechster_zeitpunkt

        bis = self.erinnert_bis(a)
        gesendet = _erinnerungen(self.regeln, a.frist, a.angelegt, bis)
        eskaliert = _eskaliert_am(self.regeln, a.frist) <= bis
        naechste = None
        if a.status == "offen" and not a.ruht:
            naechste = naechster_zeitpunkt(a.frist, self.jetzt, self.regeln, eskaliert)
        return dict(id=a.id, titel=a.titel, beschreibung=a.beschreibung, handlungsfeld_id=a.feld.id if a.feld else None,
                    massnahme_id=a.massnahme_id, verantwortlich_id=a.person_id, frist=a.frist, status=a.status,
                    anlass_zustand=a.anlass_zustand, angelegt_am=a.angelegt, erledigt_am=a.erledigt,
                    naechste_erinnerung_am=naechste, letzte_erinnerung=gesendet[-1][1] if gesendet else None,
                    letzte_erinnerung_am=gesendet[-1][0] if gesendet else None,
                    eskaliert_fuer_frist=a.frist if eskaliert else None)

    # Tagesordnungen und Statusberichte --------------------------------------------------------

    def _tagesordnungen_und_berichte(self) -> None:
        """Für jede eingeladene Sitzung die Tagesordnung zum Einladungszeitpunkt (Regeln aus
        ``prozess.tagesordnung``), dazu die Einladungs- und Absage-Mails und die Statusberichte."""
        je_person: dict[int, list[_Aufgabe]] = {}
        for a in self.aufgaben:
            je_person.setdefault(a.person_id, []).append(a)
        letzter_bericht: dict[int, datetime] = {}
        for s in self.sitzungen:
            if not s.eingeladen:
                continue
            t = s.einladung_am
            stand = [(f, f.zustand_am(t)) for f in self.felder]
            punkte = [("Eröffnung und Feststellung der Tagesordnung", "", None)]
            punkte += self._punkte(s.gremium.kuerzel, [(f, zr) for f, zr in stand if zr])
            offen = sorted((a for p in s.gremium.mitglieder for a in je_person.get(p, ())
                            if a.angelegt <= t and (a.erledigt is None or a.erledigt > t)),
                           key=lambda a: (a.frist, a.id))
            zeilen = [f"{a.titel} – {self.personen[a.person_id][0]}, Frist {a.frist:%d.%m.%Y}" for a in offen]
            punkte += [("Offene Entscheidungen und Aufgaben", "\n".join(zeilen) or "keine", None), ("Verschiedenes", "", None)]
            tops = self.zeilen["tagesordnungspunkt"]
            erste = len(tops) + 1
            for nummer, (titel, beschreibung, feld_id) in enumerate(punkte, 1):
                tops.append(dict(id=len(tops) + 1, sitzung_id=s.id, nummer=nummer, titel=titel,
                                 beschreibung=beschreibung, handlungsfeld_id=feld_id))
            self._einladungsmails(s, tops[erste - 1:])
            if s.gremium.kuerzel == "schulausschuss" and s.status != "abgesagt":
                self._statusbericht(s, stand, letzter_bericht.get(s.gremium.id))
                letzter_bericht[s.gremium.id] = t
        punkt_zum_feld = {(top["sitzung_id"], top["handlungsfeld_id"]): top["id"]
                          for top in self.zeilen["tagesordnungspunkt"] if top["handlungsfeld_id"]}
        for b in self.zeilen["beschluss"]:
            b["tagesordnungspunkt_id"] = punkt_zum_feld.get((b["sitzung_id"], b["handlungsfeld_id"]))

    def _punkte(self, kuerzel: str, stand: list) -> list[tuple[str, str, int | None]]:
        """Die Punkte aus dem Prozess (``zyklus.TAGESORDNUNG``) für ``stand``: (Feld, (Zustand, Runde))."""
        from prozess.zyklus import TAGESORDNUNG, ZUSTAND_BEZEICHNUNG

        punkte: list[tuple[str, str, int | None]] = []
        for beratung in (b for b in TAGESORDNUNG if b.gremium == kuerzel):
            if not beratung.zustaende:
                punkte.append((beratung.titel, beratung.beschreibung, None))
            for f, (zustand, runde) in stand:
                if zustand in beratung.zustaende and (runde == 1 or not beratung.nur_erste_runde):
                    werte = {"titel": f.titel, "zustand": ZUSTAND_BEZEICHNUNG[zustand]}
                    punkte.append((beratung.titel.format(**werte), beratung.beschreibung.format(**werte), f.id))
        return punkte

    def _einladungsmails(self, s: _Sitzung, tops: list[dict]) -> None:
        g = s.gremium
        beginn = s.beginn.astimezone(BERLIN)
        ende = beginn + timedelta(minutes=g.rhythmus.get("dauer_minuten", 120))
        sitzung = {"id": s.id, "gremium": g.name, "beginn": f"{WOCHENTAGE[beginn.weekday()]}, {beginn:%d.%m.%Y, %H:%M Uhr}",
                   "ende": ende.strftime("%H:%M Uhr"), "ort": g.rhythmus.get("ort", ""), "ladungsfrist_tage": g.ladungsfrist_tage,
                   "aktualisiert": False, "hinweis": ""}
        tagesordnung = [{"nummer": t["nummer"], "titel": t["titel"], "beschreibung": t["beschreibung"]} for t in tops]
        staende = [("einladung", 0, s.einladung_am)]
        if s.sequenz:  # verschoben (neue Einladung) oder abgesagt (Absage), drei Tage vor dem Termin
            art = "absage" if s.status == "abgesagt" else "einladung"
            staende.append((art, 1, min(s.beginn - timedelta(days=3), self.jetzt - timedelta(hours=1))))
        for art, sequenz, t in staende:
            if t > self.jetzt:
                continue
            kalender = self._kalender(s, sequenz, "CANCEL" if art == "absage" else "REQUEST", ende)
            for pid in g.mitglieder:
                name, email = self.personen[pid]
                kontext = {**self.grund, "empfaenger": {"name": name},
                           "sitzung": {**sitzung, "aktualisiert": sequenz > 0, "hinweis": s.hinweis if sequenz else ""},
                           "tagesordnung": [] if art == "absage" else tagesordnung, "ladungsfrist_unterschritten": False}
                self.mails.append((t, f"{art}:{pid}:sitzung{s.id}:seq{sequenz}", art, json.dumps(kontext), pid, email,
                                   name, None, kalender, "CANCEL" if art == "absage" else "REQUEST", None))

    def _kalender(self, s: _Sitzung, sequenz: int, methode: str, ende: datetime) -> str:
        zeilen = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bildungsbuero//Engine//DE", f"METHOD:{methode}",
                  "BEGIN:VEVENT", f"UID:sitzung-{s.id}@{DOMAIN}", f"SEQUENCE:{sequenz}",
                  f"DTSTART;TZID=Europe/Berlin:{s.beginn.astimezone(BERLIN):%Y%m%dT%H%M%S}",
                  f"DTEND;TZID=Europe/Berlin:{ende:%Y%m%dT%H%M%S}", f"SUMMARY:{s.gremium.name}: Sitzung",
                  f"LOCATION:{s.gremium.rhythmus.get('ort', '')}", f"ORGANIZER;CN=Bildungsbüro:mailto:bildungsbuero@{DOMAIN}"]
        zeilen += [f"ATTENDEE;CN={self.personen[p][0]};RSVP=TRUE:mailto:{self.personen[p][1]}" for p in s.gremium.mitglieder]
        zeilen += ["END:VEVENT", "END:VCALENDAR", ""]
        return "\r\n".join(zeilen)

    def _statusbericht(self, s: _Sitzung, stand: list, seit: datetime | None) -> None:
        from prozess.zyklus import ZUSTAND_BEZEICHNUNG

        t = s.einladung_am
        zaehlung: dict[str, int] = {}
        for _, zr in stand:
            if zr:
                zaehlung[zr[0]] = zaehlung.get(zr[0], 0) + 1
        zeilen = [f"Statusbericht des Bildungsbüros an den {s.gremium.name}, Stand {t.astimezone(BERLIN):%d.%m.%Y}", ""]
        zeilen += [f"{ZUSTAND_BEZEICHNUNG[z]}: {n} Handlungsfelder" for z, n in sorted(zaehlung.items())]
        zeilen += ["", "Berichte zur Kenntnis:"] + [f"- {f.titel}" for f, zr in stand if zr and zr[0] == "berichterstattung"]
        text = "\n".join(zeilen)
        bid = len(self.zeilen["statusbericht"]) + 1
        self.zeilen["statusbericht"].append(dict(
            id=bid, schluessel=f"sitzung:{s.id}", gremium_id=s.gremium.id, sitzung_id=s.id,
            anlass=f"vor der Sitzung am {s.beginn.astimezone(BERLIN):%d.%m.%Y, %H:%M Uhr}", erstellt_am=t, seit=seit,
            betreff=f"Statusbericht des Bildungsbüros ({t.astimezone(BERLIN):%d.%m.%Y})", text=text,
            html="<html><body><pre>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</pre></body></html>"))
        for pid in s.gremium.mitglieder:
            name, email = self.personen[pid]
            self.mails.append((t, f"statusbericht:{pid}:bericht{bid}:{_tag(t)}", "statusbericht", "{}", pid, email,
                               name, None, None, None, bid))

    # Mails zu Aufgaben -------------------------------------------------------------------------

    def _vorsitz_von(self) -> dict[int, list[int]]:
        """Je Person der Vorsitz ihrer Gremien (außer dem Büro): an sie geht eine Eskalation."""
        vorsitz: dict[int, list[int]] = {}
        for g in self.org.gremien:
            if g.kuerzel != "bildungsbuero":
                for p in g.mitglieder:
                    vorsitz.setdefault(p, []).extend(v for v in g.vorsitz if v not in vorsitz.get(p, []))
        return vorsitz

    def eskalation_an(self, person_id: int) -> list[int]:
        an = [self.management] + self.vorsitz.get(person_id, [])
        return [p for p in dict.fromkeys(an) if p != person_id] or [self.management]

    def _mails_zu_aufgaben(self) -> None:
        """Auftrag, Erinnerungen und Eskalationen jeder Aufgabe, wie der Takt sie geschickt hätte."""
        self.vorsitz = self._vorsitz_von()
        for a in self.aufgaben:
            name, email = self.personen[a.person_id]
            tage = (a.frist - _tag(a.angelegt)).days
            self.mails.append((a.angelegt, f"{a.anlass}:{a.person_id}:aufgabe{a.id}:{a.frist}", a.anlass,
                               self.kontext(a, a.anlass, tage), a.person_id, email, name, a.id, None, None, None))
            bis = self.erinnert_bis(a)
            for p, art, tag in _erinnerungen(self.regeln, a.frist, a.angelegt, bis):
                self.mails.append((p, f"{art}:{a.person_id}:aufgabe{a.id}-frist{a.frist}:{tag}", art,
                                   self.kontext(a, art, (a.frist - tag).days), a.person_id, email, name, a.id,
                                   None, None, None))
            if (p := _eskaliert_am(self.regeln, a.frist)) <= bis:
                for empfaenger in self.eskalation_an(a.person_id):
                    ename, eemail = self.personen[empfaenger]
                    self.mails.append((p, f"eskalation:{empfaenger}:aufgabe{a.id}-frist{a.frist}:"
                                          f"{a.frist + timedelta(days=self.regeln.eskalation_nach_tagen)}",
                                       "eskalation", self.kontext(a, "eskalation", -self.regeln.eskalation_nach_tagen,
                                                                  ename), empfaenger,
                                       eemail, ename, a.id, None, None, None))

    def kontext(self, a: _Aufgabe, art: str, tage_bis_frist: int, empfaenger: str | None = None) -> str:
        """Der Kontext einer Aufgabenmail als JSON, wie ``prozess.auftragsmails``/``prozess.erinnerungen``
        ihn schreiben; je Aufgabe und Art einmal gebaut, nur die Tage bis zur Frist wechseln."""
        vorne, mitte, hinten = self.kontext_teile(a, art, empfaenger)
        return f"{vorne}{tage_bis_frist}{mitte}{max(0, -tage_bis_frist)}{hinten}"

    def kontext_teile(self, a: _Aufgabe, art: str, empfaenger: str | None = None) -> tuple[str, str, str]:
        """Der Kontext als JSON in drei Teilen: davor, zwischen und nach den beiden Tageszahlen."""
        from prozess.zyklus import ZUSTAND_BEZEICHNUNG

        schluessel = (a.id, art if art in ("eskalation", "schritt_erfolgt") else "", empfaenger or "")
        if schluessel not in self.kontexte:
            f = a.feld
            zustand = f.zustand_am(a.angelegt)[0] if f else None
            kontext = {**self.grund, "empfaenger": {"name": empfaenger or self.personen[a.person_id][0]},
                       "aufgabe": {"id": a.id, "titel": a.titel, "beschreibung": a.beschreibung,
                                   "frist": f"{a.frist:%d.%m.%Y}", "frist_wochentag": WOCHENTAGE[a.frist.weekday()],
                                   "tage_bis_frist": 7777777771, "tage_ueberfaellig": 7777777772},
                       "handlungsfeld": {"id": f.id, "titel": f.titel, "zustand": ZUSTAND_BEZEICHNUNG[zustand]} if f else None,
                       "massnahme": {"titel": a.massnahme_titel} if a.massnahme_titel else None}
            if art == "schritt_erfolgt":
                kontext["schritt"] = {"bezeichnung": "", "von": "", "nach": ZUSTAND_BEZEICHNUNG[zustand] if f else "",
                                      "wer": self.personen[self.management][0], "begruendung": ""}
            if art == "eskalation":
                kontext["verantwortlich"] = {"name": self.personen[a.person_id][0], "organisation": ""}
            vorne, rest = json.dumps(kontext).split("7777777771")
            self.kontexte[schluessel] = (vorne, *rest.split("7777777772"))
        return self.kontexte[schluessel]

    # Schreiben ---------------------------------------------------------------------------------

    def schreiben(self, verbindung) -> None:
        """Alle Zeilen in Abhängigkeitsreihenfolge, mit vorgegebenen Ids; die Outbox zuletzt."""
        from sqlalchemy import insert

        from modelle.tabellen import (Aufgabe, Beschluss, Datengrundlage, Handlungsfeld, Massnahme, Person,
                                      Schrittprotokoll, Sitzung, Statusbericht, Tagesordnungspunkt, Ziel)
        from prozess.zyklus import PROZESS_VERSION

        def stapelweise(tabelle, zeilen: list[dict]) -> None:
            for anfang in range(0, len(zeilen), 20_000):
                verbindung.execute(insert(tabelle.__table__), zeilen[anfang:anfang + 20_000])

        stapelweise(Person, self.partner_zeilen)
        stapelweise(Sitzung, [dict(id=s.id, gremium_id=s.gremium.id, beginn=s.beginn,
                                   dauer_minuten=s.gremium.rhythmus.get("dauer_minuten", 120),
                                   ort=s.gremium.rhythmus.get("ort", ""), status=s.status, geplant_am=s.geplant_am,
                                   hinweis=s.hinweis, sequenz=s.sequenz,
                                   eingeladen_sequenz=s.sequenz if s.eingeladen else None) for s in self.sitzungen])
        stapelweise(Handlungsfeld, [dict(id=f.id, titel=f.titel, beschreibung=f"Handlungsfeld im {self.org.landkreis}.",
                                         zustand=f.zustand, zustand_seit=f.verlauf[-1][0], version=len(f.verlauf),
                                         prozess_version=PROZESS_VERSION, runde=f.runde,
                                         zurueckgestellt_aus=f.zurueckgestellt_aus, angelegt_am=f.angelegt)
                                    for f in self.felder])
        for tabelle, name in ((Tagesordnungspunkt, "tagesordnungspunkt"), (Beschluss, "beschluss"),
                              (Datengrundlage, "datengrundlage"), (Ziel, "ziel"), (Massnahme, "massnahme"),
                              (Schrittprotokoll, "schrittprotokoll")):
            stapelweise(tabelle, self.zeilen[name])
        stapelweise(Aufgabe, [self.aufgabe_zeile(a) for a in self.aufgaben])
        stapelweise(Statusbericht, self.zeilen["statusbericht"])
        _outbox_schreiben(verbindung, self)

    def outbox_planen(self) -> "_Outbox":
        """Die Outbox als Plan: die Mails der Aufgaben, Sitzungen und Berichte (``self.mails``), dazu so
        viele Erinnerungen früherer Tage, dass ``umfang.gesendet`` gesendete Zeilen entstehen.

        Die früheren Erinnerungen gehen je Tag ab 7 Uhr im Abstand von 2 Sekunden hinaus, an Aufgaben,
        die an diesem Tag offen waren. Geplant wird hier nur, welche Aufgabe, welcher Tag, welche
        Sekunde und welche Art; die breiten Zeilen baut die Datenbank selbst (``_outbox_schreiben``),
        in Python kostete eine Million Zeilen fast eine Minute. Die Ids steigen mit der Zeit.
        """
        self.mails.sort(key=lambda m: m[0])
        mails = [m for m in self.mails if m[0] <= self.jetzt]
        anzahl = self.umfang.gesendet - len(mails)
        if anzahl < 0:
            raise RuntimeError(f"Die Aufgaben erzeugen schon {len(mails)} Mails, mehr als {self.umfang.gesendet}.")
        erster = _tag(max(self.jetzt - timedelta(days=5 * 365), self.aufgaben[0].angelegt + timedelta(days=1)))
        tage = [erster + timedelta(days=d) for d in range(max(1, (_tag(self.jetzt) - erster).days - 1))]
        je_tag = -(-anzahl // len(tage))
        plan = _Outbox(je_tag, tage=[(d, tag, self.regeln.punkt(tag), tag.toordinal()) for d, tag in enumerate(tage)])
        offen = self._offen_je_tag([self.regeln.punkt(tag) for tag in tage])
        i = k = n = 0
        for d, (tag, auswahl) in enumerate(zip(tage, offen)):
            heute = min(je_tag, anzahl - k)
            punkt = self.regeln.punkt(tag)
            for sekunde, aufgabe_id in zip(range(0, 2 * heute, 2), self.zufall.choices(auswahl, k=heute)):
                t = punkt + timedelta(seconds=sekunde)
                while n < len(mails) and mails[n][0] <= t:
                    i += 1
                    plan.natuerlich.append((i, *mails[n]))
                    n += 1
                i += 1
                plan.verlauf.append((i, k, aufgabe_id))
                k += 1
        for mail in mails[n:]:
            i += 1
            plan.natuerlich.append((i, *mail))
        plan.offen = list(self._offene_mails(i))
        plan.vorlagen = [(a.id, a.person_id, *self.personen[a.person_id], *self.kontext_teile(a, "erinnerung"),
                          a.frist.toordinal()) for a in self.aufgaben]
        return plan

    def _offen_je_tag(self, punkte: list[datetime]) -> list[list[int]]:
        """Je Zeitpunkt die Ids der Aufgaben, die da offen waren (oder, ganz am Anfang, schon angelegt)."""
        anlage = sorted(self.aufgaben, key=lambda a: a.angelegt)
        ende = sorted((a for a in self.aufgaben if a.erledigt), key=lambda a: a.erledigt)
        offen: list[int] = []
        stelle: dict[int, int] = {}
        ergebnis, i, j = [], 0, 0
        for punkt in punkte:
            while i < len(anlage) and anlage[i].angelegt <= punkt:
                stelle[anlage[i].id] = len(offen)
                offen.append(anlage[i].id)
                i += 1
            while j < len(ende) and ende[j].erledigt <= punkt:
                weg = ende[j].id
                if weg in stelle:  # Tauschen statt Verschieben: Entfernen in O(1)
                    letzte = offen.pop()
                    if letzte != weg:
                        offen[stelle[weg]] = letzte
                        stelle[letzte] = stelle[weg]
                    del stelle[weg]
                j += 1
            ergebnis.append(list(offen) if offen else [a.id for a in anlage[:max(1, i)]])
        return ergebnis

    def _offene_mails(self, i: int):
        """Die Zeilen der letzten Minuten, die nicht gesendet sind: wartend, gescheitert, verworfen."""
        z = self.zufall
        offen = [a for a in self.aufgaben if a.status == "offen" and not a.ruht]
        erledigt = [a for a in self.aufgaben if a.status == "erledigt"]
        arten = ([("wartend", 0, None, 0)] * self.umfang.wartend
                 + [("fehler_voruebergehend", 3, "421 4.3.2 Service not available, closing transmission channel", 20)]
                 * self.umfang.voruebergehend
                 + [("fehler_dauerhaft", 1, "550 5.1.1 Recipient address rejected: user unknown", 0)] * self.umfang.dauerhaft
                 + [("verworfen", 0, None, 0)] * self.umfang.verworfen)
        for k, (status, versuche, fehler, minuten) in enumerate(arten):
            a = z.choice(erledigt if status == "verworfen" else offen)
            name, email = self.personen[a.person_id]
            t = self.jetzt - timedelta(minutes=len(arten) - k)
            i += 1
            yield (i, f"frist_geaendert:{a.person_id}:aufgabe{a.id}:{a.frist}:offen{k}", "frist_geaendert",
                   "frist_geaendert", self.kontext(a, "frist_geaendert", (a.frist - _tag(t)).days), a.person_id, email,
                   name, a.id, f"<{i:032x}@{DOMAIN}>", status, versuche, t + timedelta(minutes=minuten), None,
                   fehler, t, None, None, None, None)


@dataclass
class _Outbox:
    """Der Plan der Outbox (siehe ``_Bau.outbox_planen``)."""

    # Die k-te frühere Erinnerung geht am Tag k // je_tag um 7 Uhr plus 2 · (k % je_tag) Sekunden hinaus,
    # ihre Art ist ARTEN_FRUEHER[k % len(ARTEN_FRUEHER)].
    je_tag: int
    tage: list[tuple[int, date, datetime, int]]  # (Nr., Tag, 7 Uhr in UTC, Tagesnummer)
    natuerlich: list[tuple] = field(default_factory=list)  # (Id, *Mail)
    verlauf: list[tuple[int, int, int]] = field(default_factory=list)  # (Id, k, Aufgabe)
    offen: list[tuple] = field(default_factory=list)  # fertige Zeilen
    vorlagen: list[tuple] = field(default_factory=list)  # je Aufgabe: Id, Person, Name, E-Mail, Kontext in 3 Teilen, Frist


OUTBOX_SPALTEN = ("id", "schluessel", "anlass", "vorlage", "kontext", "person_id", "empfaenger_email",
                  "empfaenger_name", "aufgabe_id", "message_id", "status", "versuche", "naechster_versuch",
                  "beansprucht_bis", "letzter_fehler", "erstellt_am", "gesendet_am", "kalender", "kalender_methode",
                  "statusbericht_id")


# Was sich beim Bau der Outbox zwischen SQLite und PostgreSQL unterscheidet.
_DIALEKT = {
    "sqlite": dict(
        zeit="datetime(t.punkt, '+' || ({sekunden}) || ' seconds') || '.000000'", groesser="max",
        hex="printf('%032x', w.id)", zeittyp="TEXT", json="{}", temp="",
        natuerlich="id INTEGER PRIMARY KEY, " + ", ".join(OUTBOX_SPALTEN[1:]),
    ),
    "postgresql": dict(
        zeit="t.punkt + make_interval(secs => {sekunden})", groesser="greatest",
        hex="lpad(to_hex(w.id), 32, '0')", zeittyp="TIMESTAMPTZ", json="CAST({} AS JSON)", temp=" ON COMMIT DROP",
        natuerlich="LIKE outbox",
    ),
}


def _outbox_schreiben(verbindung, bau: _Bau) -> None:
    """Die Outbox in einem ``INSERT … SELECT``, in der Reihenfolge der Ids (jede Zeile wird angehängt).

    Zuerst kommen Hilfstabellen über den Treiber (SQLite ``executemany`` mit Zeitpunkten als UTC-Text
    im Format von ``UTCZeit``, PostgreSQL ``COPY``): die einzelnen Mails fertig, für die früheren
    Erinnerungen nur Tage, Aufgaben und Auswahl. Die Datenbank baut daraus die breiten Zeilen und
    mischt beide Ströme nach Id. Die Hilfstabellen verschwinden danach.
    """
    plan = bau.outbox_planen()
    dialekt = verbindung.dialect.name
    d = _DIALEKT[dialekt]
    zeit = (lambda t: t.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")) if dialekt == "sqlite" \
        else (lambda t: t)
    fertige = [(i, schluessel, anlass, anlass, kontext, pid, email, name, aid, f"<{i:032x}@{DOMAIN}>", "gesendet", 1,
                zeit(t), None, None, zeit(t), zeit(t + timedelta(seconds=5 + i % 240)), kalender, methode, bericht)
               for i, t, schluessel, anlass, kontext, pid, email, name, aid, kalender, methode, bericht in plan.natuerlich]
    fertige += [(*z[:12], zeit(z[12]), z[13], z[14], zeit(z[15]), *z[16:]) for z in plan.offen]
    for tabelle, spalten in (
            ("bb_natuerlich", d["natuerlich"]),
            ("bb_tag", f"nr INTEGER PRIMARY KEY, tag TEXT, punkt {d['zeittyp']}, ordinal INTEGER"),
            ("bb_vorlage", "aufgabe_id INTEGER PRIMARY KEY, person_id INTEGER, name TEXT, email TEXT, vorne TEXT, "
                           "mitte TEXT, hinten TEXT, frist INTEGER"),
            ("bb_art", "nr INTEGER PRIMARY KEY, art TEXT"),
            ("bb_wahl", "id INTEGER PRIMARY KEY, k INTEGER, aufgabe_id INTEGER")):
        verbindung.exec_driver_sql(f"CREATE TEMP TABLE {tabelle} ({spalten}){d['temp']}")
    roh = verbindung.connection.dbapi_connection
    punkt = (lambda t: t.astimezone(UTC).replace(tzinfo=None).isoformat(" ")) if dialekt == "sqlite" else (lambda t: t)
    _massenweise(roh, dialekt, "bb_natuerlich", OUTBOX_SPALTEN, fertige)
    _massenweise(roh, dialekt, "bb_tag", ("nr", "tag", "punkt", "ordinal"),
                 [(nr, str(tag), punkt(t), o) for nr, tag, t, o in plan.tage])
    _massenweise(roh, dialekt, "bb_vorlage", ("aufgabe_id", "person_id", "name", "email", "vorne", "mitte", "hinten",
                                              "frist"), plan.vorlagen)
    _massenweise(roh, dialekt, "bb_art", ("nr", "art"), list(enumerate(ARTEN_FRUEHER)))
    _massenweise(roh, dialekt, "bb_wahl", ("id", "k", "aufgabe_id"), plan.verlauf)
    sekunde = f"2 * (w.k % {plan.je_tag})"
    erstellt = d["zeit"].format(sekunden=sekunde)
    kontext = d["json"].format("v.vorne || (v.frist - t.ordinal) || v.mitte || "
                               f"{d['groesser']}(0, t.ordinal - v.frist) || v.hinten")
    spalten = ", ".join(OUTBOX_SPALTEN)
    cursor = roh.cursor()  # ohne Parameter: psycopg liest »%« sonst als Platzhalter
    cursor.execute(f"""
        INSERT INTO outbox ({spalten})
        SELECT w.id, a.art || ':' || v.person_id || ':aufgabe' || v.aufgabe_id || '-verlauf' || w.k || ':' || t.tag,
               a.art, a.art, {kontext}, v.person_id, v.email, v.name, v.aufgabe_id,
               '<' || {d['hex']} || '@{DOMAIN}>', 'gesendet', 1, {erstellt}, NULL, NULL, {erstellt},
               {d['zeit'].format(sekunden=f"{sekunde} + 5 + w.id % 240")}, NULL, NULL, NULL
        FROM bb_wahl w JOIN bb_tag t ON t.nr = w.k / {plan.je_tag} JOIN bb_vorlage v ON v.aufgabe_id = w.aufgabe_id
             JOIN bb_art a ON a.nr = w.k % {len(ARTEN_FRUEHER)}
        UNION ALL
        SELECT {spalten} FROM bb_natuerlich
        ORDER BY 1""")
    cursor.close()
    for tabelle in ("bb_wahl", "bb_art", "bb_vorlage", "bb_tag", "bb_natuerlich"):
        verbindung.exec_driver_sql(f"DROP TABLE IF EXISTS {tabelle}")


def _massenweise(roh, dialekt: str, tabelle: str, spalten: tuple[str, ...], zeilen: list[tuple]) -> None:
    """Zeilen über den Treiber: SQLite ``executemany``, PostgreSQL ``COPY``."""
    if dialekt == "sqlite":
        cursor = roh.cursor()
        cursor.executemany(f"INSERT INTO {tabelle} ({', '.join(spalten)}) VALUES ({', '.join('?' * len(spalten))})",
                           zeilen)
        cursor.close()
        return
    with roh.cursor() as cursor, cursor.copy(f"COPY {tabelle} ({', '.join(spalten)}) FROM STDIN") as kopie:
        for zeile in zeilen:
            kopie.write_row(zeile)


def main() -> int:
    teiler = argparse.ArgumentParser(description="Baut den Standard-Datensatz der Messungen (SQLite).")
    teiler.add_argument("ziel", nargs="?", type=Path, help="Zieldatei; ohne Angabe nur in den Zwischenspeicher")
    teiler.add_argument("--massstab", type=float, default=1.0, help="1 = 1.000 Felder, 20.000 Aufgaben, 1 Mio. Mails")
    args = teiler.parse_args()
    umfang, jetzt = Umfang.zum_massstab(args.massstab), wochenbeginn().astimezone(UTC)
    start = perf_counter()
    if args.ziel:
        d = standard_datensatz(f"sqlite:///{args.ziel.resolve()}", massstab=args.massstab)
        pfad = args.ziel
        herkunft = "aus dem Zwischenspeicher" if d.aus_zwischenspeicher else f"gebaut in {d.bauzeit_s:.1f} s"
    else:
        pfad, bauzeit = _vorlage(umfang, jetzt, _standard_zwischenspeicher())
        herkunft = f"gebaut in {bauzeit:.1f} s" if bauzeit else "schon im Zwischenspeicher"
    print(f"{pfad}: {herkunft}, fertig nach {perf_counter() - start:.1f} s, {pfad.stat().st_size / 1e6:.0f} MB")
    print(f"jetzt = {jetzt.astimezone(BERLIN):%d.%m.%Y %H:%M}; {umfang}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
