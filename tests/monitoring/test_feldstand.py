"""Der Kennzahlenstand eines Feldes: neuester Wert im Kreis und Land, Trend, Bezugsgröße, Quelle, geheimgehalten."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from monitoring.feldstand import (
    GESTIEGEN, GESUNKEN, LETZTER_BERICHT, VORZEITRAUM, als_kontext, feldstand, kreis_schluessel, zeitraum_ende,
)
from monitoring.importieren import kennzahlen_importieren
from monitoring.verknuepfung import kennzahl_verknuepfen
from tests.hilfen import feld_anlegen, tun
from tests.monitoring.conftest import DATEN

ABSENTISMUS = "schulabsentismus_anteil"
OHNE_ABGAENGER = "abgaenger_ohne_abschluss_anteil_abgaenger"


def fehlzeiten(tmp_path, name: str, zeilen: dict[str, tuple]) -> object:
    """Eine lange CSV des Schulamts: Zeitraum → (Schüler im Kreis, davon mit erheblichen Fehlzeiten[, Kennzeichen])."""
    text = ["gebiet;zeitraum;kennzahl;wert;merkmal;kennzeichen"]
    for zeitraum, (alle, fehlend, *kennzeichen) in zeilen.items():
        k = kennzeichen[0] if kennzeichen else ""
        text += [f"03453;{zeitraum};schueler_allgemeinbildend;{alle};;{k}",
                 f"03453;{zeitraum};schueler_erhebliche_fehlzeiten;{fehlend};;{k}"]
    pfad = tmp_path / name
    pfad.write_text("\n".join(text) + "\n", encoding="utf-8")
    return pfad


@pytest.fixture
def feld(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, OHNE_ABGAENGER)
    uhr.vorstellen(minutes=1)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, ABSENTISMUS)
    return feld_id


def test_der_stand_nennt_neuesten_wert_land_trend_in_prozentpunkten_bezug_und_quelle(s, uhr, feld, tmp_path):
    for datei in ("21111-02-06-4_flat.csv", "21111-02-06-4_2020-21.csv", "21111-02-06-4_2023-24.csv"):
        tun(s, uhr.jetzt, kennzahlen_importieren, DATEN / datei)
    tun(s, uhr.jetzt, kennzahlen_importieren,
        fehlzeiten(tmp_path, "f.csv", {"2024/25-1": (1861, 56), "2024/25-2": (1870, 75, "p")}))
    stand = tun(s, uhr.jetzt, feldstand, feld)
    assert stand.gebiet == "03453"
    abgaenger, absentismus = stand.kennzahlen
    assert abgaenger.kennzahl.schluessel == OHNE_ABGAENGER  # Reihenfolge der Verknüpfung
    # 2023/24: 162 von 1.915 (8,5 %), Land 5.420 von 82.511 (6,6 %); 2022/23: 158 von 1.902 (8,3 %).
    assert (abgaenger.aktuell.zeitraum, abgaenger.aktuell.text) == ("2023/24", "8,5 %")
    assert (abgaenger.land.gebiet_name, abgaenger.land.text) == ("Niedersachsen", "6,6 %")
    assert (abgaenger.vorher.zeitraum, abgaenger.vorher.text, abgaenger.vorher_bezug) == ("2022/23", "8,3 %",
                                                                                         VORZEITRAUM)
    # Genau: 8,4595 % − 8,3070 % = 0,15 → 0,2 Prozentpunkte (nicht 8,5 − 8,3 aus gerundeten Anteilen).
    assert (abgaenger.trend, abgaenger.trend_text) == (GESTIEGEN, "+0,2 Prozentpunkte")
    assert abgaenger.bezug.startswith("Anteil an: alle Absolventinnen/Absolventen")
    assert [q.datei for q in abgaenger.quellen] == ["21111-02-06-4_2023-24.csv"]
    assert abgaenger.stand == "15.04.2025 / 08:41:17"
    assert abgaenger.zeitraum_ende == date(2024, 7, 31)
    # Schulabsentismus gibt es nicht auf Landesebene: kein Land, kein Fehler.
    assert absentismus.land is None
    assert (absentismus.aktuell.text, absentismus.vorher.text) == ("4,0 %", "3,0 %")
    assert (absentismus.trend, absentismus.trend_text) == (GESTIEGEN, "+1,0 Prozentpunkte")
    kontext = als_kontext(absentismus)
    assert kontext["wert"] == "4,0 % (vorläufige Zahl)"
    assert kontext["vergleich"] == "+1,0 Prozentpunkte gegenüber 2024/25-1 (Vorzeitraum: 3,0 %)"
    assert "f.csv" in kontext["quelle"]


def test_der_trend_vergleicht_mit_dem_stand_beim_letzten_bericht(s, uhr, feld, tmp_path):
    tun(s, uhr.jetzt, kennzahlen_importieren,
        fehlzeiten(tmp_path, "a.csv", {"2023/24-2": (1800, 90), "2024/25-1": (1850, 74)}))
    bericht = uhr.jetzt + timedelta(days=10)
    uhr.vorstellen(days=60)
    tun(s, uhr.jetzt, kennzahlen_importieren,
        fehlzeiten(tmp_path, "b.csv", {"2024/25-2": (1860, 93), "2025/26-1": (1870, 56)}))
    (k,) = [k for k in tun(s, uhr.jetzt, feldstand, feld, seit=bericht).kennzahlen if k.kennzahl.schluessel == ABSENTISMUS]
    assert (k.aktuell.zeitraum, k.vorher.zeitraum, k.vorher_bezug) == ("2025/26-1", "2024/25-1", LETZTER_BERICHT)
    assert (k.trend, k.trend_text) == (GESUNKEN, "−1,0 Prozentpunkte")
    assert "Stand beim letzten Bericht" in k.vergleich_text
    # Kam seit dem letzten Bericht nichts Neues, vergleicht der Stand mit dem Vorzeitraum.
    (k,) = [k for k in tun(s, uhr.jetzt, feldstand, feld, seit=uhr.jetzt).kennzahlen
            if k.kennzahl.schluessel == ABSENTISMUS]
    assert (k.vorher.zeitraum, k.vorher_bezug) == ("2024/25-2", VORZEITRAUM)


def test_kleine_fallzahlen_bleiben_verborgen_und_haben_keinen_trend(s, uhr, feld, tmp_path):
    tun(s, uhr.jetzt, kennzahlen_importieren,
        fehlzeiten(tmp_path, "klein.csv", {"2024/25-1": (40, 5), "2024/25-2": (41, 2)}))
    (k,) = [k for k in tun(s, uhr.jetzt, feldstand, feld).kennzahlen if k.kennzahl.schluessel == ABSENTISMUS]
    assert (k.aktuell.text, k.aktuell.verborgen, k.aktuell.zaehler) == ("•", True, None)
    assert (k.trend, k.vergleich_text) == ("", "")
    assert als_kontext(k)["verborgen"] is True


def test_ohne_werte_oder_ohne_verknuepfung_ist_der_stand_leer(s, einstellungen, uhr, feld):
    stand = tun(s, uhr.jetzt, feldstand, feld)
    assert [(k.kennzahl.schluessel, k.hat_wert, k.gebiet_name) for k in stand.kennzahlen] == [
        (OHNE_ABGAENGER, False, "Landkreis Cloppenburg"), (ABSENTISMUS, False, "Landkreis Cloppenburg")]
    anderes = feld_anlegen(s, einstellungen, uhr, "Übergang Schule–Beruf")
    assert tun(s, uhr.jetzt, feldstand, anderes).kennzahlen == []


def test_der_kreis_der_organisation_ist_der_mit_den_schulen_nicht_ein_importierter(s, uhr):
    tun(s, uhr.jetzt, kennzahlen_importieren, DATEN / "21111-02-06-4_flat.csv")  # bringt 03454, 03459 mit
    assert tun(s, uhr.jetzt, kreis_schluessel) == "03453"


@pytest.mark.parametrize("zeitraum,ende", [
    ("2023", date(2023, 12, 31)), ("2023/24", date(2024, 7, 31)), ("2024/25-1", date(2025, 1, 31)),
    ("2024/25-2", date(2025, 7, 31)), ("2022-12-31", date(2022, 12, 31)), ("unsinn", None),
])
def test_das_ende_eines_zeitraums(zeitraum, ende):
    assert zeitraum_ende(zeitraum) == ende
