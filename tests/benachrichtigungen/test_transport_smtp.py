"""SMTP wie beim Kreis: STARTTLS und implizites TLS mit geprüftem Zertifikat, AUTH, EHLO-Name (issue 11, 8 und 9).

Der Server ist ein echter aiosmtpd auf Loopback mit einem Zertifikat, das ``trustme`` im Test
ausstellt; der Client vertraut dessen CA nur, wenn ``SSL_CERT_FILE`` auf sie zeigt – so, wie
ein Betrieb eine eigene CA einträgt. Ohne diesen Eintrag ist das Zertifikat fremd.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import trustme
from sqlmodel import select

from benachrichtigungen.darstellung import darstellen
from benachrichtigungen.nachricht import adresse, nachricht_bauen
from benachrichtigungen.outbox import Mail, schluessel, vormerken
from benachrichtigungen.transport import AbweisungFuerAlle
from benachrichtigungen.transport_smtp import AnmeldungAbgelehnt, SmtpTransport
from benachrichtigungen.versand import Versender
from modelle.tabellen import Outbox
from prozess.zeit import systemzeit
from tests.benachrichtigungen.postfach import Server
from tests.benachrichtigungen.rfc_pruefung import verstoesse
from tests.benachrichtigungen.test_darstellung import beispielkontext
from tests.hilfen import SCHULLEITUNG

# Warnungen des Testservers selbst: aiosmtpd warnt bei jeder gelungenen Anmeldung vor seinem eigenen
# Session.login_data und hält implizites TLS (Port 465) für »AUTH ohne TLS«, weil es nur den Socket verschlüsselt.
pytestmark = [pytest.mark.filterwarnings("ignore:Session.login_data is deprecated"),
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]

BENUTZER = "versand@lkclp.example"
PASSWORT = "Kl4r-Text!Geheim-7781"
FALSCH = "Falsch!Geheim-0042"


def verraeterisch(passwort: str) -> list[str]:
    """Das Passwort im Klartext und so, wie es AUTH LOGIN und AUTH PLAIN über die Leitung schicken."""
    return [passwort, base64.b64encode(passwort.encode()).decode(),
            base64.b64encode(f"\0{BENUTZER}\0{passwort}".encode()).decode()]


VERRATEN = verraeterisch(PASSWORT) + verraeterisch(FALSCH)
MODI = ["starttls", "tls"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA(organization_name="Test-CA des Landkreises")


@pytest.fixture
def ca_datei(ca, tmp_path) -> str:
    pfad = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pfad))
    return str(pfad)


@pytest.fixture
def vertrauen(ca_datei, monkeypatch) -> str:
    """Der Client vertraut der Test-CA, wie ein Betrieb seiner eigenen CA (OpenSSL liest SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_datei)
    return ca_datei


@pytest.fixture
def server_starten(ca):
    gestartet: list[Server] = []

    def starten(tls: str, name: str = "127.0.0.1") -> Server:
        server = Server(tls=tls, zertifikat=ca.issue_cert(name), zugang={BENUTZER: PASSWORT})
        server.starten()
        gestartet.append(server)
        return server

    yield starten
    for server in gestartet:
        server.stoppen()


def transport(server: Server, passwort: str = PASSWORT, ehlo_name: str = "mail.lkclp.example") -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, tls=server.tls, benutzer=BENUTZER, passwort=passwort, timeout=5,
                         parallel=2, ehlo_name=ehlo_name)


def eine_mail() -> bytes:
    d = darstellen("aufgabe_zugewiesen", beispielkontext("aufgabe_zugewiesen"))
    buero = adresse("Bildungsbüro des Landkreises Cloppenburg", "bildungsbuero@lkclp.example")
    return nachricht_bauen(betreff=d.betreff, text=d.text, html=d.html, absender=buero,
                           empfaenger=adresse("Thomas Ostendorf", SCHULLEITUNG), antwort_an=buero,
                           message_id="<tls-1@lkclp.example>", datum=systemzeit())


def senden(t: SmtpTransport, anzahl: int = 1) -> None:
    async def lauf():
        async with t:
            for _ in range(anzahl):
                await t.senden(eine_mail(), "bildungsbuero@lkclp.example", SCHULLEITUNG)

    asyncio.run(lauf())


@pytest.mark.parametrize("tls", MODI)
def test_ueber_tls_mit_anmeldung_kommt_die_mail_verschluesselt_und_unveraendert_an(server_starten, vertrauen, tls):
    server = server_starten(tls)
    senden(transport(server), anzahl=3)
    eingaenge = server.postfach.eingaenge
    assert len(eingaenge) == 3
    assert {(e.tls or "").startswith("TLSv1.") for e in eingaenge} == {True}
    assert {e.benutzer for e in eingaenge} == {BENUTZER}
    assert {e.ehlo for e in eingaenge} == {"mail.lkclp.example"}
    assert server.postfach.anmeldungen.count((BENUTZER, True)) <= 2  # je Verbindung einmal, nicht je Mail
    assert [verstoesse(e.roh) for e in eingaenge] == [[], [], []]


@pytest.mark.parametrize("tls", MODI)
def test_ein_falsches_passwort_ist_ein_eigener_fehler_der_einstellungen_ohne_passwort(server_starten, vertrauen, tls):
    server = server_starten(tls)
    with pytest.raises(AnmeldungAbgelehnt) as info:
        senden(transport(server, passwort=FALSCH))
    assert isinstance(info.value, AbweisungFuerAlle)  # der Versand hält an, die Mail bleibt in der Outbox
    assert "535" in str(info.value) and "smtp_passwort" in str(info.value)
    assert server.postfach.eingaenge == [] and (BENUTZER, False) in server.postfach.anmeldungen
    assert not any(v in str(info.value) or v in repr(info.value) for v in VERRATEN)


@pytest.mark.parametrize("tls", MODI)
def test_ein_zertifikat_einer_fremden_ca_wird_abgewiesen_bevor_das_passwort_fliesst(server_starten, tls):
    server = server_starten(tls)
    with pytest.raises(AbweisungFuerAlle, match="CERTIFICATE_VERIFY_FAILED") as info:
        senden(transport(server))
    assert not isinstance(info.value, AnmeldungAbgelehnt)
    assert str(info.value).startswith(f"Das TLS-Zertifikat des SMTP-Servers 127.0.0.1:{server.port} ist nicht "
                                      "vertrauenswürdig (")
    assert server.postfach.anmeldungen == [] and server.postfach.eingaenge == []


@pytest.mark.parametrize("tls", MODI)
def test_ein_zertifikat_fuer_einen_anderen_namen_wird_abgewiesen(server_starten, vertrauen, tls):
    server = server_starten(tls, name="relay.anderer-kreis.example")
    with pytest.raises(AbweisungFuerAlle, match="CERTIFICATE_VERIFY_FAILED"):
        senden(transport(server))
    assert server.postfach.anmeldungen == [] and server.postfach.eingaenge == []


def test_ohne_tls_bietet_der_server_keine_anmeldung_an_und_bekommt_kein_passwort(server_starten):
    server = server_starten("starttls")
    ohne = SmtpTransport("127.0.0.1", server.port, tls="keine", benutzer=BENUTZER, passwort=PASSWORT, timeout=5,
                         parallel=1)
    with pytest.raises(AnmeldungAbgelehnt, match="smtp_tls"):
        senden(ohne)
    assert server.postfach.anmeldungen == [] and server.postfach.eingaenge == []


def test_der_ehlo_name_kommt_aus_der_einstellung_sonst_aus_der_domain_des_absenders(server_starten, vertrauen,
                                                                                  tmp_path):
    from prozess.einstellungen import laden

    server = server_starten("starttls")
    basis = laden(umgebung={}, arbeitsverzeichnis=tmp_path).mit(
        versand="smtp", smtp_host="127.0.0.1", smtp_port=server.port, smtp_tls="starttls", smtp_benutzer=BENUTZER,
        smtp_passwort=PASSWORT, absender="bildungsbuero@lkclp.example")
    senden(SmtpTransport.aus_einstellungen(basis))
    senden(SmtpTransport.aus_einstellungen(basis.mit(smtp_ehlo_name="relay-client.lkclp.example")))
    assert [e.ehlo for e in server.postfach.eingaenge] == ["lkclp.example", "relay-client.lkclp.example"]


@pytest.fixture
def tls_umgebung(organisation, server_starten, vertrauen):
    """Die Umgebung mit Organisation, Versand über STARTTLS mit Anmeldung an den Testserver."""
    from prozess.umgebung import Umgebung

    server = server_starten("starttls")
    e = organisation.einstellungen.mit(
        versand="smtp", smtp_host="127.0.0.1", smtp_port=server.port, smtp_tls="starttls", smtp_benutzer=BENUTZER,
        smtp_passwort=FALSCH, absender="bildungsbuero@lkclp.example", smtp_timeout_sekunden=5)
    return Umgebung(e, organisation.engine), server


def auftrag_vormerken(umgebung, jetzt) -> None:
    kontext = beispielkontext("aufgabe_zugewiesen")
    mail = Mail(schluessel("tls", 1, "auftrag", jetzt.date()), "aufgabe_zugewiesen", "aufgabe_zugewiesen", kontext,
                SCHULLEITUNG, "Thomas Ostendorf")
    with umgebung.db_session() as db:
        vormerken(db, [mail], jetzt, "lkclp.example")
        db.commit()


def test_nach_abgelehnter_anmeldung_bleibt_die_mail_und_kommt_nach_der_korrektur_an(tls_umgebung, caplog):
    umgebung, server = tls_umgebung
    jetzt = systemzeit()
    auftrag_vormerken(umgebung, jetzt)
    caplog.set_level(logging.DEBUG)

    def leeren(e, wann):
        async def lauf():
            async with SmtpTransport.aus_einstellungen(e) as t:
                return await Versender(umgebung.engine, t, e).leeren(wann)

        return asyncio.run(lauf())

    bericht = leeren(umgebung.einstellungen, jetzt)
    # Ein Fehler der Einstellungen, kein Fehler des Empfängers: der Versand hält an, die Mail bleibt wartend.
    assert (bericht.gesendet, bericht.voruebergehend, bericht.dauerhaft) == (0, 0, 0)
    assert bericht.pause_neu and "SMTP-Anmeldung als »versand@lkclp.example«" in bericht.pause.grund
    with umgebung.db_session() as db:
        zeile = db.exec(select(Outbox)).one()
    assert (zeile.status, zeile.versuche) == ("wartend", 0)
    # Das Passwort steht nirgends: nicht in der Zeile, nicht im Bericht, in keinem Log des Clients.
    # (aiosmtpd protokolliert als Server den AUTH-Dialog selbst; sein Logger »mail.log« zählt nicht.)
    texte = [zeile.letzter_fehler or "", bericht.pause.grund, str(bericht)] + [
        r.getMessage() for r in caplog.records if r.name != "mail.log"]
    assert not [t for t in texte if any(v in t for v in VERRATEN)]

    richtig = umgebung.einstellungen.mit(smtp_passwort=PASSWORT)
    assert leeren(richtig, jetzt + timedelta(minutes=6)).gesendet == 1
    assert [e.benutzer for e in server.postfach.eingaenge] == [BENUTZER]


WURZEL = Path(__file__).resolve().parents[2]
BEFEHL = Path(sys.executable).parent / "bildungsbuero"


def test_das_passwort_erscheint_in_keiner_ausgabe_der_befehle(tls_umgebung, db_url, ca_datei):
    umgebung, server = tls_umgebung
    auftrag_vormerken(umgebung, systemzeit() - timedelta(minutes=1))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    env.update(BILDUNGSBUERO_DATENBANK_URL=db_url, BILDUNGSBUERO_VERSAND="smtp", BILDUNGSBUERO_SMTP_HOST="127.0.0.1",
               BILDUNGSBUERO_SMTP_PORT=str(server.port), BILDUNGSBUERO_SMTP_TLS="starttls",
               BILDUNGSBUERO_SMTP_BENUTZER=BENUTZER, BILDUNGSBUERO_SMTP_PASSWORT=FALSCH,
               BILDUNGSBUERO_ABSENDER="bildungsbuero@lkclp.example", BILDUNGSBUERO_SMTP_TIMEOUT_SEKUNDEN="5",
               SSL_CERT_FILE=ca_datei)
    ausgaben = {}
    for befehl in (["versand", "senden"], ["versand", "status"], ["einstellungen"], ["takt"]):
        lauf = subprocess.run([str(BEFEHL), *befehl], capture_output=True, text=True, env=env, cwd=WURZEL, timeout=60)
        ausgaben[" ".join(befehl)] = lauf.stdout + lauf.stderr
    assert "SMTP-Anmeldung als »versand@lkclp.example«" in ausgaben["versand status"]
    assert "smtp_passwort = ***" in ausgaben["einstellungen"]
    assert {befehl: [v for v in VERRATEN if v in text] for befehl, text in ausgaben.items()} == {
        befehl: [] for befehl in ausgaben}
    assert (BENUTZER, False) in server.postfach.anmeldungen and server.postfach.eingaenge == []
