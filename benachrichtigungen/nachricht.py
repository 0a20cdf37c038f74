"""Aus einer dargestellten Vorlage werden die Bytes einer MIME-Mail (CRLF, bereit für SMTP).

multipart/alternative mit Text- und HTML-Teil (utf-8, base64); optional ein
text/calendar-Teil (METHOD als Parameter) und dieselbe Einladung als Anhang
(``text/calendar; method=…``, ``einladung.ics`` oder bei einer Absage ``absage.ics``), dann in
multipart/mixed. Dateien (``Datei``: Bytes mit Name und MIME-Typ, beim Vormerken entstanden) kommen
als weitere Anhänge in multipart/mixed; eine Datei mit ``content_id`` ist ein Bild im HTML-Teil
(``<img src="cid:…">``), dann stehen HTML und Bilder in multipart/related (RFC 2387), und der
Textteil bleibt ohne Bild lesbar. Kopfzeilen: From (Name des Bildungsbüros), To, Reply-To (Adresse des
Büros), Subject, Date, Message-ID (beim Vormerken erzeugt, bei jeder Wiederholung gleich),
``Auto-Submitted: auto-generated`` (RFC 3834: Abwesenheitsnotizen antworten nicht darauf).

Nach dem Buchstaben der RFCs:

- Textteile haben vor dem base64 CRLF-Zeilenenden (RFC 2045 §6.8, kanonische Form).
- Namen und Betreff mit Umlauten werden kodierte Wörter nach RFC 2047, jedes höchstens 75
  Zeichen; jede Kopfzeile wird vor einem Stück, das nicht mehr passt, auf höchstens 78 Zeichen
  gefaltet (RFC 5322 §2.1.1). Länger wird eine Zeile nur, wenn ein einzelnes unteilbares Stück
  (eine Adresse, eine Message-ID) allein schon länger ist.
- Zeilenumbrüche und andere Steuerzeichen in Namen und Betreff werden zu Leerzeichen, damit
  keine Kopfzeile eingeschleust werden kann.

Die Struktur ist fest und klein; wir schreiben sie selbst (Teile base64, Grenzen zufällig),
statt sie von der email-Bibliothek bauen zu lassen: deren Falten und Serialisieren war in
``bench/versand.py`` der Engpass (etwa 1 ms je Mail), und ``EmailMessage`` setzt an
Faltstellen vor kodierten Wörtern ein Leerzeichen zu viel. Die Tests lesen jede Mail mit
Pythons Parser (policy.default) zurück und prüfen Zeilenlängen und Zeilenenden.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache
from typing import Callable

BREITE = 78  # RFC 5322 §2.1.1: eine Zeile höchstens 78 Zeichen ohne CRLF
WORT_HOECHSTENS = 75  # RFC 2047 §2: ein kodiertes Wort höchstens 75 Zeichen
_RAHMEN = len("=?utf-8?b??=")
_NUTZLAST = (WORT_HOECHSTENS - _RAHMEN) // 4 * 3  # 45 Bytes → 60 Zeichen base64 → 72 Zeichen
KALENDER_METHODEN = ("REQUEST", "CANCEL")

_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]+")


def ohne_steuerzeichen(text: str) -> str:
    """Ersetzt Zeilenumbrüche und andere Steuerzeichen durch ein Leerzeichen."""
    return _STEUERZEICHEN.sub(" ", text).strip()


@dataclass(frozen=True)
class Adresse:
    name: str
    email: str


def adresse(name: str, email: str) -> Adresse:
    return Adresse(name, email)


class Kopfzeile:
    """Eine Kopfzeile aus unteilbaren Stücken, gefaltet (CRLF SP) vor dem Stück, das nicht mehr passt.

    ``str()`` ergibt ``Name: …`` ohne abschließendes CRLF. Jede Zeile hält höchstens
    ``BREITE`` Zeichen, außer ein einzelnes Stück ist selbst länger.
    """

    __slots__ = ("_zeilen",)

    def __init__(self, name: str, *stuecke: str):
        self._zeilen = [name + ":"]
        for stueck in stuecke:
            self.stueck(stueck)

    def __str__(self) -> str:
        return "\r\n".join(self._zeilen)

    def _frei(self) -> int:
        """So viele Zeichen passen nach einem Leerzeichen noch in die laufende Zeile."""
        return BREITE - len(self._zeilen[-1]) - 1

    def stueck(self, stueck: str) -> "Kopfzeile":
        """Hängt ein unteilbares Stück an, mit einem Leerzeichen davor; faltet, wenn es nicht passt."""
        zeile = self._zeilen[-1]
        if len(zeile) + 1 + len(stueck) > BREITE and zeile:
            self._zeilen.append(" " + stueck)
        else:
            self._zeilen[-1] = zeile + " " + stueck
        return self

    def kodiert(self, text: str) -> "Kopfzeile":
        """RFC 2047: ``text`` als base64-kodierte Wörter, jedes so lang, wie die Zeile noch Platz hat.

        Geteilt wird nur an Zeichengrenzen (nie mitten in einem UTF-8-Zeichen), damit jedes
        Wort für sich lesbar bleibt; Leerraum zwischen kodierten Wörtern zählt beim Lesen nicht.
        """
        daten = text.encode("utf-8")
        anfang = 0
        while anfang < len(daten):
            nutzlast = min(_NUTZLAST, (self._frei() - _RAHMEN) // 4 * 3)
            if nutzlast < 4:  # nicht einmal ein Zeichen (bis 4 Bytes) passt noch: neue Zeile
                self._zeilen.append("")
                continue
            ende = min(anfang + nutzlast, len(daten))
            while ende < len(daten) and daten[ende] & 0xC0 == 0x80:  # Folgebyte: zurück zum Zeichenanfang
                ende -= 1
            self.stueck(f"=?utf-8?b?{base64.b64encode(daten[anfang:ende]).decode('ascii')}?=")
            anfang = ende
        return self

    def woerter(self, text: str, lesbar: Callable[[str], bool]) -> "Kopfzeile":
        """Wörter, die ``lesbar`` erlaubt, bleiben wie sie sind; jede Folge anderer wird kodiert.

        So stehen nie zwei kodierte Wörter aus verschiedenen Folgen nebeneinander: der Leerraum
        dazwischen fiele beim Lesen weg (RFC 2047 §6.2). ``text`` hat einfache Leerzeichen.
        """
        folge: list[str] = []
        for wort in text.split(" "):
            if lesbar(wort):
                if folge:
                    self.kodiert(" ".join(folge))
                    folge = []
                self.stueck(wort)
            else:
                folge.append(wort)
        if folge:
            self.kodiert(" ".join(folge))
        return self

    def text(self, text: str) -> "Kopfzeile":
        """Unstrukturierter Text (Subject): ASCII-Wörter bleiben lesbar, Folgen anderer Wörter werden kodiert.

        Kodiert wird auch, was wie ein kodiertes Wort aussähe (``=?``) und ein Wort, das allein
        keine Zeile fände; ein Text mit mehrfachem Leerraum wird ganz kodiert, damit das Falten
        ihn nicht verändert.
        """
        text = ohne_steuerzeichen(text)
        if not text:
            return self
        if "  " in text:
            return self.kodiert(text)
        if text.isascii() and "=?" not in text and len(text) <= self._frei():
            return self.stueck(text)  # der häufige Fall: passt ganz in die erste Zeile
        return self.woerter(text, _lesbar_im_text)

    def adresse(self, adresse: Adresse) -> "Kopfzeile":
        """Name und Adresse: ein ASCII-Name in Anführung, sonst Atome und kodierte Wörter (RFC 2047 §5)."""
        name = ohne_steuerzeichen(adresse.name)
        if not name:
            return self.stueck(adresse.email)
        gequotet = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'  # RFC 5322 quoted-pair
        if name.isascii() and "=?" not in name and len(gequotet) < BREITE - 1:
            self.stueck(gequotet)
        elif "  " in name:
            self.kodiert(name)
        else:
            self.woerter(name, _lesbar_als_atom)
        return self.stueck(f"<{adresse.email}>")


_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")  # RFC 5322 §3.2.3 atext


def _lesbar_im_text(wort: str) -> bool:
    return wort.isascii() and "=?" not in wort and 0 < len(wort) < BREITE - 1


def _lesbar_als_atom(wort: str) -> bool:
    return _ATOM.fullmatch(wort) is not None and "=?" not in wort and len(wort) < BREITE - 1


def kanonisch(text: str) -> bytes:
    """Text in kanonischer Form (RFC 2045 §6.8): utf-8 mit CRLF als Zeilenende, vor dem base64."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "\r\n").encode("utf-8")


def _base64_zeilen(daten: bytes) -> bytes:
    """base64 in Zeilen zu 76 Zeichen mit CRLF (RFC 2045 §6.8)."""
    kodiert = base64.b64encode(daten)
    return b"".join(kodiert[i:i + 76] + b"\r\n" for i in range(0, len(kodiert), 76))


def _mit_strichpunkten(*stuecke: str) -> list[str]:
    """Typ und Parameter eines Feldes, getrennt durch »;« (RFC 2045 §5.1)."""
    return [s + ";" for s in stuecke[:-1]] + [stuecke[-1]]


@lru_cache(maxsize=16)
def _teilkopf(typ: str, parameter: tuple[str, ...], dateiname: str | None) -> bytes:
    """Die Kopfzeilen eines Textteils (utf-8, base64); mit ``dateiname`` als Anhang. Je Art nur einmal gebaut."""
    if dateiname:
        parameter += (f'name="{dateiname}"',)
    kopf = [Kopfzeile("Content-Type", *_mit_strichpunkten(typ, 'charset="utf-8"', *parameter))]
    if dateiname:
        kopf.append(Kopfzeile("Content-Disposition", *_mit_strichpunkten("attachment", f'filename="{dateiname}"')))
    kopf.append(Kopfzeile("Content-Transfer-Encoding", "base64"))
    return ("\r\n".join(map(str, kopf)) + "\r\n\r\n").encode("ascii")


def _textteil(typ: str, inhalt: bytes, *parameter: str, dateiname: str | None = None) -> bytes:
    return _teilkopf(typ, parameter, dateiname) + _base64_zeilen(inhalt)


def _mehrteilig(art: str, teile: list[bytes], typ: str | None = None) -> tuple[str, bytes]:
    """``typ``: der Typ des Hauptteils einer multipart/related (RFC 2387 §3.1 verlangt ihn)."""
    grenze = f"=_{uuid.uuid4().hex}"
    koerper = b"".join(f"--{grenze}\r\n".encode("ascii") + t + b"\r\n" for t in teile)
    # Von Hand gefaltet: die Grenze ist immer 34 Zeichen lang, die Zeile passt nur so in 78.
    zusatz = f';\r\n type="{typ}"' if typ else ""
    return (f'Content-Type: multipart/{art};\r\n boundary="{grenze}"{zusatz}',
            koerper + f"--{grenze}--\r\n".encode("ascii"))


@lru_cache(maxsize=8)
def _bueroadresse(feld: str, adresse: Adresse) -> str:
    """From und Reply-To: in jedem Versand dieselben Adressen des Büros, daher einmal gefaltet.

    Empfängeradressen (Personendaten) werden nicht zwischengespeichert.
    """
    return str(Kopfzeile(feld).adresse(adresse))


@dataclass(frozen=True)
class Datei:
    """Ein Anhang als fertige Bytes: ``content_id`` (ohne spitze Klammern) macht ihn zum Bild im HTML-Teil."""

    dateiname: str
    mime_typ: str
    inhalt: bytes
    content_id: str | None = None


_DATEINAME = re.compile(r"[^A-Za-z0-9._-]")
_MIME_TYP = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")


def _dateiteil(datei: Datei) -> bytes:
    """Kopf und base64 einer Datei. Name und Typ werden auf sichere ASCII-Zeichen beschränkt (keine
    Kopfzeile einschleusbar, keine RFC-2231-Kodierung nötig); Text (``text/*``) ist utf-8."""
    name = _DATEINAME.sub("_", datei.dateiname) or "anhang"
    typ = datei.mime_typ.lower()
    if not _MIME_TYP.fullmatch(typ):
        raise ValueError(f"Ungültiger MIME-Typ {datei.mime_typ!r}")
    parameter = ['charset="utf-8"'] if typ.startswith("text/") else []
    kopf = [Kopfzeile("Content-Type", *_mit_strichpunkten(typ, *parameter, f'name="{name}"'))]
    art = "inline" if datei.content_id else "attachment"
    kopf.append(Kopfzeile("Content-Disposition", *_mit_strichpunkten(art, f'filename="{name}"')))
    if datei.content_id:
        kopf.append(Kopfzeile("Content-ID", f"<{ohne_steuerzeichen(datei.content_id).strip('<>')}>"))
    kopf.append(Kopfzeile("Content-Transfer-Encoding", "base64"))
    return ("\r\n".join(map(str, kopf)) + "\r\n\r\n").encode("ascii") + _base64_zeilen(datei.inhalt)


def _verschachtelt(typ: str, koerper: bytes) -> bytes:
    """Ein mehrteiliger Teil als Teil eines anderen: seine Content-Type-Zeile, Leerzeile, Körper."""
    return f"{typ}\r\n\r\n".encode("ascii") + koerper


def kalender_dateiname(methode: str) -> str:
    """Der Name des .ics-Anhangs: eine Absage heißt so, damit niemand sie für eine Einladung hält."""
    return "absage.ics" if methode == "CANCEL" else "einladung.ics"


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
    dateien: tuple[Datei, ...] | list[Datei] = (),
) -> bytes:
    """Die fertige Mail als Bytes mit CRLF-Zeilenenden.

    ``kalender`` (iCalendar, utf-8) mit ``kalender_methode`` ``REQUEST`` (Standard) oder
    ``CANCEL``; eine andere Methode ist ein Programmierfehler (``ValueError``). ``dateien``:
    Bilder im HTML-Teil (mit ``content_id``) und Anhänge, in dieser Reihenfolge.
    """
    bilder = [d for d in dateien if d.content_id]
    html_teil = _textteil("text/html", kanonisch(html))
    if bilder:
        html_teil = _verschachtelt(*_mehrteilig("related", [html_teil, *map(_dateiteil, bilder)], "text/html"))
    alternativen = [_textteil("text/plain", kanonisch(text)), html_teil]
    if kalender is not None:
        methode = kalender_methode or "REQUEST"
        if methode not in KALENDER_METHODEN:
            raise ValueError(f"Unbekannte iTIP-Methode {methode!r}")
        # Outlook und Apple Mail lesen die Einladung aus dem text/calendar-Teil der Alternative,
        # andere Programme aus dem Anhang; beide tragen dieselben Bytes (CRLF, utf-8).
        ics = kanonisch(kalender.decode("utf-8"))
        alternativen.append(_textteil("text/calendar", ics, f"method={methode}"))
    typ, koerper = _mehrteilig("alternative", alternativen)
    anhaenge = [_dateiteil(d) for d in dateien if not d.content_id]
    if kalender is not None:
        anhaenge.insert(0, _textteil("text/calendar", ics, f"method={methode}", dateiname=kalender_dateiname(methode)))
    if anhaenge:
        typ, koerper = _mehrteilig("mixed", [_verschachtelt(typ, koerper), *anhaenge])
    kopf = [
        Kopfzeile("Subject").text(betreff),
        _bueroadresse("From", absender),
        Kopfzeile("To").adresse(empfaenger),
    ]
    if antwort_an is not None:
        kopf.append(_bueroadresse("Reply-To", antwort_an))
    kopf += [
        Kopfzeile("Date", format_datetime(datum)),
        Kopfzeile("Message-ID", ohne_steuerzeichen(message_id)),
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: All",
        "MIME-Version: 1.0",
        typ,
    ]
    return ("\r\n".join(map(str, kopf)) + "\r\n\r\n").encode("ascii") + koerper
