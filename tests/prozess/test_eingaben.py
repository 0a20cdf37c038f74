"""Eingegebene Texte: gleiche Grenzen und Meldungen auf SQLite und PostgreSQL, nichts halb geschrieben."""

from __future__ import annotations

import pytest

from prozess.aufgaben import aufgabe_anlegen
from prozess.fehler import Eingabefehler
from prozess.handlungsfelder import handlungsfeld_anlegen
from prozess.rollen import person_per_email
from tests.hilfen import MANAGEMENT, abbild, pid, tun


@pytest.mark.parametrize("titel,meldung", [
    ("", "Der Titel des Handlungsfeldes ist leer"),
    ("Schul\nabsentismus", "enthält einen Zeilenumbruch"),
    ("Schul\rabsentismus", "enthält einen Zeilenumbruch"),
    ("Schul\x00absentismus", "enthält ein NUL-Zeichen"),
    ("Schul\x1babsentismus", "enthält ein Steuerzeichen"),
    ("x" * 201, "ist 201 Zeichen lang, erlaubt sind höchstens 200"),
])
def test_ein_ungueltiger_titel_wird_mit_eigener_meldung_abgewiesen_und_nichts_geschrieben(s, uhr, titel, meldung):
    vorher = abbild(s)
    with pytest.raises(Eingabefehler, match=meldung):
        tun(s, uhr.jetzt, handlungsfeld_anlegen, titel, pid(s, MANAGEMENT))
    assert abbild(s) == vorher


def test_ein_titel_mit_genau_der_erlaubten_laenge_wird_gespeichert(s, uhr):
    feld = tun(s, uhr.jetzt, handlungsfeld_anlegen, "ä" * 200, pid(s, MANAGEMENT))
    assert len(feld.titel) == 200


def test_eine_aufgabe_mit_frist_in_der_vergangenheit_wird_abgewiesen_wie_beim_verschieben(s, uhr):
    from datetime import timedelta

    vorher = abbild(s)
    with pytest.raises(Eingabefehler, match="liegt in der Vergangenheit"):
        tun(s, uhr.jetzt, aufgabe_anlegen, titel="Bericht", verantwortlich=person_per_email(s, MANAGEMENT),
            frist=uhr.jetzt.date() - timedelta(days=1))
    assert abbild(s) == vorher
