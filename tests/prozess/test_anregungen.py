"""Anregungen: eine Zeile und eine Aufgabe für das Bildungsmanagement, nichts Persönliches Pflicht."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modelle.anregungen import Anregung
from modelle.tabellen import Aufgabe, Outbox
from prozess.anregungen import anregung_einreichen
from prozess.fehler import Eingabefehler
from tests.hilfen import BERLIN, MANAGEMENT, abbild, pid, tun


def test_eine_anonyme_anregung_wird_eine_aufgabe_fuer_das_bildungsmanagement(s, uhr):
    anregung = tun(s, uhr.jetzt, anregung_einreichen, "Ganztag an Grundschulen", "Mehr Plätze im Nordkreis.")
    s.expire_all()
    zeile = s.get(Anregung, anregung.id)
    assert (zeile.name, zeile.adresse) == (None, None)
    aufgabe = s.get(Aufgabe, zeile.aufgabe_id)
    assert aufgabe.titel == "Anregung sichten: Ganztag an Grundschulen"
    assert aufgabe.verantwortlich_id == pid(s, MANAGEMENT)
    assert (aufgabe.frist - uhr.jetzt.astimezone(BERLIN).date()).days == 14
    assert "Mehr Plätze im Nordkreis." in aufgabe.beschreibung and "Kontakt" not in aufgabe.beschreibung
    mail = s.execute(select(Outbox).where(Outbox.aufgabe_id == aufgabe.id)).scalar_one()
    assert mail.empfaenger_email == MANAGEMENT and mail.anlass == "aufgabe_zugewiesen"


def test_name_und_adresse_stehen_mit_einwilligung_in_der_aufgabe(s, uhr):
    anregung = tun(s, uhr.jetzt, anregung_einreichen, "Schulweg", "Ampel an der B 68.", " Eva Muster ",
                   "eva@example.org")
    s.expire_all()
    zeile = s.get(Anregung, anregung.id)
    assert (zeile.name, zeile.adresse) == ("Eva Muster", "eva@example.org")
    assert "Kontakt für eine Antwort (mit Einwilligung angegeben): Eva Muster, eva@example.org" in \
        s.get(Aufgabe, zeile.aufgabe_id).beschreibung


@pytest.mark.parametrize("thema,text,meldung", [
    ("", "Text", "Das Thema ist leer"),
    ("Thema", "   ", "Der Text der Anregung ist leer"),
    ("x" * 201, "Text", "höchstens 200"),
    ("Thema", "x" * 4001, "höchstens 4000"),
    ("Zeile\nZwei", "Text", "Zeilenumbruch"),
])
def test_leere_und_zu_lange_angaben_werden_abgewiesen_und_nichts_gespeichert(s, uhr, thema, text, meldung):
    vorher = abbild(s)
    with pytest.raises(Eingabefehler, match=meldung):
        tun(s, uhr.jetzt, anregung_einreichen, thema, text)
    assert abbild(s) == vorher
