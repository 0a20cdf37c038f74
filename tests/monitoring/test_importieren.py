"""Der Import als Ganzes: Format, einmal je Datei, berichtigte Zahlen, ganz oder gar nicht."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modelle.kennzahlen import Datenimport, Kennzahlwert
from prozess.fehler import Eingabefehler
from tests.monitoring.conftest import DATEN

FLAT = "21111-02-06-4_flat.csv"


def test_dieselbe_datei_ein_zweites_mal_aendert_nichts(importieren, inhalt, uhr):
    zuerst = uhr.jetzt
    importieren(FLAT)
    vorher = inhalt()
    uhr.vorstellen(days=1)
    zweiter = importieren(FLAT)
    assert inhalt() == vorher
    assert zweiter.schon_importiert_am == zuerst
    assert not zweiter.hat_geaendert
    assert "bereits am" in zweiter.zusammenfassung()[0] and "nichts geändert" in zweiter.zusammenfassung()[0]


def test_eine_berichtigte_ausgabe_ersetzt_nur_die_geaenderte_zahl(importieren, engine, tmp_path):
    erster = importieren(FLAT)
    text = (DATEN / FLAT).read_text(encoding="utf-8-sig")
    berichtigt = tmp_path / "21111-02-06-4_flat_berichtigt.csv"
    berichtigt.write_text("\ufeff" + text.replace(";1902;Anzahl;BIL016;Absolventen und Abgänger;",
                                                  ";1903;Anzahl;BIL016;Absolventen und Abgänger;r", 1), encoding="utf-8")
    zweiter = importieren(berichtigt)
    assert (zweiter.neu, zweiter.geaendert, zweiter.unveraendert) == (0, 1, 50)
    with engine.connect() as v:
        geaendert = v.execute(select(Kennzahlwert.wert, Kennzahlwert.kennzeichen, Datenimport.dateiname)
                              .join(Datenimport, Datenimport.id == Kennzahlwert.import_id)
                              .where(Kennzahlwert.import_id == zweiter.import_id)).all()
        vom_ersten = v.execute(select(Kennzahlwert.id).where(Kennzahlwert.import_id == erster.import_id)).all()
    assert geaendert == [(1903.0, "r", "21111-02-06-4_flat_berichtigt.csv")]
    assert len(vom_ersten) == 50


def test_das_format_kann_ausdruecklich_genannt_werden_und_muss_dann_passen(importieren):
    assert importieren(FLAT, format="ffcsv").format == "ffcsv"
    with pytest.raises(Eingabefehler, match="Unbekanntes Format »xlsx«; möglich: ffcsv, tabelle, lang"):
        importieren("schulamt_fehlzeiten_2024-25.csv", format="xlsx")


def test_ein_unbekanntes_format_wird_mit_den_moeglichen_abgewiesen(importieren, tmp_path):
    datei = tmp_path / "notizen.csv"
    datei.write_text("Schule;Bemerkung\nOBS;viel gefehlt\n", encoding="utf-8")
    with pytest.raises(Eingabefehler) as info:
        importieren(datei)
    assert "Datei notizen.csv, Zeile 1: das Format ist nicht zu erkennen" in str(info.value)
    assert "ffcsv: Flatfile-CSV" in str(info.value) and "lang: lange CSV" in str(info.value)


def test_eine_fehlende_datei_nennt_den_pfad(importieren, tmp_path):
    with pytest.raises(Eingabefehler, match="Die Datei .*fehlt.csv gibt es nicht"):
        importieren(tmp_path / "fehlt.csv")


def test_ein_fehler_beim_schreiben_rollt_alles_zurueck(organisation, uhr, inhalt, monkeypatch):
    """Auch nach geschriebenen Gebieten und Werten bleibt nichts, wenn danach etwas scheitert."""
    import monitoring.importieren as modul

    vorher = inhalt()

    def scheitern(*args, **kwargs):
        raise RuntimeError("Platte voll")

    monkeypatch.setattr(modul, "SCHREIBEN_JE_STAPEL", 10)
    echte = modul._werte_schreiben

    def nach_dem_schreiben_scheitern(*args, **kwargs):
        echte(*args, **kwargs)
        scheitern()

    monkeypatch.setattr(modul, "_werte_schreiben", nach_dem_schreiben_scheitern)
    with pytest.raises(RuntimeError, match="Platte voll"):
        with organisation.arbeit(lambda: uhr.jetzt) as arbeit:
            modul.kennzahlen_importieren(arbeit, DATEN / FLAT)
    assert inhalt() == vorher
