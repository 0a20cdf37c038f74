"""Kalendereinladungen (iCalendar, RFC 5545/5546) für Sitzungen, mit dem Paket ``icalendar``.

Eine Sitzung hat eine stabile UID; ``SEQUENCE`` steht in der Datenbank und steigt bei jeder
Änderung (Verschiebung, neuer Ort), damit Kalenderprogramme die Einladung ersetzen statt
verdoppeln. METHOD:REQUEST lädt ein oder aktualisiert, METHOD:CANCEL sagt ab. Zeiten stehen
mit TZID Europe/Berlin und der passenden VTIMEZONE, damit 17:00 Uhr auch über die
Zeitumstellung 17:00 Uhr bleibt. Zeilenenden sind CRLF, wie das Format es verlangt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import icalendar


@dataclass(frozen=True)
class Teilnehmer:
    name: str
    email: str


def kalender_uid(sitzung_id: int, domain: str) -> str:
    return f"sitzung-{sitzung_id}@{domain}"


def einladung(
    *,
    uid: str,
    sequenz: int,
    methode: str,
    titel: str,
    beginn: datetime,
    ende: datetime,
    ort: str,
    beschreibung: str,
    organisator: Teilnehmer,
    teilnehmer: list[Teilnehmer],
    erstellt: datetime,
) -> bytes:
    """Ein VCALENDAR mit einem VEVENT; ``methode`` ist ``REQUEST`` oder ``CANCEL``.

    Eine Einladung (REQUEST) bittet jede teilnehmende Person um Antwort (``RSVP=TRUE``,
    ``PARTSTAT=NEEDS-ACTION``); eine Absage (CANCEL) nennt die Teilnehmenden ohne diese Bitte.
    """
    if methode not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unbekannte iTIP-Methode {methode!r}")
    kalender = icalendar.Calendar()
    kalender.add("prodid", "-//Bildungsbüro-Engine//Sitzungen//DE")
    kalender.add("version", "2.0")
    kalender.add("method", methode)
    ereignis = icalendar.Event()
    ereignis.add("uid", uid)
    ereignis.add("sequence", sequenz)
    ereignis.add("dtstamp", erstellt)
    ereignis.add("dtstart", beginn)
    ereignis.add("dtend", ende)
    ereignis.add("summary", titel)
    ereignis.add("location", ort)
    ereignis.add("description", beschreibung)
    ereignis.add("status", "CANCELLED" if methode == "CANCEL" else "CONFIRMED")
    veranstalter = icalendar.vCalAddress(f"mailto:{organisator.email}")
    veranstalter.params["cn"] = organisator.name
    ereignis.add("organizer", veranstalter)
    for person in teilnehmer:
        adresse = icalendar.vCalAddress(f"mailto:{person.email}")
        adresse.params["cn"] = person.name
        adresse.params["role"] = "REQ-PARTICIPANT"
        if methode == "REQUEST":
            # Nur eine Einladung bittet um Antwort; auf eine Absage antwortet niemand (RFC 5546 §3.2.5).
            adresse.params["partstat"] = "NEEDS-ACTION"
            adresse.params["rsvp"] = "TRUE"
        ereignis.add("attendee", adresse)
    kalender.add_component(ereignis)
    # Die VTIMEZONE nur für den Zeitraum der Sitzung: kurz, und gültig über 2038 hinaus.
    tag = beginn.date()
    kalender.add_missing_timezones(first_date=date(tag.year - 1, 1, 1), last_date=date(tag.year + 1, 12, 31) + timedelta(days=1))
    return kalender.to_ical()
