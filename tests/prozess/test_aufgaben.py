"""Aufgaben neu zuweisen und erledigen (Bibliothek, dieselbe Funktion für CLI und Webseiten) und wer es darf."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from modelle.tabellen import Aufgabe, Outbox
from prozess.aufgaben import aufgabe_anlegen, aufgabe_erledigen, aufgabe_zuweisen
from prozess.fehler import Eingabefehler, NichtBerechtigt, SchrittNichtMoeglich
from prozess.handlungsfelder import datengrundlage_anlegen
from prozess.rollen import buero_pruefen, person_per_email
from tests.hilfen import MANAGEMENT, MONITORING, SG_MITGLIED, abbild, feld_anlegen, feld_im_zustand, pid, schritt, tun


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
    # Die Folgeaufgabe endet mit ihrem Schritt (nicht mit einem Häkchen): danach ist sie nicht mehr offen.
    tun(s, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeitenquote 2025/26", "Schulamt")
    schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
    s.expire_all()
    assert s.get(Aufgabe, aufgabe_id).status == "erledigt"
    with pytest.raises(Eingabefehler, match="nicht mehr offen"):
        tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, person_per_email(s, MANAGEMENT))


def test_eine_aufgabe_die_ein_schritt_schliesst_endet_nicht_mit_einem_haekchen(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe = _erste_aufgabe(s, feld_id)
    assert aufgabe.anlass_zustand == "definiert"
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich) as fehler:
        tun(s, uhr.jetzt, aufgabe_erledigen, aufgabe.id)
    assert (f"Aufgabe {aufgabe.id} »{aufgabe.titel}« endet mit dem Schritt »daten_zusammenstellen« von "
            f"Handlungsfeld {feld_id}: bildungsbuero handlungsfeld schritt {feld_id} daten_zusammenstellen --als "
            in str(fehler.value))
    assert abbild(s) == vorher


def test_eine_aufgabe_mit_zwei_schliessenden_schritten_nennt_beide(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "berichterstattung")
    (aufgabe,) = s.execute(select(Aufgabe).where(Aufgabe.handlungsfeld_id == feld_id, Aufgabe.status == "offen",
                                                 Aufgabe.anlass_zustand == "berichterstattung")).scalars().all()
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich, match="mit einem der Schritte »abschliessen« oder »neue_runde_beginnen« "
                                                   f"von Handlungsfeld {feld_id}"):
        tun(s, uhr.jetzt, aufgabe_erledigen, aufgabe.id)
    assert abbild(s) == vorher


def test_eine_aufgabe_von_hand_wird_per_haekchen_erledigt(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe = tun(s, uhr.jetzt, aufgabe_anlegen, titel="Schulen anschreiben", handlungsfeld_id=feld_id,
                  verantwortlich=person_per_email(s, MONITORING), frist=uhr.jetzt.date() + timedelta(days=10))
    tun(s, uhr.jetzt, aufgabe_erledigen, aufgabe.id)
    s.expire_all()
    assert s.get(Aufgabe, aufgabe.id).status == "erledigt"


def test_nur_das_bildungsbuero_verteilt_aufgaben_um(s, uhr):
    tun(s, uhr.jetzt, buero_pruefen, pid(s, MANAGEMENT), "Aufgaben neu zuweisen")
    tun(s, uhr.jetzt, buero_pruefen, pid(s, MONITORING), "Aufgaben neu zuweisen")
    with pytest.raises(NichtBerechtigt, match="Aufgaben neu zuweisen darf nur das Bildungsbüro"):
        tun(s, uhr.jetzt, buero_pruefen, pid(s, SG_MITGLIED), "Aufgaben neu zuweisen")
