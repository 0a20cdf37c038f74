"""Abbruch-Kampagne für ``bildungsbuero init``: kill -9 zu zufälligen Zeitpunkten, dann prüfen.

Genutzt vom Test (kurz, 5 Abbrüche) und von ``bench/init_abbruch.py`` (lang, 30 Abbrüche).
Je Abbruch:

1. Ausgangsstand herstellen: eine fehlende Datei (``frisch``) oder eine Datenbank auf Stand
   0002 mit Daten (``anheben``);
2. ``bildungsbuero init`` als echten Unterprozess starten und nach einer zufälligen Wartezeit
   (aus einem festen Seed) mit SIGKILL beenden; war der Prozess schon fertig, zählt der
   Versuch nicht als Abbruch;
3. den Stand lesen und das Schema (``sqlite_master``) mit einer Referenz desselben Stands
   vergleichen: erlaubt sind nur der alte und der neue Stand, je vollständig;
4. ``init`` bis zum Ende laufen lassen: neuester Stand, Schema wie die Referenz, die Daten
   des Ausgangsstands noch da.

Die Wartezeit beginnt, wenn ``init`` die Datenbank zum ersten Mal anfasst (eine ihrer Dateien
entsteht), und ist gleichverteilt bis zur Dauer, die ein ungestörtes ``init`` sie von da an
offen hält (gemessen im selben Lauf, das kürzeste von zwei).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BEFEHL = Path(sys.executable).parent / "bildungsbuero"
ALTER_STAND = {"frisch": None, "anheben": "0002"}
# Daten auf Stand 0002, die 0003 umbauen muss: Sitzung (neue Spalten), Tagesordnungspunkt, Beschluss.
DATEN_0002 = (
    "INSERT INTO gremium (id, kuerzel, name, ladungsfrist_tage) VALUES (1, 'sg', 'SG', 7)",
    "INSERT INTO sitzung (id, gremium_id, beginn, ort, status) VALUES (1, 1, '2027-05-04 08:00:00', 'Raum 214', 'geplant')",
    "INSERT INTO tagesordnungspunkt (id, sitzung_id, nummer, titel) VALUES (1, 1, 1, 'TOP')",
    "INSERT INTO beschluss (id, sitzung_id, tagesordnungspunkt_id, text, gefasst_am) "
    "VALUES (1, 1, 1, 'beschlossen', '2027-05-04 09:00:00')",
)


@dataclass
class Ergebnis:
    art: str
    versuche: int = 0
    kills: int = 0
    bei_offener_datenbank: int = 0
    wiederhergestellt: int = 0
    staende: Counter = field(default_factory=Counter)
    fehler: list[str] = field(default_factory=list)
    fenster: tuple[float, float] = (0.0, 0.0)

    def zeile(self) -> str:
        staende = ", ".join(f"{s or 'leer'}: {n}" for s, n in sorted(self.staende.items(), key=lambda x: x[0] or ""))
        return (f"{self.art}: {self.kills} Abbrüche in {self.versuche} Versuchen ("
                f"{self.fenster[0]:.2f}–{self.fenster[1]:.2f} s nach der ersten Berührung der Datenbank; "
                f"{self.bei_offener_datenbank} bei offener Datenbank), Stände danach: {staende or '–'}; "
                f"wiederhergestellt: {self.wiederhergestellt}/{self.kills}; Fehler: {len(self.fehler)}")


def stand_0002_mit_daten(pfad: Path) -> None:
    """Eine SQLite-Datei auf Stand 0002 mit Gremium, Sitzung, Tagesordnungspunkt und Beschluss."""
    from sqlalchemy import text

    from modelle.datenbank import engine_erstellen, migrieren

    engine = engine_erstellen(f"sqlite:///{pfad}")
    migrieren(engine, "0002")
    with engine.begin() as v:
        for anweisung in DATEN_0002:
            v.execute(text(anweisung))
    engine.dispose()


def stand_und_schema(pfad: Path) -> tuple[str | None, frozenset]:
    """(Alembic-Stand, Schema als Menge der ``sqlite_master``-Zeilen) einer SQLite-Datei."""
    with sqlite3.connect(pfad) as v:
        # Alembic baut Tabellen beim Anheben neu auf, die Reihenfolge der Constraints darin
        # hängt vom Hash-Seed ab: verglichen werden die Zeilen jeder Anweisung als Menge.
        schema = frozenset((art, name, frozenset(z.strip().rstrip(",") for z in (sql or "").splitlines()))
                           for art, name, sql in v.execute("SELECT type, name, sql FROM sqlite_master"))
        namen = {name for _, name, _ in schema}
        stand = v.execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in namen else None
    v.close()
    return (stand[0] if stand else None), schema


def daten_der_sitzung(pfad: Path) -> tuple:
    with sqlite3.connect(pfad) as v:
        daten = (v.execute("SELECT ort FROM sitzung").fetchall(), v.execute("SELECT text FROM beschluss").fetchall())
    v.close()
    return daten


def _umgebung(db: Path) -> dict[str, str]:
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    return umgebung


def _dateien(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), db.with_name(db.name + "-journal")]


def _ausgangsstand(art: str, db: Path, vorlage: Path | None) -> None:
    for datei in db.parent.iterdir():
        datei.unlink()
    if vorlage is not None:
        db.write_bytes(vorlage.read_bytes())


def _init(db: Path, befehl: Path) -> subprocess.Popen:
    return subprocess.Popen([str(befehl), "init"], env=_umgebung(db), cwd=db.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _bis_zur_ersten_beruehrung(db: Path, prozess: subprocess.Popen, vorher: set[Path]) -> bool:
    """Wartet, bis ``init`` eine Datei der Datenbank anlegt (Datei, WAL, SHM); ``False``, wenn es vorher endet."""
    while prozess.poll() is None:
        if any(d.exists() for d in _dateien(db) if d not in vorher):
            return True
        time.sleep(0.002)
    return False


def _fenster_messen(art: str, db: Path, vorlage: Path | None, befehl: Path, laeufe: int = 2) -> float:
    """Wie lange ein ungestörtes ``init`` die Datenbank offen hält (das kürzeste von ``laeufe``).

    Von der ersten Berührung bis die WAL-Datei wieder verschwindet (die letzte Verbindung ist
    zu); das Beenden des Interpreters danach gehört nicht mehr dazu.
    """
    dauern = []
    wal = _dateien(db)[1]
    for _ in range(laeufe):
        _ausgangsstand(art, db, vorlage)
        prozess = _init(db, befehl)
        _bis_zur_ersten_beruehrung(db, prozess, {d for d in _dateien(db) if d.exists()})
        beruehrt = time.monotonic()
        wal_gesehen = False
        while prozess.poll() is None and (wal.exists() or not wal_gesehen):
            wal_gesehen = wal_gesehen or wal.exists()
            time.sleep(0.002)
        dauern.append(time.monotonic() - beruehrt)
        ausgabe = prozess.communicate()
        if prozess.returncode != 0:
            raise RuntimeError(f"init ohne Abbruch scheiterte: {ausgabe[1]}")
    return min(dauern)


def kampagne(art: str, kills: int, verzeichnis: Path, seed: int = 11, befehl: Path = BEFEHL) -> Ergebnis:
    """Bricht ``init`` ``kills``-mal ab (``art``: ``frisch`` oder ``anheben``) und prüft jeden Abbruch.

    ``befehl`` ist das ``bildungsbuero`` einer Installation (Standard: die dieses Pythons);
    nach ``4 * kills`` Versuchen ohne genug Abbrüche hört sie auf (das Ergebnis zählt sie).
    """
    from modelle.datenbank import engine_erstellen, migrieren, neueste_revision

    zufall = random.Random(seed)
    ergebnis = Ergebnis(art)
    referenzen: dict[str | None, frozenset] = {None: frozenset()}
    arbeit = verzeichnis / "arbeit"
    arbeit.mkdir(parents=True, exist_ok=True)
    db = arbeit / "bildungsbuero.db"

    vorlage = None
    neu = verzeichnis / "referenz-neu.db"
    if art == "anheben":
        vorlage = verzeichnis / "vorlage-0002.db"
        stand_0002_mit_daten(vorlage)
        referenzen["0002"] = stand_und_schema(vorlage)[1]
        daten_vorher = daten_der_sitzung(vorlage)
        neu.write_bytes(vorlage.read_bytes())  # angehoben kann das Schema anders geschrieben sein als neu angelegt
    engine = engine_erstellen(f"sqlite:///{neu}")
    migrieren(engine)
    engine.dispose()
    referenzen[neueste_revision()] = stand_und_schema(neu)[1]

    ergebnis.fenster = (0.0, _fenster_messen(art, db, vorlage, befehl))
    while ergebnis.kills < kills and ergebnis.versuche < 4 * kills:
        ergebnis.versuche += 1
        _ausgangsstand(art, db, vorlage)
        warten = zufall.uniform(*ergebnis.fenster)
        prozess = _init(db, befehl)
        # Gezählt ab der ersten Berührung der Datenbank: die Importe davor dauern auf einer
        # belasteten Maschine mal 1, mal 5 Sekunden, das Fenster danach ist das, worum es geht.
        if _bis_zur_ersten_beruehrung(db, prozess, {d for d in _dateien(db) if d.exists()}):
            time.sleep(warten)
        prozess.send_signal(signal.SIGKILL)
        prozess.communicate()
        if prozess.returncode != -signal.SIGKILL:
            continue  # schon fertig, bevor das Signal kam: kein Abbruch
        ergebnis.kills += 1
        ergebnis.bei_offener_datenbank += _dateien(db)[1].exists()  # die WAL-Datei lebt, solange eine Verbindung offen ist
        wo = f"{art}, Abbruch {ergebnis.kills} nach {warten:.3f} s"
        stand, schema = stand_und_schema(db) if db.exists() else (None, frozenset())
        ergebnis.staende[stand] += 1
        if stand not in (ALTER_STAND[art], neueste_revision()):
            ergebnis.fehler.append(f"{wo}: Stand {stand!r} ist weder der alte noch der neue")
        elif schema != referenzen[stand]:
            ergebnis.fehler.append(f"{wo}: Stand {stand or 'leer'}, aber das Schema ist halb angelegt "
                                   f"({len(schema ^ referenzen[stand])} Abweichungen)")
        nachher = _init(db, befehl)
        ausgabe, fehlertext = nachher.communicate()
        if nachher.returncode != 0:
            ergebnis.fehler.append(f"{wo}: das nächste init scheiterte: {fehlertext.strip().splitlines()[-1:]}")
            continue
        stand, schema = stand_und_schema(db)
        if stand != neueste_revision() or schema != referenzen[stand]:
            ergebnis.fehler.append(f"{wo}: nach dem nächsten init Stand {stand!r}, Schema wie Referenz: "
                                   f"{schema == referenzen.get(stand)}")
            continue
        if art == "anheben" and daten_der_sitzung(db) != daten_vorher:
            ergebnis.fehler.append(f"{wo}: Daten nach dem nächsten init verändert")
            continue
        ergebnis.wiederhergestellt += 1
    return ergebnis
