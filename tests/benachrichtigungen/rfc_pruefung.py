"""Prüft eine fertige Mail nach dem Buchstaben der RFCs; für die Tests der Nachricht, des Versands und der Demo.

``verstoesse(roh)`` liest die Bytes mit Pythons Parser (``policy.default``) und gibt jeden
Verstoß als Satz zurück (leere Liste: alles eingehalten):

- jede Zeile endet auf CRLF und ist höchstens 78 Zeichen lang (RFC 5322 §2.1.1);
- jedes kodierte Wort ist höchstens 75 Zeichen lang (RFC 2047 §2);
- der Parser findet keinen Defekt, weder an einem Teil noch an einer Kopfzeile;
- jeder Textteil hat nach dem Dekodieren CRLF-Zeilenenden (RFC 2045 §6.8) und ist utf-8;
- jeder Kalenderteil ist ``text/calendar`` mit ``method=`` wie die METHOD-Zeile darin
  (RFC 6047 §2.4), nie ``application/ics``; ein Anhang heißt ``einladung.ics`` oder bei einer
  Absage ``absage.ics``, und eine Absage bittet niemanden um Antwort (kein ``RSVP=TRUE``).
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

BREITE = 78
WORT_HOECHSTENS = 75
_KODIERTES_WORT = re.compile(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_METHODE_IM_KALENDER = re.compile(rb"^METHOD:(\S+)\r$", re.MULTILINE)


def verstoesse(roh: bytes) -> list[str]:
    """Alle Verstöße der Mail ``roh`` gegen die Regeln oben, als deutsche Sätze."""
    funde = _zeilen_verstoesse(roh)
    mail = message_from_bytes(roh, policy=policy.default)
    for teil in mail.walk():
        funde += _teil_verstoesse(teil)
    return funde


def _zeilen_verstoesse(roh: bytes) -> list[str]:
    funde = []
    if not roh.endswith(b"\r\n"):
        funde.append("die Mail endet nicht auf CRLF")
    for nummer, zeile in enumerate(roh.split(b"\r\n"), 1):
        if b"\n" in zeile or b"\r" in zeile:
            funde.append(f"Zeile {nummer} enthält ein einzelnes LF oder CR: {zeile[:40]!r}")
        if len(zeile) > BREITE:
            funde.append(f"Zeile {nummer} hat {len(zeile)} Zeichen (höchstens {BREITE}): {zeile[:40]!r}")
        for wort in _KODIERTES_WORT.findall(zeile):
            if len(wort) > WORT_HOECHSTENS:
                funde.append(f"Zeile {nummer}: kodiertes Wort mit {len(wort)} Zeichen (höchstens {WORT_HOECHSTENS})")
    return funde


def _teil_verstoesse(teil: EmailMessage) -> list[str]:
    typ = teil.get_content_type()
    funde = [f"{typ}: Defekt {d!r}" for d in teil.defects]
    for name, wert in teil.items():
        funde += [f"{typ}, Kopfzeile {name}: Defekt {d!r}" for d in getattr(wert, "defects", ())]
    if typ != "text/calendar" and (typ == "application/ics" or (teil.get_filename() or "").endswith(".ics")):
        funde.append(f"Kalenderanhang als {typ} statt text/calendar")
    if teil.get_content_maintype() != "text":
        return funde
    inhalt = teil.get_payload(decode=True)
    if b"\n" in inhalt.replace(b"\r\n", b"") or b"\r" in inhalt.replace(b"\r\n", b""):
        funde.append(f"{typ}: Zeilenenden vor dem Kodieren nicht CRLF")
    try:
        inhalt.decode(teil.get_content_charset() or "ascii")
    except (UnicodeDecodeError, LookupError):
        funde.append(f"{typ}: Inhalt passt nicht zum Zeichensatz {teil.get_content_charset()!r}")
    if typ == "text/calendar":
        funde += _kalender_verstoesse(teil, inhalt)
    return funde


def _kalender_verstoesse(teil: EmailMessage, inhalt: bytes) -> list[str]:
    funde = []
    methode = teil.get_param("method")
    im_kalender = _METHODE_IM_KALENDER.findall(inhalt)
    if not methode:
        funde.append("text/calendar ohne Parameter method")
    elif im_kalender != [methode.encode("ascii")]:
        funde.append(f"text/calendar; method={methode}, im Kalender aber METHOD {im_kalender!r}")
    dateiname = teil.get_filename()
    if dateiname is not None and dateiname != ("absage.ics" if methode == "CANCEL" else "einladung.ics"):
        funde.append(f"Kalenderanhang mit method={methode} heißt {dateiname!r}")
    if methode == "CANCEL" and b"RSVP=TRUE" in inhalt.replace(b"\r\n ", b""):
        funde.append("eine Absage bittet um Antwort (RSVP=TRUE)")
    return funde
