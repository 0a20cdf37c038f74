"""Zeitreihen und Vergleiche als Sichten: fertige, geheimgehaltene Zahlen für CLI, Bericht und Web.

Jede Sicht nennt die Kennzahl mit ihrer Bezugsgröße (welcher Nenner gilt), jede Zahl ihren
Text (``8,3 %``, ``1.902``, ``•`` für verborgen, ``.`` für geheim in der Quelle, ``k. A.``
wenn kein Wert vorliegt) und die Quellen mit Datei und Stand. Kleine Fallzahlen sind schon
unterdrückt (``monitoring.geheimhaltung``): was hier als Zahl steht, darf gezeigt werden.

- ``zeitreihe``: eine Kennzahl für ein Gebiet über alle Zeiträume.
- ``vergleich``: eine Kennzahl in einem Zeitraum für gewählte Gebiete (Kreis, Land,
  Deutschland, andere Kreise).
- ``teilgebiete_vergleichen``: die Gemeinden eines Kreises oder die Schulen einer Gemeinde
  (oder eines Kreises) untereinander; die Summe des umfassenden Gebiets gilt dabei als
  bekannt, damit sie keine verborgene Zelle verrät.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from monitoring import darstellung, katalog
from monitoring.geheimhaltung import Summe, unterdruecken
from monitoring.verbindung import schwelle_von, verbindung_von
from prozess.fehler import NichtGefunden

FEHLT = "k. A."


@dataclass(frozen=True)
class Kennzahlsicht:
    schluessel: str
    name: str
    art: str
    einheit: str
    bezugsgroesse: str
    formel: str
    bezugszeitraum: str


@dataclass(frozen=True)
class Quelle:
    quelle: str
    datei: str
    stand: str
    importiert_am: datetime


@dataclass(frozen=True)
class Wert:
    """Eine Zahl, wie sie gezeigt wird; ``zahl`` ist ``None``, wenn sie nicht gezeigt werden darf oder fehlt."""

    gebiet: str
    gebiet_name: str
    zeitraum: str
    text: str
    zahl: Decimal | None
    verborgen: bool = False
    kennzeichen: str | None = None
    zaehler: float | None = None
    nenner: float | None = None


@dataclass
class Sicht:
    """Zeitreihe oder Vergleich: die Kennzahl, ihre Werte in der gewünschten Reihenfolge, die Quellen."""

    kennzahl: Kennzahlsicht
    werte: list[Wert]
    quellen: list[Quelle] = field(default_factory=list)
    merkmal: str = ""

    @property
    def bezug(self) -> str:
        """»Anteil an: …« – steht bei jeder Zahl eines Anteils, damit klar ist, welcher Nenner gilt."""
        if self.kennzahl.art != "anteil":
            return ""
        return f"Anteil an: {self.kennzahl.bezugsgroesse}"


def _kennzahl(verbindung, schluessel: str) -> Kennzahlsicht:
    definition = katalog.KATALOG.get(schluessel)
    if definition is None:
        raise NichtGefunden(f"Die Kennzahl »{schluessel}« gibt es nicht; bekannt: {', '.join(katalog.KATALOG)}.")
    return Kennzahlsicht(definition.schluessel, definition.name, definition.art, definition.einheit,
                         definition.bezugsgroesse, definition.formel, definition.bezugszeitraum)


def _gebiete(verbindung, schluessel: list[str]) -> dict[str, tuple[int, str]]:
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    gefunden = {z.schluessel: (z.id, z.name) for z in verbindung.execute(
        select(Gebiet.schluessel, Gebiet.id, Gebiet.name).where(Gebiet.schluessel.in_(schluessel)))}
    fehlend = [s for s in schluessel if s not in gefunden]
    if fehlend:
        raise NichtGefunden(f"Das Gebiet »{fehlend[0]}« gibt es nicht (AGS wie 03453 oder schule:NUMMER).")
    return gefunden


# (gebiet_id, zeitraum) → (Summe oder None, Zeichen, Kennzeichen, Import-IDs)
Grundwert = tuple[float | None, str | None, str | None, frozenset]


def _grundwerte(verbindung, auswahl: katalog.Auswahl, gebiet_ids: list[int],
                zeitraum: str | None) -> dict[tuple[int, str], Grundwert]:
    """Die Summe der ausgewählten Merkmale je Gebiet und Zeitraum; fehlt ein Teil, fehlt die Summe."""
    from sqlalchemy import select

    from modelle.kennzahlen import Kennzahl, Kennzahlwert as W

    abfrage = (select(W.gebiet_id, W.zeitraum, W.merkmal, W.wert, W.zeichen, W.kennzeichen, W.import_id)
               .join(Kennzahl, Kennzahl.id == W.kennzahl_id)
               .where(Kennzahl.schluessel == auswahl.kennzahl, W.merkmal.in_(auswahl.merkmale),
                      W.gebiet_id.in_(gebiet_ids)))
    if zeitraum is not None:
        abfrage = abfrage.where(W.zeitraum == zeitraum)
    teile: dict[tuple[int, str], list] = defaultdict(list)
    for z in verbindung.execute(abfrage):
        teile[(z.gebiet_id, z.zeitraum)].append(z)
    ergebnis = {}
    for schluessel, zeilen in teile.items():
        imports = frozenset(z.import_id for z in zeilen)
        kennzeichen = "".join(sorted({z.kennzeichen for z in zeilen if z.kennzeichen})) or None
        if len(zeilen) < len(auswahl.merkmale):
            ergebnis[schluessel] = (None, None, kennzeichen, imports)
            continue
        ohne_zahl = next((z for z in zeilen if z.wert is None), None)
        if ohne_zahl is not None:
            ergebnis[schluessel] = (None, ohne_zahl.zeichen, kennzeichen, imports)
            continue
        summe = sum(z.wert for z in zeilen)
        zeichen = "-" if summe == 0 and all(z.zeichen == "-" for z in zeilen) else None
        ergebnis[schluessel] = (summe, zeichen, kennzeichen, imports)
    return ergebnis


def _quellen(verbindung, import_ids: set[int]) -> list[Quelle]:
    from sqlalchemy import select

    from modelle.kennzahlen import Datenimport

    if not import_ids:
        return []
    zeilen = verbindung.execute(select(Datenimport).where(Datenimport.id.in_(sorted(import_ids)))
                                .order_by(Datenimport.importiert_am))
    return [Quelle(z.quelle, z.dateiname, z.stand, z.importiert_am) for z in zeilen]


def _sicht(verbindung, schluessel: str, orte: list[tuple[str, str]], gebiete: dict, zeitraum: str | None,
           merkmal: str, summen_ueber: tuple[str, list[str]] | None, schwelle: int) -> Sicht:
    """Gemeinsamer Kern: Werte holen, geheimhalten, als Text darstellen. ``orte``: (Gebiet, Zeitraum)."""
    kennzahl = _kennzahl(verbindung, schluessel)
    definition = katalog.KATALOG[schluessel]
    ids = [gebiete[g][0] for g in gebiete]
    if definition.art == "anteil":
        zaehler = _grundwerte(verbindung, katalog.auswahl_lesen(definition.zaehler), ids, zeitraum)
        nenner = _nenner(verbindung, definition, ids, zeitraum, orte, gebiete, summen_ueber)
    else:
        auswahl = katalog.Auswahl(schluessel, (merkmal,))
        zaehler, nenner = _grundwerte(verbindung, auswahl, ids, zeitraum), {}
    verborgen_z = _geheim(zaehler, gebiete, orte, summen_ueber, schwelle)
    verborgen_n = _geheim(nenner, gebiete, orte, summen_ueber, schwelle) if nenner else set()
    werte, imports = [], set()
    for gebiet, zeit in orte:
        gid, name = gebiete[gebiet]
        z = zaehler.get((gid, zeit))
        n = nenner.get((gid, zeit))
        imports |= (z[3] if z else frozenset()) | (n[3] if n else frozenset())
        verborgen = (gid, zeit) in verborgen_z or (gid, zeit) in verborgen_n
        werte.append(_wert(definition, gebiet, name, zeit, z, n, verborgen))
    return Sicht(kennzahl, werte, _quellen(verbindung, imports), merkmal)


def _nenner(verbindung, definition, ids: list[int], zeitraum: str | None, orte: list[tuple[str, str]], gebiete: dict,
            summen_ueber) -> dict:
    """Die Nennerwerte, abgelegt unter dem Zeitraum des Zählers (der Nenner kann einen anderen Stichtag haben)."""
    nenner_zeit = katalog.nenner_zeitraum(definition, zeitraum) if zeitraum is not None else None
    roh = _grundwerte(verbindung, katalog.auswahl_lesen(definition.nenner), ids, nenner_zeit)
    gesucht = list(orte) + ([(summen_ueber[0], t) for _, t in orte] if summen_ueber else [])
    nenner = {}
    for gebiet, zeit in gesucht:
        schluessel = (gebiete[gebiet][0], katalog.nenner_zeitraum(definition, zeit))
        if schluessel in roh:
            nenner[(gebiete[gebiet][0], zeit)] = roh[schluessel]
    return nenner


def _geheim(grundwerte: dict, gebiete: dict, orte: list[tuple[str, str]],
            summen_ueber: tuple[str, list[str]] | None, schwelle: int) -> set:
    """Welche (gebiet_id, zeitraum) verborgen werden; die Summe des umfassenden Gebiets gilt als bekannt."""
    zellen = {(gebiete[g][0], t): grundwerte[(gebiete[g][0], t)][0] for g, t in orte
              if (gebiete[g][0], t) in grundwerte}
    summen = []
    if summen_ueber is not None:
        oben, teile = summen_ueber
        for zeit in {t for _, t in orte}:
            gesamt = (gebiete[oben][0], zeit)
            if gesamt in grundwerte:
                zellen[gesamt] = grundwerte[gesamt][0]
            summen.append(Summe(gesamt, tuple((gebiete[t][0], zeit) for t in teile)))
    return unterdruecken(zellen, summen, schwelle)


def _wert(definition, gebiet: str, name: str, zeit: str, z: Grundwert | None, n: Grundwert | None,
          verborgen: bool) -> Wert:
    if definition.art != "anteil":
        if z is None:
            return Wert(gebiet, name, zeit, FEHLT, None)
        zahl = None if verborgen or z[0] is None else Decimal(repr(z[0]))
        return Wert(gebiet, name, zeit, darstellung.zelle_text(z[0], z[1], verborgen), zahl, verborgen, z[2],
                    None if verborgen else z[0])
    if z is None or n is None:
        return Wert(gebiet, name, zeit, FEHLT, None)
    kennzeichen = "".join(sorted(set((z[2] or "") + (n[2] or "")))) or None
    if verborgen:
        return Wert(gebiet, name, zeit, darstellung.VERBORGEN, None, True, kennzeichen)
    if z[0] is None or n[0] is None:
        zeichen = z[1] if z[0] is None else n[1]
        return Wert(gebiet, name, zeit, darstellung.zelle_text(None, zeichen or "."), None, False, kennzeichen)
    return Wert(gebiet, name, zeit, darstellung.anteil_text(z[0], n[0], definition.nenner_teiler),
                darstellung.anteil(z[0], n[0], definition.nenner_teiler), False, kennzeichen, z[0], n[0])


def _zeitraeume(verbindung, schluessel: str, gebiet_id: int) -> list[str]:
    from sqlalchemy import select

    from modelle.kennzahlen import Kennzahl, Kennzahlwert as W

    definition = katalog.KATALOG[schluessel]
    grundzahl = katalog.auswahl_lesen(definition.zaehler).kennzahl if definition.art == "anteil" else schluessel
    abfrage = (select(W.zeitraum).distinct().join(Kennzahl, Kennzahl.id == W.kennzahl_id)
               .where(Kennzahl.schluessel == grundzahl, W.gebiet_id == gebiet_id).order_by(W.zeitraum))
    return list(verbindung.execute(abfrage).scalars())


def zeitreihe(arbeit, kennzahl: str, gebiet: str, *, merkmal: str = "", schwelle: int | None = None) -> Sicht:
    """Die Kennzahl für ein Gebiet über alle Zeiträume, in denen ein Zähler vorliegt, aufsteigend.

    ``schwelle`` (Geheimhaltung) kommt sonst aus den Einstellungen der Arbeit.
    """
    verbindung, schwelle = verbindung_von(arbeit), schwelle_von(arbeit, schwelle)
    _kennzahl(verbindung, kennzahl)
    gebiete = _gebiete(verbindung, [gebiet])
    orte = [(gebiet, t) for t in _zeitraeume(verbindung, kennzahl, gebiete[gebiet][0])]
    return _sicht(verbindung, kennzahl, orte, gebiete, None, merkmal, None, schwelle)


def vergleich(arbeit, kennzahl: str, zeitraum: str, gebiete: list[str], *, merkmal: str = "",
              schwelle: int | None = None) -> Sicht:
    """Die Kennzahl in einem Zeitraum für die Gebiete in der gegebenen Reihenfolge (Kreis, Land, Bund, ...)."""
    verbindung, schwelle = verbindung_von(arbeit), schwelle_von(arbeit, schwelle)
    _kennzahl(verbindung, kennzahl)
    gefunden = _gebiete(verbindung, gebiete)
    return _sicht(verbindung, kennzahl, [(g, zeitraum) for g in gebiete], gefunden, zeitraum, merkmal, None, schwelle)


def teilgebiete_vergleichen(arbeit, kennzahl: str, zeitraum: str, oben: str, ebene: str, *,
                            merkmal: str = "", schwelle: int | None = None) -> Sicht:
    """Die Gemeinden (``ebene="gemeinde"``) oder Schulen (``"schule"``) unter ``oben``, nach Namen.

    Schulen eines Kreises sind die Schulen seiner Gemeinden. Die Summe von ``oben`` gilt als
    bekannt (sie steht in anderen Sichten): eine einzelne verborgene Zelle wird sekundär gedeckt.
    """
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    verbindung, schwelle = verbindung_von(arbeit), schwelle_von(arbeit, schwelle)
    _kennzahl(verbindung, kennzahl)
    oberes = _gebiete(verbindung, [oben])
    unter = select(Gebiet.id).where(Gebiet.ueber_id == oberes[oben][0])
    bedingung = Gebiet.ueber_id == oberes[oben][0]
    if ebene == "schule":
        bedingung = bedingung | Gebiet.ueber_id.in_(unter)
    teile = [z.schluessel for z in verbindung.execute(select(Gebiet.schluessel, Gebiet.name)
                                                      .where(bedingung, Gebiet.ebene == ebene).order_by(Gebiet.name))]
    gebiete = {**oberes, **_gebiete(verbindung, teile)} if teile else oberes
    return _sicht(verbindung, kennzahl, [(t, zeitraum) for t in teile], gebiete, zeitraum, merkmal, (oben, teile),
                  schwelle)
