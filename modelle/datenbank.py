"""Engine, Sitzungen und Migrationen.

SQLite ist der eingebettete Standard: WAL-Journal (Leser blockieren den Schreiber nicht),
Fremdschlüssel an, ``synchronous=NORMAL`` (im WAL-Modus bleibt die Datei bei einem Absturz
des Prozesses konsistent; nur ein Stromausfall kann die letzten Transaktionen kosten) und
ein Warte-Timeout statt sofortigem "database is locked". PostgreSQL wird per URL gewählt
(``postgresql+psycopg://...``, psycopg 3).

``migrieren(engine)`` bringt jede Datenbank mit Alembic auf den neuesten Stand; die
Migrationen liegen in ``modelle/migrationen``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

MIGRATIONEN = Path(__file__).with_name("migrationen")


def engine_erstellen(url: str, **kwargs) -> Engine:
    """Erzeugt die Engine für ``url``; für SQLite mit WAL, Fremdschlüsseln und Timeout."""
    adresse = make_url(url)
    if adresse.get_backend_name() == "sqlite":
        # hide_parameters: Fehlermeldungen von SQLAlchemy zeigen sonst die Werte einer Anweisung,
        # darunter Namen und Adressen – und die landen im Log des Dienstes.
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True, **kwargs)
        event.listen(engine, "connect", _sqlite_einrichten)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


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


def migrieren(engine: Engine, ziel: str = "head") -> None:
    """Legt das Schema an oder hebt es auf ``ziel`` an (idempotent)."""
    from alembic import command

    with _ohne_fremdschluessel_pruefung(engine) as verbindung, verbindung.begin():
        command.upgrade(_alembic_config(verbindung), ziel)


@contextmanager
def _ohne_fremdschluessel_pruefung(engine: Engine):
    """Eine Verbindung, auf der SQLite Fremdschlüssel während der Migration nicht prüft.

    Alembic baut auf SQLite Tabellen neu auf (neue Tabelle, Daten kopieren, alte löschen);
    mit eingeschalteten Fremdschlüsseln scheitert das Löschen einer Tabelle, auf die andere
    Zeilen zeigen. Das PRAGMA wirkt nur außerhalb einer Transaktion, daher vor dem BEGIN.
    """
    with engine.connect() as verbindung:
        sqlite = verbindung.dialect.name == "sqlite"
        if sqlite:
            verbindung.exec_driver_sql("PRAGMA foreign_keys=OFF")
            verbindung.commit()  # beendet nur SQLAlchemys Autobegin; das PRAGMA öffnet keine Transaktion
        try:
            yield verbindung
        finally:
            if sqlite:
                verbindung.exec_driver_sql("PRAGMA foreign_keys=ON")
                verbindung.commit()


def schema_stand(engine: Engine) -> str | None:
    """Die aktuelle Alembic-Revision der Datenbank, ``None`` wenn sie leer ist."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as verbindung:
        return MigrationContext.configure(verbindung).get_current_revision()


def neueste_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONEN)).get_current_head()
