"""Listen sind seitenweise: 50 Einträge, die Gesamtzahl, und der Rest mit ``versatz``."""

from __future__ import annotations

from prozess.ansichten.aufgaben import aufgaben_liste, erinnerungsstand_text
from prozess.ansichten.handlungsfelder import handlungsfelder_liste
from tests.conftest import BERLIN
from tests.hilfen import feld_anlegen


def test_die_liste_der_felder_zeigt_fuenfzig_und_nennt_die_gesamtzahl(organisation, s, einstellungen, uhr):
    for i in range(53):
        feld_anlegen(s, einstellungen, uhr, f"Feld {i + 1}")
    with organisation.lesen(uhr) as arbeit:
        erste = handlungsfelder_liste(arbeit)
        rest = handlungsfelder_liste(arbeit, versatz=50)
        alle = handlungsfelder_liste(arbeit, grenze=None)
    assert (len(erste.eintraege), erste.gesamt, erste.weitere) == (50, 53, 3)
    assert [f.titel for f in rest.eintraege] == ["Feld 51", "Feld 52", "Feld 53"] and rest.weitere == 0
    assert len(alle.eintraege) == 53
    assert erste.eintraege[0].offene_aufgaben == 1 and erste.eintraege[0].zustand_bezeichnung == "definiert"


def test_der_erinnerungsstand_einer_neuen_aufgabe_nennt_die_naechste_erinnerung(organisation, s, einstellungen, uhr):
    feld_anlegen(s, einstellungen, uhr)
    with organisation.lesen(uhr) as arbeit:
        (aufgabe,) = aufgaben_liste(arbeit).eintraege
    assert aufgabe.erinnerungen.offen and not aufgabe.erinnerungen.eskaliert
    assert erinnerungsstand_text(aufgabe.erinnerungen, BERLIN).startswith("nächste am ")
