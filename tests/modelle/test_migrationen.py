"""Migrationen von leer bis zum neuesten Stand; die Modelle entsprechen den Migrationen."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

import modelle.tabellen  # noqa: F401
from modelle.datenbank import engine_erstellen, migrieren, neueste_revision, schema_stand


@pytest.fixture
def leere_db(request, tmp_path):
    """Eine wirklich leere Datenbank: neue SQLite-Datei oder ein neues PostgreSQL-Schema."""
    if request.param == "sqlite":
        engine = engine_erstellen(f"sqlite:///{tmp_path / 'leer.db'}")
        yield engine
        engine.dispose()
        return
    import uuid
    from urllib.parse import quote

    from tests.conftest import PG_URL

    request.getfixturevalue("pg_schema_url")  # erreichbar (oder Skip/Fehler wie überall)
    schema = f"bb_leer_{uuid.uuid4().hex[:8]}"
    verwaltung = engine_erstellen(PG_URL)
    with verwaltung.begin() as v:
        v.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine = engine_erstellen(f"{PG_URL}?options={quote(f'-csearch_path={schema}')}")
    yield engine
    engine.dispose()
    with verwaltung.begin() as v:
        v.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    verwaltung.dispose()


BEIDE = pytest.mark.parametrize("leere_db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@BEIDE
def test_migriert_von_leer_bis_zum_neuesten_stand_hin_und_zurueck(leere_db):
    assert schema_stand(leere_db) is None
    migrieren(leere_db)
    assert schema_stand(leere_db) == neueste_revision()
    migrieren(leere_db)  # ein zweites init ändert nichts
    assert schema_stand(leere_db) == neueste_revision()
    from alembic import command

    from modelle.datenbank import _alembic_config

    with leere_db.begin() as v:
        command.downgrade(_alembic_config(v), "base")
    assert schema_stand(leere_db) is None
    migrieren(leere_db)
    assert schema_stand(leere_db) == neueste_revision()


@BEIDE
def test_die_modelle_entsprechen_den_migrationen(leere_db):
    migrieren(leere_db)
    with leere_db.connect() as v:
        unterschiede = compare_metadata(MigrationContext.configure(v, opts={"compare_type": True}), SQLModel.metadata)
    assert unterschiede == []


def test_sqlite_laeuft_mit_wal_und_fremdschluesseln(tmp_path):
    engine = engine_erstellen(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as v:
        assert v.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert v.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_zeitpunkte_werden_in_utc_gespeichert_und_zonenbewusst_gelesen(db_url):
    from modelle.datenbank import orm_session
    from modelle.tabellen import Gremium, Sitzung

    engine = engine_erstellen(db_url)
    berlin = timezone(timedelta(hours=2))
    with orm_session(engine) as s:
        g = Gremium(kuerzel="beirat", name="Beirat")
        s.add(g)
        s.flush()
        s.add(Sitzung(gremium_id=g.id, beginn=datetime(2027, 6, 9, 17, 0, tzinfo=berlin)))
        s.commit()
    with orm_session(engine) as s:
        gelesen = s.exec(select(Sitzung)).one().beginn
    engine.dispose()
    assert gelesen == datetime(2027, 6, 9, 15, 0, tzinfo=timezone.utc)
    assert gelesen.tzinfo is not None


def test_ein_naiver_zeitpunkt_wird_abgewiesen(db_url):
    from sqlalchemy.exc import StatementError

    from modelle.datenbank import orm_session
    from modelle.tabellen import Gremium, Sitzung

    engine = engine_erstellen(db_url)
    with orm_session(engine) as s:
        g = Gremium(kuerzel="beirat", name="Beirat")
        s.add(g)
        s.flush()
        s.add(Sitzung(gremium_id=g.id, beginn=datetime(2027, 6, 9, 17, 0)))
        with pytest.raises(StatementError, match="ohne Zeitzone"):
            s.commit()
    engine.dispose()


@BEIDE
def test_eine_datenbank_mit_daten_laesst_sich_anheben(leere_db):
    """Stand 0002 mit Sitzung, Tagesordnungspunkt und Beschluss; 0003 baut die Sitzung um."""
    from sqlalchemy import text

    migrieren(leere_db, "0002")
    with leere_db.begin() as v:
        v.execute(text("INSERT INTO gremium (id, kuerzel, name, ladungsfrist_tage) VALUES (1, 'sg', 'SG', 7)"))
        v.execute(text("INSERT INTO sitzung (id, gremium_id, beginn, ort, status) "
                       "VALUES (1, 1, '2027-05-04 08:00:00', 'Raum 214', 'geplant')"))
        v.execute(text("INSERT INTO tagesordnungspunkt (id, sitzung_id, nummer, titel) VALUES (1, 1, 1, 'TOP')"))
        v.execute(text("INSERT INTO beschluss (id, sitzung_id, tagesordnungspunkt_id, text, gefasst_am) "
                       "VALUES (1, 1, 1, 'beschlossen', '2027-05-04 09:00:00')"))
    migrieren(leere_db)
    assert schema_stand(leere_db) == neueste_revision()
    with leere_db.connect() as v:
        assert v.execute(text("SELECT ort, sequenz, dauer_minuten FROM sitzung")).one() == ("Raum 214", 0, 120)
        assert v.execute(text("SELECT count(*) FROM beschluss")).scalar() == 1
        if v.dialect.name == "sqlite":
            assert v.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_der_schemakopf_im_code_ist_die_neueste_migration():
    from modelle.datenbank import neueste_revision
    from modelle.schema import SCHEMA_KOPF

    assert SCHEMA_KOPF == neueste_revision()
