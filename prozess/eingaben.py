"""Texte, die Menschen eingeben: geprüft in der Bibliothek, gleich auf jeder Datenbank.

PostgreSQL weist zu lange Texte ab, SQLite speichert sie stillschweigend; damit beide gleich
antworten und die Meldung deutsch ist, prüft die Bibliothek die Länge selbst (die Grenzen sind
die der Spalten in ``modelle.tabellen``). Ein Titel ist eine Zeile: ein Zeilenumbruch darin
landete sonst in Betreffzeilen und Tabellen; ein NUL-Zeichen nimmt PostgreSQL gar nicht an.
"""

from __future__ import annotations

import re
from typing import Any

from prozess.fehler import Eingabefehler

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_STEUERZEICHEN = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def titel_pruefen(text: str, was: str, *, beispiel: str | None = None, leer_erlaubt: bool = False,
                  mehrzeilig: bool = False, laenge: int = 200) -> str:
    """Gibt ``text`` ohne Rand zurück oder wirft ``Eingabefehler`` mit Stelle und Ausweg.

    ``was`` nennt die Stelle als Satzanfang, z. B. »Der Titel der Aufgabe«.
    """
    text = (text or "").strip()
    if not text and not leer_erlaubt:
        zusatz = f", z. B. »{beispiel}«" if beispiel else ""
        raise Eingabefehler(f"{was} ist leer. Geben Sie einen Text an{zusatz}.")
    if "\x00" in text:
        raise Eingabefehler(f"{was} enthält ein NUL-Zeichen (\\0); das kann nicht gespeichert werden. "
                            "Geben Sie den Text ohne dieses Zeichen ein.")
    if not mehrzeilig and ("\n" in text or "\r" in text):
        raise Eingabefehler(f"{was} enthält einen Zeilenumbruch; er muss eine Zeile sein. Schreiben Sie ihn "
                            "in eine Zeile.")
    if any(z in _STEUERZEICHEN for z in text):
        raise Eingabefehler(f"{was} enthält ein Steuerzeichen. Geben Sie den Text ohne Steuerzeichen ein.")
    if len(text) > laenge:
        raise Eingabefehler(f"{was} ist {len(text)} Zeichen lang, erlaubt sind höchstens {laenge}. "
                            "Kürzen Sie ihn.")
    return text


def email_pruefen(text: Any, wo: str) -> str:
    """Eine E-Mail-Adresse, kleingeschrieben; sonst ein Fehler, der ``wo`` nennt."""
    if not isinstance(text, str) or not _EMAIL.match(text.strip()) or len(text) > 254:
        raise Eingabefehler(f"{wo}: »{text}« ist keine gültige E-Mail-Adresse (Form: name@beispiel.de).")
    return text.strip().lower()
