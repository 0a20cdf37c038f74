"""Sicherheit: Kopfzeilen auf jeder Seite, CSRF auf jedem POST, GET ändert nichts, kein Token im Log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.hilfen import MANAGEMENT
from tests.web.conftest import BASIS, abbild_der, anmelden, csrf, letzter_anmeldelink, link_anfordern, links, mails

KOPFZEILEN = {
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
}


def _maildir(web_umgebung) -> Path:
    return Path(web_umgebung.einstellungen.maildir_pfad)


def _kopfzeilen_pruefen(antwort) -> None:
    for name, wert in KOPFZEILEN.items():
        assert antwort.headers.get(name) == wert, (antwort.request.url, name)
    richtlinie = antwort.headers["content-security-policy"]
    assert "default-src 'none'" in richtlinie and "frame-ancestors 'none'" in richtlinie
    assert "script-src" not in richtlinie and "unsafe-inline" not in richtlinie  # kein Skript, auch kein eingebettetes


def test_jede_seite_traegt_die_sicherheitskopfzeilen(browser, web_umgebung):
    from tests.hilfen import feld_anlegen

    ohne_anmeldung = ["/anmelden", "/anmelden?abgemeldet=1", "/anmelden/unbekannt", "/", "/gibt-es-nicht", "/lebt"]
    for pfad in ohne_anmeldung:
        _kopfzeilen_pruefen(browser.get(pfad))
    _kopfzeilen_pruefen(link_anfordern(browser))
    anmelden(browser, _maildir(web_umgebung))
    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_id = feld_anlegen(db, web_umgebung.einstellungen, web_umgebung.uhr)
    for pfad in ["/", "/aufgaben", f"/handlungsfelder/{feld_id}", "/handlungsfelder/999", "/aufgaben?ab=x"]:
        _kopfzeilen_pruefen(browser.get(pfad))
    css = browser.get("/statisch/web.css")
    assert css.status_code == 200 and css.headers["x-frame-options"] == "DENY"
    assert "no-store" not in css.headers.get("cache-control", "")


def test_ein_post_ohne_csrf_wird_abgewiesen_und_aendert_nichts(browser, web_umgebung):
    link_anfordern(browser)
    link = letzter_anmeldelink(_maildir(web_umgebung))
    vorher = abbild_der(web_umgebung)
    for pfad, daten in [("/anmelden", {"email": MANAGEMENT}), (link, {}), ("/abmelden", {}),
                        ("/handlungsfelder/1/schritte/zurueckstellen", {"begruendung": "x"})]:
        for falsch in ({}, {"csrf": ""}, {"csrf": "geraten"}):
            antwort = browser.post(pfad, data={**daten, **falsch})
            assert antwort.status_code == 403, (pfad, falsch)
            assert "Das Formular ist abgelaufen" in antwort.text
    assert abbild_der(web_umgebung) == vorher
    assert len(mails(_maildir(web_umgebung))) == 1


def test_ein_csrf_token_aus_einem_anderen_browser_gilt_nicht(browser, web_umgebung):
    from fastapi.testclient import TestClient

    from web.app import app_bauen

    with TestClient(app_bauen(web_umgebung), base_url=BASIS) as fremder:
        fremdes = csrf(fremder)
    csrf(browser)
    assert browser.post("/anmelden", data={"email": MANAGEMENT, "csrf": fremdes}).status_code == 403


def test_jeder_link_in_jeder_mail_aendert_mit_get_nichts(browser, web_umgebung, uhr):
    """Mail-Scanner öffnen jeden Link: das darf nichts einlösen, nichts schreiben."""
    from tests.hilfen import feld_im_zustand

    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_im_zustand(db, web_umgebung.einstellungen, uhr, "massnahmen_beschlossen")
    link_anfordern(browser)  # versendet dabei auch alle Aufgabenmails der Schritte
    alle = mails(_maildir(web_umgebung))
    assert len(alle) > 3
    adressen = sorted({l for m in alle for l in links(m)})
    eigene = [a for a in adressen if a.startswith(BASIS)]
    assert any("/anmelden/" in a for a in eigene)
    vorher = abbild_der(web_umgebung)
    for adresse in eigene:
        for _ in range(2):  # manche Scanner öffnen zweimal
            assert browser.get(adresse).status_code < 500
    assert abbild_der(web_umgebung) == vorher
    # … und der Link gilt danach noch: der Mensch kann sich anmelden.
    assert browser.post(letzter_anmeldelink(_maildir(web_umgebung)), data={"csrf": csrf(browser)}).status_code == 303


def test_kein_token_erscheint_in_einer_logzeile(browser, web_umgebung, caplog):
    caplog.set_level(logging.DEBUG)
    anmelden(browser, _maildir(web_umgebung))
    browser.get("/")
    browser.post("/abmelden", data={"csrf": csrf(browser)})
    token = letzter_anmeldelink(_maildir(web_umgebung)).rsplit("/", 1)[1]
    # httpx ist hier der Browser des Tests (er loggt seine eigenen Adressen), nicht der Server.
    zeilen = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert any("POST /anmelden/… 303" in z for z in zeilen)
    for geheim in (token, browser.cookies.get("bb_csrf", "-"), MANAGEMENT, "Anna Meyer"):
        assert not any(geheim in z for z in zeilen), geheim


@pytest.mark.parametrize("proxies,erwartet", [("", "192.0.2.1"), ("198.51.100.7", "192.0.2.1"),
                                              ("192.0.2.1", "203.0.113.9")])
def test_forwarded_kopfzeilen_gelten_nur_von_konfigurierten_proxies(web_umgebung, proxies, erwartet):
    from fastapi.testclient import TestClient

    from prozess.umgebung import Umgebung
    from web.app import app_bauen

    u = Umgebung(web_umgebung.einstellungen.mit(web_proxies=proxies, anmeldeanfragen_je_stunde=1),
                 web_umgebung.engine, web_umgebung.uhr)
    app = app_bauen(u)
    with TestClient(app, base_url=BASIS, client=("192.0.2.1", 50000)) as client:  # der Absender der Anfrage
        kopf = {"X-Forwarded-For": "203.0.113.9"}
        daten = {"email": "niemand@lkclp.example", "csrf": csrf(client)}
        assert client.post("/anmelden", data=daten, headers=kopf).status_code == 200
        assert client.post("/anmelden", data=daten, headers=kopf).status_code == 429
    assert list(app.state.anmeldeanfragen._ereignisse) == [erwartet]


def test_mit_zwei_webprozessen_zaehlt_jeder_den_aufgerundeten_halben_anteil(web_umgebung):
    from fastapi.testclient import TestClient

    from prozess.umgebung import Umgebung
    from web.app import app_bauen

    u = Umgebung(web_umgebung.einstellungen.mit(web_prozesse=2, anmeldeanfragen_je_stunde=3),
                 web_umgebung.engine, web_umgebung.uhr)
    with TestClient(app_bauen(u), base_url=BASIS, client=("192.0.2.1", 50000)) as client:
        daten = {"email": "niemand@lkclp.example", "csrf": csrf(client)}
        assert [client.post("/anmelden", data=daten).status_code for _ in range(3)] == [200, 200, 429]


def test_die_ratenbegrenzung_vergisst_absender_deren_fenster_leer_ist(uhr):
    from datetime import timedelta

    from web.sicherheit import Ratenbegrenzung, ZuVieleAnfragen

    grenze = Ratenbegrenzung(2, timedelta(hours=1), uhr)
    grenze.GROESSE = 3
    for adresse in ("a", "b", "c", "d"):
        grenze.zaehlen(adresse)
    grenze.zaehlen("a")
    with pytest.raises(ZuVieleAnfragen):
        grenze.zaehlen("a")
    uhr.vorstellen(hours=1)
    grenze.zaehlen("e")  # räumt auf: a–d hatten in der letzten Stunde nichts mehr
    assert list(grenze._ereignisse) == ["e"]


def test_jede_route_der_app_traegt_die_sicherheitskopfzeilen_auch_jeder_post(browser, web_umgebung, uhr):
    """Geht über ``app.routes``: eine neue Route ohne Beispielwert für ihre Platzhalter lässt diesen Test scheitern."""
    import re
    from datetime import timedelta

    from starlette.routing import Mount

    from modelle.tabellen import Gremium, Statusbericht
    from prozess.sitzungen import sitzung_anlegen
    from tests.hilfen import feld_anlegen, tun

    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
        sitzung = tun(db, uhr.jetzt, sitzung_anlegen, "steuerungsgruppe", uhr.jetzt + timedelta(days=30))
        gremium = db.query(Gremium).filter(Gremium.kuerzel == "schulausschuss").one()
        db.add(Statusbericht(schluessel="s", gremium_id=gremium.id, anlass="rhythmus", erstellt_am=uhr.jetzt,
                             betreff="Statusbericht", text="Stand", html="<p>Stand</p>"))
        db.commit()
    beispiele = {"feld_id": feld_id, "aufgabe_id": 1, "sitzung_id": sitzung.id, "bericht_id": 1,
                 "token": "unbekannt", "schritt": "zurueckstellen", "antrag_id": 1, "entscheidung": "ablehnen"}
    anmelden(browser, _maildir(web_umgebung))
    gets, posts = [], []
    def alle(routen, vorsilbe=""):
        for route in routen:  # FastAPI ≥ 0.16x hängt eingebundene Router als eigene Knoten ein
            if hasattr(route, "original_router"):
                yield from alle(route.original_router.routes,
                                vorsilbe + (getattr(route.include_context, "prefix", "") or ""))
            else:
                yield vorsilbe, route

    for vorsilbe, route in alle(browser.app.routes):
        if isinstance(route, Mount):
            assert route.path == "/statisch"  # geprüft im Test darüber
            continue
        platzhalter = re.findall(r"{(\w+)}", route.path)
        fehlend = [p for p in platzhalter if p not in beispiele]
        assert not fehlend, f"{route.path}: Beispielwert für {fehlend} fehlt in diesem Test"
        pfad = vorsilbe + route.path.format(**beispiele)
        for methode in route.methods - {"HEAD"}:
            (gets if methode == "GET" else posts).append(pfad)
    assert "/anregung" in gets and "/versand/wiederholen" in posts and len(gets) >= 14 and len(posts) >= 9, (gets, posts)
    for pfad in sorted(gets):
        antwort = browser.get(pfad)
        assert antwort.status_code < 500, pfad
        _kopfzeilen_pruefen(antwort)
    for pfad in sorted(posts, key=lambda p: p == "/abmelden"):  # abmelden zuletzt
        antwort = browser.post(pfad, data={"csrf": csrf(browser)})
        assert antwort.status_code < 500, pfad
        _kopfzeilen_pruefen(antwort)
        _kopfzeilen_pruefen(browser.post(pfad, data={}))  # ohne CSRF: 403, auch mit Kopfzeilen


@pytest.mark.parametrize("faeden", [1, 3])
def test_die_seiten_laufen_in_hoechstens_web_faeden_faeden(web_umgebung, faeden):
    # Starlette gibt synchrone Handler in den Fadenvorrat der Ereignisschleife; 40 Fäden stritten um den GIL.
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from prozess.umgebung import Umgebung
    from web.app import app_bauen

    u = Umgebung(web_umgebung.einstellungen.mit(web_faeden=faeden), web_umgebung.engine, web_umgebung.uhr)
    app = app_bauen(u)

    @app.get("/vorrat")
    async def vorrat():  # läuft in der Schleife des Servers, sieht also deren Vorrat
        return {"faeden": anyio.to_thread.current_default_thread_limiter().total_tokens}

    with TestClient(app, base_url=BASIS) as client:
        assert client.get("/vorrat").json() == {"faeden": faeden}
        assert client.get("/lebt").text == "ok"
