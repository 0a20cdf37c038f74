"""Zeitreihen und Vergleiche: Bezugsgröße bei jeder Zahl, Geheimhaltung schon angewandt, Quellen genannt."""

from __future__ import annotations

import pytest

from monitoring.vergleiche import teilgebiete_vergleichen, vergleich, zeitreihe
from prozess.fehler import NichtGefunden

OHNE_ABGAENGER = "abgaenger_ohne_abschluss_anteil_abgaenger"
OHNE_BEVOELKERUNG = "abgaenger_ohne_abschluss_anteil_bevoelkerung"


@pytest.fixture
def daten(importieren):
    for datei in ("21111-02-06-4_flat.csv", "12411-02-03-4.csv", "21111-02-06-4_2020-21.csv",
                  "21111-02-06-4_2023-24.csv", "schulamt_fehlzeiten_2024-25.csv"):
        importieren(datei)


def _texte(sicht):
    return {(w.gebiet, w.zeitraum): w.text for w in sicht.werte}


def test_der_kreis_im_vergleich_mit_land_bund_und_anderen_kreisen(daten, organisation):
    with organisation.lesen() as v:
        sicht = vergleich(v, OHNE_ABGAENGER, "2022/23", ["03453", "03", "DG", "03454", "03459"])
    assert [w.gebiet_name for w in sicht.werte][:3] == ["Landkreis Cloppenburg", "Niedersachsen", "Deutschland"]
    assert [w.text for w in sicht.werte] == ["8,3 %", "6,5 %", "6,6 %", "0,0 %", "x"]
    kreis = sicht.werte[0]
    assert (kreis.zaehler, kreis.nenner) == (158.0, 1902.0)
    assert sicht.bezug == ("Anteil an: alle Absolventinnen/Absolventen und Abgängerinnen/Abgänger "
                           "allgemeinbildender Schulen")
    assert sicht.werte[2].kennzeichen == "p"  # Deutschland 2022/23 vorläufig
    assert [q.datei for q in sicht.quellen] == ["21111-02-06-4_flat.csv"]


def test_derselbe_zaehler_mit_dem_anderen_nenner_ergibt_eine_andere_zahl_und_sagt_welchen(daten, organisation):
    with organisation.lesen() as v:
        abgaenger = vergleich(v, OHNE_ABGAENGER, "2022/23", ["03453"])
        bevoelkerung = vergleich(v, OHNE_BEVOELKERUNG, "2022/23", ["03453"])
    # 158 von 1.902 Abgängern; 158 von 5.603 15- bis unter 18-Jährigen am 31.12.2022, je Jahrgang ÷ 3.
    assert abgaenger.werte[0].text == "8,3 %"
    assert bevoelkerung.werte[0].nenner == 5603.0
    assert bevoelkerung.werte[0].text == "8,5 %"
    assert "gleichaltrige Bevölkerung" in bevoelkerung.bezug
    assert {q.datei for q in bevoelkerung.quellen} == {"21111-02-06-4_flat.csv", "12411-02-03-4.csv"}


def test_die_zeitreihe_des_kreises_ueber_alle_schuljahre(daten, organisation):
    with organisation.lesen() as v:
        sicht = zeitreihe(v, OHNE_ABGAENGER, "03453")
    assert _texte(sicht) == {("03453", "2020/21"): "7,1 %", ("03453", "2021/22"): "7,6 %",
                             ("03453", "2022/23"): "8,3 %", ("03453", "2023/24"): "8,5 %"}
    assert sicht.werte[0].kennzeichen == "()"


def test_eine_grundzahl_mit_merkmal(daten, organisation):
    with organisation.lesen() as v:
        sicht = vergleich(v, "absolventen_abgaenger", "2022/23", ["03453", "03459"],
                          merkmal="abschluss=ohne_ersten_schulabschluss")
    assert [w.text for w in sicht.werte] == ["158", "x"]
    assert sicht.bezug == ""


def test_schulen_untereinander_die_kreissumme_verraet_keine_verborgene_schule(daten, organisation):
    with organisation.lesen() as v:
        sicht = teilgebiete_vergleichen(v, "schulabsentismus_anteil", "2024/25-1", "03453", "schule")
    texte = {w.gebiet: w.text for w in sicht.werte}
    # Schule 90002 hat 2 Fälle (unter 3): verborgen. Der Kreis hat 56 = 23 + 2 + 31; damit die 2 nicht
    # als Differenz erscheint, ist auch die kleinste andere Schule (23 Fälle) verborgen.
    assert texte == {"schule:90004": "k. A.", "schule:90003": "4,4 %", "schule:90005": "k. A.",
                     "schule:90002": "•", "schule:90001": "•"}
    verborgen = [w for w in sicht.werte if w.verborgen]
    assert all(w.zahl is None and w.zaehler is None for w in verborgen)


def test_gemeinden_eines_kreises_werden_nach_namen_verglichen(daten, organisation):
    with organisation.lesen() as v:
        sicht = teilgebiete_vergleichen(v, "schueler_allgemeinbildend", "2024/25-1", "03453", "gemeinde")
    assert len(sicht.werte) == 13
    assert sicht.werte[0].gebiet_name == "Barßel"
    assert all(w.text == "k. A." for w in sicht.werte)


def test_ein_unbekanntes_gebiet_oder_eine_unbekannte_kennzahl_wird_genannt(daten, organisation):
    with organisation.lesen() as v:
        with pytest.raises(NichtGefunden, match="Das Gebiet »03999« gibt es nicht"):
            vergleich(v, OHNE_ABGAENGER, "2022/23", ["03453", "03999"])
        with pytest.raises(NichtGefunden, match="Die Kennzahl »quote« gibt es nicht"):
            zeitreihe(v, "quote", "03453")


def test_die_schwelle_kommt_aus_den_einstellungen(daten, organisation):
    from prozess.umgebung import Umgebung

    streng = Umgebung(organisation.einstellungen.mit(geheimhaltung_schwelle=25), organisation.engine)
    with streng.lesen() as arbeit:
        sicht = teilgebiete_vergleichen(arbeit, "schulabsentismus_anteil", "2024/25-1", "03453", "schule")
    # 23 Fälle liegen jetzt selbst unter der Schwelle; 56 − 31 = 25 verrät nur die Summe der beiden
    # verborgenen Schulen, nicht eine einzelne – 31 darf stehen bleiben.
    assert {w.gebiet: w.text for w in sicht.werte if w.text != "k. A."} == {
        "schule:90001": "•", "schule:90002": "•", "schule:90003": "4,4 %"}
