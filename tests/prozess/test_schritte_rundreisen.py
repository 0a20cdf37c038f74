"""Jede Schrittart kostet auf PostgreSQL höchstens 4 Rundreisen (gezählt, nicht gemessen).

Das Ziel des Issues sind 5; ein Schritt braucht 4: BEGIN, die Abfragen des Schritts (mehrere in
einer Pipeline), die Anweisung, die alles schreibt, COMMIT.

Gezählt wird am Protokoll (libpq-Trace, ``bench/_rundreisen.py``): BEGIN, jede Anweisung, ein
Ping des Pools und das COMMIT sind je eine Rundreise. Gezählt wird jeweils der zweite Schritt
derselben Art in einer Session, die schon gearbeitet hat (wie ein Dienst): die Personen und
Rollen hält die Session dann im Zwischenspeicher (``prozess.rollen``).
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bench._rundreisen import Rundreisen, rundreisen_im_protokoll
from modelle.tabellen import Aufgabe, Outbox, Schrittprotokoll
from prozess.schritte import schritt_ausfuehren
from prozess.zyklus import SCHRITTE
from tests.hilfen import (
    MANAGEMENT,
    MONITORING,
    SG_MITGLIED,
    SG_VORSITZ,
    beschluss_der_steuerungsgruppe,
    feld_im_zustand,
    pid,
    tun,
)

HOECHSTENS = 4

# Schrittart → (Zustand davor, wer, Begründung, mit ausdrücklichem Beschluss)
ARTEN = {
    "daten_zusammenstellen": ("definiert", MONITORING, "", False),
    "zur_pruefung_vorlegen": ("daten_zusammengestellt", MANAGEMENT, "", False),
    "daten_nachfordern": ("steuerungspruefung", SG_MITGLIED, "Bitte nach Schulform.", False),
    "massnahmen_beschliessen": ("steuerungspruefung", SG_VORSITZ, "", False),
    "massnahmen_beschliessen mit --beschluss": ("steuerungspruefung", SG_VORSITZ, "", True),
    "bericht_erstatten": ("massnahmen_beschlossen", MANAGEMENT, "", False),
    "abschliessen": ("berichterstattung", MANAGEMENT, "", False),
    "neue_runde_beginnen": ("berichterstattung", MANAGEMENT, "", False),
    "zurueckstellen": ("daten_zusammengestellt", MANAGEMENT, "Haushaltssperre.", False),
    "wiederaufnehmen": ("zurueckgestellt", MANAGEMENT, "", False),
}


# Rundreisen gibt es nur über ein Netz: SQLite läuft im Prozess. Diese Tests laufen darum nur
# auf PostgreSQL (statt für SQLite gesammelt und übersprungen zu werden).
NUR_POSTGRESQL = pytest.mark.parametrize(
    "db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def pg(db_url):
    assert db_url.startswith("postgresql")
    return db_url


def test_die_tabelle_deckt_jede_schrittart_ab():
    assert {a.split()[0] for a in ARTEN} == {s.name for s in SCHRITTE}


def test_der_zaehler_zaehlt_bloecke_von_anfragen_nicht_zeilen():
    protokoll = "F\t10\tQuery\nB\t5\tReadyForQuery\nF\t21\tParse\nF\t4\tSync\nB\t4\tParseComplete\nB\t5\tReady\n"
    assert rundreisen_im_protokoll(protokoll) == 2


def _ausloesen(s, uhr, feld_id, art):
    name = art.split()[0]
    _, wer, begruendung, mit_beschluss = ARTEN[art]
    beschluss = None
    if name == "massnahmen_beschliessen":
        beschluss = beschluss_der_steuerungsgruppe(s, uhr, feld_id)
    uhr.vorstellen(hours=1)
    person = pid(s, wer)

    def ausfuehren(arbeit):
        return schritt_ausfuehren(arbeit, feld_id, name, person, begruendung=begruendung,
                                  beschluss_id=beschluss if mit_beschluss else None)

    return ausfuehren


@NUR_POSTGRESQL
@pytest.mark.parametrize("art", list(ARTEN))
def test_jede_schrittart_braucht_hoechstens_vier_rundreisen(pg, s, organisation, einstellungen, uhr, art):
    zustand = ARTEN[art][0]
    felder = [feld_im_zustand(s, einstellungen, uhr, zustand) for _ in range(2)]
    tun(s, uhr.jetzt, _ausloesen(s, uhr, felder[0], art))  # die Session hat diese Art schon einmal gesehen
    ausfuehren = _ausloesen(s, uhr, felder[1], art)
    vorher = _geschrieben(organisation.engine, felder[1])

    s.commit()  # die Lese-Transaktion der Vorbereitung beenden (ohne die Zeilen der Session zu verwerfen)
    with Rundreisen(organisation.engine) as zaehler:
        tun(s, uhr.jetzt, ausfuehren)

    assert zaehler.anzahl <= HOECHSTENS, f"{art}: {zaehler.anzahl} Rundreisen\n{_kurz(zaehler.nachrichten)}"
    nachher = _geschrieben(organisation.engine, felder[1])
    assert nachher["protokoll"] == vorher["protokoll"] + 1
    assert nachher["outbox"] >= vorher["outbox"]


@NUR_POSTGRESQL
def test_eine_verbindung_nach_leerlauf_wird_angepingt_und_eine_tote_ersetzt(pg, s, organisation, monkeypatch):
    import modelle.datenbank as datenbank

    engine = organisation.engine
    with engine.connect() as v:
        v.exec_driver_sql("SELECT 1")
        alte_pid = v.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    # Gerade benutzt: kein Ping.
    with Rundreisen(engine) as zaehler, engine.connect() as v:
        v.exec_driver_sql("SELECT 1")
    assert "SELECT 1" in zaehler.nachrichten and zaehler.anzahl == 3  # BEGIN, SELECT, ROLLBACK
    # Lange geruht und inzwischen vom Server beendet: der Ping merkt es, der Pool verbindet neu.
    monkeypatch.setattr(datenbank, "PING_NACH_LEERLAUF_SEKUNDEN", 0.0)
    import sqlalchemy

    with sqlalchemy.create_engine(engine.url, isolation_level="AUTOCOMMIT").connect() as fremd:
        fremd.exec_driver_sql(f"SELECT pg_terminate_backend({alte_pid})")
    with engine.connect() as v:
        assert v.exec_driver_sql("SELECT pg_backend_pid()").scalar() != alte_pid


def _geschrieben(engine, feld_id) -> dict:
    """Gezählt auf einer eigenen Verbindung: die Session des Schritts behält ihren Zwischenspeicher."""
    with engine.connect() as v:
        return {
            "protokoll": len(v.execute(select(Schrittprotokoll.id).where(Schrittprotokoll.handlungsfeld_id == feld_id)).all()),
            "aufgaben": len(v.execute(select(Aufgabe.id).where(Aufgabe.handlungsfeld_id == feld_id)).all()),
            "outbox": len(v.execute(select(Outbox.id)).all()),
        }


def _kurz(nachrichten: str) -> str:
    return "\n".join(z[:160] for z in nachrichten.splitlines() if z.startswith("F") and ("Query" in z or "Parse" in z))
