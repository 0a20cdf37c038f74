"""Die Teilnehmerseiten über HTTP: Link aus der Mail, nur eigene Dinge, GET ändert nichts, CSRF, Kopfzeilen, Log."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from pathlib import Path

import pytest

from prozess.aufgaben import aufgabe_anlegen
from prozess.einladungen import einladungen_versenden
from prozess.organisation import person_entfernen
from prozess.rollen import person_per_email
from prozess.sitzungen import sitzungen_planen
from tests.conftest import BERLIN
from tests.hilfen import MANAGEMENT, MONITORING, SCHULLEITUNG, SG_MITGLIED, feld_anlegen, tun
from tests.web.conftest import BASIS, abbild_der, anmelden, csrf, links, mails
from tests.web.test_sicherheit import _kopfzeilen_pruefen

JOBCENTER = "p.hoemmken@jobcenter-clp.example"


def _maildir(web_umgebung) -> Path:
    return Path(web_umgebung.einstellungen.maildir_pfad)


def _tun(web_umgebung, funktion, *args, **kwargs):
    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        return tun(db, web_umgebung.uhr(), funktion, *args, **kwargs)


def _aufgabe(web_umgebung, email: str = SCHULLEITUNG, titel: str = "Fehlzeiten melden",
             frist: date = date(2027, 2, 1)) -> int:
    def anlegen(arbeit):
        return aufgabe_anlegen(arbeit, titel=titel, verantwortlich=person_per_email(arbeit.db, email), frist=frist).id

    return _tun(web_umgebung, anlegen)


def _versenden(web_umgebung) -> None:
    from prozess.takt import outbox_leeren

    asyncio.run(outbox_leeren(web_umgebung, web_umgebung.uhr()))


def teilnahmelink(web_umgebung, email: str) -> str:
    """Der persönliche Link aus der jüngsten zugestellten Mail an ``email``."""
    _versenden(web_umgebung)
    gefunden = [l for m in mails(_maildir(web_umgebung)) if email in m["To"] for l in links(m) if "/teilnahme/" in l]
    assert gefunden, f"keine Mail mit persönlichem Link an {email}"
    return gefunden[-1]


def _pfad(link: str) -> str:
    return link.removeprefix(BASIS)


def _einladen(web_umgebung, uhr) -> int:
    """Plant die Sitzungen und lädt die Steuerungsgruppe im Mai ein; die Uhr steht danach am 20. April."""
    from sqlmodel import select

    from modelle.tabellen import Sitzung

    _tun(web_umgebung, sitzungen_planen)
    uhr.vorstellen(days=(datetime(2027, 4, 20, 11, tzinfo=BERLIN) - uhr.jetzt).days + 1)
    _tun(web_umgebung, einladungen_versenden)
    with web_umgebung.db_session() as db:
        return db.exec(select(Sitzung.id).where(Sitzung.beginn == datetime(2027, 5, 4, 10, tzinfo=BERLIN))).one()


def test_der_link_aus_der_mail_zeigt_die_aufgaben_und_meldet_eine_als_erledigt(browser, web_umgebung):
    aufgabe_id = _aufgabe(web_umgebung)
    link = teilnahmelink(web_umgebung, SCHULLEITUNG)
    seite = browser.get(link)
    assert seite.status_code == 200 and "Fehlzeiten melden" in seite.text and "Thomas Ostendorf" in seite.text
    antwort = browser.post(f"{link}/aufgaben/{aufgabe_id}/erledigt", data={"notiz": "verschickt", "csrf": csrf(browser)})
    assert antwort.status_code == 303 and antwort.headers["location"] == f"{_pfad(link)}?getan=erledigt"
    seite = browser.get(antwort.headers["location"])
    assert "als erledigt gemeldet" in seite.text and "Bei Ihnen ist keine Aufgabe offen." in seite.text
    # wiederverwendet: dieselbe Handlung ein zweites Mal ändert nichts
    vorher = abbild_der(web_umgebung)
    zweimal = browser.post(f"{link}/aufgaben/{aufgabe_id}/erledigt", data={"notiz": "", "csrf": csrf(browser)})
    assert zweimal.status_code == 409 and "nicht mehr offen" in zweimal.text
    assert abbild_der(web_umgebung) == vorher


def test_jeder_link_in_jeder_mail_aendert_mit_get_nichts(browser, web_umgebung, uhr):
    """Mail-Scanner öffnen jeden Link aus Auftragsmails, Einladungen, Erinnerungen und Eskalationen: das schreibt nichts."""
    from prozess.erinnerungen import erinnerungen_versenden

    _aufgabe(web_umgebung, SCHULLEITUNG)
    _aufgabe(web_umgebung, JOBCENTER, "Teilnehmerzahlen liefern")
    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_anlegen(db, web_umgebung.einstellungen, uhr)
    _einladen(web_umgebung, uhr)
    _tun(web_umgebung, erinnerungen_versenden)  # am 20. April: beide Aufträge überfällig und eskaliert
    _versenden(web_umgebung)
    alle = mails(_maildir(web_umgebung))
    adressen = sorted({l for m in alle for l in links(m) if l.startswith(BASIS)})
    persoenlich = [a for a in adressen if "/teilnahme/" in a]
    # zwei Aufträge, eine Folgeaufgabe, vier Einladungen, dazu die Erinnerungen des Takts (ein Link je Person)
    assert len(persoenlich) >= 8
    betreffe = [str(m["Subject"]) for m in alle]
    assert any("überfällig" in b.lower() for b in betreffe) and any("eskalation" in b.lower() for b in betreffe)
    assert any(a.startswith(f"{BASIS}/aufgaben/") for a in adressen)  # die Eskalation: die Seite der Aufgabe im Büro
    vorher = abbild_der(web_umgebung)
    for adresse in adressen:
        for _ in range(2):
            antwort = browser.get(adresse)
            if adresse.startswith(f"{BASIS}/aufgaben/"):  # Büro-Seite: ohne Anmeldung zur Anmeldeseite
                assert (antwort.status_code, antwort.headers["location"]) == (303, "/anmelden"), adresse
                antwort = browser.get(antwort.headers["location"])
            assert antwort.status_code == 200, adresse
            _kopfzeilen_pruefen(antwort)
    for adresse in persoenlich:  # auch jede Sitzungsseite, die eine Teilnehmerseite verlinkt
        for pfad in {p for p in _sitzungslinks(browser.get(adresse).text)}:
            assert browser.get(pfad).status_code == 200
    assert abbild_der(web_umgebung) == vorher


def _sitzungslinks(html: str) -> list[str]:
    import re

    return re.findall(r'href="(/teilnahme/[^"]+/sitzungen/\d+)"', html)


def test_der_link_einer_person_zeigt_und_aendert_nichts_einer_anderen(browser, web_umgebung, uhr):
    fremde = _aufgabe(web_umgebung, JOBCENTER, "Geheime Aufgabe")
    sitzung_id = _einladen(web_umgebung, uhr)
    _aufgabe(web_umgebung, SCHULLEITUNG, frist=date(2027, 6, 1))
    link = teilnahmelink(web_umgebung, SCHULLEITUNG)  # nicht in der Steuerungsgruppe
    assert "Geheime Aufgabe" not in browser.get(link).text
    vorher = abbild_der(web_umgebung)
    for pfad, daten in [(f"{link}/aufgaben/{fremde}/erledigt", {"notiz": "x"}),
                        (f"{link}/aufgaben/{fremde}/frist", {"frist": "2027-06-01"}),
                        (f"{link}/sitzungen/{sitzung_id}/antwort", {"antwort": "zusage"})]:
        antwort = browser.post(pfad, data={**daten, "csrf": csrf(browser)})
        assert antwort.status_code == 404 and "unter Ihrem Link nicht" in antwort.text, pfad
        assert "Geheime Aufgabe" not in antwort.text
    assert browser.get(f"{link}/sitzungen/{sitzung_id}").status_code == 404
    assert abbild_der(web_umgebung) == vorher


def test_abgelaufene_widerrufene_und_unbekannte_links_bekommen_eine_deutsche_seite(browser, web_umgebung, uhr):
    aufgabe_id = _aufgabe(web_umgebung)
    link = teilnahmelink(web_umgebung, SCHULLEITUNG)
    assert browser.post(f"{link}/aufgaben/{aufgabe_id}/erledigt", data={"csrf": csrf(browser)}).status_code == 303
    uhr.vorstellen(days=web_umgebung.einstellungen.teilnahmelink_tage, minutes=1)
    abgelaufen = browser.get(link)
    assert abgelaufen.status_code == 410 and "abgelaufen" in abgelaufen.text and "neuen Link" in abgelaufen.text
    _kopfzeilen_pruefen(abgelaufen)

    _aufgabe(web_umgebung, JOBCENTER, frist=date(2027, 6, 1))
    anderer = teilnahmelink(web_umgebung, JOBCENTER)
    assert browser.get(anderer).status_code == 200
    _tun(web_umgebung, person_entfernen, JOBCENTER)
    widerrufen = browser.get(anderer)
    assert widerrufen.status_code == 410 and "widerrufen" in widerrufen.text
    vorher = abbild_der(web_umgebung)
    assert browser.post(f"{anderer}/aufgaben/1/erledigt", data={"csrf": csrf(browser)}).status_code == 410
    assert abbild_der(web_umgebung) == vorher

    unbekannt = browser.get("/teilnahme/geraten")
    assert unbekannt.status_code == 410 and "So bekommen Sie einen neuen" in unbekannt.text


def test_ein_post_ohne_csrf_wird_abgewiesen_und_aendert_nichts(browser, web_umgebung, uhr):
    aufgabe_id = _aufgabe(web_umgebung, SG_MITGLIED, frist=date(2027, 6, 1))
    sitzung_id = _einladen(web_umgebung, uhr)
    link = teilnahmelink(web_umgebung, SG_MITGLIED)
    browser.get(link)
    vorher = abbild_der(web_umgebung)
    for pfad, daten in [(f"{link}/aufgaben/{aufgabe_id}/erledigt", {"notiz": "x"}),
                        (f"{link}/aufgaben/{aufgabe_id}/frist", {"frist": "2027-06-10"}),
                        (f"{link}/sitzungen/{sitzung_id}/antwort", {"antwort": "zusage"}),
                        ("/fristantraege/1/gewaehren", {}), ("/fristantraege/1/ablehnen", {})]:
        for falsch in ({}, {"csrf": ""}, {"csrf": "geraten"}):
            antwort = browser.post(pfad, data={**daten, **falsch})
            assert antwort.status_code == 403 and "Das Formular ist abgelaufen" in antwort.text, (pfad, falsch)
    assert abbild_der(web_umgebung) == vorher


def test_fristantrag_ueber_den_link_vom_buero_gewaehrt(browser, web_umgebung):
    from fastapi.testclient import TestClient

    from web.app import app_bauen

    aufgabe_id = _aufgabe(web_umgebung)
    link = teilnahmelink(web_umgebung, SCHULLEITUNG)
    antwort = browser.post(f"{link}/aufgaben/{aufgabe_id}/frist",
                           data={"frist": "2027-03-01", "begruendung": "Zeugniskonferenzen", "csrf": csrf(browser)})
    assert antwort.status_code == 303
    assert "neue Frist zum 01.03.2027 beantragt" in browser.get(antwort.headers["location"]).text
    with TestClient(app_bauen(web_umgebung), base_url=BASIS, follow_redirects=False) as buero:
        anmelden(buero, _maildir(web_umgebung), MONITORING)
        liste = buero.get("/fristantraege")
        _kopfzeilen_pruefen(liste)
        assert "Zeugniskonferenzen" in liste.text and "Thomas Ostendorf" in liste.text
        verweigert = buero.post("/fristantraege/1/gewaehren", data={"csrf": csrf(buero)})
        assert verweigert.status_code == 409 and "Bildungsmanagement" in verweigert.text
        buero.post("/abmelden", data={"csrf": csrf(buero)})
        anmelden(buero, _maildir(web_umgebung), MANAGEMENT)
        gewaehrt = buero.post("/fristantraege/1/gewaehren", data={"antwort": "Gern.", "csrf": csrf(buero)})
        assert gewaehrt.status_code == 303
        assert "Der Antrag ist gewährt" in buero.get(gewaehrt.headers["location"]).text
    seite = browser.get(link).text
    assert "01.03.2027" in seite and "gewährt: Gern." in seite


def test_zusage_und_absage_sieht_das_buero_in_der_anwesenheit(browser, web_umgebung, uhr):
    from fastapi.testclient import TestClient

    from web.app import app_bauen

    sitzung_id = _einladen(web_umgebung, uhr)
    link = teilnahmelink(web_umgebung, SG_MITGLIED)
    seite = browser.get(f"{link}/sitzungen/{sitzung_id}")
    assert seite.status_code == 200 and "Tagesordnung" in seite.text and "Sie haben noch nicht geantwortet" in seite.text
    _kopfzeilen_pruefen(seite)
    antwort = browser.post(f"{link}/sitzungen/{sitzung_id}/antwort", data={"antwort": "zusage", "csrf": csrf(browser)})
    assert antwort.status_code == 303
    assert "Sie haben zugesagt." in browser.get(antwort.headers["location"]).text
    with TestClient(app_bauen(web_umgebung), base_url=BASIS, follow_redirects=False) as buero:
        anmelden(buero, _maildir(web_umgebung), MANAGEMENT)
        anwesenheit = buero.get(f"/sitzungen/{sitzung_id}/anwesenheit")
        _kopfzeilen_pruefen(anwesenheit)
        assert "<td>Bernd Wübbolding</td><td>zugesagt</td>" in anwesenheit.text
        browser.post(f"{link}/sitzungen/{sitzung_id}/antwort", data={"antwort": "absage", "csrf": csrf(browser)})
        assert "<td>Bernd Wübbolding</td><td>abgesagt</td>" in buero.get(f"/sitzungen/{sitzung_id}/anwesenheit").text


def test_kein_persoenliches_token_erscheint_in_einer_logzeile(browser, web_umgebung, caplog):
    caplog.set_level(logging.DEBUG)
    aufgabe_id = _aufgabe(web_umgebung)
    link = teilnahmelink(web_umgebung, SCHULLEITUNG)
    token = link.rsplit("/", 1)[1]
    browser.get(link)
    browser.post(f"{link}/aufgaben/{aufgabe_id}/frist", data={"frist": "2027-03-01", "csrf": csrf(browser)})
    browser.post(f"{link}/aufgaben/{aufgabe_id}/erledigt", data={"csrf": csrf(browser)})
    browser.get(f"{link}?getan=erledigt")
    zeilen = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any("GET /teilnahme/… 200" in z for z in zeilen)
    assert any("POST /teilnahme/…/aufgaben/" in z and " 303 " in z for z in zeilen)
    for geheim in (token, SCHULLEITUNG, "Thomas Ostendorf"):
        assert not any(geheim in z for z in zeilen), geheim


@pytest.mark.parametrize("pfad", ["/teilnahme/abc/def", "/teilnahme/abc/aufgaben/1/erledigt",
                                  "/teilnahme/abc?x=1", "/anmelden/abc"])
def test_der_logpfad_kuerzt_jedes_token(pfad):
    from web.sicherheit import pfad_fuers_log

    assert "abc" not in pfad_fuers_log(pfad.split("?")[0])


def test_der_echte_server_schreibt_kein_persoenliches_token_in_sein_log(tmp_path):
    """``bildungsbuero web`` als Prozess: seine Ausgabe (das Log, das systemd sammelt) nennt kein Token."""
    import signal
    import subprocess

    import httpx

    from tests.prozess.cli.test_jeder_befehl import BEFEHL, WURZEL, _freier_port, _lauf, _umgebung

    db = tmp_path / "bb.db"
    port = _freier_port()
    basis = {"BILDUNGSBUERO_BASIS_URL": f"http://127.0.0.1:{port}", "BILDUNGSBUERO_WEB_PORT": str(port)}
    for argumente in (["init"], ["organisation", "laden", "organisationen/landkreis-cloppenburg.toml"],
                      ["aufgabe", "anlegen", "Zahlen liefern", "--verantwortlich", SCHULLEITUNG, "--frist", "2099-01-15"],
                      ["versand", "senden"]):
        assert _lauf(db, argumente, basis).returncode == 0, argumente
    link = next(l for m in mails(tmp_path / "maildir") for l in links(m) if "/teilnahme/" in l)
    token = link.rsplit("/", 1)[1]
    prozess = subprocess.Popen([str(BEFEHL), "web"], cwd=WURZEL, env=_umgebung(db, basis),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        gelesen = []
        while not any("Uvicorn running" in z for z in gelesen):
            zeile = prozess.stdout.readline()
            assert zeile, "".join(gelesen)
            gelesen.append(zeile)
        with httpx.Client() as client:
            seite = client.get(link, timeout=10)
            assert seite.status_code == 200 and "Zahlen liefern" in seite.text
            csrf_wert = client.cookies["bb_csrf"]
            erledigt = client.post(f"{link}/aufgaben/1/erledigt", data={"notiz": "fertig", "csrf": csrf_wert},
                                   timeout=10)
            assert erledigt.status_code == 303
            assert client.get(f"{link}/sitzungen/1", timeout=10).status_code == 404
        prozess.send_signal(signal.SIGTERM)
        assert prozess.wait(timeout=60) == 0
    finally:
        if prozess.poll() is None:
            prozess.kill()
    log = "".join(gelesen) + prozess.stdout.read()
    assert "GET /teilnahme/… 200" in log and "POST /teilnahme/…/aufgaben/1/erledigt 303" in log
    for geheim in (token, SCHULLEITUNG, "Thomas Ostendorf"):
        assert geheim not in log, geheim
