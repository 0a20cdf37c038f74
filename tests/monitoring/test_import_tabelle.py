"""Die Tabellen-CSV der Ämter: cp1252, beide Kopfzeilen, Fußzeilen, eingerückte Namen, Umbenennungen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modelle.kennzahlen import Datenimport, Gebiet
from prozess.fehler import Eingabefehler
from tests.monitoring.conftest import DATEN

BEV = "12411-02-03-4.csv"
ALT = "21111-02-06-4_2020-21.csv"
NEU = "21111-02-06-4_2023-24.csv"
A = "absolventen_abgaenger"
OHNE = "abschluss=ohne_ersten_schulabschluss"


def test_die_dateien_haben_die_beiden_kopfzeilen_und_kodierungen_der_aemter():
    from monitoring.importieren import format_erkennen

    alt, neu = (DATEN / ALT).read_bytes(), (DATEN / NEU).read_bytes()
    assert alt.startswith(b"GENESIS-Tabelle: 21111-02-06-4") and neu.startswith(b"Tabelle: 21111-02-06-4")
    with pytest.raises(UnicodeDecodeError):
        (DATEN / BEV).read_bytes().decode("utf-8")  # cp1252: »ö« ist ein einzelnes Byte
    assert format_erkennen(DATEN / ALT) == format_erkennen(DATEN / NEU) == format_erkennen(DATEN / BEV) == "tabelle"


def test_cp1252_mit_eingerueckten_namen_und_zwei_kopfzeilen(importieren, werte, engine):
    bericht = importieren(BEV)
    assert (bericht.tabelle, bericht.stand) == ("12411-02-03-4", "20.06.2023 / 11:05:31")
    assert bericht.quelle == "Statistische Ämter des Bundes und der Länder, 2023"
    w = werte()
    assert w[("bevoelkerung", "03453", "2022-12-31", "")] == (175103.0, None, None)
    assert ("bevoelkerung", "03453", "2022-12-31", "altersgruppe=15-18") in w
    assert ("bevoelkerung", "03453", "2022-12-31", "altersgruppe=75+;geschlecht=weiblich") in w
    assert ("bevoelkerung", "03453", "2021-12-31", "altersgruppe=0-3") in w
    assert bericht.neu == 2 * 5 * 36
    with engine.connect() as v:
        assert v.execute(select(Gebiet.name).where(Gebiet.schluessel == "03459")).scalar_one() == "Osnabrück, Landkreis"


def test_die_umbenennung_zwischen_den_jahren_fuehrt_zum_selben_merkmal(importieren, werte):
    importieren(ALT)
    importieren(NEU)
    w = werte()
    assert w[(A, "03453", "2020/21", OHNE)] == (131.0, None, "()")  # »ohne Hauptschulabschluss«, Kennzeichen ()
    assert w[(A, "03453", "2023/24", OHNE)] == (162.0, None, None)  # »ohne Ersten Schulabschluss«
    assert w[(A, "03454", "2020/21", OHNE)] == (188.0, None, "p")
    assert w[(A, "03453", "2020/21", "abschluss=mittlerer_schulabschluss")][0] == 758.0  # »mit Realschulabschluss«
    assert w[(A, "03453", "2023/24", "abschluss=mittlerer_schulabschluss")][0] == 781.0
    merkmale = {k[3] for k in w}
    assert merkmale == {"", OHNE, "abschluss=erster_schulabschluss", "abschluss=mittlerer_schulabschluss",
                        "abschluss=allgemeine_hochschulreife"}


def test_der_import_merkt_sich_datei_quelle_und_stand(importieren, engine):
    importieren(NEU)
    with engine.connect() as v:
        zeile = v.execute(select(Datenimport)).one()
    assert (zeile.dateiname, zeile.format, zeile.tabelle, zeile.stand, zeile.neu) == (
        NEU, "tabelle", "21111-02-06-4", "15.04.2025 / 08:41:17", 15)
    assert zeile.quelle == "Statistische Ämter des Bundes und der Länder, 2025"


def _kaputt(tmp_path, datei: str, alt: str, neu: str, kodierung="cp1252"):
    text = (DATEN / datei).read_bytes().decode(kodierung)
    assert alt in text
    ziel = tmp_path / datei
    ziel.write_bytes(text.replace(alt, neu, 1).encode(kodierung))
    return ziel


@pytest.mark.parametrize("alt,neu,ort,grund", [
    ("03453;      Cloppenburg, Landkreis;1840;(131)", "03453;      Cloppenburg, Landkreis;1840;(13l)",
     "Zeile 8, Spalte 5", "»(13l)« ist weder eine Zahl"),
    ("2020/21;03454;", "2020/21;3454;", "Zeile 9, Spalte 2", "führende Null verloren"),
    ("2020/21;03454;      Emsland, Landkreis;3490;", "2020/21;03454;      Emsland, Landkreis;3490;;",
     "Zeile 9", "9 Felder statt 8"),
    ("2020/21;03453;", "2020/2;03453;", "Zeile 8, Spalte 1", "»2020/2« ist kein Zeitraum"),
    ("GENESIS-Tabelle: 21111-02-06-4", "GENESIS-Tabelle: 99999-99-99-9", "Zeile 1", "Tabelle 99999-99-99-9 ist keiner"),
    ("GENESIS-Tabelle: 21111-02-06-4", "Tabellen-Export 21111", "Zeile 1", "nennt keine Tabelle"),
])
def test_eine_fehlerhafte_zeile_nennt_ihre_stelle_und_nichts_wird_geschrieben(importieren, inhalt, tmp_path, alt, neu,
                                                                                ort, grund):
    datei = _kaputt(tmp_path, ALT, alt, neu)
    vorher = inhalt()
    with pytest.raises(Eingabefehler) as info:
        importieren(datei, format="tabelle")
    assert f"Datei {ALT}, {ort}" in str(info.value)
    assert grund in str(info.value)
    assert inhalt() == vorher


def test_eine_spalte_mit_personendaten_wird_abgewiesen(importieren, inhalt, tmp_path):
    datei = _kaputt(tmp_path, ALT, ";;;Insgesamt;ohne Hauptschulabschluss", ";;;Insgesamt;Geburtsdatum")
    vorher = inhalt()
    with pytest.raises(Eingabefehler, match="Zeile 6, Spalte 5: die Spalte »Geburtsdatum« sieht nach Personendaten"):
        importieren(datei)
    assert inhalt() == vorher
