"""Das Flatfile-CSV von GENESIS/Regionalstatistik: BOM, Zeichen, Kennzeichen, Merkmale, Gebiete."""

from __future__ import annotations

import pytest

from prozess.fehler import Eingabefehler
from tests.monitoring.conftest import DATEN

FLAT = "21111-02-06-4_flat.csv"
A = "absolventen_abgaenger"
OHNE = "abschluss=ohne_ersten_schulabschluss"


def test_die_datei_beginnt_mit_bom_und_wird_trotzdem_erkannt():
    from monitoring.importieren import format_erkennen

    assert (DATEN / FLAT).read_bytes().startswith(b"\xef\xbb\xbf")
    assert format_erkennen(DATEN / FLAT) == "ffcsv"


def test_jedes_zeichen_und_jedes_kennzeichen_wird_gespeichert(importieren, werte):
    bericht = importieren(FLAT)
    w = werte()
    assert w[(A, "03454", "2022/23", OHNE)] == (0.0, "-", None)
    assert w[(A, "03459", "2021/22", "abschluss=erster_schulabschluss")] == (None, ".", None)
    assert w[(A, "03459", "2022/23", OHNE)] == (None, "x", None)
    assert w[(A, "03454", "2022/23", "abschluss=allgemeine_hochschulreife")] == (None, "...", None)
    assert w[(A, "03459", "2022/23", "abschluss=erster_schulabschluss")] == (None, "/", None)
    assert w[(A, "DG", "2022/23", "")] == (794210.0, None, "p")
    assert w[(A, "03453", "2021/22", OHNE)] == (143.0, None, "r")
    assert w[(A, "03454", "2021/22", "")] == (3520.0, None, "e")
    assert w[(A, "03454", "2022/23", "abschluss=mittlerer_schulabschluss")] == (1725.0, None, "s")
    assert w[(A, "03453", "2022/23", "abschluss=erster_schulabschluss")] == (385.0, None, "()")
    assert bericht.neu == len(w) == 51


def test_leerer_auspraegungscode_heisst_insgesamt_und_weitere_merkmale_bleiben_getrennt(importieren, werte):
    importieren(FLAT)
    w = werte()
    assert w[(A, "03453", "2022/23", "")] == (1902.0, None, None)
    assert w[(A, "03453", "2022/23", OHNE)] == (158.0, None, None)
    assert w[(A, "03453", "2022/23", OHNE + ";geschlecht=weiblich")] == (61.0, None, None)


def test_die_umbenennung_der_abschlussart_fuehrt_zum_selben_merkmal(importieren, werte):
    importieren(FLAT)
    w = werte()
    # 2021/22 hieß es »ohne Hauptschulabschluss«, 2022/23 »ohne Ersten Schulabschluss«.
    assert w[(A, "03453", "2021/22", OHNE)][0] == 143.0
    assert w[(A, "03453", "2022/23", OHNE)][0] == 158.0


def test_andere_kreise_werden_mit_ihrem_namen_angelegt_regionen_uebersprungen(importieren, engine):
    from sqlalchemy import select

    from modelle.kennzahlen import Gebiet

    bericht = importieren(FLAT)
    assert bericht.gebiete_neu == ["03454", "03459"]
    assert bericht.uebersprungen == {"Gebiete anderer Ebenen (Regierungsbezirke, Gemeindeverbände)": 10}
    with engine.connect() as v:
        emsland = v.execute(select(Gebiet.name, Gebiet.ebene, Gebiet.ueber_id).where(Gebiet.schluessel == "03454")).one()
        land_id = v.execute(select(Gebiet.id).where(Gebiet.schluessel == "03")).scalar_one()
        kreis = v.execute(select(Gebiet.name).where(Gebiet.schluessel == "03453")).scalar_one()
    assert emsland == ("Emsland, Landkreis", "landkreis", land_id)
    assert kreis == "Landkreis Cloppenburg"  # der Name aus der Organisationsdatei bleibt


def test_der_fortschritt_wird_beim_lesen_und_schreiben_gemeldet(importieren, monkeypatch):
    import monitoring.import_ffcsv

    monkeypatch.setattr(monitoring.import_ffcsv, "FORTSCHRITT_ALLE_ZEILEN", 20)
    meldungen = []
    importieren(FLAT, fortschritt=lambda phase, erledigt, gesamt: meldungen.append((phase, erledigt, gesamt)))
    groesse = (DATEN / FLAT).stat().st_size
    lesen = [m for m in meldungen if m[0] == "lesen"]
    assert len(lesen) >= 3 and lesen[-1] == ("lesen", groesse, groesse)
    assert [e for _, e, _ in lesen] == sorted(e for _, e, _ in lesen)
    assert meldungen[-1] == ("schreiben", 51, 51)


def _kaputt(tmp_path, alt: str, neu: str):
    text = (DATEN / FLAT).read_text(encoding="utf-8-sig")
    assert alt in text
    datei = tmp_path / FLAT
    datei.write_text("\ufeff" + text.replace(alt, neu, 1), encoding="utf-8")
    return datei


@pytest.mark.parametrize("alt,neu,ort,grund", [
    (";1902;Anzahl;", ";19O2;Anzahl;", "Zeile 47, Spalte 18 (value)", "»19O2« ist weder eine Zahl noch ein Zeichen"),
    (";1902;Anzahl;", ";1.902,5.1;Anzahl;", "Zeile 47, Spalte 18 (value)", "weder eine Zahl"),
    (";2022/23;KREISE;Kreise und kreisfreie Städte;03453;Cloppenburg, Landkreis;SCHAB1;Schulabschlüsse;;",
     ";2022/24;KREISE;Kreise und kreisfreie Städte;03453;Cloppenburg, Landkreis;SCHAB1;Schulabschlüsse;;",
     "Zeile 47, Spalte 5 (time)", "»2022/24« ist kein Schuljahr"),
    (";03453;Cloppenburg, Landkreis;SCHAB1;Schulabschlüsse;;Insgesamt;GES;Geschlecht;;Insgesamt;1902;Anzahl;BIL016;"
     "Absolventen und Abgänger;",
     ";3453;Cloppenburg, Landkreis;SCHAB1;Schulabschlüsse;;Insgesamt;GES;Geschlecht;;Insgesamt;1902;Anzahl;BIL016;"
     "Absolventen und Abgänger;", "Zeile 47, Spalte 8", "führende Null verloren"),
    (";1902;Anzahl;BIL016;Absolventen und Abgänger;", ";1902;Anzahl;BIL016;Absolventen und Abgänger;;",
     "Zeile 47", "23 Felder statt 22"),
    (";1902;Anzahl;BIL016;", ";1902;Anzahl;BIL099;", "Zeile 47, Spalte 20 (value_variable_code)",
     "Statistik 21111 mit Wertmerkmal BIL099 ist keiner Kennzahl zugeordnet"),
    (";1902;Anzahl;BIL016;Absolventen und Abgänger;", ";1902;Anzahl;BIL016;Absolventen und Abgänger;q",
     "Zeile 47", "Qualitätskennzeichen »q« ist unbekannt"),
])
def test_eine_fehlerhafte_zeile_nennt_ihre_stelle_und_nichts_wird_geschrieben(importieren, inhalt, tmp_path, alt, neu,
                                                                                ort, grund):
    datei = _kaputt(tmp_path, alt, neu)
    vorher = inhalt()
    with pytest.raises(Eingabefehler) as info:
        importieren(datei)
    meldung = str(info.value)
    assert f"Datei {FLAT}, {ort}" in meldung
    assert grund in meldung
    assert "Es wurde nichts importiert" in meldung
    assert inhalt() == vorher


def test_eine_fehlende_pflichtspalte_wird_in_der_kopfzeile_gemeldet(importieren, tmp_path):
    datei = _kaputt(tmp_path, "value_variable_code;", "wertmerkmal;")
    with pytest.raises(Eingabefehler, match="Zeile 1: die Spalte »value_variable_code« fehlt"):
        importieren(datei, format="ffcsv")


def test_eine_andere_tabelle_laesst_sich_ausdruecklich_einer_grundzahl_zuordnen(importieren, werte, tmp_path):
    datei = _kaputt(tmp_path, ";1902;Anzahl;BIL016;", ";1902;Anzahl;BIL099;")
    text = datei.read_text(encoding="utf-8-sig").replace(";BIL016;", ";BIL099;")
    datei.write_text("\ufeff" + text, encoding="utf-8")
    bericht = importieren(datei, kennzahl=A)
    assert bericht.kennzahlen == [A]
    assert werte()[(A, "03453", "2022/23", "")] == (1902.0, None, None)
