"""Aus einer dargestellten Vorlage werden die Bytes einer MIME-Mail (CRLF, bereit für SMTP).

multipart/alternative mit Text- und HTML-Teil (utf-8, base64); optional ein
text/calendar-Teil (METHOD als Parameter) und dieselbe Einladung als .ics-Anhang, dann in
multipart/mixed. Kopfzeilen: From (Name des Bildungsbüros), To, Reply-To (Adresse des
Büros), Subject, Date, Message-ID (beim Vormerken erzeugt, bei jeder Wiederholung gleich),
``Auto-Submitted: auto-generated`` (RFC 3834: Abwesenheitsnotizen antworten nicht darauf).
Namen und Betreff mit Umlauten werden nach RFC 2047 kodiert; Zeilenumbrüche darin werden zu
Leerzeichen, damit keine Kopfzeile eingeschleust werden kann.

Die Struktur ist fest und klein; wir schreiben sie selbst (Teile base64, Grenzen zufällig),
statt sie von der email-Bibliothek bauen zu lassen: deren Falten und Serialisieren war in
``bench/versand.py`` der Engpass (etwa 1 ms je Mail), und ``EmailMessage`` setzt an
Faltstellen vor kodierten Wörtern ein Leerzeichen zu viel. Die Tests lesen jede Mail mit
Pythons Parser (policy.default) zurück.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]+")


def einzeilig(text: str) -> str:
    """Ersetzt Zeilenumbrüche und andere Steuerzeichen durch ein Leerzeichen."""
    return _STEUERZEICHEN.sub(" ", text).strip()


def kodiert(text: str) -> str:
    """RFC 2047: ASCII bleibt, sonst base64-kodierte Wörter (je ≤ 75 Zeichen), gefaltet mit CRLF SP.

    Geteilt wird nur an Zeichengrenzen, damit kein Umlaut zwischen zwei Wörtern zerbricht.
    """
    text = einzeilig(text)
    if text.isascii():
        return text
    woerter, stueck, laenge = [], [], 0
    for zeichen in text:
        n = len(zeichen.encode("utf-8"))
        if laenge + n > 45:  # 45 Bytes → 60 Zeichen base64 → 72 Zeichen mit =?utf-8?b?…?=
            woerter.append("".join(stueck))
            stueck, laenge = [], 0
        stueck.append(zeichen)
        laenge += n
    woerter.append("".join(stueck))
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode('ascii')}?=" for w in woerter)


@dataclass(frozen=True)
class Adresse:
    name: str
    email: str

    def kopf(self) -> str:
        """Die Adresse als Kopfzeilenwert; der Name in Anführung oder RFC-2047-kodiert."""
        name = einzeilig(self.name)
        if not name:
            return self.email
        if name.isascii():
            return '"' + name.replace("\\", "").replace('"', "") + f'" <{self.email}>'
        return f"{kodiert(name)} <{self.email}>"


def adresse(name: str, email: str) -> Adresse:
    return Adresse(name, email)


def _base64_zeilen(daten: bytes) -> bytes:
    """base64 in Zeilen zu 76 Zeichen mit CRLF (RFC 2045)."""
    return base64.encodebytes(daten).replace(b"\n", b"\r\n")


def _teil(kopf: list[str], inhalt: bytes) -> bytes:
    return ("\r\n".join(kopf) + "\r\n\r\n").encode("ascii") + _base64_zeilen(inhalt)


def _mehrteilig(art: str, teile: list[bytes]) -> tuple[str, bytes]:
    grenze = f"=_{uuid.uuid4().hex}"
    koerper = b"".join(f"--{grenze}\r\n".encode("ascii") + t + b"\r\n" for t in teile)
    return f'multipart/{art}; boundary="{grenze}"', koerper + f"--{grenze}--\r\n".encode("ascii")


def nachricht_bauen(
    *,
    betreff: str,
    text: str,
    html: str,
    absender: Adresse,
    empfaenger: Adresse,
    antwort_an: Adresse | None,
    message_id: str,
    datum: datetime,
    kalender: bytes | None = None,
    kalender_methode: str | None = None,
    kalender_dateiname: str = "einladung.ics",
) -> bytes:
    """Die fertige Mail als Bytes mit CRLF-Zeilenenden."""
    alternativen = [
        _teil(['Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: base64"], text.encode("utf-8")),
        _teil(['Content-Type: text/html; charset="utf-8"', "Content-Transfer-Encoding: base64"], html.encode("utf-8")),
    ]
    if kalender is not None:
        # Outlook und Apple Mail lesen die Einladung aus dem text/calendar-Teil der Alternative,
        # andere Programme aus dem Anhang; beide tragen dieselben Bytes (CRLF, utf-8).
        methode = kalender_methode or "REQUEST"
        alternativen.append(_teil([f'Content-Type: text/calendar; charset="utf-8"; method={methode}',
                                   "Content-Transfer-Encoding: base64"], kalender))
    typ, koerper = _mehrteilig("alternative", alternativen)
    if kalender is not None:
        anhang = _teil([f'Content-Type: application/ics; name="{kalender_dateiname}"',
                        f'Content-Disposition: attachment; filename="{kalender_dateiname}"',
                        "Content-Transfer-Encoding: base64"], kalender)
        typ, koerper = _mehrteilig("mixed", [f"Content-Type: {typ}\r\n\r\n".encode("ascii") + koerper, anhang])
    kopf = [
        f"Subject: {kodiert(betreff)}",
        f"From: {absender.kopf()}",
        f"To: {empfaenger.kopf()}",
    ]
    if antwort_an is not None:
        kopf.append(f"Reply-To: {antwort_an.kopf()}")
    kopf += [
        f"Date: {format_datetime(datum)}",
        f"Message-ID: {einzeilig(message_id)}",
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: All",
        "MIME-Version: 1.0",
        f"Content-Type: {typ}",
    ]
    return ("\r\n".join(kopf) + "\r\n\r\n").encode("ascii") + koerper
