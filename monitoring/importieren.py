"""Eine Datei mit Kennzahlwerten importieren: ganz oder gar nicht, und dieselbe Datei nur einmal.

``kennzahlen_importieren(verbindung, pfad, jetzt=...)`` ist alles, was eine Oberfläche braucht:
die CLI liest nur ihre Argumente und zeigt den ``Importbericht``. Ablauf:

1. Format erkennen (oder ``format=`` nehmen): ``ffcsv``, ``tabelle`` oder ``lang``.
2. Prüfsumme (SHA-256): war die Datei schon da, ändert sich nichts, und der Bericht sagt wann.
3. Die ganze Datei lesen und prüfen – Zahlen, Zeichen, Zeiträume, Gebiete, Ebenen der
   Kennzahl, doppelte Werte, Personendaten. Der erste Fehler bricht ab und nennt Datei,
   Zeile und Spalte; bis dahin ist nichts geschrieben.
4. Schreiben: neue Gebiete amtlicher Dateien, neue Werte, geänderte Werte (eine berichtigte
   Zahl ersetzt die alte, der Wert zeigt dann auf diesen Import), der Import selbst.

Die Transaktion gehört dem Aufrufer (seiner Arbeitseinheit, ``prozess.arbeit``): diese
Funktion schreibt in deren Transaktion und committet nie. Scheitert etwas beim Schreiben, fliegt die
Ausnahme hinaus, und der Aufrufer rollt alles zurück.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from monitoring import katalog
from monitoring.gebiete import ebene_aus_schluessel, uebergeordneter_schluessel
from monitoring.gelesen import Fortschritt, Gelesen, fehler
from monitoring.verbindung import verbindung_von
from prozess.fehler import Eingabefehler

FORMATE = {
    "ffcsv": "Flatfile-CSV von GENESIS-Online oder der Regionalstatistik",
    "tabelle": "Tabellen-CSV von GENESIS oder der Regionalstatistik",
    "lang": "lange CSV lokaler Quellen (gebiet;zeitraum;kennzahl;wert)",
}
SCHREIBEN_JE_STAPEL = 50_000
EBENEN_NAMEN = {"deutschland": "Deutschland", "land": "Länder", "landkreis": "Landkreise", "gemeinde": "Gemeinden",
                "schule": "Schulen"}


@dataclass
class Importbericht:
    """Was ein Import tat; ``zusammenfassung()`` gibt es als deutsche Sätze."""

    datei: str
    format: str
    sha256: str
    schon_importiert_am: datetime | None = None
    import_id: int | None = None
    quelle: str = ""
    tabelle: str = ""
    stand: str = ""
    zeilen: int = 0
    werte: int = 0
    neu: int = 0
    geaendert: int = 0
    unveraendert: int = 0
    uebersprungen: dict[str, int] = field(default_factory=dict)
    gebiete_neu: list[str] = field(default_factory=list)
    kennzahlen: list[str] = field(default_factory=list)

    @property
    def hat_geaendert(self) -> bool:
        return bool(self.neu or self.geaendert or self.gebiete_neu)

    def zusammenfassung(self) -> list[str]:
        if self.schon_importiert_am is not None:
            return [f"{self.datei} wurde bereits am {self.schon_importiert_am:%d.%m.%Y um %H:%M} UTC importiert "
                    "(gleiche Prüfsumme); nichts geändert."]
        saetze = [f"{self.datei} ({FORMATE[self.format]}): {self.werte} Werte gelesen – {self.neu} neu, "
                  f"{self.geaendert} geändert, {self.unveraendert} unverändert."]
        if self.kennzahlen:
            saetze.append(f"Kennzahlen: {', '.join(self.kennzahlen)}.")
        if self.gebiete_neu:
            saetze.append(f"Neue Gebiete: {len(self.gebiete_neu)} ({', '.join(self.gebiete_neu[:5])}"
                          f"{', …' if len(self.gebiete_neu) > 5 else ''}).")
        for grund, anzahl in sorted(self.uebersprungen.items()):
            saetze.append(f"Übersprungen: {anzahl} Werte – {grund}.")
        if self.stand:
            saetze.append(f"Stand der Daten: {self.stand}.")
        return saetze


def format_erkennen(pfad: Path) -> str:
    """Das Format am Anfang der Datei; ``Eingabefehler`` mit den drei Formaten, wenn keins passt."""
    with Path(pfad).open("rb") as datei:
        anfang = datei.read(4096)
    text = anfang.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").lstrip()
    erste = text.splitlines()[0].strip().lower() if text else ""
    if erste.startswith("statistics_code;"):
        return "ffcsv"
    if erste.startswith("genesis-tabelle:") or erste.startswith("tabelle:"):
        return "tabelle"
    from monitoring.import_lang import spalten_erkennen

    spalten = {s.strip() for s in erste.split(spalten_erkennen(erste))}
    if {"gebiet", "zeitraum", "kennzahl", "wert"} <= spalten:
        return "lang"
    raise fehler(pfad, "das Format ist nicht zu erkennen; erwartet wird "
                       + "; ".join(f"{name}: {text}" for name, text in FORMATE.items())
                       + ". Geben Sie es sonst ausdrücklich an", 1)


def pruefsumme(pfad: Path) -> str:
    summe = hashlib.sha256()
    with Path(pfad).open("rb") as datei:
        while block := datei.read(1 << 20):
            summe.update(block)
    return summe.hexdigest()


def kennzahlen_importieren(arbeit, pfad, *, format: str | None = None, kennzahl: str | None = None,
                           fortschritt: Fortschritt | None = None, jetzt: datetime | None = None) -> Importbericht:
    """Importiert eine Datei ganz oder gar nicht in die Transaktion von ``arbeit``; siehe Moduldokumentation.

    ``arbeit`` ist eine ``prozess.arbeit.Arbeit`` (Zeitpunkt des Imports: ``arbeit.jetzt``) oder
    eine Verbindung, dann mit ``jetzt``.
    ``kennzahl`` ordnet eine amtliche Datei ausdrücklich einer Grundzahl zu (sonst über den
    Katalog); ``fortschritt(phase, erledigt, gesamt)`` wird bei langen Dateien aufgerufen.
    Wirft ``Eingabefehler`` (Datei, Zeile, Spalte) und schreibt dann nichts.
    """
    from sqlalchemy import select

    from modelle.kennzahlen import Datenimport

    pfad = Path(pfad)
    if not pfad.is_file():
        raise Eingabefehler(f"Die Datei {pfad} gibt es nicht (oder sie ist ein Verzeichnis). Prüfen Sie den Pfad.")
    if format is not None and format not in FORMATE:
        raise Eingabefehler(f"Unbekanntes Format »{format}«; möglich: {', '.join(FORMATE)}.")
    if kennzahl is not None:
        definition = katalog.KATALOG.get(kennzahl)
        if definition is None or definition.art != "anzahl":
            raise Eingabefehler(f"»{kennzahl}« ist keine Grundzahl des Katalogs; möglich: "
                                f"{', '.join(d.schluessel for d in katalog.GRUNDZAHLEN)}.")
    format = format or format_erkennen(pfad)
    verbindung = verbindung_von(arbeit)
    jetzt = jetzt or arbeit.jetzt
    summe = pruefsumme(pfad)
    bericht = Importbericht(datei=pfad.name, format=format, sha256=summe)
    frueher = verbindung.execute(select(Datenimport.importiert_am).where(Datenimport.sha256 == summe)).first()
    if frueher is not None:
        bericht.schon_importiert_am = frueher.importiert_am
        return bericht

    gelesen = _lesen(pfad, format, kennzahl, fortschritt)
    bericht.quelle, bericht.tabelle, bericht.stand, bericht.zeilen = (gelesen.quelle, gelesen.tabelle, gelesen.stand,
                                                                      gelesen.zeilen)
    kennzahl_ids = katalog.katalog_eintragen(verbindung)
    gebiete = _gebiete_laden(verbindung)
    neue_gebiete = _neue_gebiete(pfad, gelesen, gebiete)
    gueltig, uebersprungen = _pruefen(pfad, gelesen, gebiete, neue_gebiete)
    bericht.uebersprungen = dict(uebersprungen)
    bericht.werte = len(gueltig)
    bericht.kennzahlen = sorted({schluessel[0] for schluessel in gueltig})

    bericht.gebiete_neu = _gebiete_anlegen(verbindung, neue_gebiete, gelesen.gebietsnamen, gebiete)
    _werte_schreiben(verbindung, pfad, gelesen, gueltig, kennzahl_ids, gebiete, bericht, jetzt, fortschritt)
    return bericht


def _lesen(pfad: Path, format: str, kennzahl: str | None, fortschritt: Fortschritt | None) -> Gelesen:
    if format == "ffcsv":
        from monitoring.import_ffcsv import ffcsv_lesen

        return ffcsv_lesen(pfad, kennzahl, fortschritt)
    if format == "tabelle":
        from monitoring.import_tabelle import tabelle_lesen

        return tabelle_lesen(pfad, kennzahl)
    if kennzahl is not None:
        raise Eingabefehler("Die Kennzahl steht in der langen CSV in jeder Zeile; ohne ausdrückliche Kennzahl importieren.")
    from monitoring.import_lang import lang_lesen

    return lang_lesen(pfad)


def _gebiete_laden(verbindung) -> dict[str, tuple[int, str]]:
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    return {z.schluessel: (z.id, z.ebene) for z in verbindung.execute(select(Gebiet.schluessel, Gebiet.id, Gebiet.ebene))}


def _neue_gebiete(pfad: Path, gelesen: Gelesen, gebiete: dict) -> dict[str, str]:
    """Gebiete, die die Datei nennt und die es noch nicht gibt: Schlüssel → Ebene (amtliche Dateien)."""
    neu = {}
    for schluessel in gelesen.gebietsnamen:
        if schluessel not in gebiete and (ebene := ebene_aus_schluessel(schluessel)) is not None:
            neu[schluessel] = ebene
    return neu


def _pruefen(pfad: Path, gelesen: Gelesen, gebiete: dict, neue_gebiete: dict) -> tuple[dict, Counter]:
    """Ebenen und Eindeutigkeit; gibt Schlüssel → Index des Werts und die übersprungenen Werte zurück."""
    gueltig: dict[tuple, int] = {}
    uebersprungen: Counter = Counter()
    erlaubt: dict[tuple[str, str], bool | None] = {}
    for index, (kennzahl, gebiet, zeitraum, merkmal, _w, _z, _k, zeile, spalte) in enumerate(gelesen.werte):
        passt = erlaubt.get((kennzahl, gebiet))
        if passt is None:
            passt = erlaubt[(kennzahl, gebiet)] = _ebene_passt(pfad, gelesen, kennzahl, gebiet, gebiete, neue_gebiete,
                                                                zeile)
        if not passt:
            uebersprungen["Gebiete anderer Ebenen (Regierungsbezirke, Gemeindeverbände)"] += 1
            continue
        if len(merkmal) > 200:
            raise fehler(pfad, "die Merkmale dieser Zeile sind zu lang (mehr als 200 Zeichen)", zeile)
        schluessel = (kennzahl, gebiet, zeitraum, merkmal)
        frueher = gueltig.get(schluessel)
        if frueher is not None:
            raise fehler(pfad, f"derselbe Wert (Kennzahl {kennzahl}, Gebiet {gebiet}, Zeitraum {zeitraum}"
                               f"{', ' + merkmal if merkmal else ''}) steht schon in Zeile {gelesen.werte[frueher][7]}",
                         zeile, spalte)
        gueltig[schluessel] = index
    return gueltig, uebersprungen


def _ebene_passt(pfad: Path, gelesen: Gelesen, kennzahl: str, gebiet: str, gebiete: dict, neue_gebiete: dict,
                 zeile: int) -> bool:
    """Ob die Kennzahl für das Gebiet gilt; False für Ebenen, die das Monitoring nicht führt."""
    if gebiet in gebiete:
        ebene = gebiete[gebiet][1]
    elif gebiet in neue_gebiete:
        ebene = neue_gebiete[gebiet]
    elif gelesen.gebiete_anlegen:
        return False
    else:
        raise fehler(pfad, f"das Gebiet »{gebiet}« ist nicht bekannt; Gebiete sind der Landkreis, seine Gemeinden "
                           "(AGS, z. B. 03453011) und Schulen (schule:NUMMER) aus der Organisationsdatei", zeile)
    definition = katalog.KATALOG[kennzahl]
    if ebene not in definition.ebenen:
        raise fehler(pfad, f"die Kennzahl {kennzahl} gibt es nicht für {EBENEN_NAMEN[ebene]} (Gebiet {gebiet}); "
                           f"sie gilt für {', '.join(EBENEN_NAMEN[e] for e in definition.ebenen)}", zeile)
    return True


def _gebiete_anlegen(verbindung, neue_gebiete: dict[str, str], namen: dict[str, str], gebiete: dict) -> list[str]:
    """Legt die neuen amtlichen Gebiete an, Ebene für Ebene (jedes nach dem umfassenden); ergänzt ``gebiete``."""
    from sqlalchemy import insert, select

    from modelle.kennzahlen import Gebiet

    angelegt = []
    for ebene in ("deutschland", "land", "landkreis", "gemeinde"):
        schluessel = sorted(s for s, e in neue_gebiete.items() if e == ebene)
        if not schluessel:
            continue
        zeilen = []
        for s in schluessel:
            ueber = gebiete.get(uebergeordneter_schluessel(s) or "")
            zeilen.append({"schluessel": s, "ebene": ebene, "name": (namen.get(s) or s)[:200],
                           "ueber_id": ueber[0] if ueber else None})
        verbindung.execute(insert(Gebiet), zeilen)
        for z in verbindung.execute(select(Gebiet.schluessel, Gebiet.id).where(Gebiet.schluessel.in_(schluessel))):
            gebiete[z.schluessel] = (z.id, ebene)
        angelegt += schluessel
    return angelegt


_WERTSPALTEN = ("kennzahl_id", "gebiet_id", "zeitraum", "merkmal", "wert", "zeichen", "kennzeichen", "import_id")


def _einfuegen_sql(dialect) -> str:
    """INSERT für neue Werte als Text des Treibers: bei einer Million Zeilen kostete das Aufbereiten
    der Parameter durch SQLAlchemy mehr als das Schreiben selbst (bench/import_kennzahlen.py)."""
    from modelle.kennzahlen import Kennzahlwert

    platzhalter = {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
    return (f"INSERT INTO {Kennzahlwert.__tablename__} ({', '.join(_WERTSPALTEN)}) "
            f"VALUES ({', '.join([platzhalter] * len(_WERTSPALTEN))})")


def _werte_schreiben(verbindung, pfad: Path, gelesen: Gelesen, gueltig: dict, kennzahl_ids: dict, gebiete: dict,
                     bericht: Importbericht, jetzt: datetime, fortschritt: Fortschritt | None) -> None:
    from sqlalchemy import bindparam, insert, select, update

    from modelle.kennzahlen import Datenimport, Kennzahlwert

    tabelle = Kennzahlwert.__table__
    ids = sorted(kennzahl_ids[k] for k in bericht.kennzahlen)
    vorhanden = {
        (z.kennzahl_id, z.gebiet_id, z.zeitraum, z.merkmal): (z.id, z.wert, z.zeichen, z.kennzeichen)
        for z in verbindung.execute(select(tabelle.c.id, tabelle.c.kennzahl_id, tabelle.c.gebiet_id, tabelle.c.zeitraum,
                                           tabelle.c.merkmal, tabelle.c.wert, tabelle.c.zeichen, tabelle.c.kennzeichen)
                                    .where(tabelle.c.kennzahl_id.in_(ids)))
    } if ids else {}
    neu: list[tuple] = []
    geaendert: list[dict] = []
    werte = gelesen.werte
    for (kennzahl, gebiet, zeitraum, merkmal), index in gueltig.items():
        _k, _g, _z, _m, wert, zeichen, kennzeichen, _zeile, _spalte = werte[index]
        kid, gid = kennzahl_ids[kennzahl], gebiete[gebiet][0]
        alt = vorhanden.get((kid, gid, zeitraum, merkmal))
        if alt is None:
            neu.append((kid, gid, zeitraum, merkmal, wert, zeichen, kennzeichen))
        elif alt[1:] != (wert, zeichen, kennzeichen):
            geaendert.append({"_id": alt[0], "wert": wert, "zeichen": zeichen, "kennzeichen": kennzeichen})
    bericht.neu, bericht.geaendert = len(neu), len(geaendert)
    bericht.unveraendert = len(gueltig) - len(neu) - len(geaendert)

    import_id = verbindung.execute(insert(Datenimport).values(
        sha256=bericht.sha256, dateiname=pfad.name[:300], format=bericht.format, quelle=gelesen.quelle[:300],
        tabelle=gelesen.tabelle[:80], stand=gelesen.stand[:80], importiert_am=jetzt, zeilen=gelesen.zeilen,
        neu=bericht.neu, geaendert=bericht.geaendert).returning(Datenimport.id)).scalar_one()
    bericht.import_id = import_id
    gesamt = len(neu) + len(geaendert)
    einfuegen = _einfuegen_sql(verbindung.dialect)
    for start in range(0, len(neu), SCHREIBEN_JE_STAPEL):
        stapel = [(*zeile, import_id) for zeile in neu[start:start + SCHREIBEN_JE_STAPEL]]
        verbindung.exec_driver_sql(einfuegen, stapel)
        if fortschritt is not None:
            fortschritt("schreiben", start + len(stapel), gesamt)
    if geaendert:
        for zeile in geaendert:
            zeile["import_id"] = import_id
        verbindung.execute(update(tabelle).where(tabelle.c.id == bindparam("_id"))
                           .values(wert=bindparam("wert"), zeichen=bindparam("zeichen"),
                                   kennzeichen=bindparam("kennzeichen"), import_id=bindparam("import_id")), geaendert)
        if fortschritt is not None:
            fortschritt("schreiben", gesamt, gesamt)


