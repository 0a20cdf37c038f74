"""Diagramme: Zahlen in der Textalternative, Quelle darunter, verborgene Zellen ohne Balken, gleiche Bytes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from monitoring.diagramme import balken_zeichnen, zeitreihe_zeichnen
from monitoring.vergleiche import teilgebiete_vergleichen, vergleich, zeitreihe

OHNE_ABGAENGER = "abgaenger_ohne_abschluss_anteil_abgaenger"


@pytest.fixture
def daten(importieren):
    for datei in ("21111-02-06-4_flat.csv", "12411-02-03-4.csv", "21111-02-06-4_2020-21.csv",
                  "21111-02-06-4_2023-24.csv", "schulamt_fehlzeiten_2024-25.csv"):
        importieren(datei)


@pytest.fixture
def lesen(organisation):
    def lesen(funktion, *args, **kw):
        with organisation.lesen() as arbeit:
            return funktion(arbeit, *args, **kw)

    return lesen


def _zeitreihen(lesen, gebiete=("03453", "03", "DG")):
    return [lesen(zeitreihe, OHNE_ABGAENGER, g) for g in gebiete]


def test_die_zeitreihe_des_kreises_gegen_land_und_bund_traegt_die_zahlen_im_alternativtext(daten, lesen):
    d = zeitreihe_zeichnen(_zeitreihen(lesen))
    assert d.alt.startswith("Liniendiagramm »Abgängerinnen und Abgänger ohne Ersten Schulabschluss")
    assert ("Landkreis Cloppenburg: 2020/21: 7,1 % (Aussagewert eingeschränkt), 2021/22: 7,6 % (berichtigte Zahl), "
            "2022/23: 8,3 %, 2023/24: 8,5 %.") in d.alt
    assert "Deutschland: 2021/22: 6,0 %, 2022/23: 6,6 % (vorläufige Zahl)." in d.alt
    assert "Anteil an: alle Absolventinnen/Absolventen und Abgängerinnen/Abgänger allgemeinbildender Schulen" in d.alt
    assert d.quelle.startswith("Quelle: ") and "21111" in d.quelle and d.quelle in d.alt
    svg = d.svg.decode()
    # Text bleibt Text im SVG: Legende, deutsche Achsenbeschriftung, die Quelle unter dem Diagramm.
    assert "<svg" in svg and "Landkreis Cloppenburg" in svg and "8 %" in svg and "Quelle: " in svg
    assert d.png is None


def test_verborgene_schulen_bekommen_keinen_balken_und_keine_zahl_sondern_verborgen(daten, lesen):
    sicht = lesen(teilgebiete_vergleichen, "schulabsentismus_anteil", "2024/25-1", "03453", "schule")
    d = balken_zeichnen(sicht)
    assert "Oberschule Friesoythe: verborgen" in d.alt and "Oberschule Löningen: verborgen" in d.alt
    assert "Oberschule Cloppenburg: 4,4 % (vorläufige Zahl)" in d.alt
    assert "Gymnasium Cloppenburg: keine Angabe" in d.alt
    svg = d.svg.decode()
    # Friesoythe hätte 2 von 548 (0,4 %), Löningen 23 von 612 (3,8 %): beides steht nirgends.
    for text in (d.alt, svg):
        assert "0,4 %" not in text and "3,8 %" not in text
    assert svg.count(">verborgen<") == 2 and "4,4 % p" in svg


def test_die_gemeinde_wird_hervorgehoben_und_zeichen_der_statistik_bleiben_zeichen(daten, lesen):
    sicht = lesen(vergleich, OHNE_ABGAENGER, "2022/23", ["03453", "03", "DG", "03454", "03459"])
    d = balken_zeichnen(sicht, hervorheben="03453", png=True)
    assert "(2022/23)" in d.alt
    assert "Landkreis Cloppenburg: 8,3 %; Niedersachsen: 6,5 % (vorläufige Zahl)" in d.alt
    assert "Osnabrück, Landkreis: nicht sinnvoll" in d.alt
    assert d.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert "#c25400" in d.svg.decode()


def test_gleiche_zahlen_ergeben_gleiche_bytes(daten, lesen):
    sichten = _zeitreihen(lesen, ("03453", "03", "DG", "03454"))
    erstes, zweites = zeitreihe_zeichnen(sichten, png=True), zeitreihe_zeichnen(sichten, png=True)
    assert erstes == zweites
    svg = erstes.svg.decode()
    assert "<dc:date>" not in svg and "Matplotlib" not in svg
    assert erstes.svg_daten_url.startswith("data:image/svg+xml;base64,")


def test_ohne_werte_nennt_das_diagramm_die_quelle_der_definition(organisation, lesen):
    sicht = lesen(teilgebiete_vergleichen, "schueler_allgemeinbildend", "2024/25-1", "03453", "gemeinde")
    d = balken_zeichnen(sicht)
    assert "Barßel: keine Angabe" in d.alt
    assert d.quelle == ("Quelle: Statistische Ämter des Bundes und der Länder, Statistik der allgemeinbildenden "
                        "Schulen (21111); je Schule: Schulamt des Landkreises (lokale Erhebung bei den Schulen)")


def test_das_modul_laedt_matplotlib_erst_beim_zeichnen():
    code = "import sys, monitoring.diagramme; print('matplotlib' in sys.modules)"
    ergebnis = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ergebnis.stdout.strip() == "False"
