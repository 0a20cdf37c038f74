"""Der Bildungsbericht: für ein Handlungsfeld, für den ganzen Kreis, als Gemeindeprofil – HTML und PDF.

Drei Arten (``ARTEN``):

- **Feld** (``feldbericht``): Zustand und Verlauf eines Handlungsfeldes, Ziele und Maßnahmen
  mit ihrem Fortschritt, die verknüpften Kennzahlen mit Diagrammen, Quellen und Datenstand.
- **Kreis** (``kreisbericht``): alle Handlungsfelder im Überblick und alle Kennzahlen, für die
  Werte des Kreises vorliegen.
- **Gemeinde** (``gemeindeprofil``): die Kennzahlen einer Gemeinde (AGS ``03453xxx``) gegen
  Kreis und Land, ihre Schulen – der Dienst des Bildungsbüros für Städte und Gemeinden.

Jede Zahl kommt aus den Sichten von ``monitoring.vergleiche`` (schon geheimgehalten) und
steht mit ihrer Bezugsgröße da; jedes Diagramm (``monitoring.diagramme``) hat eine
Textalternative und eine Tabelle mit denselben Zahlen. Das HTML ist barrierearm
(``lang="de"``, Überschriften in Reihenfolge, Tabellen mit ``caption`` und ``th scope``,
Diagramme als eingebettetes SVG mit ``alt`` und ``figcaption``) und eigenständig: eine Datei,
die man weitergeben kann. Das PDF setzt WeasyPrint aus demselben HTML.

``bericht_schreiben`` liest in einer Arbeitseinheit (``Umgebung.lesen()`` genügt: es wird nie
in die Datenbank geschrieben), schreibt die Dateien und gibt ihre Pfade zurück. Fehlen
WeasyPrints Systembibliotheken (Pango), steht das HTML trotzdem da, und ``pdf_fehlt`` sagt,
wie man sie installiert.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from monitoring import katalog
from monitoring.diagramme import Diagramm, balken_zeichnen, gezeigt, zeitreihe_zeichnen
from monitoring.vergleiche import FEHLT, Quelle, Sicht
from prozess.fehler import Eingabefehler, NichtGefunden

ARTEN = ("feld", "kreis", "gemeinde")
VORLAGEN = {"feld": "bericht/feld.html.j2", "kreis": "bericht/kreis.html.j2", "gemeinde": "bericht/gemeinde.html.j2"}
SYSTEMBIBLIOTHEKEN = "apt-get install libpango-1.0-0 libpangoft2-1.0-0"


# --- Inhalt des Berichts (schlichte Daten für die Vorlage) ----------------------------------------


@dataclass(frozen=True)
class Tabelle:
    """Eine Datentabelle: ``beschriftung`` wird zur ``caption``, die erste Spalte sind Zeilenköpfe."""

    beschriftung: str
    spalten: list[str]
    zeilen: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Abbildung:
    """Ein Diagramm und die Tabelle mit denselben Zahlen."""

    diagramm: Diagramm
    tabelle: Tabelle


@dataclass(frozen=True)
class Kennzahlabschnitt:
    schluessel: str
    name: str
    bezug: str
    formel: str
    bezugszeitraum: str
    beschreibung: str
    abbildungen: list[Abbildung]
    hinweis: str = ""


@dataclass(frozen=True)
class Schritteintrag:
    datum: str
    schritt: str
    von: str
    nach: str
    begruendung: str


@dataclass(frozen=True)
class Zielpunkt:
    """Ein Ziel oder eine Maßnahme im Zielbaum, mit den Punkten darunter."""

    ebene: str
    titel: str
    status: str = ""
    frist: str = ""
    zustaendig: str = ""
    unter: list["Zielpunkt"] = field(default_factory=list)


@dataclass(frozen=True)
class Fortschritt:
    gesamt: int
    erledigt: int

    @property
    def prozent(self) -> int | None:
        return round(100 * self.erledigt / self.gesamt) if self.gesamt else None


@dataclass(frozen=True)
class Feldteil:
    id: int
    titel: str
    beschreibung: str
    zustand: str
    seit: str
    runde: int
    fortschritt: Fortschritt
    verlauf: list[Schritteintrag]
    ziele: list[Zielpunkt]
    massnahmen: Tabelle | None
    datengrundlagen: list[str]
    kennzahlen: list[str]


@dataclass(frozen=True)
class Quellenzeile:
    quelle: str
    datei: str
    stand: str
    importiert: str


@dataclass
class Berichtsinhalt:
    art: str
    titel: str
    dateiname: str
    landkreis: str
    buero: str
    erstellt: str
    schwelle: int
    datenstand: str = ""
    einleitung: str = ""
    feld: Feldteil | None = None
    felder: list[Feldteil] = field(default_factory=list)
    kennzahlen: list[Kennzahlabschnitt] = field(default_factory=list)
    ohne_werte: list[str] = field(default_factory=list)
    schulen: Tabelle | None = None
    quellen: list[Quellenzeile] = field(default_factory=list)


@dataclass(frozen=True)
class Berichtsdateien:
    """Was geschrieben wurde: das HTML immer, das PDF wenn möglich (sonst sagt ``pdf_fehlt`` warum)."""

    titel: str
    html: Path
    pdf: Path | None
    pdf_fehlt: str | None = None


# --- Kennzahlen: Sichten, Diagramme, Tabellen -------------------------------------------------------


class _Sammler:
    """Hält Arbeit, Einstellungen und die Quellen aller gezeigten Zahlen (für Quellenliste und Datenstand)."""

    def __init__(self, arbeit):
        self.arbeit = arbeit
        self.quellen: dict[tuple, Quelle] = {}

    def merken(self, sicht: Sicht) -> Sicht:
        for q in sicht.quellen:
            self.quellen.setdefault((q.quelle, q.datei, q.stand), q)
        return sicht

    def zeitreihe(self, kennzahl: str, gebiet: str) -> Sicht:
        from monitoring.vergleiche import zeitreihe

        return self.merken(zeitreihe(self.arbeit, kennzahl, gebiet))

    def vergleich(self, kennzahl: str, zeitraum: str, gebiete: list[str]) -> Sicht:
        from monitoring.vergleiche import vergleich

        return self.merken(vergleich(self.arbeit, kennzahl, zeitraum, gebiete))

    def teilgebiete(self, kennzahl: str, zeitraum: str, oben: str, ebene: str) -> Sicht:
        from monitoring.vergleiche import teilgebiete_vergleichen

        return self.merken(teilgebiete_vergleichen(self.arbeit, kennzahl, zeitraum, oben, ebene))


def _verbindung(arbeit):
    from monitoring.verbindung import verbindung_von

    return verbindung_von(arbeit)


def _grundzahl(schluessel: str) -> str:
    definition = katalog.KATALOG[schluessel]
    return katalog.auswahl_lesen(definition.zaehler).kennzahl if definition.art == "anteil" else schluessel


def _zeitraeume(arbeit, kennzahl: str, gebiete: list[str]) -> list[str]:
    """Die Zeiträume, in denen für eines der Gebiete ein Zähler der Kennzahl vorliegt, aufsteigend."""
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet, Kennzahl, Kennzahlwert as W

    if not gebiete:
        return []
    abfrage = (select(W.zeitraum).distinct().join(Kennzahl, Kennzahl.id == W.kennzahl_id)
               .join(Gebiet, Gebiet.id == W.gebiet_id)
               .where(Kennzahl.schluessel == _grundzahl(kennzahl), Gebiet.schluessel.in_(gebiete))
               .order_by(W.zeitraum))
    return list(_verbindung(arbeit).execute(abfrage).scalars())


def _unter(arbeit, oben: str, ebene: str) -> list[tuple[str, str]]:
    """(Schlüssel, Name) der Gemeinden eines Kreises oder der Schulen einer Gemeinde/eines Kreises."""
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    verbindung = _verbindung(arbeit)
    oben_id = verbindung.execute(select(Gebiet.id).where(Gebiet.schluessel == oben)).scalar_one_or_none()
    if oben_id is None:
        return []
    bedingung = Gebiet.ueber_id == oben_id
    if ebene == "schule":
        bedingung = bedingung | Gebiet.ueber_id.in_(select(Gebiet.id).where(Gebiet.ueber_id == oben_id))
    return [tuple(z) for z in verbindung.execute(select(Gebiet.schluessel, Gebiet.name)
                                                 .where(bedingung, Gebiet.ebene == ebene).order_by(Gebiet.name))]


def _vorhanden(arbeit, gebiete: list[str]) -> list[str]:
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    da = set(_verbindung(arbeit).execute(select(Gebiet.schluessel).where(Gebiet.schluessel.in_(gebiete))).scalars())
    return [g for g in gebiete if g in da]


def _zelle(wert) -> str:
    return gezeigt(wert)


def _grundzahl_text(zahl: float | None, wert) -> str:
    from monitoring import darstellung

    if wert.verborgen:
        return darstellung.VERBORGEN
    return darstellung.zahl_text(zahl) if zahl is not None else FEHLT


def _zeitreihen_tabelle(sichten: list[Sicht], beschriftung: str) -> Tabelle:
    """Zeiträume untereinander, Gebiete nebeneinander; bei Anteilen nach dem ersten Gebiet sein Zähler und Nenner."""
    zeitraeume = sorted({w.zeitraum for s in sichten for w in s.werte})
    namen = [s.werte[0].gebiet_name for s in sichten]
    anteil = sichten[0].kennzahl.art == "anteil"
    spalten = ["Zeitraum", namen[0]]
    if anteil:
        spalten += [f"Zähler ({namen[0]})", f"Nenner ({namen[0]})"]
    zeilen = []
    for t in zeitraeume:
        zellen = []
        for i, s in enumerate(sichten):
            wert = next((w for w in s.werte if w.zeitraum == t), None)
            zellen.append(_zelle(wert) if wert is not None else FEHLT)
            if i == 0 and anteil:
                zellen += ([_grundzahl_text(wert.zaehler, wert), _grundzahl_text(wert.nenner, wert)]
                           if wert is not None else [FEHLT, FEHLT])
        zeilen.append((t, zellen))
    return Tabelle(beschriftung, spalten + namen[1:], zeilen)


def _vergleichs_tabelle(sicht: Sicht, beschriftung: str, kopf: str) -> Tabelle:
    if sicht.kennzahl.art == "anteil":
        spalten = [kopf, "Anteil", "Zähler", "Nenner (Bezugsgröße)"]
        zeilen = [(w.gebiet_name, [_zelle(w), _grundzahl_text(w.zaehler, w), _grundzahl_text(w.nenner, w)])
                  for w in sicht.werte]
    else:
        spalten = [kopf, sicht.kennzahl.einheit or "Wert"]
        zeilen = [(w.gebiet_name, [_zelle(w)]) for w in sicht.werte]
    return Tabelle(beschriftung, spalten, zeilen)


def _mit_werten(sicht: Sicht) -> bool:
    return any(w.text != FEHLT for w in sicht.werte)


def _kennzahlabschnitt(sammler: _Sammler, schluessel: str, *, gebiet: str, vergleichsgebiete: list[str],
                       teilvergleiche: list[tuple[str, str, str]], hervorheben: str | None = None,
                       balken_gebiete: list[str] | None = None, gebiet_name: str = "") -> Kennzahlabschnitt:
    """Ein Abschnitt je Kennzahl: Zeitreihe ``gebiet`` gegen ``vergleichsgebiete``, dazu Balkenvergleiche.

    ``teilvergleiche``: (oben, ebene, Spaltenkopf), z. B. die Gemeinden des Kreises.
    ``balken_gebiete``: ein Balkenvergleich im letzten Zeitraum (die Gemeinde gegen Kreis und Land).
    """
    definition = katalog.KATALOG[schluessel]
    arbeit = sammler.arbeit
    abbildungen: list[Abbildung] = []
    ebenen = set(definition.ebenen)
    alle = [gebiet, *vergleichsgebiete]
    reihen = [r for r in (sammler.zeitreihe(schluessel, g) for g in _vorhanden(arbeit, alle)) if r.werte]
    if any(_mit_werten(r) for r in reihen):
        d = zeitreihe_zeichnen(reihen)
        abbildungen.append(Abbildung(d, _zeitreihen_tabelle(reihen, f"{definition.name}: Zeitreihe")))
    if balken_gebiete:
        gebiete = _vorhanden(arbeit, balken_gebiete)
        zeitraeume = _zeitraeume(arbeit, schluessel, gebiete)
        if zeitraeume:
            sicht = sammler.vergleich(schluessel, zeitraeume[-1], gebiete)
            if _mit_werten(sicht):
                d = balken_zeichnen(sicht, hervorheben=hervorheben)
                abbildungen.append(Abbildung(d, _vergleichs_tabelle(
                    sicht, f"{definition.name}: Vergleich {zeitraeume[-1]}", "Gebiet")))
    for oben, ebene, kopf in teilvergleiche:
        if ebene not in ebenen:
            continue
        teile = [s for s, _ in _unter(arbeit, oben, ebene)]
        zeitraeume = _zeitraeume(arbeit, schluessel, teile)
        if not zeitraeume:
            continue
        sicht = sammler.teilgebiete(schluessel, zeitraeume[-1], oben, ebene)
        if not _mit_werten(sicht):
            continue
        d = balken_zeichnen(sicht, titel=f"{definition.name} – {kopf} im Vergleich")
        abbildungen.append(Abbildung(d, _vergleichs_tabelle(
            sicht, f"{definition.name}: {kopf} im Vergleich, {zeitraeume[-1]}", kopf[:-1] if kopf.endswith("n")
            else kopf)))
    bezug = f"Anteil an: {definition.bezugsgroesse}" if definition.art == "anteil" else ""
    hinweis = "" if abbildungen else "Für diese Kennzahl liegen noch keine Werte vor."
    if abbildungen and gebiet_name and not any(r.werte and r.werte[0].gebiet == gebiet and _mit_werten(r)
                                                for r in reihen):
        hinweis = f"Für {gebiet_name} selbst liegen keine Werte dieser Kennzahl vor."
    return Kennzahlabschnitt(schluessel, definition.name, bezug, definition.formel, definition.bezugszeitraum,
                             definition.beschreibung, abbildungen, hinweis)


def _kreis_abschnitt(sammler: _Sammler, schluessel: str, kreis: str, vergleich_kreise: list[str]) -> Kennzahlabschnitt:
    land = kreis[:2]
    from monitoring.gebiete import DEUTSCHLAND

    return _kennzahlabschnitt(sammler, schluessel, gebiet=kreis, vergleichsgebiete=[land, DEUTSCHLAND, *vergleich_kreise],
                              teilvergleiche=[(kreis, "gemeinde", "Gemeinden"), (kreis, "schule", "Schulen")])


# --- Gemeinsame Teile ---------------------------------------------------------------------------------


def kreis_gebiet(arbeit) -> tuple[str, str] | None:
    """(AGS, Name) des Landkreises dieser Installation, aus der Organisationsdatei; ``None`` ohne ``ags``."""
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet
    from modelle.tabellen import Landkreis

    verbindung = _verbindung(arbeit)
    name = verbindung.execute(select(Landkreis.name).order_by(Landkreis.id)).scalars().first()
    kreise = verbindung.execute(select(Gebiet.schluessel, Gebiet.name).where(Gebiet.ebene == "landkreis")
                                .order_by(Gebiet.schluessel)).all()
    for schluessel, gebiet_name in kreise:
        if gebiet_name == name:
            return schluessel, gebiet_name
    # Die Organisationsdatei trägt ihre Gemeinden unter dem Kreis ein; importierte Kreise haben meist keine.
    mit_gemeinden = [tuple(z) for z in verbindung.execute(
        select(Gebiet.schluessel, Gebiet.name).where(Gebiet.ebene == "landkreis", Gebiet.id.in_(
            select(Gebiet.ueber_id).where(Gebiet.ebene == "gemeinde")))).all()]
    return mit_gemeinden[0] if len(mit_gemeinden) == 1 else None


def _zeit(arbeit, zeitpunkt: datetime) -> str:
    from prozess.zeit import zeitpunkt_de

    return zeitpunkt_de(zeitpunkt, arbeit.einstellungen.zeitzone)


def _datum(arbeit, zeitpunkt: datetime) -> str:
    from prozess.zeit import datum_de

    return datum_de(zeitpunkt.astimezone(arbeit.einstellungen.zeitzone).date())


def _grund(arbeit, art: str, titel: str, dateiname: str) -> Berichtsinhalt:
    from prozess.grundkontext import grundkontext
    from monitoring.verbindung import schwelle_von

    grund = grundkontext(arbeit.db)
    return Berichtsinhalt(art=art, titel=titel, dateiname=dateiname, landkreis=grund["landkreis"],
                          buero=grund["buero"]["name"], erstellt=_zeit(arbeit, arbeit.jetzt),
                          schwelle=schwelle_von(arbeit, None))


def _abschliessen(arbeit, inhalt: Berichtsinhalt, sammler: _Sammler) -> Berichtsinhalt:
    quellen = sorted(sammler.quellen.values(), key=lambda q: (q.importiert_am, q.datei))
    inhalt.quellen = [Quellenzeile(q.quelle, q.datei, q.stand or "–", _zeit(arbeit, q.importiert_am)) for q in quellen]
    if quellen:
        inhalt.datenstand = (f"Datenstand: Werte aus {len(quellen)} "
                             f"{'Datei' if len(quellen) == 1 else 'Dateien'}, zuletzt importiert am "
                             f"{_datum(arbeit, quellen[-1].importiert_am)}; der Stand jeder Quelle steht im "
                             "Quellenverzeichnis.")
    else:
        inhalt.datenstand = "Datenstand: Es liegen noch keine importierten Werte vor."
    return inhalt


def _feldteil(arbeit, feld_id: int) -> Feldteil:
    from prozess.ansichten.handlungsfelder import handlungsfeld_ansicht
    from prozess.ansichten.ziele import massnahmen_liste, zielbaum
    from prozess.zyklus import SCHRITT_NACH_NAME
    from monitoring.verknuepfung import kennzahlen_des_feldes

    ansicht = handlungsfeld_ansicht(arbeit, feld_id)
    verlauf = [Schritteintrag(_datum(arbeit, v.zeitpunkt),
                              SCHRITT_NACH_NAME[v.schritt].bezeichnung if v.schritt in SCHRITT_NACH_NAME else "Angelegt",
                              v.von or "–", v.nach, v.begruendung) for v in ansicht.verlauf]
    massnahmen = massnahmen_liste(arbeit, feld_id, grenze=None).eintraege
    zaehlend = [m for m in massnahmen if m.status != "abgebrochen"]
    fortschritt = Fortschritt(len(zaehlend), sum(1 for m in zaehlend if m.status == "erledigt"))
    tabelle = None
    if massnahmen:
        from prozess.zeit import datum_de

        tabelle = Tabelle(f"Maßnahmen im Handlungsfeld »{ansicht.titel}«", ["Maßnahme", "Status", "Frist", "Zuständig"],
                          [(m.titel, [m.status_bezeichnung, datum_de(m.frist) if m.frist else "–",
                                      _stelle(m)]) for m in massnahmen])
    return Feldteil(
        id=ansicht.id, titel=ansicht.titel, beschreibung=ansicht.beschreibung,
        zustand=ansicht.zustand_bezeichnung, seit=_datum(arbeit, ansicht.zustand_seit), runde=ansicht.runde,
        fortschritt=fortschritt, verlauf=verlauf, ziele=_zielpunkte(zielbaum(arbeit, feld_id)),
        massnahmen=tabelle,
        datengrundlagen=[f"{d.titel}" + (f" ({d.quelle})" if d.quelle else "") for d in ansicht.datengrundlagen],
        kennzahlen=kennzahlen_des_feldes(arbeit, feld_id),
    )


def _stelle(massnahme) -> str:
    """Die zuständige Stelle, nicht die Person: ein Bericht wird weitergegeben (Datensparsamkeit)."""
    if massnahme.verantwortlich is None:
        return "noch offen"
    return massnahme.verantwortlich_stelle or "zugeordnet (ohne Angabe der Stelle)"


def _zielpunkte(knoten) -> list[Zielpunkt]:
    from prozess.zeit import datum_de

    wurzeln: list[Zielpunkt] = []
    stapel: list[tuple[int, Zielpunkt]] = []
    for k in knoten:
        m = k.massnahme
        punkt = Zielpunkt(k.ebene_bezeichnung, k.titel) if m is None else Zielpunkt(
            "Maßnahme", k.titel, m.status_bezeichnung, datum_de(m.frist) if m.frist else "", _stelle(m))
        while stapel and stapel[-1][0] >= k.tiefe:
            stapel.pop()
        (stapel[-1][1].unter if stapel else wurzeln).append(punkt)
        stapel.append((k.tiefe, punkt))
    return wurzeln


def _katalogfolge(schluessel: set[str]) -> list[str]:
    return [k for k in katalog.KATALOG if k in schluessel]


# --- Die drei Arten -----------------------------------------------------------------------------------


def feldbericht(arbeit, feld_id: int, *, vergleich_kreise: list[str] = ()) -> Berichtsinhalt:
    """Der Bericht zu einem Handlungsfeld (siehe Moduldokumentation)."""
    feld = _feldteil(arbeit, feld_id)
    inhalt = _grund(arbeit, "feld", f"Bildungsbericht: {feld.titel}", f"bildungsbericht-feld-{feld_id}")
    inhalt.feld = feld
    sammler = _Sammler(arbeit)
    kreis = kreis_gebiet(arbeit)
    _vergleichskreise_pruefen(arbeit, vergleich_kreise)
    if kreis is None and feld.kennzahlen:
        inhalt.einleitung = _OHNE_KREIS
    elif kreis is not None:
        inhalt.kennzahlen = [_kreis_abschnitt(sammler, k, kreis[0], list(vergleich_kreise)) for k in feld.kennzahlen]
    return _abschliessen(arbeit, inhalt, sammler)


_OHNE_KREIS = ("Für Kennzahlen fehlt der amtliche Schlüssel des Landkreises: ergänzen Sie in der "
               "Organisationsdatei [landkreis] ags (z. B. ags = \"03453\") und laden Sie sie neu "
               "(»bildungsbuero organisation laden DATEI«).")


def _vergleichskreise_pruefen(arbeit, kreise) -> None:
    from monitoring.gebiete import ebene_aus_schluessel

    for k in kreise:
        if ebene_aus_schluessel(k) != "landkreis":
            raise Eingabefehler(f"--vergleich: »{k}« ist kein Kreisschlüssel mit fünf Stellen (z. B. 03454).")
    fehlend = [k for k in kreise if k not in _vorhanden(arbeit, list(kreise))]
    if fehlend:
        raise NichtGefunden(f"--vergleich: den Kreis »{fehlend[0]}« gibt es in den Daten nicht; Kreise kommen mit "
                            "importierten amtlichen Dateien (»bildungsbuero daten import DATEI«).")


def kreisbericht(arbeit, *, vergleich_kreise: list[str] = ()) -> Berichtsinhalt:
    """Der Bericht über den ganzen Kreis: alle Handlungsfelder, alle Kennzahlen mit Werten des Kreises."""
    from prozess.ansichten.handlungsfelder import handlungsfelder_liste

    kreis = kreis_gebiet(arbeit)
    _vergleichskreise_pruefen(arbeit, vergleich_kreise)
    from prozess.grundkontext import grundkontext

    name = kreis[1] if kreis else grundkontext(arbeit.db)["landkreis"]
    inhalt = _grund(arbeit, "kreis", f"Bildungsbericht {name}", "bildungsbericht-kreis")
    inhalt.felder = [_feldteil(arbeit, f.id) for f in handlungsfelder_liste(arbeit, grenze=None).eintraege]
    sammler = _Sammler(arbeit)
    if kreis is None:
        inhalt.einleitung = _OHNE_KREIS
        return _abschliessen(arbeit, inhalt, sammler)
    verknuepft = {k for f in inhalt.felder for k in f.kennzahlen}
    kandidaten = _katalogfolge(verknuepft | {d.schluessel for d in katalog.ANTEILE})
    for schluessel in kandidaten:
        if schluessel not in verknuepft and not _zeitraeume(arbeit, schluessel, [kreis[0]]):
            inhalt.ohne_werte.append(katalog.KATALOG[schluessel].name)
            continue
        inhalt.kennzahlen.append(_kreis_abschnitt(sammler, schluessel, kreis[0], list(vergleich_kreise)))
    return _abschliessen(arbeit, inhalt, sammler)


def gemeindeprofil(arbeit, ags: str) -> Berichtsinhalt:
    """Das Profil einer Gemeinde: ihre Kennzahlen gegen Kreis und Land, ihre Schulen."""
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    kreis = kreis_gebiet(arbeit)
    gemeinden = _unter(arbeit, kreis[0], "gemeinde") if kreis else []
    if not (isinstance(ags, str) and ags.isdigit() and len(ags) == 8):
        raise Eingabefehler(f"»{ags}« ist kein Gemeindeschlüssel: erwartet werden acht Ziffern, z. B. "
                            f"{gemeinden[0][0] if gemeinden else '03453011'}.")
    gemeinde = _verbindung(arbeit).execute(select(Gebiet.schluessel, Gebiet.name)
                                           .where(Gebiet.schluessel == ags, Gebiet.ebene == "gemeinde")).first()
    if gemeinde is None:
        bekannt = ", ".join(f"{s} {n}" for s, n in gemeinden) or "keine (Organisationsdatei: [[gemeinde]])"
        raise NichtGefunden(f"Die Gemeinde {ags} gibt es nicht. Gemeinden des Kreises: {bekannt}.")
    inhalt = _grund(arbeit, "gemeinde", f"Gemeindeprofil {gemeinde.name}", f"gemeindeprofil-{ags}")
    inhalt.einleitung = (f"Das Profil zeigt die Kennzahlen der Gemeinde {gemeinde.name} (AGS {ags}) im Vergleich "
                         f"mit dem {kreis[1] if kreis else 'Kreis'} und dem Land, und ihre Schulen.")
    sammler = _Sammler(arbeit)
    oben = [ags[:5], ags[:2]]
    schulen = _unter(arbeit, ags, "schule")
    if schulen:
        inhalt.schulen = Tabelle(f"Schulen in {gemeinde.name}", ["Schule", "Schulnummer"],
                                 [(n, [s.removeprefix("schule:")]) for s, n in schulen])
    for definition in katalog.KATALOG.values():
        if definition.art != "anteil" or not {"gemeinde", "schule"} & set(definition.ebenen):
            continue
        eigene = "gemeinde" in definition.ebenen and _zeitraeume(arbeit, definition.schluessel, [ags, *oben])
        an_schulen = "schule" in definition.ebenen and _zeitraeume(arbeit, definition.schluessel,
                                                                    [s for s, _ in schulen])
        if not (eigene or an_schulen):
            inhalt.ohne_werte.append(definition.name)
            continue
        inhalt.kennzahlen.append(_kennzahlabschnitt(
            sammler, definition.schluessel, gebiet=ags, vergleichsgebiete=oben if eigene else [],
            teilvergleiche=[(ags, "schule", "Schulen")], hervorheben=ags,
            balken_gebiete=[ags, *oben] if eigene else None, gebiet_name=gemeinde.name))
    return _abschliessen(arbeit, inhalt, sammler)


# --- Darstellen und schreiben -------------------------------------------------------------------------


def html_darstellen(inhalt: Berichtsinhalt) -> str:
    """Das barrierearme HTML des Berichts (eine Datei, Diagramme eingebettet)."""
    from benachrichtigungen.darstellung import vorlagen_umgebung

    from monitoring.darstellung import VERBORGEN
    from monitoring.werte import KENNZEICHEN, ZEICHEN

    return vorlagen_umgebung().get_template(VORLAGEN[inhalt.art]).render(
        b=inhalt, verborgen=VERBORGEN, zeichen=ZEICHEN, kennzeichen=KENNZEICHEN)


def _weasyprint_laden():
    import weasyprint

    return weasyprint


def pdf_schreiben(html: str, pfad: Path, laden: Callable = _weasyprint_laden) -> str | None:
    """Setzt das PDF mit WeasyPrint; gibt ``None`` zurück oder die Meldung, warum es nicht ging.

    ``laden`` liefert das Modul ``weasyprint`` (in Tests ein Ladeglied, dessen Import scheitert).
    Geschrieben wird erst in eine Nachbardatei, dann umbenannt: ein halbes PDF bleibt nie liegen.
    """
    try:
        weasyprint = laden()
    except OSError as fehler:  # cffi findet Pango/GObject nicht
        grund = str(fehler).strip().splitlines()[0] if str(fehler).strip() else type(fehler).__name__
        return (f"Das PDF wurde nicht erzeugt: WeasyPrint findet seine Systembibliotheken nicht ({grund}). "
                f"Installieren Sie sie, unter Debian/Ubuntu mit »{SYSTEMBIBLIOTHEKEN}«, und rufen Sie den "
                "Befehl erneut auf (oder nehmen Sie --nur-html).")
    except ImportError as fehler:
        return (f"Das PDF wurde nicht erzeugt: das Python-Paket weasyprint fehlt ({fehler}). Installieren Sie "
                "die Engine neu (»make .venv/.installiert« oder »pip install weasyprint«) und dazu "
                f"die Systembibliotheken (»{SYSTEMBIBLIOTHEKEN}«).")
    zwischen = pfad.with_name(f".{pfad.name}.{os.getpid()}.tmp")
    try:
        weasyprint.HTML(string=html, base_url=str(pfad.parent)).write_pdf(zwischen)
        os.replace(zwischen, pfad)
    finally:
        zwischen.unlink(missing_ok=True)
    return None


def bericht_erstellen(arbeit, art: str, *, feld_id: int | None = None, ags: str | None = None,
                      vergleich_kreise: list[str] = ()) -> Berichtsinhalt:
    """Der Inhalt eines Berichts der Art ``feld`` (mit ``feld_id``), ``kreis`` oder ``gemeinde`` (mit ``ags``)."""
    if art == "feld":
        if feld_id is None:
            raise Eingabefehler("Ein Feldbericht braucht die Nummer des Handlungsfeldes.")
        return feldbericht(arbeit, feld_id, vergleich_kreise=list(vergleich_kreise))
    if art == "kreis":
        return kreisbericht(arbeit, vergleich_kreise=list(vergleich_kreise))
    if art == "gemeinde":
        if ags is None:
            raise Eingabefehler("Ein Gemeindeprofil braucht den Gemeindeschlüssel (AGS), z. B. 03453011.")
        return gemeindeprofil(arbeit, ags)
    raise Eingabefehler(f"Unbekannte Art »{art}«; möglich: {', '.join(ARTEN)}.")


def bericht_schreiben(arbeit, art: str, ziel: str | Path, *, feld_id: int | None = None, ags: str | None = None,
                      vergleich_kreise: list[str] = (), nur_html: bool = False,
                      weasyprint_laden: Callable = _weasyprint_laden) -> Berichtsdateien:
    """Erstellt den Bericht und schreibt ``ziel/NAME.html`` und (ohne ``nur_html``) ``ziel/NAME.pdf``.

    Liest nur; ``Umgebung.lesen()`` genügt. Fehlt WeasyPrint oder seine Systembibliotheken,
    ist das HTML geschrieben, ``pdf`` ist ``None`` und ``pdf_fehlt`` sagt, was zu tun ist.
    """
    inhalt = bericht_erstellen(arbeit, art, feld_id=feld_id, ags=ags, vergleich_kreise=vergleich_kreise)
    html = html_darstellen(inhalt)
    verzeichnis = Path(ziel)
    if verzeichnis.exists() and not verzeichnis.is_dir():
        raise Eingabefehler(f"{verzeichnis} ist eine Datei, kein Verzeichnis. Wählen Sie mit --ziel ein Verzeichnis "
                            "(es wird angelegt, wenn es fehlt).")
    try:
        verzeichnis.mkdir(parents=True, exist_ok=True)
        html_pfad = verzeichnis / f"{inhalt.dateiname}.html"
        html_pfad.write_text(html, encoding="utf-8")
    except OSError as fehler:
        raise Eingabefehler(f"In {verzeichnis} kann der Bericht nicht geschrieben werden ({fehler.strerror or fehler}). "
                            "Wählen Sie mit --ziel ein beschreibbares Verzeichnis.") from None
    if nur_html:
        return Berichtsdateien(inhalt.titel, html_pfad, None)
    pdf_pfad = verzeichnis / f"{inhalt.dateiname}.pdf"
    fehlt = pdf_schreiben(html, pdf_pfad, weasyprint_laden)
    return Berichtsdateien(inhalt.titel, html_pfad, None if fehlt else pdf_pfad, fehlt)
