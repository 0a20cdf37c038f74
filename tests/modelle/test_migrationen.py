"""Migrationen von leer bis zum neuesten Stand; die Modelle entsprechen den Migrationen."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

import modelle.metadaten  # noqa: F401
from modelle.datenbank import Datenbankfehler, engine_erstellen, migrieren, neueste_revision, schema_stand, sicherung_pfad
from tests.modelle.abbruch import DATEN_0002, daten_der_sitzung, stand_0002_mit_daten, stand_und_schema


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


@BEIDE
def test_der_index_der_offenen_aufgaben_ist_in_der_datenbank_partiell(leere_db):
    """Die Bedingung steht nur in der Migration (siehe modelle/tabellen.py, Aufgabe); compare_metadata sieht sie nicht."""
    from modelle.tabellen import Aufgabe

    migrieren(leere_db)
    index = next(i for i in Aufgabe.__table__.indexes if i.name == "ix_aufgabe_offen_frist")
    with leere_db.connect() as v:
        if leere_db.dialect.name == "sqlite":
            definition = v.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'ix_aufgabe_offen_frist'").scalar_one()
        else:
            definition = v.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_aufgabe_offen_frist' "
                                        "AND schemaname = current_schema()").scalar_one()
    bedingung = definition.split("WHERE", 1)[1].replace("(", "").replace(")", "").replace("::text", "").strip()
    assert bedingung == index.info["bedingung"]


def test_die_tabellen_laden_den_postgresql_dialekt_nicht():
    """Dialekt-Argumente an Tabellen lüden ihn beim Import (teuer: asyncpg, asyncio); siehe Aufgabe."""
    import subprocess
    import sys

    ergebnis = subprocess.run(
        [sys.executable, "-c", "import sys, modelle.metadaten; print('sqlalchemy.dialects.postgresql' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert ergebnis.stdout.strip() == "False"


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
        for anweisung in DATEN_0002:
            v.execute(text(anweisung))
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


def test_vor_dem_anheben_liegt_eine_sicherung_des_alten_stands_neben_der_datei(tmp_path):
    datei = tmp_path / "bb.db"
    stand_0002_mit_daten(datei)
    engine = engine_erstellen(f"sqlite:///{datei}")
    sicherung = migrieren(engine)
    engine.dispose()
    assert sicherung == sicherung_pfad(datei, "0002").resolve() == tmp_path / "bb.db.vor-dem-anheben-0002"
    assert stand_und_schema(sicherung)[0] == "0002"
    assert daten_der_sitzung(sicherung) == daten_der_sitzung(datei) == ([("Raum 214",)], [("beschlossen",)])
    assert not list(tmp_path.glob("*.unfertig*"))


def test_ohne_anzuhebendes_schema_entsteht_keine_sicherung(tmp_path):
    engine = engine_erstellen(f"sqlite:///{tmp_path / 'bb.db'}")
    assert migrieren(engine) is None  # leer: nichts zu sichern
    assert migrieren(engine) is None  # schon auf dem neuesten Stand
    engine.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["bb.db"]


def test_eine_gescheiterte_migration_hinterlaesst_auf_sqlite_keine_halbe_tabelle(tmp_path):
    """Die dritte Migration scheitert mittendrin (eine Zeile, die 0003 nicht übernehmen kann):
    alles, auch was 0003 vor dem Fehler angelegt hat, ist zurückgenommen."""
    from sqlalchemy import text

    datei = tmp_path / "bb.db"
    stand_0002_mit_daten(datei)
    engine = engine_erstellen(f"sqlite:///{datei}")
    with engine.begin() as v:  # zwei Tagesordnungspunkte mit derselben Nummer: 0003 macht sie eindeutig
        v.execute(text("INSERT INTO tagesordnungspunkt (id, sitzung_id, nummer, titel) VALUES (2, 1, 1, 'doppelt')"))
    vorher = stand_und_schema(datei)
    with pytest.raises(Datenbankfehler, match="nicht von Stand 0002 auf .*UNIQUE.*nichts geändert"):
        migrieren(engine)
    engine.dispose()
    assert stand_und_schema(datei) == vorher
    assert "statusbericht" not in {name for _, name, _ in vorher[1]}


def test_ein_unbekannter_stand_wird_nicht_angefasst(tmp_path):
    from sqlalchemy import text

    engine = engine_erstellen(f"sqlite:///{tmp_path / 'bb.db'}")
    migrieren(engine)
    with engine.begin() as v:
        v.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(Datenbankfehler, match="Stand 0099, den dieses Programm nicht kennt"):
        migrieren(engine)
    assert schema_stand(engine) == "0099"
    engine.dispose()
    assert not list(tmp_path.glob("*.vor-dem-anheben-*"))


def test_zwei_gleichzeitige_migrationen_richten_die_datei_genau_einmal_ein(tmp_path):
    """BEGIN IMMEDIATE: das zweite ``init`` wartet auf das erste und findet den neuen Stand vor."""
    import threading

    url = f"sqlite:///{tmp_path / 'bb.db'}"
    engines = [engine_erstellen(url) for _ in range(2)]
    fehler = []

    def lauf(engine):
        try:
            migrieren(engine)
        except Exception as f:  # noqa: BLE001 – der Test meldet jeden Fehler des Laufs
            fehler.append(f)

    laeufe = [threading.Thread(target=lauf, args=(e,)) for e in engines]
    for t in laeufe:
        t.start()
    for t in laeufe:
        t.join()
    assert fehler == []
    assert schema_stand(engines[0]) == neueste_revision()
    for e in engines:
        e.dispose()
