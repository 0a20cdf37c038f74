"""``modelle.direkt``: Fehler kommen wie aus ``Connection.execute`` (ohne private Schnittstellen).

Dieselbe Anweisung einmal über ``Connection.execute``, einmal über ``direkt``/``Stapelanweisung``:
dieselbe Klasse von SQLAlchemy, Parameter verborgen wie bei der Engine; ein Verbindungsabbruch
verwirft die Verbindung, und nach dem Rollback arbeitet die Engine mit einer neuen weiter. Eine
Anweisung, die nur der Aufruf hält, wird trotzdem ausgeführt.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy import exc as sa_exc

from modelle.datenbank import engine_erstellen
from modelle.direkt import Stapelanweisung, direkt, zusammen
from modelle.tabellen import Versandstand

# Eine kleine Tabelle ohne Vorgabewerte in Python (die ``direkt`` abwiese), mit einem Zeitpunkt.
# Die Anweisungen leben im Modul: ``direkt`` hält sie nur schwach (siehe dort).
_STAND = Versandstand.__table__
EINFUEGEN = insert(_STAND)
LESEN = select(_STAND.c.id, _STAND.c.gesendet).where(_STAND.c.id == bindparam("id"))
NACH_ZAHL = select(_STAND.c.id).where(_STAND.c.gesendet >= bindparam("mindestens"))
OHNE_TABELLE = text("SELECT id FROM gibt_es_nicht WHERE id = :x")
STAPEL = Stapelanweisung(insert(_STAND), parameter=("id", "gesendet", "verworfen", "geleert_bis"))
JETZT = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)


def _zeile(id_, gesendet=0, geleert_bis=JETZT) -> dict:
    return {"id": id_, "gesendet": gesendet, "verworfen": 0, "geleert_bis": geleert_bis}


@pytest.fixture
def engine(db_url):
    engine = engine_erstellen(db_url)
    with engine.begin() as v:
        v.execute(_STAND.delete())
        v.execute(EINFUEGEN, _zeile(1, gesendet=7))
    yield engine
    engine.dispose()


def _fehler_ueber_execute(engine, anweisung, werte):
    with engine.connect() as v, pytest.raises(sa_exc.StatementError) as info:
        v.execute(anweisung, werte)
    return info.value


def test_eine_verletzte_eindeutigkeit_ist_derselbe_integrityerror(engine):
    erwartet = _fehler_ueber_execute(engine, EINFUEGEN, _zeile(1, gesendet=4242))
    with engine.connect() as v, pytest.raises(sa_exc.IntegrityError) as info:
        direkt(EINFUEGEN).anzahl(v, _zeile(1, gesendet=4242))
    assert type(info.value) is type(erwartet)
    assert type(info.value.orig) is type(erwartet.orig)
    assert not info.value.connection_invalidated
    # Die Engine verbirgt Parameter (Namen und Adressen gehören nicht ins Log): auch hier.
    assert "4242" not in str(info.value) and "4242" not in str(erwartet)


def test_ein_stapel_meldet_denselben_integrityerror(engine):
    with engine.connect() as v, pytest.raises(sa_exc.IntegrityError) as info:
        STAPEL.ausfuehren(v, [(2, 0, 0, JETZT), (1, 4242, 0, JETZT)])
    assert "4242" not in str(info.value)
    with engine.connect() as v:  # nichts geschrieben, die Verbindung arbeitet weiter
        assert v.execute(select(_STAND.c.id)).scalars().all() == [1]


def test_ein_fehler_beim_wandeln_ist_ein_statementerror(engine):
    werte = _zeile(2, geleert_bis=datetime(2027, 6, 9, 17, 0))  # ohne Zeitzone: UTCZeit weist ihn ab
    erwartet = _fehler_ueber_execute(engine, EINFUEGEN, werte)
    with engine.connect() as v, pytest.raises(sa_exc.StatementError, match="ohne Zeitzone") as info:
        direkt(EINFUEGEN).anzahl(v, werte)
    assert type(info.value) is type(erwartet)


def test_zusammen_gibt_die_zeilen_jeder_abfrage(engine):
    with engine.connect() as v:
        eine, keine = zusammen(v, [(direkt(LESEN), {"id": 1}), (direkt(NACH_ZAHL), {"mindestens": 8})])
        assert eine == [(1, 7)] and keine == []
        assert direkt(LESEN).spalten(v) == ("id", "gesendet")


def test_zusammen_meldet_einen_fehler_wie_execute(engine):
    erwartet = _fehler_ueber_execute(engine, OHNE_TABELLE, {"x": 1})
    with engine.connect() as v, pytest.raises(sa_exc.DBAPIError) as info:
        zusammen(v, [(direkt(LESEN), {"id": 1}), (direkt(OHNE_TABELLE), {"x": 1})])
    assert type(info.value) is type(erwartet) and type(info.value.orig) is type(erwartet.orig)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_ein_abbruch_verwirft_die_verbindung_und_die_naechste_ist_neu(engine):
    import sqlalchemy

    with engine.connect() as v:
        alte_pid = v.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        v.rollback()
        with sqlalchemy.create_engine(engine.url, isolation_level="AUTOCOMMIT").connect() as fremd:
            fremd.exec_driver_sql(f"SELECT pg_terminate_backend({alte_pid})")
        with pytest.raises(sa_exc.OperationalError) as info:
            direkt(LESEN).zeilen(v, {"id": 1})
        assert info.value.connection_invalidated
        assert v.invalidated
        v.rollback()
        assert direkt(LESEN).zeilen(v, {"id": 1}) == [(1, 7)]
        assert v.exec_driver_sql("SELECT pg_backend_pid()").scalar() != alte_pid


def test_ein_stapel_und_zusammen_beginnen_die_transaktion_wie_execute(engine):
    """Wie das »autobegin« von ``Connection.execute``: ``commit()`` schreibt fest, was ein Stapel auf
    einer frischen Verbindung geschrieben hat (``Direkt`` verlangt eine begonnene Transaktion)."""
    with engine.connect() as v:
        zusammen(v, [(direkt(LESEN), {"id": 1}), (direkt(NACH_ZAHL), {"mindestens": 8})])
        assert v.in_transaction()
        v.rollback()
        STAPEL.ausfuehren(v, [(3, 0, 0, JETZT)])
        assert v.in_transaction()
        direkt(EINFUEGEN).anzahl(v, _zeile(2))
        v.commit()
    with engine.connect() as v:
        assert v.execute(select(_STAND.c.id).order_by(_STAND.c.id)).scalars().all() == [1, 2, 3]


def test_eine_anweisung_die_nur_der_aufruf_haelt_wird_ausgefuehrt(tmp_path):
    """So bekommt der Faden, der beim gleichzeitigen Füllen eines ``lru_cache`` verliert, seine Anweisung:
    ``direkt(baue()).zeilen(…)`` – nach ``direkt`` hält niemand sonst sie (früher: AttributeError, 500)."""
    import gc

    from sqlalchemy import create_engine, literal_column

    def baue():
        return select(literal_column("1").label("eins"), bindparam("x").label("x"))

    engine = create_engine(f"sqlite:///{tmp_path / 'd.db'}")
    with engine.begin() as v:
        d = direkt(baue())
        gc.collect()
        assert d.zeilen(v, {"x": 7}) == [(1, 7)]
        for wert in range(600):  # über die Grenze des Speichers hinaus
            assert direkt(baue()).zeilen(v, {"x": wert}) == [(1, wert)]
    engine.dispose()
