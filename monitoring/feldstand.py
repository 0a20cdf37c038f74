"""Der Kennzahlenstand eines Handlungsfeldes: je verknüpfter Kennzahl der neueste Wert und sein Trend.

Eine kleine Sicht für alle, die ein Feld mit Zahlen zeigen (CLI, Statusbericht, Einladung,
Webseite des Feldes, Bericht) und für den Wächter des Schritts ``daten_zusammenstellen``.
Sie rechnet nichts selbst: die Zahlen kommen aus ``monitoring.vergleiche`` (``zeitreihe``
für den Kreis, ``vergleich`` für den neuesten Zeitraum mit dem Land), sind also schon
geheimgehalten und tragen ihren Text (``8,3 %``, ``•``, ``k. A.``).

``feldstand(arbeit, feld_id)`` gibt je Kennzahl einen ``Kennzahlstand``:

- ``aktuell``: der Wert des neuesten Zeitraums, für den der Kreis einen Zähler hat;
  ``land``: das Land im selben Zeitraum (``None``, wenn es dort keinen Wert gibt);
- ``vorher``: der Vergleichswert – mit ``seit`` (Zeitpunkt des letzten Berichts) der neueste
  Zeitraum, der damals schon importiert war, sonst (oder wenn seitdem nichts Neues kam) der
  Vorzeitraum; ``vorher_bezug`` sagt, welcher es ist;
- ``trend``: ``gestiegen``, ``gesunken``, ``gleich`` oder leer (nicht vergleichbar, weil
  ein Wert fehlt oder verborgen ist); ``trend_text`` die Differenz, bei Anteilen in
  Prozentpunkten aus den gespeicherten Zählern und Nennern (``+0,4 Prozentpunkte``);
- ``bezug`` (»Anteil an: …«), die Quellen des neuesten Zeitraums mit Datei, Stand und
  Importzeit, und ``zeitraum_ende`` (das Ende des Bezugszeitraums, für das Höchstalter).

Das Gebiet ist der Landkreis der Organisation (``kreis_schluessel``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from monitoring import darstellung, katalog
from monitoring.vergleiche import FEHLT, Kennzahlsicht, Quelle, Wert, vergleich, zeitreihe
from monitoring.verbindung import verbindung_von

GESTIEGEN, GESUNKEN, GLEICH = "gestiegen", "gesunken", "gleich"
VORZEITRAUM, LETZTER_BERICHT = "vorzeitraum", "letzter_bericht"


@dataclass(frozen=True)
class Kennzahlstand:
    """Eine Kennzahl eines Feldes: neuester Wert (Kreis und Land), Vergleichswert, Trend, Quellen."""

    kennzahl: Kennzahlsicht
    bezug: str
    gebiet: str
    gebiet_name: str
    aktuell: Wert | None
    land: Wert | None = None
    vorher: Wert | None = None
    vorher_bezug: str = VORZEITRAUM
    trend: str = ""
    trend_text: str = ""
    quellen: list[Quelle] = field(default_factory=list)
    zeitraum_ende: date | None = None

    @property
    def hat_wert(self) -> bool:
        """Ob der Kreis einen Wert hat (auch einen verborgenen oder ein Zeichen der Statistik)."""
        return self.aktuell is not None

    @property
    def importiert_am(self) -> datetime | None:
        """Der späteste Import, aus dem der neueste Wert stammt."""
        return max((q.importiert_am for q in self.quellen), default=None)

    @property
    def stand(self) -> str:
        """Der Datenstand, wie ihn die Quellen angeben (``15.04.2025 / 08:41:17``), mit Komma verbunden."""
        return ", ".join(dict.fromkeys(q.stand for q in self.quellen if q.stand))

    @property
    def quellen_text(self) -> str:
        """»Quelle (Datei, Stand …)« je Import, mit Semikolon verbunden."""
        teile = []
        for q in self.quellen:
            zusatz = q.datei + (f", Stand {q.stand}" if q.stand else "") + f", importiert {q.importiert_am:%d.%m.%Y}"
            teile.append(f"{q.quelle} ({zusatz})")
        return "; ".join(dict.fromkeys(teile))

    @property
    def vergleich_text(self) -> str:
        """»+0,4 Prozentpunkte gegenüber 2022/23 (letzter Bericht)« oder leer."""
        if not self.trend or self.vorher is None:
            return ""
        wann = "Stand beim letzten Bericht" if self.vorher_bezug == LETZTER_BERICHT else "Vorzeitraum"
        if self.trend == GLEICH:
            return f"unverändert gegenüber {self.vorher.zeitraum} ({wann})"
        return f"{self.trend_text} gegenüber {self.vorher.zeitraum} ({wann}: {self.vorher.text})"


@dataclass
class Feldstand:
    """Alle Kennzahlen eines Handlungsfeldes in der Reihenfolge ihrer Verknüpfung."""

    feld_id: int
    gebiet: str | None
    kennzahlen: list[Kennzahlstand] = field(default_factory=list)


def kreis_schluessel(arbeit) -> str | None:
    """Der AGS des Landkreises der Organisation: der Kreis, unter dem die Schulen liegen.

    Amtliche Dateien bringen weitere Kreise mit; Schulen kommen nur aus der Organisationsdatei.
    Ohne Schulen der erste eingetragene Kreis; ``None``, wenn es keinen gibt.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from modelle.kennzahlen import Gebiet

    verbindung = verbindung_von(arbeit)
    gemeinde, schule = aliased(Gebiet), aliased(Gebiet)
    mit_schulen = (select(Gebiet.schluessel).join(gemeinde, gemeinde.ueber_id == Gebiet.id)
                   .join(schule, schule.ueber_id == gemeinde.id)
                   .where(Gebiet.ebene == "landkreis", schule.ebene == "schule").order_by(Gebiet.id).limit(1))
    gefunden = verbindung.execute(mit_schulen).scalar()
    if gefunden is None:
        gefunden = verbindung.execute(select(Gebiet.schluessel).where(Gebiet.ebene == "landkreis")
                                      .order_by(Gebiet.id).limit(1)).scalar()
    return gefunden


def zeitraum_ende(zeitraum: str) -> date | None:
    """Der letzte Tag eines Zeitraums: Jahr → 31.12., Schuljahr → 31.07., 1. Halbjahr → 31.01., Stichtag selbst."""
    try:
        if len(zeitraum) == 4 and zeitraum.isdigit():
            return date(int(zeitraum), 12, 31)
        if "/" in zeitraum:
            beginn = int(zeitraum[:4])
            if zeitraum.endswith("-1"):
                return date(beginn + 1, 1, 31)
            return date(beginn + 1, 7, 31)
        return date.fromisoformat(zeitraum)
    except ValueError:
        return None


def _hat_wert(wert: Wert) -> bool:
    return wert.text != FEHLT


def _differenz(definition: katalog.Definition, neu: Wert, alt: Wert) -> Decimal | None:
    """Die Differenz aus den gespeicherten Zahlen; bei Anteilen in Prozentpunkten, auf eine Stelle."""
    if neu.zahl is None or alt.zahl is None:
        return None
    if definition.art != "anteil":
        return Decimal(repr(float(neu.zaehler))) - Decimal(repr(float(alt.zaehler)))
    if not (neu.zaehler is not None and neu.nenner and alt.zaehler is not None and alt.nenner):
        return None
    teiler = Decimal(definition.nenner_teiler)

    def genau(w: Wert) -> Decimal:
        return Decimal(repr(w.zaehler)) * 100 * teiler / Decimal(repr(w.nenner))

    return (genau(neu) - genau(alt)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _trend(definition: katalog.Definition, neu: Wert, alt: Wert | None) -> tuple[str, str]:
    if alt is None:
        return "", ""
    differenz = _differenz(definition, neu, alt)
    if differenz is None:
        return "", ""
    if differenz == 0:
        return GLEICH, "±0" + (" Prozentpunkte" if definition.art == "anteil" else "")
    vorzeichen = "+" if differenz > 0 else "−"
    betrag = abs(differenz)
    if definition.art == "anteil":
        text = f"{vorzeichen}{betrag:.1f}".replace(".", ",") + " Prozentpunkte"
    else:
        text = vorzeichen + darstellung.zahl_text(float(betrag))
    return (GESTIEGEN if differenz > 0 else GESUNKEN), text


def _damals_neuester(verbindung, definition: katalog.Definition, gebiet: str, seit: datetime) -> str | None:
    """Der neueste Zeitraum des Zählers im Kreis, dessen Wert zum Zeitpunkt ``seit`` schon importiert war."""
    from sqlalchemy import func, select

    from modelle.kennzahlen import Datenimport, Gebiet, Kennzahl, Kennzahlwert as W

    grundzahl = katalog.auswahl_lesen(definition.zaehler).kennzahl if definition.art == "anteil" \
        else definition.schluessel
    return verbindung.execute(
        select(func.max(W.zeitraum)).join(Kennzahl, Kennzahl.id == W.kennzahl_id)
        .join(Gebiet, Gebiet.id == W.gebiet_id).join(Datenimport, Datenimport.id == W.import_id)
        .where(Kennzahl.schluessel == grundzahl, Gebiet.schluessel == gebiet, Datenimport.importiert_am <= seit)
    ).scalar()


def _gebietsname(verbindung, gebiet: str) -> str:
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    return verbindung.execute(select(Gebiet.name).where(Gebiet.schluessel == gebiet)).scalar() or gebiet


def kennzahlstand(arbeit, kennzahl: str, gebiet: str, *, seit: datetime | None = None,
                  land: str | None = None) -> Kennzahlstand:
    """Der Stand einer Kennzahl für ``gebiet`` (mit ``land`` zum Vergleich); siehe Moduldokumentation."""
    from prozess.fehler import NichtGefunden

    definition = katalog.KATALOG[kennzahl]
    reihe = zeitreihe(arbeit, kennzahl, gebiet)
    name = reihe.werte[0].gebiet_name if reihe.werte else _gebietsname(verbindung_von(arbeit), gebiet)
    vorhanden = [w for w in reihe.werte if _hat_wert(w)]
    if not vorhanden:
        return Kennzahlstand(reihe.kennzahl, reihe.bezug, gebiet, name, None)
    neu = vorhanden[-1]
    gebiete = [gebiet]
    if land is not None and "land" in definition.ebenen:
        gebiete.append(land)
    try:
        jetzt_sicht = vergleich(arbeit, kennzahl, neu.zeitraum, gebiete)
    except NichtGefunden:  # das Land ist (noch) nicht als Gebiet eingetragen
        jetzt_sicht = vergleich(arbeit, kennzahl, neu.zeitraum, [gebiet])
    land_wert = next((w for w in jetzt_sicht.werte[1:] if _hat_wert(w)), None)

    vorher, bezug = (vorhanden[-2] if len(vorhanden) > 1 else None), VORZEITRAUM
    if seit is not None:
        damals = _damals_neuester(verbindung_von(arbeit), definition, gebiet, seit)
        frueher = [w for w in vorhanden if damals is not None and w.zeitraum == damals and w is not neu]
        if frueher:
            vorher, bezug = frueher[0], LETZTER_BERICHT
    trend, trend_text = _trend(definition, neu, vorher)
    return Kennzahlstand(jetzt_sicht.kennzahl, jetzt_sicht.bezug, gebiet, name, jetzt_sicht.werte[0], land_wert,
                         vorher, bezug, trend, trend_text, jetzt_sicht.quellen, zeitraum_ende(neu.zeitraum))


def feldstand(arbeit, feld_id: int, *, seit: datetime | None = None, gebiet: str | None = None) -> Feldstand:
    """Der Kennzahlenstand des Feldes für den Landkreis (oder ``gebiet``); leer ohne verknüpfte Kennzahl.

    ``seit``: Zeitpunkt des letzten Berichts; der Trend vergleicht dann mit dem Stand von damals,
    sofern seitdem ein neuerer Zeitraum hinzukam.
    """
    from monitoring.gebiete import uebergeordneter_schluessel
    from monitoring.verknuepfung import kennzahlen_des_feldes

    schluessel = kennzahlen_des_feldes(arbeit, feld_id)
    gebiet = gebiet or (kreis_schluessel(arbeit) if schluessel else None)
    stand = Feldstand(feld_id, gebiet)
    if gebiet is None:
        return stand
    land = uebergeordneter_schluessel(gebiet)
    land = land if land and land.isdigit() and len(land) == 2 else None
    for kennzahl in schluessel:
        stand.kennzahlen.append(kennzahlstand(arbeit, kennzahl, gebiet, seit=seit, land=land))
    return stand


def feldstaende(arbeit, feld_ids: list[int], *, seit: datetime | None = None) -> dict[int, Feldstand]:
    """``feldstand`` für mehrere Felder; Felder ohne Kennzahl kosten eine Abfrage und fehlen im Ergebnis."""
    from sqlalchemy import select

    from modelle.kennzahlen import HandlungsfeldKennzahl as HK

    if not feld_ids:
        return {}
    mit = sorted(set(verbindung_von(arbeit).execute(
        select(HK.handlungsfeld_id).where(HK.handlungsfeld_id.in_(feld_ids)).distinct()).scalars()))
    return {fid: feldstand(arbeit, fid, seit=seit) for fid in mit}


def kennzeichen_text(wert: Wert | None) -> str:
    """``7,8 % (vorläufige Zahl)``: der Text eines Werts mit seinen Qualitätskennzeichen ausgeschrieben."""
    from monitoring.werte import KENNZEICHEN

    if wert is None:
        return ""
    kennzeichen = wert.kennzeichen or ""
    teile = [KENNZEICHEN["()"]] if "()" in kennzeichen else []
    teile += [KENNZEICHEN[b] for b in kennzeichen.replace("()", "") if b in KENNZEICHEN]
    return wert.text + (f" ({', '.join(teile)})" if teile else "")


def als_kontext(k: Kennzahlstand, zeitzone=None) -> dict:
    """Ein Kennzahlstand als schlichte Texte für Vorlagen (Statusbericht, Einladung, Webseite).

    ``wert`` und ``land_wert`` tragen die Qualitätskennzeichen ausgeschrieben (``(vorläufige Zahl)``).
    """
    importiert = k.importiert_am
    if importiert is not None and zeitzone is not None:
        importiert = importiert.astimezone(zeitzone)
    return {
        "schluessel": k.kennzahl.schluessel,
        "name": k.kennzahl.name,
        "bezug": k.bezug,
        "gebiet": k.gebiet_name,
        "zeitraum": k.aktuell.zeitraum if k.aktuell else "",
        "wert": kennzeichen_text(k.aktuell),
        "verborgen": bool(k.aktuell and k.aktuell.verborgen),
        "land": k.land.gebiet_name if k.land else "",
        "land_wert": kennzeichen_text(k.land),
        "trend": k.trend,
        "vergleich": k.vergleich_text,
        "quelle": k.quellen_text,
        "stand": k.stand,
        "importiert": f"{importiert:%d.%m.%Y}" if importiert else "",
    }


# --- Kennzahlen als Datei (Anhang der Einladung) ------------------------------------------------

CSV_DATEINAME = "kennzahlen.csv"
CSV_SPALTEN = ("TOP", "Handlungsfeld", "Kennzahl", "Gebiet", "Zeitraum", "Wert", "Zahl", "Einheit",
               "Geheimgehalten", "Land", "Wert Land", "Trend", "Vergleich", "Bezugsgröße", "Quelle", "Stand",
               "Importiert")
_FORMELANFANG = ("=", "+", "-", "@", "\t", "\r")


def _csv_zahl(wert: Wert | None) -> str:
    """Die Zahl für eine Tabellenkalkulation: Dezimalkomma, ohne Tausenderpunkt; leer, wenn verborgen."""
    if wert is None or wert.verborgen or wert.zahl is None:
        return ""
    return darstellung.zahl_text(wert.zahl).replace(".", "")


def _csv_zelle(text: str) -> str:
    """Text, den eine Tabellenkalkulation nie als Formel liest (»+0,4 Prozentpunkte« bliebe sonst #NAME?)."""
    return "'" + text if text.startswith(_FORMELANFANG) else text


def _definitionsquelle(k: Kennzahlstand) -> str:
    definition = katalog.KATALOG.get(k.kennzahl.schluessel)
    return definition.quelle if definition else ""


def kennzahlen_csv(zeilen: list[tuple[str, str, Kennzahlstand]], zeitzone=None) -> bytes:
    """Die Kennzahlen als CSV wie die Dateien der Statistikämter: UTF-8 mit BOM, ``;``, Dezimalkomma, CRLF.

    ``zeilen``: (TOP, Handlungsfeld, Stand) je Kennzahl. Jede Zeile nennt Bezugsgröße und Quelle;
    ein verborgener Wert steht als ``•`` mit leerer Zahl (``Geheimgehalten: ja``), nie als Zahl.
    """
    import csv
    import io

    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    schreiber.writerow(CSV_SPALTEN)
    for top, feld, k in zeilen:
        kontext = als_kontext(k, zeitzone)
        verborgen = bool(k.aktuell and k.aktuell.verborgen)
        zeile = [top, feld, k.kennzahl.name, k.gebiet_name, kontext["zeitraum"], kontext["wert"] or "noch kein Wert",
                 _csv_zahl(k.aktuell), k.kennzahl.einheit, "ja" if verborgen else "nein", kontext["land"],
                 kontext["land_wert"], k.trend, k.vergleich_text, k.bezug or k.kennzahl.bezugsgroesse,
                 k.quellen_text or _definitionsquelle(k), k.stand, kontext["importiert"]]
        schreiber.writerow([z if i == 6 else _csv_zelle(str(z)) for i, z in enumerate(zeile)])
    return "\ufeff".encode("utf-8") + puffer.getvalue().encode("utf-8")


# --- Kennzahl als kleines Diagramm (Statusbericht) ----------------------------------------------


def kennzahl_diagramm(arbeit, k: Kennzahlstand):
    """Die Zeitreihe der Kennzahl für den Kreis (und das Land) als kleines PNG für eine Mail.

    ``None`` ohne Wert. Die Textalternative trägt alle Zahlen (verborgene als »verborgen«), den
    Trend und die Quelle; matplotlib lädt erst hier (``monitoring.diagramme``).
    """
    from monitoring.diagramme import zeitreihe_zeichnen

    if not k.hat_wert:
        return None
    reihen = [zeitreihe(arbeit, k.kennzahl.schluessel, k.gebiet)]
    if k.land is not None:
        reihen.append(zeitreihe(arbeit, k.kennzahl.schluessel, k.land.gebiet))
    reihen = [r for r in reihen if r.werte]
    if not reihen:
        return None
    d = zeitreihe_zeichnen(reihen, png=True, svg=False, png_dpi=96, hoehe=3.0)
    trend = f" Trend: {k.trend}, {k.vergleich_text}." if k.vergleich_text else ""
    return replace(d, alt=d.alt + trend) if trend else d
