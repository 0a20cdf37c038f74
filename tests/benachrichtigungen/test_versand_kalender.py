"""Einladung und Absage einer echten Sitzung gehen durch die Outbox über SMTP und kommen nach dem Buchstaben an."""

from __future__ import annotations

import asyncio
from datetime import datetime
from email import message_from_bytes, policy

import icalendar
from sqlmodel import select

from benachrichtigungen.transport_smtp import SmtpTransport
from benachrichtigungen.versand import Versender
from modelle.tabellen import Sitzung
from prozess.einladungen import einladungen_versenden
from prozess.sitzungen import sitzung_absagen, sitzungen_planen
from tests.benachrichtigungen.rfc_pruefung import verstoesse
from tests.conftest import BERLIN


def leeren(umgebung, jetzt: datetime) -> None:
    async def lauf():
        async with SmtpTransport.aus_einstellungen(umgebung.einstellungen) as t:
            return await Versender(umgebung.engine, t, umgebung.einstellungen).leeren(jetzt)

    asyncio.run(lauf())


def zu(wann: datetime):
    return lambda: wann


def test_einladung_und_absage_kommen_als_einladung_ics_und_absage_ics_ohne_rsvp(smtp_umgebung, smtp_server):
    with smtp_umgebung.arbeit(zu(datetime(2027, 1, 4, 8, tzinfo=BERLIN))) as arbeit:
        sitzungen_planen(arbeit)
        mai = datetime(2027, 5, 4, 10, tzinfo=BERLIN)
        sitzung_id = arbeit.db.exec(select(Sitzung.id).where(Sitzung.beginn == mai)).one()
    with smtp_umgebung.arbeit(zu(datetime(2027, 4, 20, 11, tzinfo=BERLIN))) as arbeit:
        einladungen_versenden(arbeit)
    leeren(smtp_umgebung, datetime(2027, 4, 20, 11, 5, tzinfo=BERLIN))
    with smtp_umgebung.arbeit(zu(datetime(2027, 4, 22, 9, tzinfo=BERLIN))) as arbeit:
        sitzung_absagen(arbeit, sitzung_id, "Beschlussunfähig")
    with smtp_umgebung.arbeit(zu(datetime(2027, 4, 22, 9, 5, tzinfo=BERLIN))) as arbeit:
        einladungen_versenden(arbeit)
    leeren(smtp_umgebung, datetime(2027, 4, 22, 9, 10, tzinfo=BERLIN))

    eingaenge = smtp_server.postfach.eingaenge
    assert {i: f for i, f in enumerate(verstoesse(eingang.roh) for eingang in eingaenge) if f} == {}
    anhaenge: dict[str, list] = {}
    for eingang in eingaenge:
        for teil in message_from_bytes(eingang.roh, policy=policy.default).walk():
            if teil.get_filename():
                anhaenge.setdefault(teil.get_filename(), []).append(teil)
    absagen = anhaenge["absage.ics"]
    assert len(absagen) == 4  # die vier Mitglieder der Steuerungsgruppe
    assert {(t.get_content_type(), t.get_param("method")) for t in absagen} == {("text/calendar", "CANCEL")}
    for teil in absagen:
        ereignis = icalendar.Calendar.from_ical(teil.get_payload(decode=True)).walk("VEVENT")[0]
        assert ereignis["STATUS"] == "CANCELLED"
        assert {a.params.get("RSVP") for a in ereignis["ATTENDEE"]} == {None}
    def uid(teil) -> str:
        return str(icalendar.Calendar.from_ical(teil.get_payload(decode=True)).walk("VEVENT")[0]["UID"])

    einladungen = [t for t in anhaenge["einladung.ics"] if uid(t).startswith(f"sitzung-{sitzung_id}@")]
    assert len(einladungen) == 4
    assert {t.get_param("method") for t in einladungen} == {"REQUEST"}
