"""Das öffentliche Formular für Anregungen: ohne Anmeldung, CSRF, Honigtopf, Längen, Ratenbegrenzung."""

from __future__ import annotations

from sqlalchemy import select

from modelle.anregungen import Anregung
from tests.web.conftest import BASIS, abbild_der, csrf

ANREGUNG = {"thema": "Ganztag an Grundschulen", "text": "Mehr Plätze im Nordkreis, bitte."}


def _anregungen(web_umgebung) -> list[Anregung]:
    with web_umgebung.db_session() as db:
        return list(db.execute(select(Anregung)).scalars())


def test_eine_anregung_ohne_persoenliche_angaben_kommt_an(browser, web_umgebung):
    formular = browser.get("/anregung")
    assert formular.status_code == 200
    assert '<label for="thema">Thema</label>' in formular.text
    assert "Persönliche Angaben sind freiwillig" in formular.text and "willigen Sie ein" in formular.text
    antwort = browser.post("/anregung", data={**ANREGUNG, "csrf": csrf(browser)})
    assert antwort.status_code == 303 and antwort.headers["location"] == "/anregung/danke"
    assert "Vielen Dank für Ihre Anregung" in browser.get("/anregung/danke").text
    [anregung] = _anregungen(web_umgebung)
    assert (anregung.thema, anregung.name, anregung.adresse) == ("Ganztag an Grundschulen", None, None)
    assert anregung.aufgabe_id is not None


def test_ohne_csrf_oder_mit_gefuelltem_honigtopf_wird_nichts_gespeichert(browser, web_umgebung):
    vorher = abbild_der(web_umgebung)
    assert browser.post("/anregung", data=ANREGUNG).status_code == 403
    programm = browser.post("/anregung", data={**ANREGUNG, "webseite": "http://werbung.example", "csrf": csrf(browser)})
    assert programm.status_code == 303 and programm.headers["location"] == "/anregung/danke"  # merkt nichts
    assert abbild_der(web_umgebung) == vorher


def test_zu_lange_oder_leere_angaben_nennen_den_grund_und_behalten_den_text(browser, web_umgebung):
    vorher = abbild_der(web_umgebung)
    leer = browser.post("/anregung", data={"thema": "", "text": "Mein Text", "csrf": csrf(browser)})
    assert leer.status_code == 422 and "Das Thema ist leer" in leer.text and "Mein Text" in leer.text
    lang = browser.post("/anregung", data={"thema": "Thema", "text": "x" * 4001, "csrf": csrf(browser)})
    assert lang.status_code == 422 and "höchstens 4000" in lang.text
    viel_zu_lang = browser.post("/anregung", data={"thema": "Thema", "text": "x" * 9000, "csrf": csrf(browser)})
    assert viel_zu_lang.status_code == 422
    assert abbild_der(web_umgebung) == vorher


def test_die_ratenbegrenzung_greift_je_absender(web_umgebung):
    from fastapi.testclient import TestClient

    from prozess.umgebung import Umgebung
    from web.app import app_bauen

    u = Umgebung(web_umgebung.einstellungen.mit(anregungen_je_stunde=2), web_umgebung.engine, web_umgebung.uhr)
    with TestClient(app_bauen(u), base_url=BASIS, follow_redirects=False) as client:
        for _ in range(2):
            assert client.post("/anregung", data={**ANREGUNG, "csrf": csrf(client)}).status_code == 303
        zu_viel = client.post("/anregung", data={**ANREGUNG, "csrf": csrf(client)})
        assert zu_viel.status_code == 429 and "zu viele Anregungen" in zu_viel.text
        assert "Mehr Plätze im Nordkreis" in zu_viel.text
    assert len(_anregungen(web_umgebung)) == 2
