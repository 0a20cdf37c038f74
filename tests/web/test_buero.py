"""Die Seiten des Büros: Übersicht, ein Handlungsfeld mit seinen Schritten und Gründen, Aufgaben."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from modelle.tabellen import Handlungsfeld, Outbox, Schrittprotokoll
from prozess.handlungsfelder import datengrundlage_anlegen
from prozess.sitzungen import sitzung_anlegen
from benachrichtigungen.deutsch import zeitpunkt_de
from tests.hilfen import BERLIN, MONITORING, feld_anlegen, feld_im_zustand, tun
from tests.web.conftest import abbild_der, anmelden, csrf


@pytest.fixture
def db(web_umgebung):
    """Eine Session für die Vorbereitung, wie ``s`` in den übrigen Tests."""
    with web_umgebung.db_session() as session:
        session.info["test_einstellungen"] = web_umgebung.einstellungen
        yield session


def _maildir(web_umgebung) -> Path:
    return Path(web_umgebung.einstellungen.maildir_pfad)


def _feld(db, feld_id: int) -> Handlungsfeld:
    db.expire_all()
    return db.get(Handlungsfeld, feld_id)


def _schritt(browser, feld_id: int, name: str, **daten):
    return browser.post(f"/handlungsfelder/{feld_id}/schritte/{name}", data={"csrf": csrf(browser), **daten})


def test_die_uebersicht_zeigt_felder_nach_zustand_ueberfaellige_aufgaben_sitzungen_und_gescheiterte_mails(
        browser, web_umgebung, db, uhr):
    erstes = feld_anlegen(db, web_umgebung.einstellungen, uhr, "Schulabsentismus")
    feld_anlegen(db, web_umgebung.einstellungen, uhr, "Übergang Schule–Beruf")
    zweites = feld_im_zustand(db, web_umgebung.einstellungen, uhr, "daten_zusammengestellt")
    db.execute(update(Outbox).where(Outbox.id == 1).values(status="fehler_dauerhaft", versuche=1,
                                                           letzter_fehler="550 5.1.1 Postfach unbekannt"))
    db.commit()
    uhr.vorstellen(days=50)  # die Frist der ersten Aufgaben (42 Tage) ist verstrichen
    sitzung = tun(db, uhr.jetzt, sitzung_anlegen, "steuerungsgruppe", uhr.jetzt + timedelta(days=30),
                  "Kreishaus, Raum 214")
    anmelden(browser, _maildir(web_umgebung))
    seite = browser.get("/").text
    assert re.search(r"<h3>definiert \(2\)</h3>", seite)
    assert re.search(r"<h3>Daten zusammengestellt \(1\)</h3>", seite)
    assert f'<a href="/handlungsfelder/{erstes}">Schulabsentismus</a>' in seite
    assert f'href="/handlungsfelder/{zweites}"' in seite
    # die Datenaufgaben der beiden Felder in »definiert« (42 Tage) und die Vorlage des dritten (14 Tage)
    assert "Überfällige Aufgaben (3)" in seite
    assert "Daten zum Handlungsfeld »Übergang Schule–Beruf« zusammenstellen" in seite
    assert "»Schulabsentismus« der Steuerungsgruppe zur Prüfung vorlegen" in seite
    assert f"{zeitpunkt_de(sitzung.beginn, BERLIN)}: Steuerungsgruppe Bildung, Kreishaus, Raum 214" in seite
    assert "Gescheiterte Mails (1)" in seite and "550 5.1.1 Postfach unbekannt" in seite


def test_die_seite_eines_feldes_zeigt_schritte_mit_knopf_oder_den_gruenden_dagegen(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    anmelden(browser, _maildir(web_umgebung), MONITORING)
    seite = browser.get(f"/handlungsfelder/{feld_id}").text
    assert "Zustand: <strong>definiert</strong>" in seite
    # Das Monitoring darf Daten melden, aber es fehlt die Datengrundlage; zurückstellen darf es gar nicht.
    assert "Datengrundlage" in seite
    assert "Diesen Schritt darf nur auslösen: Bildungsmanagement." in seite
    assert f'action="/handlungsfelder/{feld_id}/schritte/' not in seite
    tun(db, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeitenquote 2025/26", "Schulamt")
    seite = browser.get(f"/handlungsfelder/{feld_id}").text
    assert f'action="/handlungsfelder/{feld_id}/schritte/daten_zusammenstellen"' in seite
    assert f'action="/handlungsfelder/{feld_id}/schritte/zurueckstellen"' not in seite


def test_ein_schritt_mit_begruendung_wird_ausgefuehrt_und_steht_im_verlauf(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    anmelden(browser, _maildir(web_umgebung))
    seite = browser.get(f"/handlungsfelder/{feld_id}").text
    assert '<label for="begruendung-zurueckstellen">Begründung (Pflicht)</label>' in seite
    version = re.search(r'name="version" value="(\d+)"', seite).group(1)
    antwort = _schritt(browser, feld_id, "zurueckstellen", begruendung="Haushaltssperre bis Juli", version=version)
    assert antwort.status_code == 303
    assert antwort.headers["location"] == f"/handlungsfelder/{feld_id}?erledigt=zurueckstellen"
    seite = browser.get(antwort.headers["location"]).text
    assert "Erledigt: Zurückstellen." in seite
    assert "Zustand: <strong>zurückgestellt</strong>" in seite
    assert "zurueckstellen – definiert → zurückgestellt (Anna Meyer): Haushaltssperre bis Juli" in seite
    eintrag = db.execute(select(Schrittprotokoll).where(Schrittprotokoll.schritt == "zurueckstellen")).scalar_one()
    assert eintrag.begruendung == "Haushaltssperre bis Juli"


def test_ein_abgewiesener_schritt_nennt_die_gruende_und_aendert_nichts(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    anmelden(browser, _maildir(web_umgebung), MONITORING)
    vorher = abbild_der(web_umgebung)
    antwort = _schritt(browser, feld_id, "daten_zusammenstellen")
    assert antwort.status_code == 409
    assert 'role="alert"' in antwort.text and "ist nicht möglich" in antwort.text
    assert "Datengrundlage" in antwort.text
    ohne_rolle = _schritt(browser, feld_id, "zurueckstellen", begruendung="Pause")
    assert ohne_rolle.status_code == 409
    assert "Diesen Schritt darf nur auslösen: Bildungsmanagement." in ohne_rolle.text
    assert abbild_der(web_umgebung) == vorher


def test_ohne_begruendung_wird_ein_schritt_abgewiesen_der_eine_braucht(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    anmelden(browser, _maildir(web_umgebung))
    vorher = abbild_der(web_umgebung)
    antwort = _schritt(browser, feld_id, "zurueckstellen", begruendung="   ")
    assert antwort.status_code == 409 and "braucht eine Begründung" in antwort.text
    assert abbild_der(web_umgebung) == vorher


def test_wer_einen_veralteten_stand_sah_bekommt_einen_konflikt(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    anmelden(browser, _maildir(web_umgebung))
    gesehen = _feld(db, feld_id).version
    assert _schritt(browser, feld_id, "zurueckstellen", begruendung="Pause", version=gesehen).status_code == 303
    zweiter = _schritt(browser, feld_id, "zurueckstellen", begruendung="Pause", version=gesehen)
    assert zweiter.status_code == 409
    assert _feld(db, feld_id).zustand == "zurueckgestellt"


def test_ein_unbekanntes_feld_ist_eine_deutsche_404(browser, web_umgebung):
    anmelden(browser, _maildir(web_umgebung))
    antwort = browser.get("/handlungsfelder/999")
    assert antwort.status_code == 404 and "Handlungsfeld 999 gibt es nicht" in antwort.text
    assert _schritt(browser, 999, "zurueckstellen", begruendung="x").status_code == 404


def test_die_aufgabenliste_blaettert_in_seiten_zu_fuenfzig(browser, web_umgebung, db, uhr):
    for nummer in range(26):  # je Feld eine Aufgabe an das Monitoring: 26 Felder … und zweimal so viele
        feld_anlegen(db, web_umgebung.einstellungen, uhr, f"Feld {nummer}")
    for nummer in range(26, 52):
        feld_anlegen(db, web_umgebung.einstellungen, uhr, f"Feld {nummer}")
    anmelden(browser, _maildir(web_umgebung))
    erste = browser.get("/aufgaben").text
    assert "Offene Aufgaben (52)" in erste
    assert erste.count("<tr><td>") == 50
    assert '<a href="/aufgaben?ab=50">Weitere 2 Aufgaben</a>' in erste
    assert browser.get("/aufgaben?ab=50").text.count("<tr><td>") == 2
    assert browser.get("/aufgaben?ab=-1").status_code == 422
