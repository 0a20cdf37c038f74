"""Der Versand gegen einen echten SMTP-Server auf Loopback (aiosmtpd)."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from benachrichtigungen.outbox import Mail, schluessel, vormerken
from benachrichtigungen.transport_smtp import SmtpTransport
from benachrichtigungen.versand import Versender
from modelle.tabellen import Outbox
from prozess.aufgaben import aufgabe_anlegen
from prozess.rollen import person_per_email
from prozess.zustellfehler import zustellfehler_melder
from tests.conftest import BERLIN
from tests.hilfen import MANAGEMENT, SCHULLEITUNG

JETZT = datetime(2027, 3, 1, 8, 0, tzinfo=BERLIN)


def leeren(umgebung, jetzt=JETZT, **versender):
    """Ein Versand, verdrahtet wie im Dienst (Zustellfehler gehen an das Bildungsmanagement)."""
    transport = SmtpTransport.aus_einstellungen(umgebung.einstellungen)

    async def lauf():
        async with transport:
            return await Versender(umgebung.engine, transport, umgebung.einstellungen,
                                   zustellfehler_melden=zustellfehler_melder(umgebung.einstellungen),
                                   **versender).leeren(jetzt)

    return asyncio.run(lauf())


def auftraege(umgebung, anzahl: int, email: str = SCHULLEITUNG) -> None:
    with umgebung.arbeit(lambda: JETZT) as arbeit:
        person = person_per_email(arbeit.db, email)
        for i in range(anzahl):
            aufgabe_anlegen(arbeit, titel=f"Fehlzeiten melden ({i + 1})", verantwortlich=person, frist=date(2027, 3, 20))


def status(umgebung) -> list[str]:
    with umgebung.db_session() as s:
        return [z.status for z in s.exec(select(Outbox).order_by(Outbox.id))]


def test_eine_aufgabe_kommt_als_gueltige_mail_an(smtp_umgebung, smtp_server):
    auftraege(smtp_umgebung, 1)
    bericht = leeren(smtp_umgebung)
    assert bericht.gesendet == 1
    (mail,) = smtp_server.postfach.mails
    assert mail["Subject"].startswith("Neue Aufgabe: Fehlzeiten melden (1)")
    assert mail["To"].addresses[0].display_name == "Thomas Ostendorf"
    assert mail["Reply-To"].addresses[0].addr_spec == "bildungsbuero@lkclp.example"
    assert mail["From"].addresses[0].display_name == "Bildungsbüro des Landkreises Cloppenburg"
    assert mail["Auto-Submitted"] == "auto-generated"
    with smtp_umgebung.db_session() as s:
        assert mail["Message-ID"] == s.exec(select(Outbox.message_id)).one()
    assert smtp_server.postfach.umschlaege == [("bildungsbuero@lkclp.example", [SCHULLEITUNG])]


def test_ein_451_wird_spaeter_wiederholt_und_dann_zugestellt(smtp_umgebung, smtp_server):
    smtp_server.postfach.einmal[SCHULLEITUNG] = ["451 4.3.0 Bitte später erneut versuchen"]
    auftraege(smtp_umgebung, 1)
    erster = leeren(smtp_umgebung)
    assert (erster.gesendet, erster.voruebergehend) == (0, 1)
    assert status(smtp_umgebung) == ["fehler_voruebergehend"]
    assert leeren(smtp_umgebung, JETZT + timedelta(minutes=1)).gesendet == 0  # noch nicht dran
    zweiter = leeren(smtp_umgebung, JETZT + timedelta(minutes=6))
    assert zweiter.gesendet == 1
    assert status(smtp_umgebung) == ["gesendet"]
    assert len(smtp_server.postfach.mails) == 1


def test_ein_550_ist_dauerhaft_und_wird_dem_bildungsmanagement_einmal_gemeldet(smtp_umgebung, smtp_server):
    smtp_server.postfach.immer[SCHULLEITUNG] = "550 5.1.1 Postfach unbekannt"
    auftraege(smtp_umgebung, 1)
    erster = leeren(smtp_umgebung)
    assert erster.dauerhaft == 1
    for minuten in (10, 600, 6000):
        leeren(smtp_umgebung, JETZT + timedelta(minutes=minuten))
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.postfach.mails] == [MANAGEMENT]
    meldung = smtp_server.postfach.mails[0]
    assert meldung["Subject"].startswith("Zustellung fehlgeschlagen: Neue Aufgabe: Fehlzeiten melden (1)")
    assert "550 5.1.1 Postfach unbekannt" in meldung.get_body(("plain",)).get_content()
    with smtp_umgebung.db_session() as s:
        gescheitert = s.exec(select(Outbox).where(Outbox.status == "fehler_dauerhaft")).one()
    assert gescheitert.letzter_fehler == "550 5.1.1 Postfach unbekannt"
    assert gescheitert.versuche == 1


def test_faellt_der_server_aus_geht_nichts_verloren_und_alles_kommt_genau_einmal_an(smtp_umgebung, smtp_server):
    auftraege(smtp_umgebung, 25)
    smtp_server.stoppen()
    ausfall = leeren(smtp_umgebung)
    assert (ausfall.gesendet, ausfall.voruebergehend) == (0, 25)
    assert set(status(smtp_umgebung)) == {"fehler_voruebergehend"}
    smtp_server.starten()
    zurueck = leeren(smtp_umgebung, JETZT + timedelta(minutes=6))
    assert zurueck.gesendet == 25
    assert leeren(smtp_umgebung, JETZT + timedelta(days=1)).gesendet == 0
    ids = smtp_server.postfach.message_ids()
    assert len(ids) == len(set(ids)) == 25


def test_ein_zweiter_versand_sendet_nichts_doppelt(smtp_umgebung, smtp_server):
    auftraege(smtp_umgebung, 5)
    assert leeren(smtp_umgebung).gesendet == 5
    assert leeren(smtp_umgebung).gesendet == 0
    assert len(smtp_server.postfach.mails) == 5


def test_vorgemerkte_mail_mit_demselben_schluessel_entsteht_nur_einmal(smtp_umgebung):
    mail = Mail(schluessel("test", 1, "x", "2027-03-01"), "test", "aufgabe_zugewiesen", {}, SCHULLEITUNG, "T")
    with smtp_umgebung.db_session() as s:
        vormerken(s, [mail], JETZT, "lkclp.example")
        vormerken(s, [mail], JETZT, "lkclp.example")
        s.commit()
    assert len(status(smtp_umgebung)) == 1


def test_aufgegeben_wird_erst_nach_der_eingestellten_zeit(smtp_umgebung, smtp_server):
    smtp_server.stoppen()
    auftraege(smtp_umgebung, 1)
    jetzt = JETZT
    for _ in range(60):
        bericht = leeren(smtp_umgebung, jetzt)
        if bericht.dauerhaft:
            break
        jetzt += timedelta(hours=4, minutes=1)
    assert bericht.dauerhaft == 1
    assert timedelta(hours=116) <= jetzt - JETZT <= timedelta(hours=125)
    with smtp_umgebung.db_session() as s:
        fehler = s.exec(select(Outbox.letzter_fehler).where(Outbox.anlass == "aufgabe_zugewiesen")).one()
    assert fehler.startswith("aufgegeben nach ")


def test_eine_erinnerung_zu_einer_erledigten_aufgabe_wird_verworfen(smtp_umgebung, smtp_server):
    from prozess.aufgaben import aufgabe_erledigen
    from prozess.erinnerungen import erinnerungen_versenden

    auftraege(smtp_umgebung, 1)
    leeren(smtp_umgebung)
    with smtp_umgebung.arbeit(lambda: datetime(2027, 3, 13, 8, tzinfo=BERLIN)) as arbeit:
        erinnerungen_versenden(arbeit)
    with smtp_umgebung.arbeit(lambda: datetime(2027, 3, 13, 9, tzinfo=BERLIN)) as arbeit:
        aufgabe_erledigen(arbeit, 1)
    bericht = leeren(smtp_umgebung, datetime(2027, 3, 13, 10, tzinfo=BERLIN))
    assert (bericht.gesendet, bericht.verworfen) == (0, 1)
    assert len(smtp_server.postfach.mails) == 1


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_zwei_versender_auf_postgresql_liefern_jede_mail_genau_einmal(smtp_umgebung, smtp_server):
    from modelle.datenbank import engine_erstellen

    auftraege(smtp_umgebung, 300)
    zweite_engine = engine_erstellen(smtp_umgebung.einstellungen.datenbank_url)

    # Jeder Versender in seinem eigenen Thread mit eigener Schleife und eigener Verbindung.
    t1 = SmtpTransport.aus_einstellungen(smtp_umgebung.einstellungen)
    t2 = SmtpTransport.aus_einstellungen(smtp_umgebung.einstellungen)
    ergebnisse = []

    def lauf(engine, transport):
        async def innen():
            async with transport:
                return await Versender(engine, transport, smtp_umgebung.einstellungen, stapel=20).leeren(JETZT)

        ergebnisse.append(asyncio.run(innen()))

    faeden = [threading.Thread(target=lauf, args=(smtp_umgebung.engine, t1)),
              threading.Thread(target=lauf, args=(zweite_engine, t2))]
    for f in faeden:
        f.start()
    for f in faeden:
        f.join(timeout=120)
    zweite_engine.dispose()
    assert sum(b.gesendet for b in ergebnisse) == 300
    ids = smtp_server.postfach.message_ids()
    assert len(ids) == len(set(ids)) == 300
    assert set(status(smtp_umgebung)) == {"gesendet"}


def test_jede_vorlage_wird_ueber_smtp_zugestellt_und_ist_lesbar(smtp_umgebung, smtp_server):
    from benachrichtigungen.darstellung import VORLAGEN, darstellen
    from tests.benachrichtigungen.test_darstellung import beispielkontext

    mails = [Mail(schluessel(v, 1, "vorlagentest", "2027-03-01"), v, v, beispielkontext(v), SCHULLEITUNG, "Thomas Ostendorf")
             for v in VORLAGEN]
    with smtp_umgebung.db_session() as s:
        vormerken(s, mails, JETZT, "lkclp.example")
        s.commit()
    assert leeren(smtp_umgebung).gesendet == len(VORLAGEN)
    erhalten = {m["Subject"]: m for m in smtp_server.postfach.mails}
    for v in VORLAGEN:
        betreff = darstellen(v, beispielkontext(v)).betreff
        mail = erhalten[betreff]
        assert mail.get_content_type() == "multipart/alternative"
        assert "Guten Tag Jörg Többen," in mail.get_body(("plain",)).get_content()
        assert mail.get_body(("html",)).get_content().startswith("<!DOCTYPE html>")


def test_eine_kaputte_vorlage_haelt_die_anderen_mails_nicht_auf(smtp_umgebung, smtp_server):
    auftraege(smtp_umgebung, 1)
    kaputt = Mail(schluessel("test", 1, "kaputt", "2027-03-01"), "test", "erinnerung", {"aufgabe": {}}, SCHULLEITUNG, "T")
    with smtp_umgebung.db_session() as s:
        vormerken(s, [kaputt], JETZT, "lkclp.example")
        s.commit()
    bericht = leeren(smtp_umgebung)
    # Gesendet: die Aufgabe und, im selben Versand, die Meldung an das Bildungsmanagement.
    assert (bericht.gesendet, bericht.dauerhaft) == (2, 1)
    assert leeren(smtp_umgebung, JETZT + timedelta(hours=1)).gesendet == 0
    betreffe = sorted(m["Subject"] for m in smtp_server.postfach.mails)
    assert betreffe[0].startswith("Neue Aufgabe: Fehlzeiten melden (1)")
    assert "Vorlage nicht darstellbar" in betreffe[1]
    assert len(smtp_server.postfach.mails) == 2
