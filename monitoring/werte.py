"""Zellen, Zeiträume und Spalten der Statistik-Dateien lesen – streng, mit deutscher Begründung.

Zeichen der amtlichen Statistik werden nie als Zahl gelesen:

====== ====================================================== ==========================
Zeichen Bedeutung                                              gespeichert
====== ====================================================== ==========================
``-``  nichts vorhanden (genau null)                            ``wert = 0``, ``zeichen = "-"``
``.``  Zahlenwert unbekannt oder geheimzuhalten                 ``wert = None``
``x``  Tabellenfach gesperrt, weil Aussage nicht sinnvoll       ``wert = None``
``...`` Angabe fällt später an                                  ``wert = None``
``/``  keine Angabe, da Zahlenwert nicht sicher genug           ``wert = None``
====== ====================================================== ==========================

Qualitätskennzeichen bleiben als Kennzeichen neben der Zahl: ``(123)`` (Aussagewert
eingeschränkt) wird ``123`` mit ``()``; ``123 p`` (vorläufig), ``r`` (berichtigt),
``s`` (geschätzt), ``e`` (endgültig) ebenso.

Zahlen stehen in deutscher Schreibweise: Dezimalkomma, Tausenderpunkte nur in Dreiergruppen
(``1.234,5``). ``1.5`` ist mehrdeutig und wird abgewiesen.
"""

from __future__ import annotations

import re

ZEICHEN = {
    "-": "nichts vorhanden (genau null)",
    ".": "Zahlenwert unbekannt oder geheimzuhalten",
    "x": "Tabellenfach gesperrt, weil Aussage nicht sinnvoll",
    "...": "Angabe fällt später an",
    "/": "keine Angabe, da Zahlenwert nicht sicher genug",
}
KENNZEICHEN = {
    "()": "Aussagewert eingeschränkt",
    "p": "vorläufige Zahl",
    "r": "berichtigte Zahl",
    "s": "geschätzte Zahl",
    "e": "endgültige Zahl",
}
# Gedankenstrich und Halbgeviertstrich stehen in manchen Ausgaben für »-«.
_STRICHE = {"–": "-", "—": "-"}
_ZAHL = re.compile(r"^-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_MIT_KENNZEICHEN = re.compile(r"^(?P<klammer>\()?(?P<zahl>[^()\s]+?)(?(klammer)\))\s*(?P<buchstaben>[prse]*)$")
_ZEICHEN_MIT_KENNZEICHEN = re.compile(r"^(?P<zeichen>\.\.\.|[-./x])\s*(?P<buchstaben>[prse]+)$")

Zelle = tuple[float | None, str | None, str | None]


class Zellfehler(ValueError):
    """Eine Zelle ist weder Zahl noch Zeichen; der Text sagt, warum (ohne Ort: den kennt der Leser)."""


def zahl_lesen(text: str) -> float:
    """Eine Zahl in deutscher Schreibweise; ``Zellfehler`` mit Begründung sonst."""
    if not _ZAHL.match(text):
        if re.match(r"^-?\d+\.\d+$", text):
            raise Zellfehler(f"»{text}« ist mehrdeutig; Zahlen stehen mit Dezimalkomma (z. B. 12,5) und "
                             "Tausenderpunkten in Dreiergruppen (1.234)")
        raise Zellfehler(f"»{text}« ist weder eine Zahl noch ein Zeichen der Statistik (- . x ... /)")
    return float(text.replace(".", "").replace(",", "."))


def zelle_lesen(roh: str, kennzeichen_spalte: str = "") -> Zelle:
    """Wert, Zeichen und Kennzeichen einer Zelle; ``kennzeichen_spalte`` ist ``value_q`` (ffcsv)."""
    text = _STRICHE.get(roh.strip(), roh.strip())
    extra = kennzeichen_spalte.strip()
    if not text and extra in ZEICHEN:  # manche Ausgaben stellen das Zeichen in die Kennzeichenspalte
        text, extra = extra, ""
    if not text:
        raise Zellfehler("die Zelle ist leer; für »keine Angabe« steht ein Zeichen (- . x ... /)")
    kennzeichen = _kennzeichen(extra) if extra else None
    if text in ZEICHEN:
        return (0.0 if text == "-" else None), text, kennzeichen
    if treffer := _ZEICHEN_MIT_KENNZEICHEN.match(text):
        zeichen = treffer["zeichen"]
        return (0.0 if zeichen == "-" else None), zeichen, _verbinden(kennzeichen, treffer["buchstaben"])
    treffer = _MIT_KENNZEICHEN.match(text)
    if treffer is None:
        raise Zellfehler(f"»{roh.strip()}« ist weder eine Zahl noch ein Zeichen der Statistik (- . x ... /)")
    try:
        wert = zahl_lesen(treffer["zahl"])
    except Zellfehler:
        if treffer["zahl"] == text:
            raise
        raise Zellfehler(f"»{text}« ist weder eine Zahl (mit Kennzeichen) noch ein Zeichen der Statistik") from None
    eigene = ("()" if treffer["klammer"] else "") + treffer["buchstaben"]
    return wert, None, _verbinden(kennzeichen, eigene)


def _kennzeichen(text: str) -> str:
    teile = text.replace(" ", "")
    rest = teile.replace("()", "")
    if any(b not in "prse" for b in rest) or len(teile) > 10:
        raise Zellfehler(f"Qualitätskennzeichen »{text}« ist unbekannt; bekannt: {', '.join(KENNZEICHEN)}")
    return teile


def _verbinden(a: str | None, b: str) -> str | None:
    zusammen = (a or "") + b
    return zusammen or None


_JAHR = re.compile(r"^(\d{4})$")
_SCHULJAHR = re.compile(r"^(?:schuljahr\s+)?(\d{4})\s*/\s*(\d{2}|\d{4})(?:-([12]))?$")
_DATUM_DE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_DATUM_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def zeitraum_lesen(roh: str) -> str:
    """Ein Zeitraum in einer Form: ``2022``, Schuljahr ``2021/22`` (Halbjahr ``2024/25-1``), Stichtag ``2022-12-31``."""
    text = roh.strip().lower()
    if _JAHR.match(text):
        return text
    if treffer := _SCHULJAHR.match(text):
        beginn, ende = int(treffer[1]), treffer[2]
        if int(ende[-2:]) != (beginn + 1) % 100:
            raise Zellfehler(f"»{roh.strip()}« ist kein Schuljahr (auf {beginn} folgt {(beginn + 1) % 100:02d})")
        halbjahr = f"-{treffer[3]}" if treffer[3] else ""
        return f"{beginn}/{ende[-2:]}{halbjahr}"
    if treffer := _DATUM_DE.match(text):
        return _datum(treffer[3], treffer[2], treffer[1], roh)
    if treffer := _DATUM_ISO.match(text):
        return _datum(treffer[1], treffer[2], treffer[3], roh)
    raise Zellfehler(f"»{roh.strip()}« ist kein Zeitraum (Jahr 2022, Schuljahr 2021/22, Stichtag 31.12.2022)")


def _datum(jahr: str, monat: str, tag: str, roh: str) -> str:
    from datetime import date

    try:
        return date(int(jahr), int(monat), int(tag)).isoformat()
    except ValueError:
        raise Zellfehler(f"»{roh.strip()}« ist kein gültiges Datum") from None


_GEBIET = re.compile(r"^(DG|\d{2}|\d{3}|\d{5}|\d{8}|\d{9}|\d{12})$")


def gebietsschluessel_lesen(roh: str) -> str:
    """Ein amtlicher Schlüssel als Text (führende Nullen zählen); ``Zellfehler`` mit Hinweis sonst."""
    text = roh.strip()
    if _GEBIET.match(text):
        return text
    if text.isdigit() and len(text) in (1, 4, 7, 11):
        raise Zellfehler(f"»{text}« hat seine führende Null verloren (gemeint ist wohl »0{text}«); ein "
                         "Tabellenprogramm hat die Spalte als Zahl gelesen. Exportieren Sie die Datei erneut "
                         "oder formatieren Sie die Spalte als Text")
    raise Zellfehler(f"»{text}« ist kein amtlicher Gebietsschlüssel (DG, 03, 03453, 03453011)")


# Spalten, an denen man Personendaten erkennt: Namen, Geburtsdaten, Anschriften, Kontakte.
_PERSONENWOERTER = {
    "name", "vorname", "nachname", "familienname", "rufname", "geburtsname", "geburtsdatum", "geburtstag",
    "geburtsort", "geb", "gebdatum", "anschrift", "adresse", "strasse", "straße", "hausnummer", "plz",
    "postleitzahl", "wohnort", "email", "telefon", "handy", "mobil", "schuelerid", "schülerid", "schuelernummer",
    "schülernummer", "sozialversicherungsnummer", "steuerid", "firstname", "lastname", "surname", "birthdate",
    "birthday", "address", "street",
}


def personenspalte(ueberschrift: str) -> bool:
    """Ob eine Spaltenüberschrift nach Personendaten aussieht (``Vorname``, ``Geburtsdatum``, ``Straße``)."""
    woerter = re.split(r"[^a-zäöüß]+", ueberschrift.strip().lower().replace("e-mail", "email"))
    zusammen = "".join(woerter)
    return any(w in _PERSONENWOERTER for w in woerter) or zusammen in _PERSONENWOERTER
