"""Der Statusbericht: Zahlen aus der Datenbank, rechtzeitig vor der Sitzung, als Zeile aufbewahrt."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select

from modelle.tabellen import Massnahme, Outbox, Statusbericht
from prozess.sitzungen import sitzungen_planen
from prozess.statusbericht import bericht_daten, statusberichte_versenden
from prozess.ziele import massnahme_anlegen, massnahme_erledigen
from prozess.rollen import person_per_email
from tests.conftest import BERLIN
from tests.hilfen import tun, SCHULLEITUNG, feld_anlegen, feld_im_zustand


def test_die_zahlen_des_berichts_kommen_aus_der_datenbank(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "massnahmen_beschlossen")
    paket = s.exec(select(Massnahme.arbeitspaket_id).where(Massnahme.handlungsfeld_id == feld_id)).first()
    schule = person_per_email(s, SCHULLEITUNG)
    m2 = tun(s, uhr.jetzt, massnahme_anlegen, paket, "Elternabende", schule, date(2027, 2, 1))
    tun(s, uhr.jetzt, massnahme_anlegen, paket, "Schulsozialarbeit", schule, date(2027, 12, 1))
    tun(s, uhr.jetzt, massnahme_erledigen, m2.id)
    feld_anlegen(s, einstellungen, uhr, "Übergang Schule–Beruf")
    jetzt = datetime(2027, 10, 15, 8, tzinfo=BERLIN)
    daten = tun(s, jetzt, bericht_daten, seit=None)
    erstes = next(f for f in daten["felder"] if f["titel"] == "Schulabsentismus")
    assert (erstes["massnahmen_gesamt"], erstes["massnahmen_erledigt"], erstes["massnahmen_verspaetet"]) == (3, 1, 1)
    assert erstes["fortschritt"] == 33
    assert erstes["zustand"] == "Maßnahmen beschlossen"
    assert [a.split(": ", 1)[1] for a in erstes["aenderungen"]] == [
        "Angelegt → definiert (Landkreis Cloppenburg, Bildungsbüro)",
        "Daten als zusammengestellt melden → Daten zusammengestellt (Landkreis Cloppenburg, Bildungsbüro)",
        "Der Steuerungsgruppe zur Prüfung vorlegen → in Prüfung der Steuerungsgruppe (Landkreis Cloppenburg, Bildungsbüro)",
        "Beschlossene Maßnahmen festhalten → Maßnahmen beschlossen (Landkreis Cloppenburg, Dezernat II)"]
    # Überfällig: der Bericht des Bildungsmanagements (Frist 180 Tage nach dem Beschluss) und die
    # Aufgabe zur Maßnahme "Fehlzeiten-Ampel" (Frist 30.09.2027); nach Frist sortiert.
    assert erstes["ueberfaellig"] == [
        "Umsetzung im Handlungsfeld »Schulabsentismus« begleiten und berichten – Landkreis Cloppenburg, "
        "Bildungsbüro, Frist 13.07.2027 (94 Tage überfällig)",
        "Maßnahme umsetzen: Fehlzeiten-Ampel – Oberschule Löningen, Frist 30.09.2027 (15 Tage überfällig)"]
    zweites_feld = next(f for f in daten["felder"] if f["titel"] == "Übergang Schule–Beruf")
    assert zweites_feld["fortschritt"] is None and zweites_feld["massnahmen_gesamt"] == 0
    assert len(zweites_feld["ueberfaellig"]) == 1  # »Daten zusammenstellen«, Frist 42 Tage nach dem Anlegen
    assert daten["summe"] == {"felder": 2, "massnahmen": 3, "erledigt": 1, "ueberfaellige_aufgaben": 3}

    seit = datetime(2027, 1, 12, 12, 0, tzinfo=BERLIN)  # nach »Daten zusammengestellt« (12.01., 9 Uhr)
    nur_neu = tun(s, jetzt, bericht_daten, seit=seit)
    erstes = next(f for f in nur_neu["felder"] if f["titel"] == "Schulabsentismus")
    assert len(erstes["aenderungen"]) == 2


def test_der_bericht_geht_mit_der_einladung_an_den_schulausschuss_und_bleibt_als_zeile(s, einstellungen, uhr):
    feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    tun(s, datetime(2027, 1, 4, 8, tzinfo=BERLIN), sitzungen_planen)
    # Schulausschuss am 18.02.2027 16:00, Ladungsfrist 7 + Vorlauf 7 Tage: ab dem 4. Februar 16:00.
    assert tun(s, datetime(2027, 2, 4, 15, tzinfo=BERLIN), statusberichte_versenden) == []
    (bericht,) = tun(s, datetime(2027, 2, 4, 16, 5, tzinfo=BERLIN), statusberichte_versenden)
    assert tun(s, datetime(2027, 2, 5, 16, 5, tzinfo=BERLIN), statusberichte_versenden) == []
    gespeichert = s.exec(select(Statusbericht)).one()
    assert gespeichert.text == bericht.text and "Schulabsentismus" in gespeichert.text
    assert "Fällige Entscheidung: Steuerungsgruppe: Maßnahmen beschließen" in gespeichert.text
    assert "Anna Meyer" not in gespeichert.text and "Jörg Többen" not in gespeichert.text
    assert "18.02.2027, 16:00 Uhr – Ausschuss für Schule und Bildung" in gespeichert.text
    assert '<html lang="de">' in gespeichert.html and gespeichert.html.count("<h1") == 1
    mails = s.exec(select(Outbox).where(Outbox.anlass == "statusbericht")).all()
    assert sorted(m.empfaenger_email for m in mails) == sorted([
        "heinrich.buehrmann@kreistag-clp.example", "maria.klaene@kreistag-clp.example", "sabine.lueken@lkclp.example"])
    assert {m.statusbericht_id for m in mails} == {gespeichert.id}


def test_ein_fester_rhythmus_ergibt_zusaetzliche_berichte(s, einstellungen):
    s.info["test_einstellungen"] = einstellungen.mit(statusbericht_rhythmus_monate=3)
    assert tun(s, datetime(2027, 2, 1, 8, tzinfo=BERLIN), statusberichte_versenden) == []
    assert len(tun(s, datetime(2027, 4, 1, 8, tzinfo=BERLIN), statusberichte_versenden)) == 1
    assert tun(s, datetime(2027, 4, 2, 8, tzinfo=BERLIN), statusberichte_versenden) == []


def test_ohne_organisation_nennt_der_bericht_keine_person_sondern_sagt_dass_die_stelle_fehlt(s, einstellungen, uhr):
    from prozess.grundkontext import grundkontext
    from prozess.statusbericht import bericht_darstellen

    feld_im_zustand(s, einstellungen, uhr, "massnahmen_beschlossen")
    # Die Vorsitzende (ihr Schritt steht unter den Änderungen) und die Schulleitung (ihre Maßnahme
    # ist überfällig) haben keine Organisation eingetragen.
    for email in (SCHULLEITUNG, "hiltrud.schraeder@lkclp.example"):
        person_per_email(s, email).organisation = None
    s.commit()
    daten = tun(s, datetime(2027, 10, 15, 8, tzinfo=BERLIN), bericht_daten, seit=None)
    feld = next(f for f in daten["felder"] if f["titel"] == "Schulabsentismus")
    assert feld["aenderungen"][-1].endswith("→ Maßnahmen beschlossen (ohne Angabe der Stelle)")
    assert "Maßnahme umsetzen: Fehlzeiten-Ampel – ohne Angabe der Stelle, Frist 30.09.2027 (15 Tage überfällig)" \
        in feld["ueberfaellig"]
    dargestellt = bericht_darstellen(daten, grundkontext(s), "Ausschuss für Schule und Bildung")
    for name in ("Thomas Ostendorf", "Hiltrud Schräder"):
        assert name not in dargestellt.text and name not in dargestellt.html


def test_der_bericht_zeigt_die_kennzahlen_jedes_feldes_mit_trend_seit_dem_letzten_bericht(s, einstellungen, uhr, tmp_path):
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen
    from prozess.grundkontext import grundkontext
    from prozess.statusbericht import bericht_darstellen

    def fehlzeiten(name: str, zeilen: str):
        pfad = tmp_path / name
        pfad.write_text("gebiet;zeitraum;kennzahl;wert\n" + zeilen, encoding="utf-8")
        return pfad

    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    feld_anlegen(s, einstellungen, uhr, "Übergang Schule–Beruf")  # ohne Kennzahl
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    tun(s, datetime(2027, 1, 20, 9, tzinfo=BERLIN), kennzahlen_importieren, fehlzeiten("a.csv",
        "03453;2024/25-2;schueler_allgemeinbildend;1870\n03453;2024/25-2;schueler_erhebliche_fehlzeiten;75\n"
        "03453;2025/26-1;schueler_allgemeinbildend;1861\n03453;2025/26-1;schueler_erhebliche_fehlzeiten;56\n"))
    letzter_bericht = datetime(2027, 2, 4, 16, tzinfo=BERLIN)
    tun(s, datetime(2027, 3, 20, 9, tzinfo=BERLIN), kennzahlen_importieren, fehlzeiten("b.csv",
        "03453;2025/26-2;schueler_allgemeinbildend;1850\n03453;2025/26-2;schueler_erhebliche_fehlzeiten;74\n"))
    daten = tun(s, datetime(2027, 4, 1, 8, tzinfo=BERLIN), bericht_daten, seit=letzter_bericht)
    felder = {f["titel"]: f for f in daten["felder"]}
    assert felder["Übergang Schule–Beruf"]["kennzahlen"] == []
    (k,) = felder["Schulabsentismus"]["kennzahlen"]
    # Neu seit dem letzten Bericht: 74 von 1.850 (4,0 %); damals neuester Stand: 56 von 1.861 (3,0 %).
    assert (k["zeitraum"], k["wert"], k["trend"]) == ("2025/26-2", "4,0 %", "gestiegen")
    assert k["vergleich"] == "+1,0 Prozentpunkte gegenüber 2025/26-1 (Stand beim letzten Bericht: 3,0 %)"
    dargestellt = bericht_darstellen(daten, grundkontext(s), "Ausschuss für Schule und Bildung")
    for teil in (dargestellt.text, dargestellt.html):
        assert "Landkreis Cloppenburg 2025/26-2: " in teil or "Landkreis Cloppenburg 2025/26-2: <strong>" in teil
        assert "Anteil an: alle Schülerinnen und Schüler allgemeinbildender Schulen" in teil
        assert "Trend: gestiegen, +1,0 Prozentpunkte gegenüber 2025/26-1" in teil
        assert "b.csv, importiert 20.03.2027" in teil
    assert "• = verborgen" not in dargestellt.text


def test_kleine_fallzahlen_erscheinen_im_bericht_nicht(s, einstellungen, uhr, tmp_path):
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen
    from prozess.grundkontext import grundkontext
    from prozess.statusbericht import bericht_darstellen

    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    pfad = tmp_path / "klein.csv"
    pfad.write_text("gebiet;zeitraum;kennzahl;wert\n03453;2025/26-1;schueler_allgemeinbildend;48\n"
                    "03453;2025/26-1;schueler_erhebliche_fehlzeiten;2\n", encoding="utf-8")
    tun(s, uhr.jetzt, kennzahlen_importieren, pfad)
    daten = tun(s, uhr.jetzt, bericht_daten, seit=None)
    dargestellt = bericht_darstellen(daten, grundkontext(s), "Ausschuss für Schule und Bildung")
    assert "Landkreis Cloppenburg 2025/26-1: •" in dargestellt.text
    assert "4,2 %" not in dargestellt.text and "4,2 %" not in dargestellt.html
    assert "• = verborgen" in dargestellt.text and "• = verborgen" in dargestellt.html
