"""Aus einer dargestellten Vorlage wird eine MIME-Mail (``email.message.EmailMessage``).

multipart/alternative mit Text- und HTML-Teil (utf-8); optional ein text/calendar-Teil
(METHOD als Parameter) und dieselbe Einladung als .ics-Anhang. Kopfzeilen: From (Name des
Bildungsbüros), To, Reply-To (die Adresse des Büros), Subject, Date, Message-ID (beim
Vormerken erzeugt, bei jeder Wiederholung gleich), ``Auto-Submitted: auto-generated``
(RFC 3834: Abwesenheitsnotizen antworten nicht darauf). Namen mit Umlauten werden nach
RFC 2047 kodiert; Zeilenumbrüche in Namen oder Betreff werden zu Leerzeichen, damit keine
Kopfzeile eingeschleust werden kann.
"""

from __future__ import annotations

import re
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]+")
# Kopfzeilen bis 998 Zeichen (die harte Grenze aus RFC 5322) statt bei 78 zu falten: Pythons
# Falter setzt vor einem kodierten Wort an der Faltstelle ein Leerzeichen zu viel
# ("Tagen  überfällig"). Die Textteile werden quoted-printable kodiert und bleiben kurz.
_POLICY = policy.SMTP.clone(max_line_length=998)


def einzeilig(text: str) -> str:
    """Ersetzt Zeilenumbrüche und andere Steuerzeichen durch ein Leerzeichen."""
    return _STEUERZEICHEN.sub(" ", text).strip()


def adresse(name: str, email: str) -> Address:
    lokal, _, domain = email.partition("@")
    return Address(display_name=einzeilig(name), username=lokal, domain=domain)


def nachricht_bauen(
    *,
    betreff: str,
    text: str,
    html: str,
    absender: Address,
    empfaenger: Address,
    antwort_an: Address | None,
    message_id: str,
    datum: datetime,
    kalender: bytes | None = None,
    kalender_methode: str | None = None,
    kalender_dateiname: str = "einladung.ics",
) -> EmailMessage:
    nachricht = EmailMessage(policy=_POLICY)
    nachricht["Subject"] = einzeilig(betreff)
    nachricht["From"] = absender
    nachricht["To"] = empfaenger
    if antwort_an is not None:
        nachricht["Reply-To"] = antwort_an
    nachricht["Date"] = format_datetime(datum)
    nachricht["Message-ID"] = message_id
    nachricht["Auto-Submitted"] = "auto-generated"
    nachricht["X-Auto-Response-Suppress"] = "All"
    nachricht.set_content(text, charset="utf-8", cte="quoted-printable")
    nachricht.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if kalender is not None:
        # Outlook und Apple Mail lesen die Einladung aus dem text/calendar-Teil der Alternative,
        # andere Programme aus dem Anhang; beide tragen dieselben Bytes (CRLF, utf-8).
        nachricht.add_alternative(kalender, maintype="text", subtype="calendar",
                                  params={"method": kalender_methode or "REQUEST", "charset": "utf-8"})
        nachricht.make_mixed()
        nachricht.add_attachment(kalender, maintype="application", subtype="ics", filename=kalender_dateiname)
    return nachricht
