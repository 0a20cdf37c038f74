"""TOML-Dateien lesen, wie Menschen sie schreiben: UTF-8, gern mit BOM, manchmal die falsche Datei.

Einstellungsdatei und Organisationsdatei werden hier gelesen. Jeder Fehler wird zum
``Konfigurationsfehler`` mit Datei, Stelle und Ausweg; keine Ausnahme von ``tomllib`` oder
vom Dekodieren dringt nach außen.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from prozess.fehler import Konfigurationsfehler

BOM = "\ufeff"  # Windows-Editoren schreiben ihn gern an den Anfang; TOML selbst erlaubt ihn nicht


def toml_lesen(pfad: Path, was: str, ausweg: str) -> dict[str, Any]:
    """Liest ``pfad`` als UTF-8-TOML (ein BOM am Anfang wird übergangen).

    ``was`` nennt die Datei in der Meldung (»Organisationsdatei«), ``ausweg`` sagt, wo ein
    falscher Pfad zu korrigieren ist. Wirft ``Konfigurationsfehler``.
    """
    wo = f"{was} {pfad}"
    try:
        roh = Path(pfad).read_bytes()
    except OSError as fehler:
        raise Konfigurationsfehler(f"{wo} kann nicht gelesen werden ({fehler.strerror}). {ausweg}") from None
    if roh.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Konfigurationsfehler(f"{wo} ist in UTF-16 gespeichert. Speichern Sie sie im Editor mit der Kodierung UTF-8.")
    null = roh.find(b"\x00")
    if null >= 0:
        raise Konfigurationsfehler(
            f"{wo} ist keine Textdatei (Null-Byte an Stelle {null + 1}). Ist es die richtige Datei? {ausweg}"
        )
    try:
        text = roh.decode("utf-8")
    except UnicodeDecodeError as fehler:
        zeile = roh[: fehler.start].count(b"\n") + 1
        raise Konfigurationsfehler(
            f"{wo} ist nicht in UTF-8 gespeichert (Zeile {zeile}, Byte 0x{roh[fehler.start]:02x}). "
            "Speichern Sie sie im Editor mit der Kodierung UTF-8."
        ) from None
    try:
        return tomllib.loads(text.removeprefix(BOM))
    except tomllib.TOMLDecodeError as fehler:
        raise Konfigurationsfehler(f"{wo}: kein gültiges TOML ({fehler}). Korrigieren Sie die genannte Stelle.") from None
    except RecursionError:
        raise Konfigurationsfehler(f"{wo}: zu tief verschachtelte Listen oder Tabellen.") from None
