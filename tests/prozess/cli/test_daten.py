"""»bildungsbuero daten« als echter Unterprozess: Import mit Zusammenfassung, Fehler mit Ort, Sichten, Verknüpfung."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ORGANISATION
from tests.prozess.cli.test_bedienung import BEFEHL, bb

WURZEL = Path(__file__).resolve().parents[3]
DEMODATEN = WURZEL / "monitoring" / "demodaten"
ABGAENGER = DEMODATEN / "21111_abgaenger_landkreis_cloppenburg.csv"
ABSENTISMUS = DEMODATEN / "schulamt_schulabsentismus.csv"


@pytest.fixture
def db(tmp_path) -> Path:
    pfad = tmp_path / "cli.db"
    bb("init", db=pfad)
    bb("organisation", "laden", str(ORGANISATION), db=pfad)
    return pfad


def test_der_import_fasst_zusammen_und_derselbe_import_aendert_nichts(db):
    erster = bb("daten", "import", str(ABGAENGER), db=db)
    assert "21111_abgaenger_landkreis_cloppenburg.csv (Flatfile-CSV von GENESIS-Online oder der Regionalstatistik): " \
           "120 Werte gelesen – 120 neu, 0 geändert, 0 unverändert." in erster.stdout
    assert erster.stderr == ""  # kein Terminal: kein Fortschrittsbalken
    zweiter = bb("daten", "import", str(ABGAENGER), "--format", "ffcsv", db=db)
    assert "wurde bereits am" in zweiter.stdout and "nichts geändert." in zweiter.stdout


def test_ein_fehler_nennt_datei_zeile_und_spalte_und_schreibt_nichts(db, tmp_path):
    kaputt = tmp_path / "kaputt.csv"
    kaputt.write_text("gebiet;zeitraum;kennzahl;wert\n03453;2025/26-1;schueler_allgemeinbildend;1861\n"
                      "03453;2025/26-1;schueler_erhebliche_fehlzeiten;viele\n", encoding="utf-8")
    ergebnis = bb("daten", "import", str(kaputt), db=db, pruefen=False)
    assert ergebnis.returncode != 0
    assert ergebnis.stderr.startswith("Fehler: Datei kaputt.csv, Zeile 3, Spalte 4 (wert)")
    assert "Es wurde nichts importiert" in ergebnis.stderr
    assert "Traceback" not in ergebnis.stderr
    leer = bb("daten", "zeitreihe", "schulabsentismus_anteil", "03453", db=db)
    assert "keine Werte" in leer.stdout
    # Berichtigt, geht dieselbe Datei durch: der abgewiesene Versuch hat sich nichts gemerkt.
    kaputt.write_text(kaputt.read_text(encoding="utf-8").replace("viele", "56"), encoding="utf-8")
    assert "2 Werte gelesen – 2 neu" in bb("daten", "import", str(kaputt), db=db).stdout


def test_unbekanntes_format_und_fehlende_datei_werden_deutsch_abgewiesen(db, tmp_path):
    fehlt = bb("daten", "import", str(tmp_path / "gibtsnicht.csv"), db=db, pruefen=False)
    assert fehlt.returncode != 0 and "gibt es nicht" in fehlt.stderr
    falsch = bb("daten", "import", str(ABGAENGER), "--format", "xlsx", db=db, pruefen=False)
    assert falsch.returncode == 2 and "Ungültiger Wert für" in falsch.stderr


def test_auf_einem_terminal_zeigt_der_import_seinen_fortschritt(db):
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    haupt, neben = pty.openpty()
    try:
        prozess = subprocess.Popen([str(BEFEHL), "daten", "import", str(ABGAENGER)], stdout=subprocess.PIPE,
                                   stderr=neben, env=umgebung, cwd=db.parent)
        os.close(neben)
        ausgabe = prozess.stdout.read().decode()
        assert prozess.wait(timeout=120) == 0
        terminal = b""
        while True:
            try:
                stueck = os.read(haupt, 4096)
            except OSError:
                break
            if not stueck:
                break
            terminal += stueck
    finally:
        os.close(haupt)
    assert "120 Werte gelesen" in ausgabe  # die Zusammenfassung bleibt auf stdout, sauber
    text = terminal.decode(errors="replace")
    assert "Lesen" in text and "Schreiben" in text and "100%" in text


def test_zeitreihe_und_vergleich_zeigen_anteile_deutsch_mit_bezug_quelle_und_verborgenen_zellen(db):
    bb("daten", "import", str(ABGAENGER), db=db)
    bb("daten", "import", str(ABSENTISMUS), db=db)
    reihe = bb("daten", "zeitreihe", "abgaenger_ohne_abschluss_anteil_abgaenger", "03453", db=db).stdout
    assert "Gebiet: Landkreis Cloppenburg (03453)" in reihe
    assert "Anteil an: alle Absolventinnen/Absolventen und Abgängerinnen/Abgänger allgemeinbildender Schulen" in reihe
    assert "2021/22       7,6 %   (142 von 1.871)" in reihe
    assert "Quelle: GENESIS, Statistik der allgemeinbildenden Schulen (21111) – " \
           "21111_abgaenger_landkreis_cloppenburg.csv, importiert" in reihe
    vergleich = bb("daten", "vergleich", "schulabsentismus_anteil", "2025/26-1", "03453", "schule:90001",
                   "schule:90004", db=db).stdout
    assert "Zeitraum: 2025/26-1" in vergleich
    assert "Anteil an: alle Schülerinnen und Schüler allgemeinbildender Schulen" in vergleich
    zeilen = {z.split("  ")[1].strip(): z for z in vergleich.splitlines() if z.startswith("  ")}
    assert "4,3 %" in zeilen["Landkreis Cloppenburg"]
    assert "•" in zeilen["Gymnasium Cloppenburg"] and "von" not in zeilen["Gymnasium Cloppenburg"]  # 2 von 880
    assert "• = verborgen (kleine Fallzahl, Geheimhaltung)" in vergleich
    grundzahl = bb("daten", "zeitreihe", "absolventen_abgaenger", "03453", "--merkmal",
                   "abschluss=ohne_ersten_schulabschluss", db=db).stdout
    assert "2024/25" in grundzahl and "151" in grundzahl and "Anteil an" not in grundzahl


def test_unbekannte_kennzahl_oder_unbekanntes_gebiet_wird_genannt(db):
    kennzahl = bb("daten", "zeitreihe", "fehlzeiten", "03453", db=db, pruefen=False)
    assert kennzahl.returncode == 1 and "Die Kennzahl »fehlzeiten« gibt es nicht" in kennzahl.stderr
    gebiet = bb("daten", "vergleich", "schulabsentismus_anteil", "2025/26-1", "99999", db=db, pruefen=False)
    assert gebiet.returncode == 1 and "Das Gebiet »99999« gibt es nicht" in gebiet.stderr


def test_der_katalog_nennt_bezugsgroesse_und_quelle(db):
    katalog = bb("daten", "kennzahlen", db=db).stdout
    assert "abgaenger_ohne_abschluss_anteil_bevoelkerung" in katalog
    assert "Bezugsgröße: gleichaltrige Bevölkerung (durchschnittlicher Jahrgang der 15- bis unter 18-Jährigen)" in katalog
    assert "Quelle: Statistische Ämter des Bundes und der Länder" in katalog


def test_ein_verknuepftes_feld_braucht_aktuelle_werte_und_zeigt_seinen_stand(db):
    bb("handlungsfeld", "anlegen", "Schulabsentismus", "--als", "anna.meyer@lkclp.example", db=db)
    assert "verknüpft." in bb("daten", "verknuepfen", "1", "schulabsentismus_anteil", db=db).stdout
    assert "nichts geändert" in bb("daten", "verknuepfen", "1", "schulabsentismus_anteil", db=db).stdout
    ohne = bb("daten", "stand", "1", db=db).stdout
    assert "Landkreis Cloppenburg: noch kein Wert importiert" in ohne
    abgewiesen = bb("handlungsfeld", "schritt", "1", "daten_zusammenstellen", "--als", "joerg.toebben@lkclp.example",
                    db=db, pruefen=False)
    assert abgewiesen.returncode == 1
    assert "(schulabsentismus_anteil) liegt für Landkreis Cloppenburg noch kein Wert vor" in abgewiesen.stderr
    bb("daten", "import", str(ABSENTISMUS), db=db)
    stand = bb("daten", "stand", "1", db=db).stdout
    assert "Landkreis Cloppenburg 2025/26-1: 4,3 %" in stand
    assert "Trend: gesunken, −1,2 Prozentpunkte gegenüber 2024/25-2 (Vorzeitraum: 5,5 %)" in stand
    assert "Anteil an: alle Schülerinnen und Schüler allgemeinbildender Schulen" in stand
    assert "schulamt_schulabsentismus.csv" in stand
    ok = bb("handlungsfeld", "schritt", "1", "daten_zusammenstellen", "--als", "joerg.toebben@lkclp.example", db=db)
    assert "definiert → Daten zusammengestellt" in ok.stdout
    ohne_feld = bb("daten", "verknuepfen", "7", "schulabsentismus_anteil", db=db, pruefen=False)
    assert ohne_feld.returncode == 1 and "Das Handlungsfeld 7 gibt es nicht" in ohne_feld.stderr
