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



def test_die_cli_nennt_die_person_mit_ihrer_adresse_und_die_bibliothek_sucht_sie(s, einstellungen, uhr):
    from prozess.fehler import NichtGefunden

    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe_id = _erste_aufgabe(s, feld_id).id
    vorher = abbild(s)
    with pytest.raises(NichtGefunden, match="Keine Person mit der E-Mail-Adresse »niemand@lkclp.example«.*"
                                              "organisation laden"):
        tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, "niemand@lkclp.example")
    assert abbild(s) == vorher
    zuweisung = tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, f"  {MANAGEMENT.upper()} ")
    assert (zuweisung.aufgabe_id, zuweisung.person_name) == (aufgabe_id, person_per_email(s, MANAGEMENT).name)
    s.expire_all()
    assert s.get(Aufgabe, aufgabe_id).verantwortlich_id == pid(s, MANAGEMENT)

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


def _zuweisungsmails(s, aufgabe_id: int) -> list[tuple[str, str]]:
    return s.execute(select(Outbox.empfaenger_email, Outbox.schluessel)
                     .where(Outbox.aufgabe_id == aufgabe_id, Outbox.anlass == "aufgabe_zugewiesen")
                     .order_by(Outbox.id)).all()


def test_jede_zuweisung_mailt_auch_hin_und_zurueck_aber_keine_doppelt(s, einstellungen, uhr):
    """A → B → A → B: jede Zuweisung eine Mail; dieselbe Zuweisung ein zweites Mal keine zweite.

    Die Folgeaufgabe liegt zuerst beim Monitoring (A) und hat dessen Mail; bisher fiel die Mail der
    Rückgabe an A weg, weil ihr Schlüssel (Anlass, Person, Aufgabe, Frist) der ersten glich.
    """
    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe_id = _erste_aufgabe(s, feld_id).id
    for email in (MANAGEMENT, MONITORING, MANAGEMENT):
        uhr.vorstellen(hours=1)
        tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, person_per_email(s, email))
    mails = _zuweisungsmails(s, aufgabe_id)
    assert [m.empfaenger_email for m in mails] == [MONITORING, MANAGEMENT, MONITORING, MANAGEMENT]
    assert len({m.schluessel for m in mails}) == 4
    # Dieselbe Zuweisung noch einmal (Doppelklick, Neustart nach dem Commit): abgewiesen, keine Mail.
    vorher = abbild(s)
    with pytest.raises(Eingabefehler, match="liegt schon bei"):
        tun(s, uhr.jetzt, aufgabe_zuweisen, aufgabe_id, person_per_email(s, MANAGEMENT))
    assert abbild(s) == vorher


def test_derselbe_zustand_ergibt_denselben_schluessel_und_die_mail_nur_einmal(s, einstellungen, uhr):
    """Zwei Läufe derselben Zuweisung (z. B. gleichzeitig begonnen) finden dieselbe Nummer: eine Zeile."""
    from prozess.aufgaben import _neue_aufgabe
    from prozess.auftragsmails import mails_fuer_neue_aufgaben, zuweisungsgegenstand

    feld_id = feld_anlegen(s, einstellungen, uhr)
    aufgabe = _erste_aufgabe(s, feld_id)
    management = person_per_email(s, MANAGEMENT)

    def zweimal_zuweisen(arbeit):
        a = arbeit.db.get(Aufgabe, aufgabe.id)
        gegenstaende = [zuweisungsgegenstand(arbeit, a.id, management.id, a.frist) for _ in range(2)]
        assert gegenstaende == ["-zuweisung1", "-zuweisung1"]
        for gegenstand in gegenstaende:
            mails_fuer_neue_aufgaben(arbeit, [_neue_aufgabe(a, management, None)], None, gegenstand=gegenstand)
        return zuweisungsgegenstand(arbeit, a.id, management.id, a.frist)

    assert tun(s, uhr.jetzt, zweimal_zuweisen) == "-zuweisung2"
    assert [m.empfaenger_email for m in _zuweisungsmails(s, aufgabe.id)] == [MONITORING, MANAGEMENT]
