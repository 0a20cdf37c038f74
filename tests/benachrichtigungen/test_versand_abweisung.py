"""Abweisungen, die jeden Empfänger gleich treffen, halten den Versand an; Netzfehler sprechen Deutsch.

Gegen echte SMTP-Server auf Loopback (aiosmtpd), die so abweisen wie Postfix, Exchange und
aiosmtpd selbst: Relay verweigert, Anmeldung verlangt oder abgelehnt, Absender abgewiesen,
TLS verlangt. Nur die Abweisung *eines* Empfängers (550 5.1.1) ist für diese Mail dauerhaft.
"""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import func, select

from benachrichtigungen.warteschlange import jetzt_versuchen, pause_lesen, wartende, wiederholen
from modelle.tabellen import Outbox
from tests.benachrichtigungen.postfach import Postfach, freier_port
from tests.benachrichtigungen.test_versand import JETZT, auftraege, leeren
from tests.hilfen import MONITORING, SCHULLEITUNG

# aiosmtpd warnt bei jeder Verbindung vor AUTH ohne TLS; hier ist es Loopback (TLS prüft test_transport_smtp.py).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class AbweisendesPostfach(Postfach):
    """Weist MAIL FROM oder RCPT TO mit einer festen Antwort ab, solange ``abweisen`` gilt."""

    def __init__(self, mail: str | None = None, rcpt: str | None = None) -> None:
        super().__init__()
        self.mail, self.rcpt = mail, rcpt
        self.abweisen = True
        self.versuche = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.versuche += 1
        if self.abweisen and self.mail:
            return self.mail
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.abweisen and self.rcpt:
            return self.rcpt
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


class Anmeldung:
    """Ein Authenticator für aiosmtpd: nur ``bildungsbuero`` mit dem richtigen Passwort."""

    def __init__(self, passwort: str) -> None:
        self.passwort = passwort.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"bildungsbuero" and auth_data.password == self.passwort
        return AuthResult(success=ok, handled=False)


class Abweisung:
    """Ein Server, der auf eine Art abweist, und wie man die Ursache behebt."""

    def __init__(self, umgebung, art: str) -> None:
        self.umgebung, self.art = umgebung, art
        self.postfach = AbweisendesPostfach(
            mail={"absender": "553 5.7.1 <bildungsbuero@lkclp.example>: Sender address rejected: not owned by user",
                  "tls": "530 5.7.0 Must issue a STARTTLS command first"}.get(art),
            rcpt="554 5.7.1 <schulleitung@obs-loeningen.example>: Relay access denied" if art == "relay" else None,
        )
        anmeldung = art in ("anmeldung_fehlt", "anmeldung_falsch")
        self.port = freier_port()
        self.controller = Controller(self.postfach, hostname="127.0.0.1", port=self.port,
                                     auth_required=anmeldung, auth_require_tls=False,
                                     authenticator=Anmeldung("richtig") if anmeldung else None)
        self.controller.start()
        e = umgebung.einstellungen.mit(smtp_port=self.port)
        if art == "anmeldung_falsch":
            e = e.mit(smtp_benutzer="bildungsbuero", smtp_passwort="falsch")
        umgebung.einstellungen = e

    def beheben(self) -> None:
        if self.art.startswith("anmeldung"):
            self.umgebung.einstellungen = self.umgebung.einstellungen.mit(smtp_benutzer="bildungsbuero",
                                                                          smtp_passwort="richtig")
        else:
            self.postfach.abweisen = False

    def stoppen(self) -> None:
        self.controller.stop()


ARTEN = {
    "relay": "leitet nicht weiter (554 5.7.1 <schulleitung@obs-loeningen.example>: Relay access denied)",
    "anmeldung_fehlt": "verlangt eine Anmeldung (530 5.7.0 Authentication required)",
    "anmeldung_falsch": "abgelehnt (535 5.7.8 Authentication credentials invalid); prüfen Sie smtp_benutzer und "
                        "smtp_passwort",
    "absender": "weist den Absender bildungsbuero@lkclp.example ab (553 5.7.1",
    "tls": "verlangt TLS (530 5.7.0 Must issue a STARTTLS command first)",
}


@pytest.fixture(params=list(ARTEN))
def abweisung(request, smtp_umgebung):
    a = Abweisung(smtp_umgebung, request.param)
    yield a
    a.stoppen()


def outbox(umgebung) -> list:
    t = Outbox.__table__
    with umgebung.engine.connect() as v:
        return v.execute(select(t.c.id, t.c.anlass, t.c.status, t.c.versuche, t.c.letzter_fehler, t.c.eingereiht_am)
                         .order_by(t.c.id)).all()


def pause(umgebung):
    with umgebung.engine.connect() as v:
        return pause_lesen(v)


def test_eine_abweisung_fuer_alle_haelt_den_versand_an_und_behaelt_die_mails(smtp_umgebung, abweisung):
    auftraege(smtp_umgebung, 3)
    erster = leeren(smtp_umgebung)
    assert (erster.gesendet, erster.voruebergehend, erster.dauerhaft) == (0, 0, 0)
    assert erster.pause_neu and erster.fehlgeschlagen
    assert ARTEN[abweisung.art] in erster.pause.grund
    assert "geheim" not in erster.pause.grund and "richtig" not in erster.pause.grund
    # Die Mails stehen da wie vorher; keine Meldung an das Bildungsmanagement, kein Versuch gezählt.
    assert [(z.anlass, z.status, z.versuche, z.letzter_fehler) for z in outbox(smtp_umgebung)] == \
        [("aufgabe_zugewiesen", "wartend", 0, None)] * 3

    # Gemeldet wird einmal: der nächste Takt sendet nicht und meldet die Pause nicht neu.
    versuche = abweisung.postfach.versuche
    zweiter = leeren(smtp_umgebung, JETZT + timedelta(minutes=1))
    assert not zweiter.pause_neu and zweiter.pause == erster.pause
    assert abweisung.postfach.versuche == versuche

    # Nach 5 Minuten prüft eine Mail; die Abweisung bleibt: nächste Prüfung 10 Minuten später.
    dritter = leeren(smtp_umgebung, JETZT + timedelta(minutes=6))
    assert not dritter.pause_neu
    assert (dritter.pause.versuche, dritter.pause.naechster_versuch) == (2, JETZT + timedelta(minutes=16))
    assert abweisung.postfach.versuche <= versuche + 1

    abweisung.beheben()
    behoben = leeren(smtp_umgebung, JETZT + timedelta(minutes=16))
    assert behoben.pause_beendet and behoben.pause is None and not behoben.fehlgeschlagen
    assert behoben.gesendet == 3
    assert pause(smtp_umgebung) is None
    assert [z.status for z in outbox(smtp_umgebung)] == ["gesendet"] * 3
    assert len(abweisung.postfach.mails) == 3


def test_nur_die_abweisung_eines_empfaengers_ist_fuer_diese_mail_dauerhaft(smtp_umgebung, smtp_server):
    smtp_server.postfach.immer[SCHULLEITUNG] = "550 5.1.1 <schulleitung@obs-loeningen.example>: User unknown"
    auftraege(smtp_umgebung, 1)
    auftraege(smtp_umgebung, 2, email=MONITORING)
    bericht = leeren(smtp_umgebung)
    assert (bericht.gesendet, bericht.dauerhaft, bericht.pause) == (3, 1, None)  # 2 + Meldung an das Management
    assert pause(smtp_umgebung) is None


def test_ohne_server_ein_deutscher_grund_mit_dem_originaltext_in_klammern(smtp_umgebung):
    geschlossen = freier_port()
    smtp_umgebung.einstellungen = smtp_umgebung.einstellungen.mit(smtp_port=geschlossen)
    auftraege(smtp_umgebung, 1)
    bericht = leeren(smtp_umgebung)
    assert (bericht.voruebergehend, bericht.pause) == (1, None)
    (zeile,) = outbox(smtp_umgebung)
    assert zeile.letzter_fehler.startswith(f"Der SMTP-Server 127.0.0.1:{geschlossen} nimmt keine Verbindung an (")
    assert "Connect call failed" in zeile.letzter_fehler.split("(", 1)[1]


def test_ein_stummer_server_ist_ein_zeitlimit_mit_deutschem_grund(smtp_umgebung):
    with socket.socket() as stumm:  # nimmt Verbindungen an (Backlog), sagt aber nie »220«
        stumm.bind(("127.0.0.1", 0))
        stumm.listen(8)
        port = stumm.getsockname()[1]
        smtp_umgebung.einstellungen = smtp_umgebung.einstellungen.mit(smtp_port=port, smtp_timeout_sekunden=1,
                                                                      versand_parallel=1)
        auftraege(smtp_umgebung, 1)
        bericht = leeren(smtp_umgebung)
    assert bericht.voruebergehend == 1
    (zeile,) = outbox(smtp_umgebung)
    assert zeile.letzter_fehler == (f"Der SMTP-Server 127.0.0.1:{port} antwortet nicht innerhalb von 1 s "
                                    "(Timed out waiting for server ready message).")


def test_tls_gegen_einen_server_ohne_tls_haelt_den_versand_an(smtp_umgebung, smtp_server):
    smtp_umgebung.einstellungen = smtp_umgebung.einstellungen.mit(smtp_tls="tls")
    auftraege(smtp_umgebung, 2)
    bericht = leeren(smtp_umgebung)
    assert bericht.pause_neu
    assert bericht.pause.grund.startswith(f"TLS mit dem SMTP-Server 127.0.0.1:{smtp_server.port} ist gescheitert (")
    assert "passt smtp_tls zum Port" in bericht.pause.grund
    assert [z.status for z in outbox(smtp_umgebung)] == ["wartend"] * 2


def _dauerhaft_gescheitert(umgebung, server) -> None:
    """Eine Mail scheitert am unbekannten Postfach, zwei am Relay (wie vor der Pause-Regel), eine geht."""
    server.postfach.immer[SCHULLEITUNG] = "550 5.1.1 Postfach unbekannt"
    auftraege(umgebung, 1)
    auftraege(umgebung, 3, email=MONITORING)
    leeren(umgebung)
    t = Outbox.__table__
    with umgebung.engine.begin() as v:  # so hinterließ die alte Version ein verweigertes Relay
        ids = v.execute(select(t.c.id).where(t.c.empfaenger_email == MONITORING).order_by(t.c.id)).scalars().all()
        v.execute(t.update().where(t.c.id.in_(ids[:2])).values(status="fehler_dauerhaft", versuche=1,
                                                                letzter_fehler="550 5.7.1 Relaying denied"))
    server.postfach.immer.clear()


def _status(umgebung) -> dict[int, str]:
    return {z.id: z.status for z in outbox(umgebung) if z.anlass != "zustellfehler"}


def test_wiederholen_nach_nummer_grund_oder_alle(smtp_umgebung, smtp_server):
    _dauerhaft_gescheitert(smtp_umgebung, smtp_server)
    assert _status(smtp_umgebung) == {1: "fehler_dauerhaft", 2: "fehler_dauerhaft", 3: "fehler_dauerhaft",
                                      4: "gesendet"}
    spaeter = JETZT + timedelta(days=10)
    with smtp_umgebung.engine.begin() as v:
        assert wiederholen(v, spaeter, ids=[2]) == 1
    assert _status(smtp_umgebung)[2] == "wartend"
    with smtp_umgebung.engine.begin() as v:
        assert wiederholen(v, spaeter, grund="relaying DENIED") == 1  # Nr. 3; Nr. 2 wartet schon
        assert wiederholen(v, spaeter, grund="gibt es nicht") == 0
    with smtp_umgebung.engine.begin() as v:
        assert wiederholen(v, spaeter, alle=True) == 1  # Nr. 1
    assert [(z.status, z.versuche, z.eingereiht_am) for z in outbox(smtp_umgebung) if z.id in (1, 2, 3)] == \
        [("wartend", 0, spaeter)] * 3
    vorher = len(smtp_server.postfach.mails)
    assert leeren(smtp_umgebung, spaeter).gesendet == 3
    assert len(smtp_server.postfach.mails) == vorher + 3
    with pytest.raises(ValueError):
        with smtp_umgebung.engine.begin() as v:
            wiederholen(v, spaeter, ids=[1], alle=True)


def test_erneut_eingereiht_zaehlt_die_frist_bis_zum_aufgeben_von_vorn(smtp_umgebung, smtp_server):
    _dauerhaft_gescheitert(smtp_umgebung, smtp_server)
    spaeter = JETZT + timedelta(days=10)  # weit nach versand_aufgeben_nach_stunden ab dem Anlass
    with smtp_umgebung.engine.begin() as v:
        wiederholen(v, spaeter, ids=[2])
    smtp_server.postfach.einmal[MONITORING] = ["451 4.3.0 Bitte später"]
    bericht = leeren(smtp_umgebung, spaeter)
    assert (bericht.voruebergehend, bericht.dauerhaft) == (1, 0)
    assert _status(smtp_umgebung)[2] == "fehler_voruebergehend"


def test_wiederholen_laesst_die_mails_entfernter_personen_liegen(smtp_umgebung, smtp_server):
    from prozess.organisation import person_entfernen

    _dauerhaft_gescheitert(smtp_umgebung, smtp_server)
    with smtp_umgebung.arbeit(lambda: JETZT) as arbeit:
        person_entfernen(arbeit, SCHULLEITUNG)
    with smtp_umgebung.engine.begin() as v:
        assert wiederholen(v, JETZT, alle=True) == 2
    assert _status(smtp_umgebung)[1] == "fehler_dauerhaft"


def test_wie_viele_warten_und_wann_und_jetzt_senden(smtp_umgebung, smtp_server):
    smtp_server.postfach.einmal[SCHULLEITUNG] = ["451 4.3.0 Bitte später"] * 2
    auftraege(smtp_umgebung, 2)
    auftraege(smtp_umgebung, 1, email=MONITORING)
    assert leeren(smtp_umgebung).voruebergehend == 2
    with smtp_umgebung.engine.connect() as v:
        warten = wartende(v, JETZT)
    assert (warten.anzahl, warten.erster_versuch, warten.letzter_versuch) == \
        (2, JETZT + timedelta(minutes=5), JETZT + timedelta(minutes=5))
    assert leeren(smtp_umgebung, JETZT + timedelta(minutes=1)).gesendet == 0
    with smtp_umgebung.engine.begin() as v:
        assert jetzt_versuchen(v, JETZT + timedelta(minutes=1)) == 2
    assert leeren(smtp_umgebung, JETZT + timedelta(minutes=1)).gesendet == 2
    with smtp_umgebung.engine.connect() as v:
        assert wartende(v, JETZT).anzahl == 0
        assert v.execute(select(func.count()).select_from(Outbox).where(Outbox.status == "gesendet")).scalar() == 3


def test_jetzt_versuchen_macht_auch_die_pruefung_einer_pause_faellig(smtp_umgebung):
    a = Abweisung(smtp_umgebung, "relay")
    try:
        auftraege(smtp_umgebung, 2)
        assert leeren(smtp_umgebung).pause_neu
        a.beheben()
        with smtp_umgebung.engine.begin() as v:
            jetzt_versuchen(v, JETZT + timedelta(minutes=1))
        bericht = leeren(smtp_umgebung, JETZT + timedelta(minutes=1))
    finally:
        a.stoppen()
    assert bericht.pause_beendet and bericht.gesendet == 2
