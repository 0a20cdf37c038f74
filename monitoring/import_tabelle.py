"""Die klassische Tabellen-CSV von GENESIS und der Regionalstatistik lesen.

Aufbau (oft cp1252)::

    GENESIS-Tabelle: 21111-02-06-4          (neuere Ausgaben: »Tabelle: 21111-02-06-4«)
    Absolventen und Abgänger ...            (Titelzeilen)
    ;;;Absolventen und Abgänger;;;          (Kopfzeilen: Spaltenbeschriftungen, nach rechts
    ;;;Insgesamt;ohne Hauptschulabschluss;.. gültig bis zur nächsten Beschriftung)
    2022;03;Niedersachsen;80123;4321;...    (Daten: Zeit; Schlüssel; Name, eingerückt; Werte)
    2022;03453;  Cloppenburg, Landkreis;...
    __________                              (ab hier Fußzeilen: Zeichenerklärung, Quelle)
    Stand: 12.05.2023 / 14:22:31

Schlüssel sind Text mit führenden Nullen; ein Name ist zur Gliederung eingerückt und wird
ohne Einrückung übernommen. Spaltenbeschriftungen wechseln zwischen Jahren (»ohne
Hauptschulabschluss« → »ohne Ersten Schulabschluss«); ``monitoring.katalog`` bildet beide
auf dieselbe Ausprägung ab.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from monitoring import katalog
from monitoring.gelesen import Gelesen, fehler, text_lesen
from monitoring.werte import Zellfehler, gebietsschluessel_lesen, personenspalte, zeitraum_lesen, zelle_lesen

_TABELLE = re.compile(r"^(?P<genesis>GENESIS-)?Tabelle:\s*(?P<code>[0-9A-Za-z][0-9A-Za-z.-]*)")
# Erkennt Datenzeilen, auch wenn ein Tabellenprogramm die führende Null gelöscht hat (dann
# meldet gebietsschluessel_lesen das mit Hinweis, statt die Zeile für eine Kopfzeile zu halten).
_SCHLUESSEL = re.compile(r"^(DG|\d{1,12})$")
_STAND = re.compile(r"Stand:\s*(.+)$")
_COPYRIGHT = re.compile(r"^\(?c\)?opyright\s+", re.IGNORECASE)


def tabelle_lesen(pfad: Path, kennzahl: str | None = None) -> Gelesen:
    """Liest und prüft die ganze Tabelle; schreibt nichts. Fehler nennen Datei, Zeile und Spalte."""
    pfad = Path(pfad)
    text = text_lesen(pfad)
    zeilen = text.splitlines()
    kopf = next((i for i, z in enumerate(zeilen) if z.strip(" ;")), None)
    treffer = _TABELLE.match(zeilen[kopf].strip()) if kopf is not None else None
    if treffer is None:
        raise fehler(pfad, "die erste Zeile nennt keine Tabelle (»Tabelle: 12411-02-03-4« oder "
                           "»GENESIS-Tabelle: 12411-02-03-4«)", (kopf or 0) + 1)
    code = treffer["code"]
    schluessel = kennzahl or katalog.TABELLEN.get(code)
    if schluessel is None:
        raise fehler(pfad, f"die Tabelle {code} ist keiner Kennzahl zugeordnet (bekannt: "
                           f"{', '.join(sorted(katalog.TABELLEN))}); nennen Sie die Kennzahl ausdrücklich", kopf + 1)
    fuss = next((i for i, z in enumerate(zeilen) if i > kopf and z.lstrip().startswith("___")), len(zeilen))
    gelesen = Gelesen(format="tabelle", quelle=_quelle(zeilen[fuss:], schluessel), tabelle=code,
                      stand=_stand(zeilen[fuss:]))
    felder = list(csv.reader(zeilen[kopf + 1:fuss], delimiter=";"))
    _werte_lesen(pfad, felder, kopf + 2, schluessel, gelesen)
    gelesen.zeilen = len(zeilen)
    return gelesen


def _stand(fuss: list[str]) -> str:
    for zeile in fuss:
        if treffer := _STAND.search(zeile.strip(" ;")):
            return treffer[1].strip()[:80]
    return ""


def _quelle(fuss: list[str], schluessel: str) -> str:
    for zeile in fuss:
        text = zeile.strip(" ;")
        if _COPYRIGHT.match(text):
            return _COPYRIGHT.sub("", text)[:300]
    return katalog.KATALOG[schluessel].quelle if schluessel in katalog.KATALOG else ""


def _datenzeile(felder: list[str]) -> int | None:
    """Die Spalte des Gebietsschlüssels, wenn die Zeile eine Datenzeile ist (Zeit; Schlüssel; Name; Werte)."""
    for i in (1, 0):
        if len(felder) > i + 2 and _SCHLUESSEL.match(felder[i].strip()) and felder[i + 1].strip():
            return i
    return None


def _werte_lesen(pfad: Path, felder: list[list[str]], erste_zeile: int, schluessel: str, gelesen: Gelesen) -> None:
    erste_daten = next((n for n, f in enumerate(felder) if _datenzeile(f) is not None), None)
    if erste_daten is None:
        raise fehler(pfad, "keine Datenzeile gefunden (Zeit; Gebietsschlüssel; Name; Werte …)")
    schluessel_spalte = _datenzeile(felder[erste_daten])
    if schluessel_spalte == 0:
        raise fehler(pfad, "vor dem Gebietsschlüssel fehlt die Zeitspalte (Jahr, Schuljahr oder Stichtag)",
                     erste_zeile + erste_daten, 1)
    wertspalten_ab = schluessel_spalte + 2
    spalten = _spaltenmerkmale(pfad, felder[:erste_daten], erste_zeile, wertspalten_ab, schluessel)
    for n, zeile in enumerate(felder[erste_daten:], erste_daten):
        nummer = erste_zeile + n
        if not any(f.strip() for f in zeile):
            continue
        if _datenzeile(zeile) != schluessel_spalte:
            raise fehler(pfad, "keine Datenzeile (erwartet: Zeit; Gebietsschlüssel; Name; Werte)", nummer)
        if len(zeile) != wertspalten_ab + len(spalten):
            raise fehler(pfad, f"{len(zeile)} Felder statt {wertspalten_ab + len(spalten)} wie in der Kopfzeile",
                         nummer)
        try:
            zeitraum = zeitraum_lesen(zeile[schluessel_spalte - 1])
        except Zellfehler as grund:
            raise fehler(pfad, str(grund), nummer, schluessel_spalte) from None
        try:
            gebiet = gebietsschluessel_lesen(zeile[schluessel_spalte])
        except Zellfehler as grund:
            raise fehler(pfad, str(grund), nummer, schluessel_spalte + 1) from None
        gelesen.gebietsnamen[gebiet] = zeile[schluessel_spalte + 1].strip()
        for k, merkmal in enumerate(spalten):
            spalte = wertspalten_ab + k
            try:
                wert, zeichen, kennzeichen = zelle_lesen(zeile[spalte])
            except Zellfehler as grund:
                raise fehler(pfad, str(grund), nummer, spalte + 1) from None
            gelesen.werte.append((schluessel, gebiet, zeitraum, merkmal, wert, zeichen, kennzeichen, nummer, spalte + 1))


def _spaltenmerkmale(pfad: Path, kopfzeilen: list[list[str]], erste_zeile: int, ab: int, schluessel: str) -> list[str]:
    """Der Merkmalstext jeder Wertspalte aus den Kopfzeilen (Beschriftungen gelten nach rechts weiter)."""
    kopf = [(erste_zeile + n, z) for n, z in enumerate(kopfzeilen) if len(z) > ab and any(f.strip() for f in z[ab:])]
    if not kopf:
        raise fehler(pfad, "über den Werten steht keine Kopfzeile mit Spaltenbeschriftungen", erste_zeile)
    breite = max(len(z) for _, z in kopf)
    stapel: list[list[str]] = [[] for _ in range(ab, breite)]
    for nummer, zeile in kopf:
        letzte = ""
        for k in range(ab, breite):
            beschriftung = zeile[k].strip() if k < len(zeile) else ""
            if beschriftung and personenspalte(beschriftung):
                raise fehler(pfad, f"die Spalte »{beschriftung}« sieht nach Personendaten aus; importiert werden "
                                   "nur Aggregate (Anzahlen je Gebiet)", nummer, k + 1)
            letzte = beschriftung or letzte
            stapel[k - ab].append(letzte)
    merkmale = []
    for beschriftungen in stapel:
        auspraegungen: dict[str, str] = {}
        for beschriftung in beschriftungen:
            if not beschriftung or katalog.ist_nur_groesse(beschriftung):
                continue
            name = katalog.spalten_merkmal(schluessel, beschriftung)
            wert = katalog.auspraegung(name, beschriftung)
            if wert is not None:
                auspraegungen[name] = wert
        merkmale.append(katalog.merkmal_text(auspraegungen))
    return merkmale
