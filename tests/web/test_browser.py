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


def barrierefrei(seite) -> None:
    """axe-core (aus dem Paket axe-playwright-python) in der geladenen Seite: keine schwere oder kritische Verletzung."""
    from axe_playwright_python.sync_playwright import Axe

    ergebnis = Axe().run(seite, options={"resultTypes": ["violations"]}).response
    schwer = [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
              for v in ergebnis["violations"] if v["impact"] in ("serious", "critical")]
    assert not schwer, f"{seite.url}: " + "; ".join(schwer)


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
    barrierefrei(seite)
    seite.get_by_label("E-Mail-Adresse").fill(adresse)
    seite.get_by_role("button", name="Anmeldelink anfordern").click()
    expect(seite.get_by_role("heading", level=1)).to_have_text("Schauen Sie in Ihr Postfach")
    barrierefrei(seite)
    link = _neuen_anmeldelink_abwarten(maildir, bekannt)
    assert link.startswith(f"{server}/anmelden/")
    seite.goto(link)
    expect(seite.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    barrierefrei(seite)
    seite.get_by_role("main").get_by_role("button", name="Anmelden").click()
    expect(seite.get_by_role("heading", level=1)).to_have_text("Übersicht")
    barrierefrei(seite)


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


def test_eine_anregung_nur_mit_der_tastatur_senden(seite, server, web_umgebung):
    from playwright.sync_api import expect

    from modelle.anregungen import Anregung

    seite.goto(f"{server}/anregung")
    expect(seite.get_by_role("heading", level=1)).to_have_text("Anregung an das Bildungsbüro")
    barrierefrei(seite)
    seite.get_by_label("Thema").focus()
    seite.keyboard.type("Schulweg sicherer machen")
    seite.keyboard.press("Tab")
    expect(seite.get_by_label("Ihre Anregung")).to_be_focused()
    seite.keyboard.type("Eine Ampel an der B 68 vor der Grundschule.")
    seite.keyboard.press("Tab")
    expect(seite.get_by_label("Name")).to_be_focused()
    seite.keyboard.press("Tab")
    expect(seite.get_by_label("E-Mail- oder Postadresse")).to_be_focused()
    seite.keyboard.press("Tab")  # das Honigtopf-Feld ist unsichtbar und wird übersprungen
    expect(seite.get_by_role("button", name="Anregung senden")).to_be_focused()
    seite.keyboard.press("Enter")
    expect(seite.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anregung")
    barrierefrei(seite)
    with web_umgebung.db_session() as db:
        [anregung] = db.query(Anregung).all()
    assert (anregung.thema, anregung.name) == ("Schulweg sicherer machen", None)


def test_jede_seite_des_bueros_besteht_axe_core(seite, server, web_umgebung, uhr):
    """Übersicht, Feldseite, Aufgaben, eine Aufgabe, Sitzungen, eine Sitzung, Statusberichte, Postausgang,
    dazu Fehlerseiten: mit Daten, damit Tabellen, Formulare und Meldungen wirklich da sind."""
    from datetime import timedelta

    from playwright.sync_api import expect
    from sqlalchemy import update

    from modelle.tabellen import Gremium, Outbox, Statusbericht
    from prozess.sitzungen import sitzung_anlegen
    from tests.hilfen import feld_im_zustand

    with web_umgebung.db_session() as db:
        db.info["test_einstellungen"] = web_umgebung.einstellungen
        feld_id = feld_im_zustand(db, web_umgebung.einstellungen, uhr, "steuerungspruefung")
        sitzung = tun(db, uhr.jetzt, sitzung_anlegen, "steuerungsgruppe", uhr.jetzt + timedelta(days=30), "Raum 214")
        db.execute(update(Outbox).where(Outbox.id == 1).values(status="fehler_dauerhaft", versuche=1,
                                                               letzter_fehler="550 5.1.1 Postfach unbekannt"))
        gremium = db.query(Gremium).filter(Gremium.kuerzel == "schulausschuss").one()
        db.add(Statusbericht(schluessel="rhythmus:2027-01", gremium_id=gremium.id, anlass="rhythmus",
                             erstellt_am=uhr.jetzt, betreff="Statusbericht", text="Stand der Handlungsfelder",
                             html="<p>Stand</p>"))
        db.commit()
    _anmelden(seite, server, web_umgebung, MANAGEMENT)
    for pfad, ueberschrift in [
        (f"/handlungsfelder/{feld_id}", f"Handlungsfeld {feld_id}: Schulabsentismus"),
        ("/aufgaben", "Offene Aufgaben"),
        ("/aufgaben/1", "Aufgabe 1:"),
        ("/sitzungen", "Kommende Sitzungen (1)"),
        (f"/sitzungen/{sitzung.id}", "Steuerungsgruppe Bildung am"),
        ("/sitzungen?vergangene=1", "Alle Sitzungen"),
        ("/statusberichte", "Statusberichte (1)"),
        ("/statusberichte/1", "Statusbericht"),
        ("/versand", "Postausgang"),
        ("/anregung", "Anregung an das Bildungsbüro"),
        ("/gibt-es-nicht", "Nicht gefunden"),
        ("/anmelden/abgelaufen", "Dieser Link gilt nicht mehr"),
    ]:
        seite.goto(f"{server}{pfad}")
        expect(seite.get_by_role("heading", level=1)).to_contain_text(ueberschrift)
        barrierefrei(seite)
    # Eine Seite mit Fehlermeldung (abgewiesener Beschluss) und das Formular darunter.
    seite.goto(f"{server}/sitzungen/{sitzung.id}")
    seite.get_by_label("Text des Beschlusses").fill("Zur Kenntnis genommen.")
    seite.get_by_label("Handlungsfeld (Nummer").fill("x")
    seite.get_by_role("button", name="Beschluss festhalten").click()
    expect(seite.get_by_role("alert")).to_contain_text("ist keine Nummer")
    barrierefrei(seite)
