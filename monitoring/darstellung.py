"""Zahlen und Anteile auf Deutsch: ``1.902``, ``12,5``, ``8,3 %`` – aus Zähler und Nenner, kaufmännisch gerundet.

Ein Anteil wird immer aus den gespeicherten Grundzahlen berechnet, nie aus einem schon
gerundeten Anteil, und mit ``Decimal`` auf eine Nachkommastelle gerundet, halbe aufwärts
(``8,25 %`` → ``8,3 %``; Gleitkomma würde hier mal ab-, mal aufrunden).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

VERBORGEN = "•"  # steht für eine unterdrückte kleine Fallzahl; die Legende erklärt es
ZEICHEN_ANZEIGE = {"-": "–", ".": ".", "x": "x", "...": "...", "/": "/"}


def _dezimal(wert: float | int) -> Decimal:
    # repr gibt die kürzeste Darstellung, die zum gespeicherten Wert zurückführt: 12.5 statt 12.4999…
    return Decimal(repr(wert)) if isinstance(wert, float) else Decimal(wert)


def anteil(zaehler: float | int, nenner: float | int, teiler: int = 1) -> Decimal | None:
    """Zähler ÷ (Nenner ÷ Teiler) × 100, auf eine Nachkommastelle, halbe aufwärts; ``None`` bei Nenner null."""
    basis = _dezimal(nenner) / Decimal(teiler)
    if basis == 0:
        return None
    return (_dezimal(zaehler) * 100 / basis).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def anteil_text(zaehler: float | int, nenner: float | int, teiler: int = 1) -> str:
    """``8,3 %``; ``–`` wenn der Nenner null ist (kein Anteil von nichts)."""
    wert = anteil(zaehler, nenner, teiler)
    if wert is None:
        return "–"
    return f"{wert:.1f}".replace(".", ",") + " %"


def zahl_text(wert: float | int) -> str:
    """``1.902``, ``12,5``, ``-3,25``: Tausenderpunkte, Dezimalkomma, ohne überflüssige Nullen."""
    d = _dezimal(wert)
    vorzeichen, d = ("-" if d < 0 else ""), abs(d)
    text = f"{int(d):,}".replace(",", ".")
    if d != d.to_integral_value():
        text += "," + f"{d:f}".partition(".")[2].rstrip("0")
    return vorzeichen + text


def zelle_text(wert: float | None, zeichen: str | None, verborgen: bool = False) -> str:
    """Was in einer Zelle steht: das Zeichen der Statistik, die Zahl oder ``•`` für eine verborgene."""
    if verborgen:
        return VERBORGEN
    if zeichen is not None:
        return ZEICHEN_ANZEIGE[zeichen]
    return zahl_text(wert)
