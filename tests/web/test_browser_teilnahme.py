"""Die Teilnehmerseiten im echten Browser (Debians Chromium über Playwright) gegen den echten Server.

Die Mails entstehen über die Bibliothek mit der Adresse des Test-Servers als ``basis_url`` und
gehen durch den echten Versand ins Maildir; der Browser öffnet den Link aus der Mail.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest

from prozess.aufgaben import aufgabe_anlegen
from prozess.einladungen import einladungen_versenden
from prozess.rollen import person_per_email
from prozess.sitzungen import sitzungen_planen
from tests.conftest import BERLIN
from tests.hilfen import MANAGEMENT, SCHULLEITUNG, SG_MITGLIED, tun
from tests.web.conftest import links, mails
from tests.web.test_browser import _anmelden, chromium, seite, server  # noqa: F401  (Fixtures)


@pytest.fixture
def umgebung_des_servers(web_umgebung, server):
    """Die Umgebung, deren Mails auf den laufenden Test-Server zeigen."""
    return type(web_umgebung)(web_umgebung.einstellungen.mit(basis_url=server), web_umgebung.engine,
                              web_umgebung.uhr)


def _tun(umgebung, funktion, *args):
    with umgebung.db_session() as db:
        db.info["test_einstellungen"] = umgebung.einstellungen
        return tun(db, umgebung.uhr(), funktion, *args)


def _aufgabe(umgebung, email: str, titel: str) -> int:
    return _tun(umgebung, lambda arbeit: aufgabe_anlegen(
        arbeit, titel=titel, verantwortlich=person_per_email(arbeit.db, email), frist=date(2027, 2, 1)).id)


def _link_aus_der_mail(umgebung, email: str) -> str:
    from prozess.takt import outbox_leeren

    # Playwright (sync) hält im Hauptfaden eine Ereignisschleife: der Versand läuft in einem eigenen Faden.
    with ThreadPoolExecutor(1) as faden:
        faden.submit(asyncio.run, outbox_leeren(umgebung, umgebung.uhr())).result()
    gefunden = [l for m in mails(Path(umgebung.einstellungen.maildir_pfad)) if email in m["To"]
                for l in links(m) if "/teilnahme/" in l]
    assert gefunden, f"keine Mail mit persönlichem Link an {email}"
    assert gefunden[-1].startswith(umgebung.einstellungen.basis_url)
    return gefunden[-1]


def test_teilnehmer_meldet_eine_aufgabe_aus_dem_mail_link_nur_mit_der_tastatur_als_erledigt(seite, umgebung_des_servers):
    from playwright.sync_api import expect

    _aufgabe(umgebung_des_servers, SCHULLEITUNG, "Fehlzeiten der Oberschule melden")
    seite.goto(_link_aus_der_mail(umgebung_des_servers, SCHULLEITUNG))
    expect(seite.get_by_role("heading", level=1)).to_have_text("Ihre Aufgaben und Sitzungen")
    expect(seite.get_by_role("heading", level=3)).to_have_text("Fehlzeiten der Oberschule melden")
    seite.keyboard.press("Tab")
    expect(seite.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    seite.keyboard.press("Tab")
    expect(seite.get_by_role("link", name="Bildungsbüro")).to_be_focused()
    for eintrag in ("Anregung senden", "Anmelden"):  # die Navigation für Menschen ohne Anmeldung
        seite.keyboard.press("Tab")
        expect(seite.get_by_role("link", name=eintrag)).to_be_focused()
    seite.keyboard.press("Tab")
    notiz = seite.get_by_label("Kurze Notiz zur Erledigung (freiwillig)")
    expect(notiz).to_be_focused()
    seite.keyboard.type("An alle Klassenleitungen verschickt")
    seite.keyboard.press("Tab")
    expect(seite.get_by_role("button", name="Als erledigt melden")).to_be_focused()
    seite.keyboard.press("Enter")
    expect(seite.get_by_role("status")).to_have_text("Danke! Die Aufgabe ist als erledigt gemeldet.")
    expect(seite.get_by_text("Bei Ihnen ist keine Aufgabe offen.")).to_be_visible()


def test_ein_fristantrag_aus_dem_mail_link_wird_vom_buero_gewaehrt(chromium, seite, server, web_umgebung,
                                                                   umgebung_des_servers):
    from playwright.sync_api import expect

    _aufgabe(umgebung_des_servers, SCHULLEITUNG, "Fehlzeiten der Oberschule melden")
    link = _link_aus_der_mail(umgebung_des_servers, SCHULLEITUNG)
    seite.goto(link)
    seite.get_by_label("Neue Frist, die Sie brauchen").fill("2027-03-01")
    seite.get_by_label("Begründung (freiwillig)").fill("Zeugniskonferenzen im Februar")
    seite.get_by_role("button", name="Neue Frist beantragen").click()
    expect(seite.get_by_role("status")).to_contain_text("Ihr Antrag auf eine neue Frist ist beim Bildungsbüro")
    expect(seite.get_by_text("Sie haben eine neue Frist zum 01.03.2027 beantragt")).to_be_visible()

    kontext = chromium.new_context(locale="de-DE")
    try:
        buero = kontext.new_page()
        _anmelden(buero, server, web_umgebung, MANAGEMENT)
        buero.get_by_role("link", name="Fristanträge").click()
        expect(buero.get_by_role("heading", level=1)).to_have_text("Offene Fristanträge (1)")
        expect(buero.get_by_text("Zeugniskonferenzen im Februar")).to_be_visible()
        buero.get_by_label("Antwort an die Person (freiwillig)").fill("Einverstanden.")
        buero.get_by_role("button", name="Gewähren").click()
        expect(buero.get_by_role("status")).to_have_text("Der Antrag ist gewährt; die Aufgabe hat die neue Frist.")
        expect(buero.get_by_text("Keine offenen Fristanträge.")).to_be_visible()
    finally:
        kontext.close()

    seite.goto(link)
    expect(seite.get_by_text("Frist: 01.03.2027")).to_be_visible()
    expect(seite.get_by_text("Ihr Antrag auf den 01.03.2027 wurde gewährt: Einverstanden.")).to_be_visible()


def test_zusage_und_absage_aus_der_einladung(chromium, seite, server, web_umgebung, umgebung_des_servers, uhr):
    from playwright.sync_api import expect

    _tun(umgebung_des_servers, sitzungen_planen)
    uhr.vorstellen(days=(datetime(2027, 4, 20, 11, tzinfo=BERLIN) - uhr.jetzt).days + 1)
    _tun(umgebung_des_servers, einladungen_versenden)
    seite.goto(_link_aus_der_mail(umgebung_des_servers, SG_MITGLIED))
    seite.get_by_role("link", name="Steuerungsgruppe Bildung am").first.click()
    expect(seite.get_by_role("heading", level=1)).to_have_text("Sitzung: Steuerungsgruppe Bildung")
    expect(seite.get_by_role("heading", name="Tagesordnung")).to_be_visible()
    expect(seite.get_by_text("Sie haben noch nicht geantwortet.")).to_be_visible()
    seite.get_by_role("button", name="Zusagen").click()
    expect(seite.get_by_role("status")).to_have_text("Danke! Sie haben zugesagt.")
    sitzung_adresse = seite.url.split("?")[0]
    sitzung_id = sitzung_adresse.rsplit("/", 1)[1]

    kontext = chromium.new_context(locale="de-DE")
    try:
        buero = kontext.new_page()
        _anmelden(buero, server, web_umgebung, MANAGEMENT)
        buero.goto(f"{server}/sitzungen/{sitzung_id}/anwesenheit")
        zeile = buero.get_by_role("row", name="Bernd Wübbolding")
        expect(zeile).to_contain_text("zugesagt")
        seite.get_by_role("button", name="Absagen").click()
        expect(seite.get_by_role("status")).to_have_text("Danke! Sie haben abgesagt.")
        expect(seite.get_by_text("Sie haben abgesagt.", exact=True)).to_be_visible()
        buero.reload()
        expect(zeile).to_contain_text("abgesagt")
    finally:
        kontext.close()
