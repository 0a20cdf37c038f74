"""Anteile und Zahlen auf Deutsch, aus Zähler und Nenner, halbe aufwärts gerundet."""

from __future__ import annotations

import pytest

from monitoring.darstellung import anteil, anteil_text, zahl_text, zelle_text


@pytest.mark.parametrize("zaehler,nenner,teiler,text", [
    (158, 1902, 1, "8,3 %"),
    (33, 400, 1, "8,3 %"),      # 8,25 → 8,3 (halbe aufwärts; float rundete auf 8,2)
    (1, 8, 1, "12,5 %"),
    (1, 3, 1, "33,3 %"),
    (2, 3, 1, "66,7 %"),
    (158, 5581, 3, "8,5 %"),    # Nenner: ein Drittel der 15- bis unter 18-Jährigen
    (0, 17, 1, "0,0 %"),
    (5, 0, 1, "–"),
])
def test_anteile_werden_aus_zaehler_und_nenner_halbe_aufwaerts_gerundet(zaehler, nenner, teiler, text):
    assert anteil_text(zaehler, nenner, teiler) == text


def test_gleitkomma_haette_falsch_gerundet():
    assert round(33 / 400 * 100, 1) == 8.2
    assert str(anteil(33, 400)) == "8.3"


@pytest.mark.parametrize("wert,text", [(1902.0, "1.902"), (175103, "175.103"), (12.5, "12,5"), (-3.25, "-3,25"),
                                       (0.0, "0"), (-0.5, "-0,5"), (1234567.75, "1.234.567,75")])
def test_zahlen_mit_tausenderpunkt_und_dezimalkomma(wert, text):
    assert zahl_text(wert) == text


def test_zeichen_und_verborgene_zellen():
    assert zelle_text(0.0, "-") == "–"
    assert zelle_text(None, ".") == "."
    assert zelle_text(2.0, None, verborgen=True) == "•"
