"""Ansprüche auf Outbox-Zeilen: je Mail sofort verbucht, verlängert solange der Versender lebt, frei wenn er stirbt."""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from benachrichtigungen.transport_smtp import SmtpTransport
from benachrichtigungen.versand import Versender
from benachrichtigungen.warteschlange import beanspruchen
from modelle.tabellen import Outbox
from prozess.zeit import SimulierteUhr
from prozess.zustellfehler import zustellfehler_melder
from tests.benachrichtigungen.postfach import Postfach, Server
from tests.benachrichtigungen.test_versand import JETZT, auftraege, leeren
from tests.hilfen import MONITORING


class AufhaltendesPostfach(Postfach):
    """Hält jede Mail an eine Adresse aus ``aufhalten`` im DATA fest, bis ``freigabe`` gesetzt ist."""

    def __init__(self, aufhalten: set[str]) -> None:
        super().__init__()
        self.aufhalten = aufhalten
        self.festgehalten = threading.Event()
        self.freigabe = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.aufhalten:
            self.festgehalten.set()
            # Im Hilfsfaden warten: die anderen Verbindungen des Servers laufen weiter.
            await asyncio.get_running_loop().run_in_executor(None, self.freigabe.wait, 30)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def aufhaltender_server(umgebung, adresse: str):
    """Ein Server, der Mails an ``adresse`` festhält; am Ende werden sie freigegeben."""
    server = Server()
    server.postfach = AufhaltendesPostfach({adresse})
    server.starten()
    umgebung.einstellungen = umgebung.einstellungen.mit(smtp_port=server.port)
    try:
        yield server
    finally:
        server.postfach.freigabe.set()
        server.stoppen()


def warten_bis(bedingung, sekunden: float = 20) -> None:
    """Wartet auf einen Zustand eines anderen Fadens (nicht auf eine Zeit); scheitert nach ``sekunden``."""
    ende = time.monotonic() + sekunden
    while not bedingung():
        assert time.monotonic() < ende, "Zustand nicht erreicht"
        time.sleep(0.01)


def zeilen(umgebung) -> list:
    t = Outbox.__table__
    with umgebung.engine.connect() as v:
        return v.execute(select(t.c.id, t.c.empfaenger_email, t.c.status, t.c.beansprucht_von, t.c.beansprucht_bis,
                                t.c.versuche).order_by(t.c.id)).all()


def im_faden(funktion):
    """Startet ``funktion`` in einem Faden; das Ergebnis (oder der Fehler) steht danach in der Liste."""
    ergebnis: list = []

    def lauf():
        try:
            ergebnis.append(funktion())
        except BaseException as fehler:  # im Test prüfen, nicht im Faden verlieren
            ergebnis.append(fehler)

    faden = threading.Thread(target=lauf)
    faden.start()
    return faden, ergebnis


def versender(umgebung, **kw) -> tuple[Versender, SmtpTransport]:
    transport = SmtpTransport.aus_einstellungen(umgebung.einstellungen)
    return Versender(umgebung.engine, transport, umgebung.einstellungen,
                     zustellfehler_melden=zustellfehler_melder(umgebung.einstellungen), **kw), transport


def lauf(v: Versender, transport: SmtpTransport, jetzt: datetime = JETZT):
    async def innen():
        async with transport:
            return await v.leeren(jetzt)

    return asyncio.run(innen())


def test_jede_mail_ist_verbucht_sobald_der_server_sie_annimmt(smtp_umgebung):
    auftraege(smtp_umgebung, 9)
    auftraege(smtp_umgebung, 1, email=MONITORING)
    with aufhaltender_server(smtp_umgebung, MONITORING) as server:
        faden, ergebnis = im_faden(lambda: leeren(smtp_umgebung))
        server.postfach.festgehalten.wait(20)
        warten_bis(lambda: len(server.postfach.mails) == 9)
        # Die Mail an MONITORING hängt noch am Server; die neun angenommenen sind schon verbucht.
        warten_bis(lambda: [z.status for z in zeilen(smtp_umgebung)].count("gesendet") == 9)
        offen = [z for z in zeilen(smtp_umgebung) if z.status != "gesendet"]
        assert [(z.empfaenger_email, z.status) for z in offen] == [(MONITORING, "in_versand")]
        assert offen[0].beansprucht_von
        server.postfach.freigabe.set()
        faden.join(30)
    assert ergebnis[0].gesendet == 10
    assert {z.status for z in zeilen(smtp_umgebung)} == {"gesendet"}
    ids = server.postfach.message_ids()
    assert len(ids) == len(set(ids)) == 10


def test_der_anspruch_wird_verlaengert_solange_der_versender_arbeitet(smtp_umgebung):
    auftraege(smtp_umgebung, 1, email=MONITORING)
    uhr = SimulierteUhr(datetime.now(UTC))
    anfang = uhr.jetzt
    anspruch = timedelta(seconds=smtp_umgebung.einstellungen.versand_anspruch_sekunden)

    async def schlafen(sekunden: float) -> None:
        await asyncio.sleep(0.005)  # nur abgeben; die Zeit des Anspruchs ist die simulierte Uhr
        if uhr.jetzt < anfang + 3 * anspruch:  # dann bleibt die Uhr stehen, während der zweite Versender prüft
            uhr.vorstellen(seconds=sekunden)

    with aufhaltender_server(smtp_umgebung, MONITORING) as server:
        arbeitend, transport = versender(smtp_umgebung, uhr=lambda: uhr.jetzt, schlafen=schlafen)
        faden, ergebnis = im_faden(lambda: lauf(arbeitend, transport))
        server.postfach.festgehalten.wait(20)
        warten_bis(lambda: uhr.jetzt >= anfang + 3 * anspruch)
        # Dreimal die Dauer eines Anspruchs später: die Zeile gehört noch dem, der an ihr arbeitet.
        zweiter, t2 = versender(smtp_umgebung, uhr=lambda: uhr.jetzt)
        bericht = lauf(zweiter, t2)
        assert bericht.gesendet == 0
        assert bericht.fremd.anzahl == 1 and bericht.fremd.frei_ab > uhr.jetzt
        (zeile,) = zeilen(smtp_umgebung)
        assert (zeile.status, zeile.beansprucht_von) == ("in_versand", arbeitend.halter)
        server.postfach.freigabe.set()
        faden.join(30)
    assert ergebnis[0].gesendet == 1
    assert len(server.postfach.mails) == 1
    (zeile,) = zeilen(smtp_umgebung)
    assert (zeile.status, zeile.beansprucht_von, zeile.beansprucht_bis) == ("gesendet", None, None)


def test_stirbt_der_versender_uebernimmt_ein_anderer_nach_ablauf_seines_anspruchs(smtp_umgebung, smtp_server):
    auftraege(smtp_umgebung, 3)
    anspruch = timedelta(seconds=smtp_umgebung.einstellungen.versand_anspruch_sekunden)
    tod = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
    with smtp_umgebung.engine.begin() as v:  # beansprucht, dann kill -9: kein Herzschlag, kein Ergebnis
        assert len(beanspruchen(v, JETZT, tod, 10, "rechner:4711:tot", anspruch)) == 3

    vorher = leeren(smtp_umgebung, uhr=lambda: tod + anspruch - timedelta(seconds=1))
    assert vorher.gesendet == 0
    assert (vorher.fremd.anzahl, vorher.fremd.frei_ab) == (3, tod + anspruch)

    danach = leeren(smtp_umgebung, uhr=lambda: tod + anspruch + timedelta(seconds=1))
    assert danach.gesendet == 3
    assert danach.fremd.anzahl == 0
    assert [(z.status, z.versuche) for z in zeilen(smtp_umgebung)] == [("gesendet", 2)] * 3
    assert len(smtp_server.postfach.mails) == 3


def test_zwei_versender_teilen_sich_kleine_stapel(smtp_umgebung, smtp_server):
    auftraege(smtp_umgebung, 40)
    erster, t1 = versender(smtp_umgebung, stapel=5)
    zweiter, t2 = versender(smtp_umgebung, stapel=5)
    faeden = [im_faden(lambda: lauf(erster, t1)), im_faden(lambda: lauf(zweiter, t2))]
    for faden, _ in faeden:
        faden.join(60)
    berichte = [e[0] for _, e in faeden]
    assert sum(b.gesendet for b in berichte) == 40
    ids = smtp_server.postfach.message_ids()
    assert len(ids) == len(set(ids)) == 40
    assert {z.status for z in zeilen(smtp_umgebung)} == {"gesendet"}


def test_die_beanspruchte_zeile_nennt_ihren_halter(smtp_umgebung):
    auftraege(smtp_umgebung, 1)
    arbeitend, _ = versender(smtp_umgebung)
    rechner, prozess, zufall = arbeitend.halter.split(":")
    assert rechner and int(prozess) > 0 and len(zufall) == 8
    assert versender(smtp_umgebung)[0].halter != arbeitend.halter
    with smtp_umgebung.engine.begin() as v:
        (zeile,) = beanspruchen(v, JETZT, JETZT, 5, arbeitend.halter, arbeitend.anspruch)
    assert (zeile.status, zeile.beansprucht_von, zeile.beansprucht_bis) == ("in_versand", arbeitend.halter,
                                                                            JETZT + arbeitend.anspruch)
