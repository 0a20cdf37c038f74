"""Ein Handlungsfeld stützt sich auf Kennzahlen."""

from __future__ import annotations

import pytest

from monitoring.verknuepfung import kennzahl_verknuepfen, kennzahlen_des_feldes
from prozess.fehler import NichtGefunden
from tests.hilfen import abbild, feld_anlegen


def test_schulabsentismus_stuetzt_sich_auf_seine_kennzahlen_und_doppelt_verknuepft_aendert_nichts(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr, "Schulabsentismus")
    v = s.connection()
    assert kennzahl_verknuepfen(v, feld_id, "schulabsentismus_anteil", uhr.jetzt)
    uhr.vorstellen(minutes=1)
    assert kennzahl_verknuepfen(v, feld_id, "abgaenger_ohne_abschluss_anteil_abgaenger", uhr.jetzt)
    s.commit()
    vorher = abbild(s)
    assert not kennzahl_verknuepfen(s.connection(), feld_id, "schulabsentismus_anteil", uhr.jetzt)
    s.commit()
    assert abbild(s) == vorher
    assert kennzahlen_des_feldes(s.connection(), feld_id) == ["schulabsentismus_anteil",
                                                              "abgaenger_ohne_abschluss_anteil_abgaenger"]


def test_unbekanntes_feld_oder_unbekannte_kennzahl_wird_genannt(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    with pytest.raises(NichtGefunden, match="Die Kennzahl »fehlzeiten« gibt es nicht"):
        kennzahl_verknuepfen(s.connection(), feld_id, "fehlzeiten", uhr.jetzt)
    with pytest.raises(NichtGefunden, match="Das Handlungsfeld 999 gibt es nicht"):
        kennzahl_verknuepfen(s.connection(), 999, "schulabsentismus_anteil", uhr.jetzt)
