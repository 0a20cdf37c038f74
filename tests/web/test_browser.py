"""Im echten Browser (Debians Chromium, gesteuert von Playwright) gegen den echten Server.

Der Server ist uvicorn mit der App über der Test-Datenbank und der simulierten Uhr, in einem
Faden dieses Prozesses; sein Socket lauscht, bevor der Faden startet. Ohne Chromium werden diese
Tests übersprungen (mit Hinweis) – außer ``BILDUNGSBUERO_TEST_PG_PFLICHT`` ist gesetzt (CI):
dann schlagen sie fehl, denn ``.ci/run`` installiert Chromium.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from prozess.handlungsfelder import datengrundlage_anlegen
from tests.conftest import PG_PFLICHT
from tests.hilfen import MANAGEMENT, MONITORING, feld_anlegen, tun
from tests.web.conftest import mails, links

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        meldung = ("Chromium fehlt (/usr/bin/chromium): die Browsertests laufen nicht. "
                   "Installieren: apt-get install -y chromium (so in .ci/run).")
        if PG_PFLICHT:
            pytest.fail(meldung + " BILDUNGSBUERO_TEST_PG_PFLICHT ist gesetzt: hier Pflicht.")
        pytest.skip(meldung)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def server(web_umgebung):
    """uvicorn mit der App auf einem freien Port; die Adresse, unter der sie antwortet."""
    import uvicorn

    from web.app import app_bauen

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    adresse = f"http://127.0.0.1:{port}"
    u = type(web_umgebung)(web_umgebung.einstellungen.mit(basis_url=adresse), web_umgebung.engine, web_umgebung.uhr)
    uvi = uvicorn.Server(uvicorn.Config(app_bauen(u), access_log=False, log_config=None))
    uvi.install_signal_handlers = lambda: None  # nicht im Hauptfaden
    faden = threading.Thread(target=uvi.run, kwargs={"sockets": [sock]}, daemon=True)
    faden.start()
    yield adresse
    uvi.should_exit = True
    faden.join(timeout=30)
    sock.close()


@pytest.fixture
def seite(chromium):
    kontext = chromium.new_context(locale="de-DE")
    yield kontext.new_page()
    kontext.close()


def _anmeldelinks(maildir: Path) -> list[str]:
    return [l for m in mails(maildir) for l in links(m) if "/anmelden/" in l]


def _neuen_anmeldelink_abwarten(maildir: Path, bekannt: list[str]) -> str:
    """Wartet, bis der Versand (im Hintergrund nach der Antwort) den neuen Link zugestellt hat; höchstens 20 s."""
    ende = time.monotonic() + 20
    while not (neu := [l for l in _anmeldelinks(maildir) if l not in bekannt]):
        assert time.monotonic() < ende, "nach 20 s kein neuer Anmeldelink im Maildir"
        time.sleep(0.05)
    return neu[-1]


def _anmelden(seite, server, web_umgebung, adresse: str) -> None:
    from playwright.sync_api import expect

    maildir = Path(web_umgebung.einstellungen.maildir_pfad)
    bekannt = _anmeldelinks(maildir)
    seite.goto(f"{server}/")
    expect(seite.get_by_role("heading", level=1)).to_have_text("Anmelden")
    seite.get_by_label("E-Mail-Adresse").fill(adresse)
    seite.get_by_role("button", name="Anmeldelink anfordern").click()
    expect(seite.get_by_role("heading", level=1)).to_have_text("Schauen Sie in Ihr Postfach")
    link = _neuen_anmeldelink_abwarten(maildir, bekannt)
    assert link.startswith(f"{server}/anmelden/")
    seite.goto(link)
    expect(seite.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    seite.get_by_role("button", name="Anmelden").click()
    expect(seite.get_by_role("heading", level=1)).to_have_text("Übersicht")


def test_anmelden_mit_dem_link_aus_dem_maildir_und_wieder_abmelden(seite, server, web_umgebung):
    from playwright.sync_api import expect

    _anmelden(seite, server, web_umgebung, MANAGEMENT)
    expect(seite.get_by_text("Angemeldet: Anna Meyer")).to_be_visible()
    seite.keyboard.press("Tab")  # der erste Halt der Tastatur ist der Sprung zum Inhalt
    expect(seite.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    seite.get_by_role("button", name="Abmelden").click()
    expect(seite.get_by_role("status")).to_have_text("Sie sind abgemeldet.")


def test_ein_schritt_mit_begruendung(seite, server, web_umgebung, uhr):
    from playwright.sync_api import expect

    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    _anmelden(seite, server, web_umgebung, MANAGEMENT)
    seite.get_by_role("link", name="Schulabsentismus").click()
    expect(seite.get_by_role("heading", level=1)).to_have_text(f"Handlungsfeld {feld_id}: Schulabsentismus")
    knopf = seite.get_by_role("button", name="Zurückstellen")
    knopf.click()  # ohne Begründung hält der Browser das Formular an (required), nichts wird gesendet
    expect(seite.get_by_text("Zustand: definiert")).to_be_visible()
    seite.get_by_label("Begründung (Pflicht)").fill("Haushaltssperre bis Juli")
    knopf.click()
    expect(seite.get_by_role("status")).to_have_text("Erledigt: Zurückstellen.")
    expect(seite.get_by_text("Zustand: zurückgestellt")).to_be_visible()
    expect(seite.get_by_text("Haushaltssperre bis Juli")).to_be_visible()


def test_ein_abgewiesener_schritt_zeigt_seine_gruende(seite, server, web_umgebung, uhr):
    from playwright.sync_api import expect

    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    _anmelden(seite, server, web_umgebung, MONITORING)
    seite.goto(f"{server}/handlungsfelder/{feld_id}")
    daten = seite.locator(".schritt", has=seite.get_by_role("heading", name="Daten als zusammengestellt melden"))
    expect(daten.get_by_text("Jetzt nicht möglich:")).to_be_visible()
    expect(daten.locator(".gruende li")).not_to_have_count(0)
    expect(daten.get_by_role("button")).to_have_count(0)
    zurueck = seite.locator(".schritt", has=seite.get_by_role("heading", name="Zurückstellen"))
    expect(zurueck.get_by_text("Diesen Schritt darf nur auslösen: Bildungsmanagement.")).to_be_visible()
    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        tun(db, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeitenquote 2025/26", "Schulamt")
    seite.reload()
    daten.get_by_role("button", name="Daten als zusammengestellt melden").click()
    expect(seite.get_by_text("Zustand: Daten zusammengestellt")).to_be_visible()
