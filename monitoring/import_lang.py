"""Die lange CSV lokaler Quellen (Schulamt, Jugendamt, Gesundheitsamt) lesen.

Eine Zeile je Wert, Semikolon (oder Komma), UTF-8 oder cp1252, Dezimalkomma::

    gebiet;zeitraum;kennzahl;wert[;merkmal][;kennzeichen]
    schule:90001;2024/25-1;schueler_erhebliche_fehlzeiten;14
    03453011;2024/25-1;schueler_allgemeinbildend;.
    schule:90001;2023/24;absolventen_abgaenger;7;abschluss=ohne_ersten_schulabschluss

``gebiet`` ist ein Schlüssel aus der Organisationsdatei (AGS oder ``schule:NUMMER``),
``kennzahl`` eine Grundzahl des Katalogs, ``merkmal`` optional ``name=wert`` (mehrere mit
Komma). Eine Datei mit Spalten wie Name, Geburtsdatum oder Anschrift wird abgewiesen:
lokale Quellen liefern Anzahlen, keine Listen von Personen.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from monitoring import katalog
from monitoring.gelesen import Gelesen, fehler, text_lesen
from monitoring.werte import Zellfehler, personenspalte, zeitraum_lesen, zelle_lesen

PFLICHT = ("gebiet", "zeitraum", "kennzahl", "wert")
ERLAUBT = PFLICHT + ("merkmal", "kennzeichen")
_MERKMAL = re.compile(r"^[a-z][a-z0-9_]*=[a-z0-9_+-]+$")


def spalten_erkennen(erste_zeile: str) -> str:
    """Das Trennzeichen der Kopfzeile: Semikolon, Tabulator oder Komma."""
    return max((";", "\t", ","), key=erste_zeile.count)


def lang_lesen(pfad: Path) -> Gelesen:
    """Liest und prüft die ganze Datei; schreibt nichts. Fehler nennen Datei, Zeile und Spalte."""
    pfad = Path(pfad)
    text = text_lesen(pfad)
    zeilen = text.splitlines()
    if not zeilen:
        raise fehler(pfad, "die Datei ist leer")
    leser = csv.reader(zeilen, delimiter=spalten_erkennen(zeilen[0]))
    kopf = [s.strip().lower() for s in next(leser)]
    spalten = _kopf_pruefen(pfad, kopf)
    gelesen = Gelesen(format="lang", quelle="", gebiete_anlegen=False)
    kennzahlen: set[str] = set()
    for nummer, felder in enumerate(leser, 2):
        if not any(f.strip() for f in felder):
            continue
        if len(felder) != len(kopf):
            raise fehler(pfad, f"{len(felder)} Felder statt {len(kopf)} wie in der Kopfzeile", nummer)
        werte = {name: felder[i].strip() for name, i in spalten.items()}
        kennzahl = _kennzahl(pfad, nummer, spalten["kennzahl"], werte["kennzahl"])
        kennzahlen.add(kennzahl)
        try:
            zeitraum = zeitraum_lesen(werte["zeitraum"])
        except Zellfehler as grund:
            raise fehler(pfad, str(grund), nummer, spalten["zeitraum"] + 1, "zeitraum") from None
        merkmal = _merkmal(pfad, nummer, spalten.get("merkmal"), werte.get("merkmal", ""))
        try:
            wert, zeichen, kennzeichen = zelle_lesen(werte["wert"], werte.get("kennzeichen", ""))
        except Zellfehler as grund:
            raise fehler(pfad, str(grund), nummer, spalten["wert"] + 1, "wert") from None
        if not werte["gebiet"]:
            raise fehler(pfad, "das Gebiet fehlt (AGS wie 03453011 oder schule:NUMMER)", nummer, spalten["gebiet"] + 1,
                         "gebiet")
        gelesen.werte.append((kennzahl, werte["gebiet"], zeitraum, merkmal, wert, zeichen, kennzeichen, nummer,
                              spalten["wert"] + 1))
    gelesen.zeilen = len(zeilen)
    gelesen.quelle = "; ".join(sorted({katalog.KATALOG[k].quelle for k in kennzahlen}))[:300]
    return gelesen


def _kopf_pruefen(pfad: Path, kopf: list[str]) -> dict[str, int]:
    for i, name in enumerate(kopf, 1):
        if personenspalte(name):
            raise fehler(pfad, f"die Spalte »{name}« sieht nach Personendaten aus; importiert werden nur Aggregate "
                               "(Anzahlen je Gebiet) – zählen Sie vorher aus", 1, i, name)
        if name not in ERLAUBT:
            raise fehler(pfad, f"unbekannte Spalte »{name}«; erlaubt sind {', '.join(ERLAUBT)}", 1, i, name)
    fehlend = [name for name in PFLICHT if name not in kopf]
    if fehlend:
        raise fehler(pfad, f"die Spalte »{fehlend[0]}« fehlt; die Kopfzeile lautet gebiet;zeitraum;kennzahl;wert", 1)
    return {name: kopf.index(name) for name in ERLAUBT if name in kopf}


def _kennzahl(pfad: Path, nummer: int, spalte: int, schluessel: str) -> str:
    definition = katalog.KATALOG.get(schluessel)
    if definition is None:
        raise fehler(pfad, f"die Kennzahl »{schluessel}« steht nicht im Katalog (Grundzahlen: "
                           f"{', '.join(d.schluessel for d in katalog.GRUNDZAHLEN)})", nummer, spalte + 1, "kennzahl")
    if definition.art != "anzahl":
        raise fehler(pfad, f"»{schluessel}« ist ein Anteil und wird aus {definition.zaehler} und {definition.nenner} "
                           "berechnet; liefern Sie diese Grundzahlen", nummer, spalte + 1, "kennzahl")
    return schluessel


def _merkmal(pfad: Path, nummer: int, spalte: int | None, text: str) -> str:
    if not text:
        return ""
    teile = [t.strip() for t in re.split(r"[,;]", text) if t.strip()]
    for teil in teile:
        if not _MERKMAL.match(teil):
            raise fehler(pfad, f"Merkmal »{teil}« hat nicht die Form name=wert (z. B. "
                               "abschluss=ohne_ersten_schulabschluss)", nummer, (spalte or 0) + 1, "merkmal")
    return katalog.merkmal_text(dict(t.split("=", 1) for t in teile))
