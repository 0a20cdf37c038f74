"""Diagramme des Monitorings (matplotlib): Zeitreihen und Balkenvergleiche aus den Sichten.

Gezeichnet wird, was ``monitoring.vergleiche`` liefert – schon geheimgehalten. Eine
verborgene Zelle (``•``) hat keine Zahl und bekommt darum keinen Punkt und keinen Balken;
an ihrer Stelle steht »verborgen«. Jedes Diagramm kommt als ``Diagramm`` zurück: SVG für
Berichte, auf Wunsch PNG für Mails, dazu eine Textalternative mit allen Zahlen in deutscher
Schreibweise (``8,3 %``) und die Quelle, die auch im Bild unter dem Diagramm steht.

- ``zeitreihe_zeichnen``: Liniendiagramm, ein Gebiet je Linie (Kreis gegen Land, Deutschland
  und andere Kreise), über alle Zeiträume.
- ``balken_zeichnen``: waagerechte Balken, ein Gebiet je Balken (Gemeinden oder Schulen
  untereinander, eine Gemeinde gegen Kreis und Land).

matplotlib wird erst beim ersten Zeichnen geladen (Backend Agg, ohne pyplot und ohne
globalen Zustand): die CLI startet ohne es. Die Ausgabe ist deterministisch – feste
Zufallsbasis für SVG-Kennungen, kein Datum, kein Erzeuger in den Metadaten –, so dass
gleiche Zahlen gleiche Bytes ergeben.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitoring import darstellung, katalog

if TYPE_CHECKING:
    from monitoring.vergleiche import Sicht, Wert

BREITE_ZOLL = 7.5
FARBEN = ("#005a8c", "#c25400", "#2e7d32", "#6a3d9a", "#8c564b", "#b8860b", "#00838f", "#555555")
HERVORGEHOBEN = "#c25400"
LINIENARTEN = ("-", "--", "-.", ":")
MARKEN = ("o", "s", "^", "D", "v", "P", "X", "*")
VERBORGEN_TEXT = "verborgen"
# Was ein Zeichen der Statistik in der Textalternative heißt (im Bild steht das Zeichen selbst).
ZEICHEN_WORTE = {
    "k. A.": "keine Angabe",
    ".": "unbekannt oder geheim",
    "x": "nicht sinnvoll",
    "...": "noch nicht verfügbar",
    "/": "zu unsicher",
    "–": "kein Wert (null)",
}
_RC = {
    "svg.hashsalt": "bildungsbuero",  # feste Kennungen im SVG statt zufälliger
    "svg.fonttype": "none",  # Text bleibt Text: durchsuchbar, vorlesbar, kleiner
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Diagramm:
    """Ein gezeichnetes Diagramm mit Textalternative und Quelle."""

    titel: str
    alt: str
    quelle: str
    svg: bytes
    png: bytes | None = None

    @property
    def svg_daten_url(self) -> str:
        """Das SVG als ``data:``-URL, um es in eine HTML-Datei einzubetten (``<img src=… alt=…>``)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


def gezeigt(wert: Wert) -> str:
    """Ein Wert, wie er in Tabelle und Diagramm steht: mit Kennzeichen wie in der Statistik.

    ``(7,1 %)`` heißt Aussagewert eingeschränkt, ``6,5 % p`` vorläufig; verborgen bleibt ``•``.
    """
    text = wert.text
    kennzeichen = wert.kennzeichen or ""
    if wert.zahl is None:
        return text
    if "(" in kennzeichen:
        text = f"({text})"
    buchstaben = "".join(b for b in kennzeichen if b in "prse")
    return f"{text} {buchstaben}" if buchstaben else text


def kennzeichen_worte(kennzeichen: str | None) -> list[str]:
    """Die Qualitätskennzeichen eines Werts in Worten (``p`` → »vorläufige Zahl«)."""
    from monitoring.werte import KENNZEICHEN

    if not kennzeichen:
        return []
    worte = [KENNZEICHEN["()"]] if "(" in kennzeichen else []
    return worte + [KENNZEICHEN[b] for b in kennzeichen if b in "prse"]


def wert_wort(wert: Wert) -> str:
    """Ein Wert für die Textalternative: die Zahl wie gezeigt, sonst in Worten (nie die verborgene Zahl)."""
    if wert.verborgen:
        return VERBORGEN_TEXT
    if wert.zahl is None:
        return ZEICHEN_WORTE.get(wert.text, wert.text)
    worte = kennzeichen_worte(wert.kennzeichen)
    return wert.text + (f" ({', '.join(worte)})" if worte else "")


def quelle_text(sichten: list[Sicht]) -> str:
    """»Quelle: …« mit Stand der Dateien; ohne Werte die Quelle aus der Definition der Kennzahl."""
    namen: list[str] = []
    staende: list[str] = []
    for sicht in sichten:
        for q in sicht.quellen:
            if q.quelle not in namen:
                namen.append(q.quelle)
            if q.stand and q.stand not in staende:
                staende.append(q.stand)
    if not namen:
        for sicht in sichten:
            definition = katalog.KATALOG.get(sicht.kennzahl.schluessel)
            if definition is not None and definition.quelle not in namen:
                namen.append(definition.quelle)
    text = "Quelle: " + "; ".join(namen) if namen else "Quelle: keine Werte vorhanden"
    if staende:
        text += f" (Stand: {', '.join(staende)})"
    return text


def _titel(sicht: Sicht, titel: str | None) -> str:
    return titel or sicht.kennzahl.name


def _bezug_satz(sicht: Sicht) -> str:
    return f" {sicht.bezug}." if sicht.bezug else ""


def _titelzeilen(titel: str, bezug: str) -> str:
    """Der Titel und darunter die Bezugsgröße: bei jeder gezeigten Zahl steht, welcher Nenner gilt."""
    return "\n".join([textwrap.fill(titel, 85)] + ([textwrap.fill(bezug, 85)] if bezug else []))


def _zahl(wert: Wert) -> float:
    return float(wert.zahl) if wert.zahl is not None and not wert.verborgen else math.nan


def _achse_deutsch(achse, einheit: str) -> None:
    from matplotlib.ticker import FuncFormatter

    def format(wert, _pos):
        gerundet = round(float(wert), 6)  # numpy-Zahl → float, Rundungsrauschen der Achse weg
        text = darstellung.zahl_text(int(gerundet) if gerundet == int(gerundet) else gerundet)
        return f"{text} %" if einheit == "%" else text

    achse.set_major_formatter(FuncFormatter(format))


def _speichern(figur, png: bool, svg: bool = True, png_dpi: int = 150) -> tuple[bytes, bytes | None]:
    svg_daten = b""
    if svg:
        svg_puffer = io.BytesIO()
        figur.savefig(svg_puffer, format="svg", metadata={"Date": None, "Creator": None})
        svg_daten = svg_puffer.getvalue()
    png_daten = None
    if png:
        png_puffer = io.BytesIO()
        figur.savefig(png_puffer, format="png", dpi=png_dpi, metadata={"Software": None})
        png_daten = png_puffer.getvalue()
    return svg_daten, png_daten


def _figur(hoehe: float):
    import matplotlib

    matplotlib.use("Agg")  # kein Fenster, keine GUI-Bibliothek; Figure allein braucht pyplot nicht
    from matplotlib.figure import Figure

    return Figure(figsize=(BREITE_ZOLL, hoehe), layout="constrained")


def _quelle_unter(figur, quelle: str) -> None:
    zeilen = textwrap.fill(quelle, 110)
    figur.get_layout_engine().set(h_pad=0.08)
    figur.supxlabel(zeilen, fontsize=7, color="#444444", ha="left", x=0.01)


def zeitreihe_zeichnen(sichten: list[Sicht], *, titel: str | None = None, png: bool = False, svg: bool = True,
                       png_dpi: int = 150, hoehe: float = 3.6) -> Diagramm:
    """Liniendiagramm: je Sicht (eine ``zeitreihe`` eines Gebiets) eine Linie über alle Zeiträume.

    ``svg=False`` (nur mit ``png``) spart das SVG, wo nur ein Bild für eine Mail gebraucht wird
    (``Diagramm.svg`` ist dann leer); ``png_dpi`` und ``hoehe`` (Zoll) machen es kleiner.

    Die erste Sicht ist das Gebiet, um das es geht (der Kreis); sie ist hervorgehoben.
    Verborgene oder fehlende Werte unterbrechen die Linie.
    """
    if not sichten:
        raise ValueError("zeitreihe_zeichnen braucht mindestens eine Zeitreihe")
    import matplotlib

    erste = sichten[0]
    ueberschrift = _titel(erste, titel)
    zeitraeume = sorted({w.zeitraum for s in sichten for w in s.werte})
    quelle = quelle_text(sichten)
    if not (svg or png):
        raise ValueError("zeitreihe_zeichnen: SVG oder PNG")
    with matplotlib.rc_context(_RC):
        figur = _figur(hoehe)
        achse = figur.add_subplot()
        for i, sicht in enumerate(sichten):
            je_zeit = {w.zeitraum: w for w in sicht.werte}
            y = [_zahl(je_zeit[t]) if t in je_zeit else math.nan for t in zeitraeume]
            name = sicht.werte[0].gebiet_name if sicht.werte else f"Gebiet {i + 1}"
            achse.plot(range(len(zeitraeume)), y, label=name, color=FARBEN[i % len(FARBEN)],
                       linestyle=LINIENARTEN[i % len(LINIENARTEN)], marker=MARKEN[i % len(MARKEN)],
                       linewidth=2.4 if i == 0 else 1.4, markersize=5)
            for x, t in enumerate(zeitraeume):
                if t in je_zeit and je_zeit[t].verborgen:
                    achse.annotate(VERBORGEN_TEXT, (x, 0), xytext=(0, 4 + 9 * i), textcoords="offset points",
                                   ha="center", fontsize=7, color=FARBEN[i % len(FARBEN)])
        achse.set_xticks(range(len(zeitraeume)), zeitraeume)
        achse.set_xlim(-0.4, max(len(zeitraeume) - 0.6, 0.4))
        achse.set_ylim(bottom=0)
        _achse_deutsch(achse.yaxis, erste.kennzahl.einheit)
        achse.set_ylabel("Anteil in %" if erste.kennzahl.einheit == "%" else erste.kennzahl.einheit, fontsize=8)
        achse.grid(axis="y", color="#dddddd", linewidth=0.6)
        figur.suptitle(_titelzeilen(ueberschrift, erste.bezug), x=0.01, ha="left", fontsize=10)
        achse.legend(fontsize=8, frameon=False, loc="best")
        _quelle_unter(figur, quelle)
        svg_daten, png_daten = _speichern(figur, png, svg, png_dpi)
    teile = []
    for sicht in sichten:
        if not sicht.werte:
            continue
        werte = ", ".join(f"{w.zeitraum}: {wert_wort(w)}" for w in sicht.werte)
        teile.append(f"{sicht.werte[0].gebiet_name}: {werte}.")
    alt = (f"Liniendiagramm »{ueberschrift}«.{_bezug_satz(erste)} "
           + (" ".join(teile) if teile else "Keine Werte vorhanden.") + f" {quelle}.")
    return Diagramm(ueberschrift, alt, quelle, svg_daten, png_daten)


def balken_zeichnen(sicht: Sicht, *, titel: str | None = None, hervorheben: str | None = None,
                    png: bool = False) -> Diagramm:
    """Waagerechte Balken, ein Gebiet je Balken, in der Reihenfolge der Sicht (von oben nach unten).

    ``hervorheben`` (ein Gebietsschlüssel) färbt einen Balken anders, z. B. die Gemeinde im
    Gemeindeprofil. Ohne Zahl kein Balken: dort steht »verborgen« oder das Zeichen der Statistik.
    """
    import matplotlib

    ueberschrift = _titel(sicht, titel)
    zeitraeume = sorted({w.zeitraum for w in sicht.werte})
    quelle = quelle_text([sicht])
    werte = sicht.werte
    with matplotlib.rc_context(_RC):
        figur = _figur(2.3 + 0.32 * max(len(werte), 1))  # Titel, Bezug und Quelle brauchen ihren Platz
        achse = figur.add_subplot()
        positionen = list(range(len(werte)))
        laengen = [_zahl(w) for w in werte]
        farben = [HERVORGEHOBEN if hervorheben and w.gebiet == hervorheben else FARBEN[0] for w in werte]
        achse.barh(positionen, [0 if math.isnan(x) else x for x in laengen], color=farben, height=0.65)
        groesste = max((x for x in laengen if not math.isnan(x)), default=0) or 1
        for pos, w, x in zip(positionen, werte, laengen):
            if math.isnan(x):
                achse.text(groesste * 0.01, pos, VERBORGEN_TEXT if w.verborgen else w.text, va="center",
                           fontsize=8, color="#555555", style="italic")
            else:
                achse.text(x + groesste * 0.01, pos, gezeigt(w), va="center", fontsize=8)
        achse.set_yticks(positionen, [w.gebiet_name for w in werte])
        achse.invert_yaxis()
        achse.set_xlim(0, groesste * 1.18)
        _achse_deutsch(achse.xaxis, sicht.kennzahl.einheit)
        achse.grid(axis="x", color="#dddddd", linewidth=0.6)
        achse.set_axisbelow(True)
        zeit = f" ({', '.join(zeitraeume)})" if zeitraeume else ""
        figur.suptitle(_titelzeilen(ueberschrift + zeit, sicht.bezug), x=0.01, ha="left", fontsize=10)
        _quelle_unter(figur, quelle)
        svg, png_daten = _speichern(figur, png)
    aufzaehlung = "; ".join(f"{w.gebiet_name}: {wert_wort(w)}" for w in werte) or "keine Gebiete"
    alt = (f"Balkendiagramm »{ueberschrift}«{zeit}.{_bezug_satz(sicht)} {aufzaehlung}. {quelle}.")
    return Diagramm(ueberschrift, alt, quelle, svg, png_daten)
