"""Das Flatfile-CSV (»ffcsv«) von GENESIS-Online und der Regionalstatistik lesen.

UTF-8 mit BOM, Semikolon, Dezimalkomma; eine Zeile je Wert. Spalten::

    statistics_code;statistics_label;time_code;time_label;time;
    1_variable_code;1_variable_label;1_variable_attribute_code;1_variable_attribute_label;
    2_variable_code;...;value;value_unit;value_variable_code;value_variable_label[;value_q]

Eines der Merkmale ist das Gebiet (``DINSG``, ``DLAND``, ``KREISE``, ``GEMEIN``, ...; sonst
das Merkmal, dessen Ausprägungscodes amtliche Schlüssel sind). Die übrigen Merkmale werden
zum Merkmalstext (``abschluss=...;geschlecht=...``); ein leerer Ausprägungscode heißt
»Insgesamt«. Die Grundzahl folgt aus Statistik und Wertmerkmal
(``monitoring.katalog.GENESIS_WERTMERKMALE``) oder wird ausdrücklich genannt.

Der Leser ist auf Tempo gebaut (eine Million Zeilen, ``bench/import_kennzahlen.py``):
Merkmalstexte, Zeiträume und Zuordnungen werden je Ausprägung einmal berechnet.
"""

from __future__ import annotations

import csv
import re
from operator import itemgetter
from pathlib import Path

from monitoring import katalog
from monitoring.gebiete import ebene_aus_schluessel
from monitoring.gelesen import FORTSCHRITT_ALLE_ZEILEN, Fortschritt, Gelesen, fehler
from monitoring.werte import Zellfehler, gebietsschluessel_lesen, personenspalte, zeitraum_lesen, zelle_lesen

PFLICHTSPALTEN = ("statistics_code", "statistics_label", "time", "value", "value_variable_code")
GEBIETSMERKMALE = {"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEMVB", "GVB"}
_MERKMALSPALTE = re.compile(r"^(\d+)_variable_code$")


def ffcsv_lesen(pfad: Path, kennzahl: str | None = None, fortschritt: Fortschritt | None = None) -> Gelesen:
    """Liest und prüft die ganze Datei; schreibt nichts. Fehler nennen Datei, Zeile und Spalte."""
    pfad = Path(pfad)
    gesamt = pfad.stat().st_size
    try:
        with pfad.open("r", encoding="utf-8-sig", newline="") as datei:
            return _lesen(pfad, datei, kennzahl, fortschritt, gesamt)
    except UnicodeDecodeError as grund:
        raise fehler(pfad, f"die Datei ist nicht in UTF-8 gespeichert (Byte {grund.start}); GENESIS liefert "
                           "ffcsv immer in UTF-8 – laden Sie sie unverändert herunter") from None


def _kopf_pruefen(pfad: Path, kopf: list[str]) -> tuple[dict[str, int], list[int]]:
    spalten = {name: i for i, name in enumerate(kopf)}
    for i, name in enumerate(kopf, 1):
        if personenspalte(name):
            raise fehler(pfad, f"die Spalte »{name}« sieht nach Personendaten aus; importiert werden nur "
                               "Aggregate (Anzahlen je Gebiet)", 1, i, name)
    for name in PFLICHTSPALTEN:
        if name not in spalten:
            raise fehler(pfad, f"die Spalte »{name}« fehlt; ein GENESIS-Flatfile (ffcsv) beginnt mit "
                               "statistics_code;statistics_label;time_code;...", 1)
    merkmale = sorted(int(m[1]) for name in kopf if (m := _MERKMALSPALTE.match(name)))
    for n in merkmale:
        for teil in ("variable_label", "variable_attribute_code", "variable_attribute_label"):
            if f"{n}_{teil}" not in spalten:
                raise fehler(pfad, f"zur Spalte {n}_variable_code fehlt {n}_{teil}", 1)
    if not merkmale:
        raise fehler(pfad, "keine Merkmalsspalten (1_variable_code ...); ohne sie fehlt das Gebiet", 1)
    return spalten, [spalten[f"{n}_variable_code"] for n in merkmale]


def _lesen(pfad: Path, datei, kennzahl: str | None, fortschritt: Fortschritt | None, gesamt: int) -> Gelesen:
    leser = csv.reader(datei, delimiter=";")
    try:
        kopf = next(leser)
    except StopIteration:
        raise fehler(pfad, "die Datei ist leer") from None
    spalten, merkmalscodes = _kopf_pruefen(pfad, kopf)
    codes_holen = itemgetter(*merkmalscodes)
    i_stat, i_label, i_zeit = spalten["statistics_code"], spalten["statistics_label"], spalten["time"]
    i_wert, i_wertmerkmal = spalten["value"], spalten["value_variable_code"]
    i_q = spalten.get("value_q")
    breite = len(kopf)

    gelesen = Gelesen(format="ffcsv", quelle="")
    werte = gelesen.werte
    namen = gelesen.gebietsnamen
    zeitraeume: dict[str, str] = {}
    zuordnungen: dict[tuple[str, str], str] = {}
    merkmalstexte: dict = {}
    aufbau: tuple | None = None  # (Codes der Merkmale, Index des Gebietsmerkmals) der letzten Zeile
    gebiet_i = 0
    uebrige: list[int] = []
    merkmal_felder = None  # holt Code, Ausprägungscode und -beschriftung der übrigen Merkmale
    quellen: set[tuple[str, str]] = set()
    zeile = 1
    for felder in leser:
        zeile += 1
        if len(felder) != breite:
            if not any(felder):
                continue
            raise fehler(pfad, f"{len(felder)} Felder statt {breite} wie in der Kopfzeile", zeile)
        codes = codes_holen(felder)
        if codes != aufbau:
            aufbau = codes
            gebiet_i, uebrige = _gebietsmerkmal(pfad, zeile, felder, merkmalscodes)
            merkmal_felder = itemgetter(*[j for i in uebrige for j in (i, i + 2, i + 3)]) if uebrige else None
        try:
            roh_zeit = felder[i_zeit]
            zeitraum = zeitraeume.get(roh_zeit)
            if zeitraum is None:
                zeitraum = zeitraeume[roh_zeit] = zeitraum_lesen(roh_zeit)
        except Zellfehler as grund:
            raise fehler(pfad, str(grund), zeile, i_zeit + 1, "time") from None
        statistik, wertmerkmal = felder[i_stat], felder[i_wertmerkmal]
        schluessel = zuordnungen.get((statistik, wertmerkmal))
        if schluessel is None:
            schluessel = zuordnungen[(statistik, wertmerkmal)] = _zuordnen(pfad, zeile, i_wertmerkmal, statistik,
                                                                           wertmerkmal, kennzahl)
            quellen.add((statistik, felder[i_label]))
        roh_gebiet = felder[gebiet_i + 2]
        gebiet = roh_gebiet if roh_gebiet in namen else _gebiet(pfad, zeile, gebiet_i, felder, namen)
        if merkmal_felder is None:
            merkmal = ""
        else:
            merkmal_roh = merkmal_felder(felder)
            merkmal = merkmalstexte.get(merkmal_roh)
            if merkmal is None:
                merkmal = merkmalstexte[merkmal_roh] = _merkmal(felder, uebrige)
        roh = felder[i_wert]
        if roh.isdigit():  # der häufigste Fall: eine ganze Zahl ohne Zeichen und Kennzeichen
            wert, zeichen, kennzeichen = float(roh), None, None
            if i_q is not None and felder[i_q]:
                wert, zeichen, kennzeichen = _zelle(pfad, zeile, i_wert, roh, felder[i_q])
        else:
            wert, zeichen, kennzeichen = _zelle(pfad, zeile, i_wert, roh, felder[i_q] if i_q is not None else "")
        werte.append((schluessel, gebiet, zeitraum, merkmal, wert, zeichen, kennzeichen, zeile, i_wert + 1))
        if fortschritt is not None and zeile % FORTSCHRITT_ALLE_ZEILEN == 0:
            fortschritt("lesen", datei.buffer.tell(), gesamt)
    if fortschritt is not None:
        fortschritt("lesen", gesamt, gesamt)
    gelesen.zeilen = zeile - 1
    gelesen.quelle = "; ".join(f"GENESIS, {label} ({code})" for code, label in sorted(quellen))[:300]
    gelesen.tabelle = ", ".join(sorted({code for code, _ in quellen}))[:80]
    return gelesen


def _zelle(pfad: Path, zeile: int, i_wert: int, roh: str, q: str):
    try:
        return zelle_lesen(roh, q)
    except Zellfehler as grund:
        raise fehler(pfad, str(grund), zeile, i_wert + 1, "value") from None


def _gebietsmerkmal(pfad: Path, zeile: int, felder: list[str], merkmalscodes: list[int]) -> tuple[int, list[int]]:
    """Welches Merkmal das Gebiet ist: bekannte Codes, sonst Ausprägungen in Form amtlicher Schlüssel."""
    kandidaten = [i for i in merkmalscodes if felder[i] in GEBIETSMERKMALE]
    if not kandidaten:
        kandidaten = [i for i in merkmalscodes if ebene_aus_schluessel(felder[i + 2]) in ("land", "landkreis",
                                                                                           "gemeinde", "deutschland")]
    if not kandidaten:
        raise fehler(pfad, "keines der Merkmale ist ein Gebiet (DINSG, DLAND, KREISE, GEMEIN); Kennzahlen brauchen "
                           "ein Gebiet", zeile)
    gebiet_i = kandidaten[0]
    return gebiet_i, [i for i in merkmalscodes if i != gebiet_i]


def _gebiet(pfad: Path, zeile: int, gebiet_i: int, felder: list[str], namen: dict[str, str]) -> str:
    try:
        schluessel = gebietsschluessel_lesen(felder[gebiet_i + 2])
    except Zellfehler as grund:
        raise fehler(pfad, str(grund), zeile, gebiet_i + 3) from None
    namen[schluessel] = felder[gebiet_i + 3].strip() or schluessel
    return schluessel


def _merkmal(felder: list[str], uebrige: list[int]) -> str:
    auspraegungen = {}
    for i in uebrige:
        if not felder[i + 2]:  # leerer Ausprägungscode: Insgesamt
            continue
        name = katalog.merkmal_name(felder[i], felder[i + 1])
        wert = katalog.auspraegung(name, felder[i + 3])
        if wert is not None:
            auspraegungen[name] = wert
    return katalog.merkmal_text(auspraegungen)


def _zuordnen(pfad: Path, zeile: int, i_wertmerkmal: int, statistik: str, wertmerkmal: str,
              kennzahl: str | None) -> str:
    if kennzahl is not None:
        return kennzahl
    schluessel = katalog.GENESIS_WERTMERKMALE.get((statistik, wertmerkmal))
    if schluessel is None:
        bekannt = ", ".join(f"{s}/{w}" for s, w in sorted(katalog.GENESIS_WERTMERKMALE))
        raise fehler(pfad, f"Statistik {statistik} mit Wertmerkmal {wertmerkmal} ist keiner Kennzahl zugeordnet "
                           f"(bekannt: {bekannt}); nennen Sie die Kennzahl ausdrücklich", zeile, i_wertmerkmal + 1,
                     "value_variable_code")
    return schluessel
