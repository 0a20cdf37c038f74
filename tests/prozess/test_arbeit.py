"""Die Arbeitseinheit: Commit beim sauberen Ende, Rollback bei jedem Fehler; lesen schreibt nie."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from modelle.tabellen import Datengrundlage, Handlungsfeld, Tagesordnungspunkt
from prozess.ansichten.sitzungen import tagesordnung_ansicht
from prozess.handlungsfelder import datengrundlage_anlegen
from prozess.sitzungen import sitzung_anlegen
from tests.hilfen import abbild, feld_anlegen


def _anzahl(umgebung, tabelle) -> int:
    with umgebung.lesen() as arbeit:
        return arbeit.db.execute(select(func.count()).select_from(tabelle)).scalar_one()


def test_eine_arbeit_committet_am_ende(organisation, s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    with organisation.arbeit(uhr) as arbeit:
        datengrundlage_anlegen(arbeit, feld_id, "Fehlzeiten", "Schulamt")
    assert _anzahl(organisation, Datengrundlage) == 1


def test_ein_fehler_in_der_arbeit_rollt_alles_zurueck(organisation, s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    with pytest.raises(RuntimeError), organisation.arbeit(uhr) as arbeit:
        datengrundlage_anlegen(arbeit, feld_id, "Fehlzeiten", "Schulamt")
        raise RuntimeError("etwas nach dem Schreiben scheitert")
    assert _anzahl(organisation, Datengrundlage) == 0
    assert _anzahl(organisation, Handlungsfeld) == 1


def test_die_vorschau_einer_tagesordnung_schreibt_nichts(organisation, s, uhr):
    from datetime import timedelta

    with organisation.arbeit(uhr) as arbeit:
        sitzung_id = sitzung_anlegen(arbeit, "steuerungsgruppe", uhr.jetzt + timedelta(days=60)).id
    vorher = abbild(s)
    with organisation.lesen(uhr) as arbeit:
        ansicht = tagesordnung_ansicht(arbeit, sitzung_id)
    assert ansicht.vorschau and ansicht.punkte[0].titel.startswith("Eröffnung")
    assert abbild(s) == vorher
    assert _anzahl(organisation, Tagesordnungspunkt) == 0
