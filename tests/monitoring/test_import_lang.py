"""Die lange CSV lokaler Quellen: Schulen und Gemeinden aus der Organisationsdatei, nur Aggregate."""

from __future__ import annotations

import pytest

from prozess.fehler import Eingabefehler

LANG = "schulamt_fehlzeiten_2024-25.csv"


def test_werte_je_schule_und_kreis_mit_dezimalkomma_und_zeichen(importieren, werte):
    bericht = importieren(LANG)
    assert bericht.format == "lang" and bericht.neu == 13 and bericht.gebiete_neu == []
    w = werte()
    assert w[("schueler_erhebliche_fehlzeiten", "schule:90001", "2024/25-1", "")] == (23.0, None, None)
    assert w[("schueler_allgemeinbildend", "schule:90003", "2024/25-1", "")] == (701.0, None, "p")
    assert w[("absolventen_abgaenger", "schule:90002", "2023/24", "abschluss=ohne_ersten_schulabschluss")] == (
        4.0, None, None)
    assert w[("absolventen_abgaenger", "schule:90003", "2023/24", "abschluss=ohne_ersten_schulabschluss")] == (
        None, ".", None)
    assert "Schulamt" in bericht.quelle


def test_eine_namentliche_liste_wird_abgewiesen(importieren, inhalt):
    vorher = inhalt()
    with pytest.raises(Eingabefehler) as info:
        importieren("schulamt_fehlzeiten_namentlich.csv")
    assert "Zeile 1, Spalte 5 (vorname): die Spalte »vorname« sieht nach Personendaten aus" in str(info.value)
    assert "nur Aggregate" in str(info.value)
    assert inhalt() == vorher


def _datei(tmp_path, *zeilen: str):
    datei = tmp_path / "lokal.csv"
    datei.write_text("\n".join(("gebiet;zeitraum;kennzahl;wert;merkmal",) + zeilen) + "\n", encoding="utf-8")
    return datei


@pytest.mark.parametrize("zeile,ort,grund", [
    ("schule:90099;2024/25-1;schueler_allgemeinbildend;10;", "Zeile 3", "das Gebiet »schule:90099« ist nicht bekannt"),
    ("schule:90001;2024/25-1;bevoelkerung;10;", "Zeile 3", "die Kennzahl bevoelkerung gibt es nicht für Schulen"),
    ("schule:90001;2024/25-1;schulabsentismus_anteil;3,5;", "Zeile 3, Spalte 3 (kennzahl)", "ist ein Anteil"),
    ("schule:90001;2024/25-1;fehltage;3;", "Zeile 3, Spalte 3 (kennzahl)", "»fehltage« steht nicht im Katalog"),
    ("schule:90001;2024/25-1;schueler_allgemeinbildend;12.5;", "Zeile 3, Spalte 4 (wert)", "mehrdeutig"),
    ("schule:90001;2024/25-1;schueler_allgemeinbildend;612;", "Zeile 3", "steht schon in Zeile 2"),
    ("schule:90001;2024/25-1;absolventen_abgaenger;3;abschluss:ohne", "Zeile 3, Spalte 5 (merkmal)",
     "hat nicht die Form name=wert"),
])
def test_eine_fehlerhafte_zeile_nennt_ihre_stelle_und_nichts_wird_geschrieben(importieren, inhalt, tmp_path, zeile, ort,
                                                                                grund):
    datei = _datei(tmp_path, "schule:90001;2024/25-1;schueler_allgemeinbildend;612;", zeile)
    vorher = inhalt()
    with pytest.raises(Eingabefehler) as info:
        importieren(datei)
    assert f"Datei lokal.csv, {ort}" in str(info.value)
    assert grund in str(info.value)
    assert inhalt() == vorher


def test_komma_als_trennzeichen_wird_erkannt(importieren, werte, tmp_path):
    datei = tmp_path / "komma.csv"
    datei.write_text("gebiet,zeitraum,kennzahl,wert\n03453011,2024/25-1,schueler_allgemeinbildend,1204\n",
                     encoding="utf-8")
    importieren(datei)
    assert werte()[("schueler_allgemeinbildend", "03453011", "2024/25-1", "")] == (1204.0, None, None)


def test_eine_datei_weder_in_utf8_noch_in_cp1252_wird_abgewiesen(importieren, tmp_path):
    datei = tmp_path / "kaputt.csv"
    datei.write_bytes(b"gebiet;zeitraum;kennzahl;wert\n03453;2024;schueler_allgemeinbildend;1\x81\n")
    with pytest.raises(Eingabefehler, match="Datei kaputt.csv: die Datei ist weder UTF-8 noch Windows-1252"):
        importieren(datei, format="lang")
