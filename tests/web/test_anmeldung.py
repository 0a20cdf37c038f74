"""Anmelden per Link aus der Mail: einmal, 15 Minuten, nur als Hash gespeichert; Sitzung mit Ende."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from modelle.anmeldung import Anmeldelink, Websitzung
from tests.hilfen import MANAGEMENT, SCHULLEITUNG, SG_VORSITZ
from tests.web.conftest import abbild_der, anmelden, csrf, letzter_anmeldelink, link_anfordern, mails


def _maildir(web_umgebung) -> Path:
    return Path(web_umgebung.einstellungen.maildir_pfad)


def test_der_link_aus_der_mail_meldet_an_und_fuehrt_zur_uebersicht(browser, web_umgebung):
    assert browser.get("/").headers["location"] == "/anmelden"
    anmelden(browser, _maildir(web_umgebung))
    seite = browser.get("/")
    assert seite.status_code == 200
    assert "<h1>Übersicht</h1>" in seite.text and "Angemeldet: Anna Meyer" in seite.text
    mail = mails(_maildir(web_umgebung))[-1]
    assert mail["To"].addresses[0].addr_spec == MANAGEMENT
    assert "Anmeldelink" in mail["Subject"] and "15 Minuten" in mail["Subject"]


def test_auch_der_vorsitz_der_steuerungsgruppe_darf_sich_anmelden(browser, web_umgebung):
    anmelden(browser, _maildir(web_umgebung), SG_VORSITZ)
    assert "Angemeldet: Dr. Hiltrud Schräder" in browser.get("/").text


def test_die_antwort_ist_dieselbe_ob_die_adresse_bekannt_ist_oder_nicht(browser, web_umgebung):
    bekannt = link_anfordern(browser, MANAGEMENT)
    unbekannt = link_anfordern(browser, "niemand@lkclp.example")
    ohne_rolle = link_anfordern(browser, SCHULLEITUNG)  # Partnerin ohne Rolle in einem Schritt
    assert bekannt.status_code == unbekannt.status_code == ohne_rolle.status_code == 200
    assert bekannt.text == unbekannt.text == ohne_rolle.text
    assert [m["To"].addresses[0].addr_spec for m in mails(_maildir(web_umgebung))] == [MANAGEMENT]


def test_der_link_gilt_nur_einmal(browser, web_umgebung):
    anmelden(browser, _maildir(web_umgebung))
    link = letzter_anmeldelink(_maildir(web_umgebung))
    assert browser.get(link).status_code == 410
    zweiter = browser.post(link, data={"csrf": csrf(browser)})
    assert zweiter.status_code == 410
    assert "Neuen Anmeldelink anfordern" in zweiter.text
    with web_umgebung.db_session() as db:
        assert len(db.execute(select(Websitzung)).all()) == 1


def test_der_link_gilt_fuenfzehn_minuten(browser, web_umgebung, uhr):
    link_anfordern(browser)
    link = letzter_anmeldelink(_maildir(web_umgebung))
    uhr.vorstellen(minutes=15)
    vorher = abbild_der(web_umgebung)
    abgelaufen = browser.post(link, data={"csrf": csrf(browser)})
    assert abgelaufen.status_code == 410 and "abgelaufen" in abgelaufen.text
    assert abbild_der(web_umgebung) == vorher
    assert browser.get("/").status_code == 303


def test_kurz_vor_ablauf_gilt_der_link_noch(browser, web_umgebung, uhr):
    link_anfordern(browser)
    link = letzter_anmeldelink(_maildir(web_umgebung))
    uhr.vorstellen(minutes=14, seconds=59)
    assert browser.post(link, data={"csrf": csrf(browser)}).status_code == 303


def test_gespeichert_wird_nur_der_hash_der_tokens(browser, web_umgebung):
    anmelden(browser, _maildir(web_umgebung))
    token = letzter_anmeldelink(_maildir(web_umgebung)).rsplit("/", 1)[1]
    sitzung = browser.cookies["bb_sitzung"]
    with web_umgebung.db_session() as db:
        link = db.execute(select(Anmeldelink)).scalar_one()
        websitzung = db.execute(select(Websitzung)).scalar_one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert websitzung.token_hash == hashlib.sha256(sitzung.encode()).hexdigest()
    for tabelle, zeilen in abbild_der(web_umgebung).items():
        if tabelle == "outbox":
            continue  # die Mail selbst trägt den Link (wertlos, sobald eingelöst)
        assert not any(token in wert or sitzung in wert for zeile in zeilen for wert in zeile), tabelle


def test_abmelden_beendet_die_sitzung_auch_fuer_ein_kopiertes_cookie(browser, web_umgebung):
    anmelden(browser, _maildir(web_umgebung))
    sitzung = browser.cookies["bb_sitzung"]
    antwort = browser.post("/abmelden", data={"csrf": csrf(browser)})
    assert antwort.status_code == 303 and antwort.headers["location"] == "/anmelden?abgemeldet=1"
    assert "Sie sind abgemeldet." in browser.get("/anmelden?abgemeldet=1").text
    browser.cookies.set("bb_sitzung", sitzung)
    assert browser.get("/").headers["location"] == "/anmelden"


def test_die_sitzung_endet_nach_der_eingestellten_zeit(browser, web_umgebung, uhr):
    anmelden(browser, _maildir(web_umgebung))
    uhr.vorstellen(hours=7, minutes=59)
    assert browser.get("/").status_code == 200
    uhr.vorstellen(minutes=1)
    assert browser.get("/").headers["location"] == "/anmelden"


def test_das_sitzungscookie_ist_httponly_und_samesite_lax(browser, web_umgebung):
    link_anfordern(browser)
    antwort = browser.post(letzter_anmeldelink(_maildir(web_umgebung)), data={"csrf": csrf(browser)})
    cookie = antwort.headers["set-cookie"]
    assert "bb_sitzung=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # basis_url ist http


def test_hinter_https_sind_die_cookies_secure(web_umgebung):
    from fastapi.testclient import TestClient

    from prozess.umgebung import Umgebung
    from web.app import app_bauen

    sicher = Umgebung(web_umgebung.einstellungen.mit(basis_url="https://bildungsbuero.test"), web_umgebung.engine,
                      web_umgebung.uhr)
    with TestClient(app_bauen(sicher), base_url="https://bildungsbuero.test", follow_redirects=False) as client:
        erste = client.get("/anmelden")
        client.post("/anmelden", data={"email": MANAGEMENT, "csrf": client.cookies["bb_csrf"]})
        link = letzter_anmeldelink(_maildir(web_umgebung))
        assert link.startswith("https://bildungsbuero.test/anmelden/")
        antwort = client.post(link, data={"csrf": client.cookies["bb_csrf"]})
    assert "Secure" in antwort.headers["set-cookie"]
    assert "bb_csrf=" in erste.headers["set-cookie"] and "Secure" in erste.headers["set-cookie"]


def test_je_adresse_gehen_hoechstens_fuenf_links_in_der_stunde(browser, web_umgebung, uhr):
    antworten = [link_anfordern(browser).text for _ in range(6)]
    assert len(set(antworten)) == 1  # auch die übergangene Anfrage bekommt dieselbe Antwort
    assert len(mails(_maildir(web_umgebung))) == 5
    uhr.vorstellen(hours=1)
    link_anfordern(browser)
    assert len(mails(_maildir(web_umgebung))) == 6


def test_zu_viele_anfragen_von_einem_anschluss_werden_mit_429_abgewiesen(browser, web_umgebung):
    for _ in range(30):
        assert link_anfordern(browser, "niemand@lkclp.example").status_code == 200
    zu_viel = link_anfordern(browser, "niemand@lkclp.example")
    assert zu_viel.status_code == 429 and "zu viele Anmeldeanfragen" in zu_viel.text


def test_eine_leere_adresse_wird_deutsch_zurueckgewiesen(browser):
    antwort = browser.post("/anmelden", data={"email": "  ", "csrf": csrf(browser)})
    assert antwort.status_code == 422 and "Bitte geben Sie Ihre E-Mail-Adresse an." in antwort.text


def test_wer_entfernt_wird_ist_abgemeldet_und_bekommt_keinen_link_mehr(browser, web_umgebung):
    from prozess.organisation import person_entfernen

    anmelden(browser, _maildir(web_umgebung))
    with web_umgebung.arbeit() as arbeit:
        person_entfernen(arbeit, MANAGEMENT)
    assert browser.get("/").headers["location"] == "/anmelden"
    link_anfordern(browser)
    assert len(mails(_maildir(web_umgebung))) == 1


def test_jede_seite_ohne_abhaengigkeit_prueft_die_sitzung_selbst(browser, web_umgebung):
    """Die Routen von ``web.buero.lese_router`` prüfen die Websitzung in ihrer Arbeit (``angemeldet_lesen``), nicht
    über die Abhängigkeit: ohne, mit unbekannter und mit beendeter Sitzung führt jede zur Anmeldung – auch zu einem
    Feld, das es nicht gibt (die Seite verrät nichts, bevor sie weiß, wer fragt)."""
    from web.buero import lese_router

    pfade = [route.path.format(feld_id=999999) for route in lese_router.routes]
    assert "/" in pfade and "/handlungsfelder/999999" in pfade
    for pfad in pfade:
        assert browser.get(pfad).headers["location"] == "/anmelden", pfad
    browser.cookies.set("bb_sitzung", "unbekannt")
    for pfad in pfade:
        assert browser.get(pfad).headers["location"] == "/anmelden", pfad
    browser.cookies.delete("bb_sitzung")
    anmelden(browser, _maildir(web_umgebung))
    sitzung = browser.cookies["bb_sitzung"]
    assert all(browser.get(pfad).status_code in (200, 404) for pfad in pfade)
    browser.post("/abmelden", data={"csrf": csrf(browser)})
    browser.cookies.delete("bb_sitzung")
    browser.cookies.set("bb_sitzung", sitzung)
    for pfad in pfade:
        assert browser.get(pfad).headers["location"] == "/anmelden", pfad
