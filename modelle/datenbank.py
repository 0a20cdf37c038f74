"""Engine, Sitzungen und Migrationen.

SQLite ist der eingebettete Standard: WAL-Journal (Leser blockieren den Schreiber nicht),
Fremdschlüssel an, ``synchronous=NORMAL`` (im WAL-Modus bleibt die Datei bei einem Absturz
des Prozesses konsistent; nur ein Stromausfall kann die letzten Transaktionen kosten) und
ein Warte-Timeout statt sofortigem "database is locked". PostgreSQL wird per URL gewählt
(``postgresql+psycopg://...``, psycopg 3). Eine Verbindung aus dem Pool wird nur dann erst
angepingt, wenn sie mindestens ``PING_NACH_LEERLAUF_SEKUNDEN`` geruht hat (``_ping_nach_leerlauf``):
ein Dienst, der Schritt auf Schritt schreibt, spart so je Transaktion eine Rundreise.

``datei_pruefen(url)`` prüft eine SQLite-Datei, bevor eine Engine sie öffnet (und dabei
eine fehlende still anlegen würde). ``migrieren(engine)`` bringt jede Datenbank mit Alembic
in einer Transaktion auf den neuesten Stand; die Migrationen liegen in ``modelle/migrationen``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONEN = Path(__file__).with_name("migrationen")
SQLITE_KOPF = b"SQLite format 3\x00"  # die ersten 16 Bytes jeder SQLite-Datenbankdatei


class Datenbankfehler(Exception):
    """Die Datenbank ist so nicht benutzbar; der Text sagt auf Deutsch, wo und was zu tun ist."""


def sqlite_datei(url: str | URL) -> Path | None:
    """Die Datei einer SQLite-URL; ``None`` für andere Datenbanken und SQLite im Speicher."""
    adresse = make_url(url)
    datenbank = adresse.database
    if adresse.get_backend_name() != "sqlite" or not datenbank or datenbank == ":memory:":
        return None
    if datenbank.startswith("file:") or adresse.query.get("uri"):
        return None  # URI-Form (mode=ro, ...): SQLite wertet sie selbst aus
    return Path(datenbank)


def datei_pruefen(url: str, *, anlegen: bool = False) -> None:
    """Prüft die SQLite-Datei hinter ``url``, bevor eine Engine sie öffnet; ändert nichts.

    Fehlt die Datei, ist das nur mit ``anlegen=True`` (``bildungsbuero init``) in Ordnung und
    nur, wenn ihr Verzeichnis existiert: SQLite legte sonst aus einem Tippfehler in
    ``datenbank_url`` still eine leere Datenbank an. Eine vorhandene Datei muss leer sein oder
    mit dem SQLite-Kopf beginnen. Sonst ``Datenbankfehler``. Andere Datenbanken: nichts zu tun.
    """
    datei = sqlite_datei(url)
    if datei is None:
        return
    wo = f"Datenbankdatei {datei.resolve()} (Einstellung datenbank_url)"
    if not datei.exists():
        if not anlegen:
            raise Datenbankfehler(
                f"Die {wo} gibt es nicht. Ist der Pfad falsch, korrigieren Sie ihn (»bildungsbuero einstellungen« "
                "zeigt ihn); ist die Datenbank neu: Führen Sie zuerst »bildungsbuero init« aus."
            )
        if not datei.parent.is_dir():
            raise Datenbankfehler(
                f"Das Verzeichnis {datei.parent.resolve()} für die {wo} gibt es nicht. Legen Sie es an "
                "oder prüfen Sie den Pfad."
            )
        return
    if datei.is_dir():
        raise Datenbankfehler(f"Die {wo} ist ein Verzeichnis. Nennen Sie eine Datei darin, z. B. "
                              f"sqlite:///{datei / 'bildungsbuero.db'}.")
    try:
        with datei.open("rb") as f:
            kopf = f.read(len(SQLITE_KOPF))
    except OSError as fehler:
        raise Datenbankfehler(f"Die {wo} kann nicht gelesen werden ({fehler.strerror}). Prüfen Sie die "
                              "Rechte der Datei.") from None
    if kopf and kopf != SQLITE_KOPF:
        raise Datenbankfehler(
            f"Die {wo} ist keine SQLite-Datenbank. Prüfen Sie den Pfad; die Datei wurde nicht verändert."
        )


def engine_erstellen(url: str, **kwargs) -> Engine:
    """Erzeugt die Engine für ``url``; für SQLite mit WAL, Fremdschlüsseln und Timeout."""
    adresse = make_url(url)
    if adresse.get_backend_name() == "sqlite":
        # hide_parameters: Fehlermeldungen von SQLAlchemy zeigen sonst die Werte einer Anweisung,
        # darunter Namen und Adressen – und die landen im Log des Dienstes.
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True, **kwargs)
        event.listen(engine, "connect", _sqlite_einrichten)
        return engine
    engine = create_engine(url, hide_parameters=True, **kwargs)
    event.listen(engine.pool, "checkin", _zurueckgegeben)
    event.listen(engine.pool, "checkout", lambda v, record, _p: _ping_nach_leerlauf(engine.dialect, v, record))
    return engine


# Wie lange eine Verbindung im Pool ruhen darf, bevor sie vor der nächsten Benutzung angepingt wird.
PING_NACH_LEERLAUF_SEKUNDEN = 5.0
_ZURUECK = "bildungsbuero_zurueck"


def _zurueckgegeben(_dbapi_verbindung, record) -> None:
    if record is not None:
        record.info[_ZURUECK] = time.monotonic()


def _ping_nach_leerlauf(dialekt, dbapi_verbindung, record) -> None:
    """Pingt eine Verbindung, die seit ``PING_NACH_LEERLAUF_SEKUNDEN`` ungenutzt im Pool lag.

    Statt ``pool_pre_ping`` (ein ``SELECT 1`` vor *jeder* Transaktion): eine Verbindung, die
    gerade noch benutzt wurde, ist mit großer Wahrscheinlichkeit noch da. Stirbt sie doch (der
    Server startet neu), scheitert die laufende Anweisung, SQLAlchemy erkennt den Abbruch und
    verwirft alle Verbindungen des Pools; die Arbeitseinheit rollt zurück wie bei jedem Fehler.
    Ein gescheiterter Ping wirft ``DisconnectionError``: der Pool verwirft die Verbindung und
    versucht es mit einer neuen (SQLAlchemy, »Disconnect Handling – Pessimistic«, eigener Ping).
    """
    from sqlalchemy import exc

    zurueck = record.info.get(_ZURUECK)
    if zurueck is None or time.monotonic() - zurueck < PING_NACH_LEERLAUF_SEKUNDEN:
        return  # frisch verbunden oder gerade noch benutzt
    try:
        lebt = dialekt.do_ping(dbapi_verbindung)  # ein SELECT 1 ohne Transaktion: eine Rundreise
    except Exception as fehler:
        raise exc.DisconnectionError(f"Verbindung nach Leerlauf nicht mehr nutzbar: {fehler}") from fehler
    if not lebt:
        raise exc.DisconnectionError("Verbindung nach Leerlauf nicht mehr nutzbar")


def _sqlite_einrichten(dbapi_verbindung, _record) -> None:
    cursor = dbapi_verbindung.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def orm_session(engine: Engine) -> Session:
    """Eine neue ORM-Session; Objekte bleiben nach dem Commit lesbar."""
    return Session(engine, expire_on_commit=False)


def _alembic_config(verbindung):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONEN))
    config.attributes["connection"] = verbindung
    return config


def migrieren(engine: Engine, ziel: str = "head") -> Path | None:
    """Legt das Schema an oder hebt es auf ``ziel`` an (idempotent), alles in einer Transaktion.

    Bricht der Prozess mittendrin ab (kill -9, Stromausfall), bleibt die Datenbank auf dem
    alten Stand, und der nächste Aufruf beginnt von vorn. Vor dem Anheben einer SQLite-Datei,
    die schon ein Schema hat, legt er eine Kopie daneben (``sicherung_pfad``) und gibt ihren
    Pfad zurück, sonst ``None``. Ein Stand, den dieses Programm nicht kennt, wirft
    ``Datenbankfehler`` und ändert nichts.
    """
    from alembic import command
    from alembic.util import CommandError
    from sqlalchemy.exc import DBAPIError

    stand = _bekannter_stand(engine)
    sicherung = _sichern_vor_dem_anheben(engine, stand, ziel)
    migrationsengine = _migrationsengine(engine)
    try:
        with migrationsengine.begin() as verbindung:
            command.upgrade(_alembic_config(verbindung), ziel)
            _fremdschluessel_pruefen(verbindung)
    except CommandError as fehler:
        raise Datenbankfehler(f"Die Migration auf »{ziel}« ist nicht möglich ({fehler}); es wurde nichts geändert.") from None
    except DBAPIError as fehler:
        # Die Transaktion ist zurückgenommen: der alte Stand gilt weiter, die Daten sind unverändert.
        raise Datenbankfehler(
            f"Die Datenbank ließ sich nicht von Stand {stand or 'leer'} auf den neuesten Stand bringen "
            f"({str(fehler.orig).splitlines()[0]}). Es wurde nichts geändert; sie steht weiter auf Stand "
            f"{stand or 'leer'}. Melden Sie diese Meldung den Entwicklern."
        ) from None
    finally:
        if migrationsengine is not engine:
            migrationsengine.dispose()
    return sicherung


def _migrationsengine(engine: Engine) -> Engine:
    """Die Engine, auf der die Migration läuft: für PostgreSQL dieselbe, für SQLite eine eigene.

    PostgreSQL führt DDL ohnehin in der Transaktion aus. Der SQLite-Treiber von Python
    (``sqlite3``, bis 3.11 nur im alten Transaktionsmodus) öffnet vor CREATE, ALTER und DROP
    keine Transaktion: jede Anweisung wäre für sich festgeschrieben, ein Abbruch ließe eine
    halb angelegte Datenbank zurück. Diese Engine schaltet die Transaktionssteuerung des
    Treibers ab und sendet BEGIN IMMEDIATE selbst (Rezept der SQLAlchemy-Dokumentation,
    »Enabling Non-Legacy SQLite Transactional Modes«), so dass alle Migrationen samt
    Versionszeile in einer echten Transaktion laufen; IMMEDIATE nimmt die Schreibsperre sofort,
    ein zweites gleichzeitiges ``init`` wartet und findet dann den neuen Stand vor.
    Fremdschlüssel sind aus, denn Alembic baut Tabellen neu auf (neue Tabelle, Daten kopieren,
    alte löschen); das PRAGMA wirkt nur außerhalb einer Transaktion, daher beim Verbinden.
    """
    if engine.dialect.name != "sqlite":
        return engine
    from sqlalchemy.pool import NullPool

    migrationsengine = create_engine(engine.url, connect_args={"timeout": 30}, poolclass=NullPool, hide_parameters=True)
    event.listen(migrationsengine, "connect", _sqlite_fuer_migration_einrichten)
    event.listen(migrationsengine, "begin", lambda verbindung: verbindung.exec_driver_sql("BEGIN IMMEDIATE"))
    return migrationsengine


def _sqlite_fuer_migration_einrichten(dbapi_verbindung, record) -> None:
    _sqlite_einrichten(dbapi_verbindung, record)
    dbapi_verbindung.isolation_level = None  # der Treiber sendet weder BEGIN noch COMMIT von sich aus
    dbapi_verbindung.execute("PRAGMA foreign_keys=OFF")


def _fremdschluessel_pruefen(verbindung) -> None:
    """Bricht die Migration ab, wenn sie Zeilen mit verwaisten Fremdschlüsseln hinterließe.

    Auf SQLite laufen Migrationen ohne Fremdschlüsselprüfung (siehe ``_migrationsengine``);
    SQLite rät, danach ``PRAGMA foreign_key_check`` zu fragen, bevor festgeschrieben wird.
    """
    if verbindung.dialect.name != "sqlite":
        return
    verwaist = verbindung.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if verwaist:
        tabellen = ", ".join(sorted({zeile[0] for zeile in verwaist}))
        raise Datenbankfehler(
            f"Die Migration hätte Verweise ins Leere hinterlassen (Tabellen: {tabellen}); sie wurde "
            "zurückgenommen, die Datenbank ist unverändert."
        )


def _bekannter_stand(engine: Engine) -> str | None:
    """Der Stand der Datenbank; ``Datenbankfehler``, wenn dieses Programm ihn nicht kennt."""
    from alembic.script import ScriptDirectory

    stand = schema_stand(engine)
    skripte = ScriptDirectory(str(MIGRATIONEN))
    if stand is not None and stand not in {s.revision for s in skripte.walk_revisions()}:
        raise Datenbankfehler(
            f"Die Datenbank hat den Stand {stand}, den dieses Programm nicht kennt (sein neuester Stand: "
            f"{skripte.get_current_head()}). Sie wurde wohl von einer neueren Version eingerichtet; "
            "installieren Sie diese wieder. Die Datenbank wurde nicht verändert."
        )
    return stand


def sicherung_pfad(datei: Path, stand: str) -> Path:
    """Wo die Kopie einer Datenbank mit ``stand`` vor dem Anheben liegt: neben ihr, mit dem Stand im Namen."""
    return datei.with_name(f"{datei.name}.vor-dem-anheben-{stand}")


def _sichern_vor_dem_anheben(engine: Engine, stand: str | None, ziel: str) -> Path | None:
    """Kopiert eine SQLite-Datei mit Schema (``stand``), bevor ``ziel`` sie anhebt; gibt den Pfad der Kopie.

    Kopiert wird mit der Backup-Schnittstelle von SQLite (ein konsistenter Stand, auch mit
    WAL-Datei) in eine temporäre Datei, die erst fertig umbenannt wird: ein Abbruch hinterlässt
    nie eine halbe Sicherung unter dem richtigen Namen.
    """
    import sqlite3

    from alembic.script import ScriptDirectory

    datei = sqlite_datei(engine.url)
    if datei is None or stand is None:
        return None
    ziele = ScriptDirectory(str(MIGRATIONEN)).get_revisions(ziel)
    if stand in {r.revision for r in ziele}:
        return None
    sicherung = sicherung_pfad(datei, stand)
    temporaer = sicherung.with_name(sicherung.name + ".unfertig")
    for rest in (temporaer, temporaer.with_name(temporaer.name + "-journal")):
        rest.unlink(missing_ok=True)
    quelle, kopie = sqlite3.connect(datei), sqlite3.connect(temporaer)
    try:
        quelle.backup(kopie)
    finally:
        kopie.close()
        quelle.close()
    with temporaer.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(temporaer, sicherung)
    return sicherung.resolve()


def schema_stand(engine: Engine) -> str | None:
    """Die aktuelle Alembic-Revision der Datenbank, ``None`` wenn sie leer ist."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as verbindung:
        return MigrationContext.configure(verbindung).get_current_revision()


def neueste_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONEN)).get_current_head()
