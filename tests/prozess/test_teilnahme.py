"""Der persönliche Link ohne Konto: ausstellen, prüfen, ablaufen, widerrufen; was die Person damit tut."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from modelle.tabellen import Aufgabe, Outbox
from modelle.teilnahme import Erledigungsnotiz, Fristantrag, Teilnahmelink
from prozess.anmeldung import token_hash
from prozess.ansichten.sitzungen import tagesordnung_ansicht
from prozess.aufgaben import aufgabe_anlegen
from prozess.einladungen import einladungen_versenden
from prozess.fehler import Eingabefehler, NichtGefunden, SchrittNichtMoeglich
from prozess.organisation import person_entfernen
from prozess.rollen import person_per_email
from prozess.sitzungen import sitzungen_planen
from prozess.teilnahme import (
    TeilnahmelinkUngueltig, aufgabe_als_erledigt_melden, frist_ablehnen, frist_beantragen, frist_gewaehren,
    sitzung_beantworten, sitzung_fuer_teilnehmer, teilnahmeseite, teilnehmer,
)
from tests.conftest import BERLIN
from tests.prozess.test_einladungen import sg_mai
from tests.hilfen import MANAGEMENT, MONITORING, SCHULLEITUNG, SG_MITGLIED, abbild, feld_anlegen, pid, tun

JETZT = datetime(2027, 1, 11, 9, 0, tzinfo=BERLIN)
JOBCENTER = "p.hoemmken@jobcenter-clp.example"


def _aufgabe(s, email: str = SCHULLEITUNG, titel: str = "Fehlzeiten melden", jetzt: datetime = JETZT,
             frist: date = date(2027, 2, 1)) -> int:
    return tun(s, jetzt, aufgabe_anlegen, titel=titel, verantwortlich=person_per_email(s, email), frist=frist).id


def _token(s, email: str) -> str:
    """Das Token aus der jüngsten Mail an ``email`` mit persönlichem Link."""
    s.expire_all()
    zeilen = s.exec(select(Outbox).where(Outbox.empfaenger_email == email).order_by(Outbox.id.desc())).all()
    link = next(z.kontext["teilnahme"]["link"] for z in zeilen if z.kontext.get("teilnahme"))
    assert link.startswith("http") and "/teilnahme/" in link
    return link.rsplit("/", 1)[1]


def test_jede_auftragsmail_traegt_einen_persoenlichen_link_gespeichert_wird_nur_sein_hash(s):
    _aufgabe(s)
    token = _token(s, SCHULLEITUNG)
    links = s.exec(select(Teilnahmelink)).all()
    assert [(l.token_hash, l.person_id) for l in links] == [(token_hash(token), pid(s, SCHULLEITUNG))]
    assert token not in str([(l.token_hash, l.erstellt_am) for l in links])
    assert tun(s, JETZT, teilnehmer, token).person_id == pid(s, SCHULLEITUNG)


def test_jede_mail_hat_ihr_eigenes_token_und_alle_gelten(s):
    _aufgabe(s, titel="Erste")
    erstes = _token(s, SCHULLEITUNG)
    _aufgabe(s, titel="Zweite")
    zweites = _token(s, SCHULLEITUNG)
    assert erstes != zweites
    for token in (erstes, zweites):
        assert [a.titel for a in tun(s, JETZT, teilnahmeseite, token).aufgaben] == ["Erste", "Zweite"]


def test_ein_unbekanntes_token_wird_abgewiesen_mit_dem_weg_zu_einem_neuen(s):
    with pytest.raises(TeilnahmelinkUngueltig, match="neuen Link"):
        tun(s, JETZT, teilnahmeseite, "geraten")


def test_der_link_zeigt_nur_die_dinge_seiner_person(s):
    eigene = _aufgabe(s, SCHULLEITUNG, "Meine")
    fremde = _aufgabe(s, JOBCENTER, "Fremde")
    token = _token(s, SCHULLEITUNG)
    assert [a.id for a in tun(s, JETZT, teilnahmeseite, token).aufgaben] == [eigene]
    vorher = abbild(s)
    with pytest.raises(NichtGefunden, match="unter Ihrem Link nicht"):
        tun(s, JETZT, aufgabe_als_erledigt_melden, token, fremde, "fertig")
    with pytest.raises(NichtGefunden):
        tun(s, JETZT, frist_beantragen, token, fremde, date(2027, 3, 1))
    assert abbild(s) == vorher


def test_erledigt_melden_schliesst_die_aufgabe_mit_notiz_und_ein_zweites_mal_geht_nicht(s):
    aufgabe_id = _aufgabe(s)
    token = _token(s, SCHULLEITUNG)
    tun(s, JETZT, aufgabe_als_erledigt_melden, token, aufgabe_id, "  An alle Schulen\nverschickt ")
    s.expire_all()
    assert s.get(Aufgabe, aufgabe_id).status == "erledigt"
    assert s.exec(select(Erledigungsnotiz.notiz)).all() == ["An alle Schulen verschickt"]
    with pytest.raises(Eingabefehler, match="nicht mehr offen"):
        tun(s, JETZT, aufgabe_als_erledigt_melden, token, aufgabe_id, "")


def test_eine_aufgabe_die_ein_schritt_schliesst_geht_nicht_per_haekchen(s, einstellungen, uhr):
    feld_anlegen(s, einstellungen, uhr)  # Folgeaufgabe an das Monitoring: Daten zusammenstellen
    token = _token(s, MONITORING)
    aufgabe = tun(s, uhr.jetzt, teilnahmeseite, token).aufgaben[0]
    assert not aufgabe.per_haekchen and aufgabe.durch_schritte == ("Daten als zusammengestellt melden",)
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich, match="Anmeldeseite"):
        tun(s, uhr.jetzt, aufgabe_als_erledigt_melden, token, aufgabe.id, "erledigt")
    assert abbild(s) == vorher


def test_solange_etwas_offen_ist_gilt_der_link_danach_noch_die_eingestellten_tage(s, einstellungen):
    aufgabe_id = _aufgabe(s)
    token = _token(s, SCHULLEITUNG)
    tage = einstellungen.teilnahmelink_tage
    assert tun(s, JETZT + timedelta(days=400), teilnehmer, token).gueltig_bis is None  # offen: unbefristet
    erledigt = JETZT + timedelta(days=3)
    tun(s, erledigt, aufgabe_als_erledigt_melden, token, aufgabe_id, "")
    assert tun(s, erledigt + timedelta(days=tage, minutes=-1), teilnehmer, token).gueltig_bis == \
        erledigt + timedelta(days=tage)
    with pytest.raises(TeilnahmelinkUngueltig, match="abgelaufen"):
        tun(s, erledigt + timedelta(days=tage), teilnahmeseite, token)


def test_person_entfernen_widerruft_jeden_link_der_person(s):
    _aufgabe(s)
    token = _token(s, SCHULLEITUNG)
    tun(s, JETZT, person_entfernen, SCHULLEITUNG)
    assert all(l.widerrufen_am is not None for l in s.exec(select(Teilnahmelink)).all())
    with pytest.raises(TeilnahmelinkUngueltig, match="widerrufen"):
        tun(s, JETZT, teilnahmeseite, token)


def test_ein_fristantrag_wird_vom_bildungsmanagement_gewaehrt_und_die_aufgabe_bekommt_die_frist(s):
    aufgabe_id = _aufgabe(s)
    token = _token(s, SCHULLEITUNG)
    antrag = tun(s, JETZT, frist_beantragen, token, aufgabe_id, date(2027, 3, 1), "Ferien")
    with pytest.raises(Eingabefehler, match="schon ein Antrag"):
        tun(s, JETZT, frist_beantragen, token, aufgabe_id, date(2027, 3, 8))
    assert tun(s, JETZT, teilnahmeseite, token).aufgaben[0].offener_antrag == date(2027, 3, 1)
    with pytest.raises(SchrittNichtMoeglich, match="Bildungsmanagement"):
        tun(s, JETZT, frist_gewaehren, antrag.id, pid(s, SCHULLEITUNG))
    tun(s, JETZT, frist_gewaehren, antrag.id, pid(s, MANAGEMENT), "In Ordnung.")
    s.expire_all()
    assert s.get(Aufgabe, aufgabe_id).frist == date(2027, 3, 1)
    assert s.get(Fristantrag, antrag.id).status == "gewaehrt"
    mail = s.exec(select(Outbox).where(Outbox.anlass == "frist_geaendert")).one()
    assert mail.empfaenger_email == SCHULLEITUNG and "/teilnahme/" in mail.kontext["teilnahme"]["link"]
    seite = tun(s, JETZT, teilnahmeseite, token).aufgaben[0]
    assert seite.offener_antrag is None and "gewährt: In Ordnung." in seite.letzter_antrag
    with pytest.raises(Eingabefehler, match="schon entschieden"):
        tun(s, JETZT, frist_ablehnen, antrag.id, pid(s, MANAGEMENT))


def test_ein_abgelehnter_fristantrag_laesst_die_frist_und_die_person_sieht_die_antwort(s):
    aufgabe_id = _aufgabe(s)
    token = _token(s, SCHULLEITUNG)
    antrag = tun(s, JETZT, frist_beantragen, token, aufgabe_id, date(2027, 3, 1))
    tun(s, JETZT, frist_ablehnen, antrag.id, pid(s, MANAGEMENT), "Der Bericht muss vorher fertig sein.")
    s.expire_all()
    assert s.get(Aufgabe, aufgabe_id).frist == date(2027, 2, 1)
    mail = s.exec(select(Outbox).where(Outbox.anlass == "fristantrag_abgelehnt")).one()
    assert mail.empfaenger_email == SCHULLEITUNG and mail.kontext["antwort"] == "Der Bericht muss vorher fertig sein."
    assert mail.kontext["beantragt"] == "01.03.2027" and "/teilnahme/" in mail.kontext["teilnahme"]["link"]
    assert "abgelehnt: Der Bericht muss" in tun(s, JETZT, teilnahmeseite, token).aufgaben[0].letzter_antrag


def test_ein_fristantrag_geht_per_mail_an_das_bildungsmanagement(s):
    aufgabe_id = _aufgabe(s)
    antrag = tun(s, JETZT, frist_beantragen, _token(s, SCHULLEITUNG), aufgabe_id, date(2027, 3, 1), "Ferien")
    mail = s.exec(select(Outbox).where(Outbox.anlass == "fristantrag")).one()
    assert mail.empfaenger_email == MANAGEMENT
    assert mail.kontext["fristantrag"] == {
        "id": antrag.id, "aufgabe_id": aufgabe_id, "aufgabe": "Fehlzeiten melden", "person": "Thomas Ostendorf",
        "alte_frist": "01.02.2027", "frist": "01.03.2027", "begruendung": "Ferien",
        "link": f"{s.info['test_einstellungen'].basis_url}/fristantraege"}


def test_eine_frist_in_der_vergangenheit_wird_nicht_beantragt(s):
    aufgabe_id = _aufgabe(s)
    with pytest.raises(Eingabefehler, match="Vergangenheit"):
        tun(s, JETZT, frist_beantragen, _token(s, SCHULLEITUNG), aufgabe_id, date(2027, 1, 1))


def _eingeladen(s) -> tuple[int, datetime]:
    """Die Steuerungsgruppe im Mai ist eingeladen; (Sitzung, Zeitpunkt danach)."""
    tun(s, datetime(2027, 1, 4, 8, tzinfo=BERLIN), sitzungen_planen)
    jetzt = datetime(2027, 4, 20, 11, tzinfo=BERLIN)
    tun(s, jetzt, einladungen_versenden)
    return sg_mai(s).id, jetzt


def test_jede_einladung_traegt_den_link_und_zu_und_absage_erscheinen_in_der_anwesenheitsliste(s):
    sitzung_id, jetzt = _eingeladen(s)
    token = _token(s, SG_MITGLIED)
    assert [z.id for z in tun(s, jetzt, teilnahmeseite, token).sitzungen] == [sitzung_id]
    assert tun(s, jetzt, sitzung_fuer_teilnehmer, token, sitzung_id).punkte  # die Tagesordnung
    tun(s, jetzt, sitzung_beantworten, token, sitzung_id, "zusage")
    anwesenheit = {a.name: a.bezeichnung for a in tun(s, jetzt, tagesordnung_ansicht, sitzung_id).anwesenheit}
    assert anwesenheit["Bernd Wübbolding"] == "zugesagt"
    assert list(anwesenheit.values()).count("keine Antwort") == len(anwesenheit) - 1
    tun(s, jetzt, sitzung_beantworten, token, sitzung_id, "absage")
    anwesenheit = {a.name: a.bezeichnung for a in tun(s, jetzt, tagesordnung_ansicht, sitzung_id).anwesenheit}
    assert anwesenheit["Bernd Wübbolding"] == "abgesagt"
    assert tun(s, jetzt, teilnahmeseite, token).sitzungen[0].antwort == "absage"


def test_fremde_und_vergangene_sitzungen_lassen_sich_nicht_beantworten(s):
    sitzung_id, jetzt = _eingeladen(s)
    _aufgabe(s, SCHULLEITUNG, jetzt=jetzt, frist=date(2027, 6, 1))  # nicht Mitglied der Steuerungsgruppe
    with pytest.raises(NichtGefunden):
        tun(s, jetzt, sitzung_beantworten, _token(s, SCHULLEITUNG), sitzung_id, "zusage")
    token = _token(s, SG_MITGLIED)
    with pytest.raises(Eingabefehler, match="keine Antwort"):
        tun(s, jetzt, sitzung_beantworten, token, sitzung_id, "vielleicht")
    with pytest.raises(Eingabefehler, match="vorbei"):
        tun(s, datetime(2027, 6, 1, tzinfo=BERLIN), sitzung_beantworten, token, sitzung_id, "zusage")
