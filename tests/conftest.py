"""Gemeinsame Fixtures: echte Datenbanken (SQLite-Datei und PostgreSQL), simulierte Uhr.

PostgreSQL: ``BILDUNGSBUERO_TEST_PG_URL`` (Standard: 127.0.0.1:5432, Datenbank ``test``).
Ist der Server nicht erreichbar, werden die PostgreSQL-Tests übersprungen – außer
``BILDUNGSBUERO_TEST_PG_PFLICHT`` ist gesetzt (so in CI): dann schlagen sie fehl.
Jeder Testlauf bekommt ein eigenes Schema, das einmal migriert und vor jedem Test geleert wird.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from tests.benachrichtigungen.postfach import Server

WURZEL = Path(__file__).resolve().parent.parent
ORGANISATION = WURZEL / "organisationen" / "landkreis-cloppenburg.toml"
BERLIN = ZoneInfo("Europe/Berlin")
PG_URL = os.environ.get("BILDUNGSBUERO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_PFLICHT = bool(os.environ.get("BILDUNGSBUERO_TEST_PG_PFLICHT"))


@pytest.fixture(scope="session")
def sqlite_vorlage(tmp_path_factory) -> Path:
    """Eine einmal migrierte SQLite-Datei; jeder Test bekommt eine Kopie."""
    from modelle.datenbank import engine_erstellen, migrieren

    pfad = tmp_path_factory.mktemp("vorlage") / "vorlage.db"
    engine = engine_erstellen(f"sqlite:///{pfad}")
    migrieren(engine)
    with engine.connect() as v:
        v.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return pfad


@pytest.fixture(scope="session")
def pg_schema_url():
    """URL auf ein frisches, migriertes Schema dieses Testlaufs (oder Skip/Fehler)."""
    import sqlalchemy

    from modelle.datenbank import engine_erstellen, migrieren

    schema = f"bb_test_{uuid.uuid4().hex[:10]}"
    verwaltung = sqlalchemy.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with verwaltung.connect() as v:
            v.exec_driver_sql(f"CREATE SCHEMA {schema}")
    except sqlalchemy.exc.OperationalError as fehler:
        verwaltung.dispose()
        meldung = f"PostgreSQL unter {PG_URL} nicht erreichbar: {str(fehler).splitlines()[0]}"
        if PG_PFLICHT:
            pytest.fail(meldung + " (BILDUNGSBUERO_TEST_PG_PFLICHT ist gesetzt)")
        pytest.skip(meldung)
    trenner = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{trenner}options={quote(f'-csearch_path={schema}')}"
    engine = engine_erstellen(url)
    migrieren(engine)
    engine.dispose()
    yield url
    with verwaltung.connect() as v:
        v.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    verwaltung.dispose()


def _pg_leeren(url: str) -> None:
    from sqlmodel import SQLModel

    import modelle.metadaten  # noqa: F401
    from modelle.datenbank import engine_erstellen

    engine = engine_erstellen(url)
    tabellen = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as v:
        v.exec_driver_sql(f"TRUNCATE {tabellen} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """Eine leere, migrierte Datenbank je Test: SQLite-Datei oder PostgreSQL-Schema."""
    if request.param == "sqlite":
        ziel = tmp_path / "bildungsbuero.db"
        shutil.copy(request.getfixturevalue("sqlite_vorlage"), ziel)
        return f"sqlite:///{ziel}"
    url = request.getfixturevalue("pg_schema_url")
    _pg_leeren(url)
    return url


@pytest.fixture
def einstellungen(db_url):
    from prozess.einstellungen import laden

    return laden(umgebung={}, arbeitsverzeichnis=WURZEL / "tests").mit(datenbank_url=db_url)


@pytest.fixture
def umgebung(einstellungen):
    from prozess.umgebung import Umgebung

    u = Umgebung(einstellungen)
    yield u
    u.schliessen()


@pytest.fixture
def uhr():
    from prozess.zeit import SimulierteUhr

    return SimulierteUhr(datetime(2027, 1, 11, 9, 0, tzinfo=BERLIN))


@pytest.fixture
def organisation(umgebung):
    """Die Organisation des Landkreises Cloppenburg, geladen."""
    from prozess.organisation import datei_lesen, organisation_laden

    with umgebung.arbeit() as arbeit:
        organisation_laden(arbeit, datei_lesen(ORGANISATION))
    return umgebung


@pytest.fixture
def s(organisation):
    """Eine Datenbank-Session mit geladener Organisation; ``tests.hilfen.tun`` öffnet darauf Arbeitseinheiten."""
    with organisation.db_session() as db:
        db.info["test_einstellungen"] = organisation.einstellungen
        yield db


@pytest.fixture
def smtp_server():
    server = Server()
    server.starten()
    yield server
    server.stoppen()


@pytest.fixture
def smtp_einstellungen(einstellungen, smtp_server):
    return einstellungen.mit(versand="smtp", smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_tls="keine",
                             absender="bildungsbuero@lkclp.example", smtp_timeout_sekunden=5)


@pytest.fixture
def smtp_umgebung(smtp_einstellungen, organisation):
    from prozess.umgebung import Umgebung

    u = Umgebung(smtp_einstellungen, organisation.engine)
    return u


@pytest.fixture(scope="session")
def demo_lauf(tmp_path_factory):
    """Die Demo einmal je Testlauf (sie dauert): (Verzeichnis, ausgegebene Zeilen)."""
    from prozess.demo import demo_ausfuehren

    zeilen: list[str] = []
    verzeichnis = demo_ausfuehren(tmp_path_factory.mktemp("demo") / "demo", zeilen.append)
    return verzeichnis, zeilen
