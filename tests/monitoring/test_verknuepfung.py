"""Ein Handlungsfeld stützt sich auf Kennzahlen."""

from __future__ import annotations

import pytest

from monitoring.verknuepfung import kennzahl_verknuepfen, kennzahlen_des_feldes
from prozess.fehler import NichtGefunden
from tests.hilfen import abbild, feld_anlegen, tun


def test_schulabsentismus_stuetzt_sich_auf_seine_kennzahlen_und_doppelt_verknuepft_aendert_nichts(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr, "Schulabsentismus")
    assert tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    uhr.vorstellen(minutes=1)
    assert tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "abgaenger_ohne_abschluss_anteil_abgaenger")
    vorher = abbild(s)
    assert not tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    assert abbild(s) == vorher
    assert tun(s, uhr.jetzt, kennzahlen_des_feldes, feld_id) == ["schulabsentismus_anteil",
                                                              "abgaenger_ohne_abschluss_anteil_abgaenger"]


def test_unbekanntes_feld_oder_unbekannte_kennzahl_wird_genannt(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    with pytest.raises(NichtGefunden, match="Die Kennzahl »fehlzeiten« gibt es nicht"):
        tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "fehlzeiten")
    with pytest.raises(NichtGefunden, match="Das Handlungsfeld 999 gibt es nicht"):
        tun(s, uhr.jetzt, kennzahl_verknuepfen, 999, "schulabsentismus_anteil")
