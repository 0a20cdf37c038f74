"""Aufgaben neu zuweisen (Bibliothek, dieselbe Funktion für CLI und Webseiten) und wer es darf."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modelle.tabellen import Aufgabe, Outbox
from prozess.aufgaben import aufgabe_erledigen, aufgabe_zuweisen
from prozess.fehler import Eingabefehler, NichtBerechtigt
from prozess.rollen import buero_pruefen, person_per_email
from tests.hilfen import MANAGEMENT, MONITORING, SG_MITGLIED, abbild, feld_anlegen, pid, tun


def _erste_aufgabe(s, feld_id: int) -> Aufgabe:
    return s.execute(select(Aufgabe).where(Aufgabe.handlungsfeld_id == feld_id)).scalars().first()


def test_eine_neu_zugewiesene_aufgabe_behaelt_ihre_frist_und_die_neue_person_bekommt_eine_mail(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe = _erste_aufgabe(s, feld_id)
    frist, erinnerung = aufgabe.frist, aufgabe.naechste_erinnerung_am
    assert aufgabe.verantwortlich_id == pid(s, MONITORING)
    tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe.id, person_per_email(s, MANAGEMENT))
    s.expire_all()
    aufgabe = s.get(Aufgabe, aufgabe.id)
    assert aufgabe.verantwortlich_id == pid(s, MANAGEMENT)
    assert (aufgabe.frist, aufgabe.naechste_erinnerung_am) == (frist, erinnerung)
    mails = s.execute(select(Outbox.empfaenger_email, Outbox.anlass).where(Outbox.aufgabe_id == aufgabe.id)).all()
    assert (MANAGEMENT, "aufgabe_zugewiesen") in mails


def test_dieselbe_person_oder_eine_erledigte_aufgabe_wird_abgewiesen(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe_id = _erste_aufgabe(s, feld_id).id
    vorher = abbild(s)
    with pytest.raises(Eingabefehler, match="liegt schon bei"):
        tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, person_per_email(s, MONITORING))
    assert abbild(s) == vorher
    tun(s, uhr.jetzt, aufgabe_erledigen, aufgabe_id)
    with pytest.raises(Eingabefehler, match="nicht mehr offen"):
        tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, person_per_email(s, MANAGEMENT))


def test_nur_das_bildungsbuero_verteilt_aufgaben_um(s, uhr):
    tun(s, uhr.jetzt, buero_pruefen, pid(s, MANAGEMENT), "Aufgaben neu zuweisen")
    tun(s, uhr.jetzt, buero_pruefen, pid(s, MONITORING), "Aufgaben neu zuweisen")
    with pytest.raises(NichtBerechtigt, match="Aufgaben neu zuweisen darf nur das Bildungsbüro"):
        tun(s, uhr.jetzt, buero_pruefen, pid(s, SG_MITGLIED), "Aufgaben neu zuweisen")
