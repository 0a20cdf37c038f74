"""Sitzungen planen und einladen: zur richtigen Zeit, mit Tagesordnung und Kalendereinladung."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import pytest
from sqlmodel import select

from modelle.tabellen import Outbox, Sitzung, Tagesordnungspunkt
from prozess.einladungen import einladungen_versenden
from prozess.fehler import Eingabefehler
from prozess.sitzungen import sitzung_absagen, sitzung_anlegen, sitzung_verschieben, sitzungen_planen
from tests.conftest import BERLIN
from tests.hilfen import tun, feld_im_zustand

NEUJAHR = datetime(2027, 1, 4, 8, 0, tzinfo=BERLIN)


def sg_mai(s) -> Sitzung:
    return s.exec(select(Sitzung).where(Sitzung.beginn == datetime(2027, 5, 4, 10, 0, tzinfo=BERLIN))).one()


def einladungen(s, anlass: str = "einladung") -> list[Outbox]:
    s.expire_all()
    return list(s.exec(select(Outbox).where(Outbox.anlass == anlass).order_by(Outbox.id)).all())


def kalender(zeile: Outbox):
    cal = icalendar.Calendar.from_ical(zeile.kalender)
    return cal, cal.walk("VEVENT")[0]


def test_der_planer_legt_zwoelf_monate_an_und_nichts_doppelt(s, einstellungen):
    neu = tun(s, NEUJAHR, sitzungen_planen)
    assert len(neu) == 4 + 2 + 5 + 1  # Steuerungsgruppe, Beirat, Schulausschuss, Konferenz bis Januar 2028
    assert tun(s, NEUJAHR, sitzungen_planen) == []
    assert tun(s, NEUJAHR + timedelta(days=40), sitzungen_planen)  # ein Monat mehr Vorlauf


def test_eingeladen_wird_zur_ladungsfrist_plus_vorlauf_nicht_frueher(s, einstellungen):
    tun(s, NEUJAHR, sitzungen_planen)
    sitzung = sg_mai(s)
    # Ladungsfrist der Steuerungsgruppe 7 Tage, Vorlauf 7 Tage: am 20. April um 10 Uhr.
    assert tun(s, datetime(2027, 4, 20, 9, 0, tzinfo=BERLIN), einladungen_versenden).sitzungen == []
    bericht = tun(s, datetime(2027, 4, 20, 10, 5, tzinfo=BERLIN), einladungen_versenden)
    assert sitzung.id in bericht.sitzungen
    an = sorted(z.empfaenger_email for z in einladungen(s) if z.kontext["sitzung"]["id"] == sitzung.id)
    assert an == sorted(["anna.meyer@lkclp.example", "hiltrud.schraeder@lkclp.example",
                         "bernd.wuebbolding@lkclp.example", "sabine.lueken@lkclp.example"])
    vorher = len(einladungen(s))
    tun(s, datetime(2027, 4, 21, 10, 5, tzinfo=BERLIN), einladungen_versenden)
    assert len(einladungen(s)) == vorher


def test_die_einladung_traegt_eine_kalendereinladung_mit_zeitzone(s, einstellungen):
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 4, 20, 11, tzinfo=BERLIN), einladungen_versenden)
    zeile = next(z for z in einladungen(s) if z.kontext["sitzung"]["id"] == sg_mai(s).id)
    assert b"\r\n" in zeile.kalender.encode() and zeile.kalender_methode == "REQUEST"
    cal, ereignis = kalender(zeile)
    assert cal["METHOD"] == "REQUEST"
    assert str(ereignis["UID"]) == f"sitzung-{sg_mai(s).id}@localhost.localdomain"
    assert ereignis["SEQUENCE"] == 0
    assert ereignis["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert ereignis.decoded("DTSTART") == datetime(2027, 5, 4, 10, 0, tzinfo=BERLIN)
    assert [str(t["TZID"]) for t in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    teilnehmer = ereignis.get("ATTENDEE")
    assert len(teilnehmer) == 4 and all(a.params["RSVP"] == "TRUE" for a in teilnehmer)
    assert str(ereignis["ORGANIZER"]) == "mailto:bildungsbuero@lkclp.example"


def test_verschieben_laedt_mit_hoeherer_sequenz_neu_ein_absagen_schickt_cancel(s, einstellungen):
    tun(s, NEUJAHR, sitzungen_planen)
    sitzung = sg_mai(s)
    tun(s, datetime(2027, 4, 20, 11, tzinfo=BERLIN), einladungen_versenden)
    jetzt = datetime(2027, 4, 22, 9, tzinfo=BERLIN)
    tun(s, jetzt, sitzung_verschieben, sitzung.id, datetime(2027, 5, 11, 10, 0, tzinfo=BERLIN), ort="Raum 310")
    tun(s, jetzt + timedelta(minutes=5), einladungen_versenden)
    neu = [z for z in einladungen(s) if z.kontext["sitzung"]["id"] == sitzung.id and z.kontext["sitzung"]["aktualisiert"]]
    assert len(neu) == 4
    cal, ereignis = kalender(neu[0])
    assert (cal["METHOD"], ereignis["SEQUENCE"]) == ("REQUEST", 1)
    assert ereignis.decoded("DTSTART") == datetime(2027, 5, 11, 10, 0, tzinfo=BERLIN)
    assert str(ereignis["UID"]) == f"sitzung-{sitzung.id}@localhost.localdomain"

    tun(s, jetzt + timedelta(days=1), sitzung_absagen, sitzung.id, "Beschlussunfähig")
    tun(s, jetzt + timedelta(days=1, minutes=5), einladungen_versenden)
    absagen = einladungen(s, "absage")
    assert len(absagen) == 4
    cal, ereignis = kalender(absagen[0])
    assert (cal["METHOD"], ereignis["SEQUENCE"], ereignis["STATUS"]) == ("CANCEL", 2, "CANCELLED")
    assert absagen[0].kalender_methode == "CANCEL"


def test_eine_nie_eingeladene_sitzung_wird_still_abgesagt(s, einstellungen):
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, NEUJAHR, sitzung_absagen, sg_mai(s).id)
    tun(s, datetime(2027, 4, 30, tzinfo=BERLIN), einladungen_versenden)
    assert einladungen(s, "absage") == []


def test_die_tagesordnung_kommt_aus_dem_prozess(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 1, 19, 11, tzinfo=BERLIN), einladungen_versenden)  # für den 2. Februar
    februar = s.exec(select(Sitzung).where(Sitzung.beginn == datetime(2027, 2, 2, 10, tzinfo=BERLIN))).one()
    tops = s.exec(select(Tagesordnungspunkt).where(Tagesordnungspunkt.sitzung_id == februar.id)
                  .order_by(Tagesordnungspunkt.nummer)).all()
    assert [t.titel for t in tops] == ["Eröffnung und Feststellung der Tagesordnung", "Steuerungsprüfung: Schulabsentismus",
                                       "Offene Entscheidungen und Aufgaben", "Verschiedenes"]
    assert tops[1].handlungsfeld_id == feld_id
    assert "Maßnahmen zum Handlungsfeld »Schulabsentismus« prüfen und beschließen – Dr. Hiltrud Schräder" in tops[2].beschreibung


def test_eine_sitzung_innerhalb_der_ladungsfrist_wird_abgewiesen_oder_bewusst_kurzfristig(s, einstellungen):
    jetzt = datetime(2027, 3, 1, 9, tzinfo=BERLIN)
    with pytest.raises(Eingabefehler, match="innerhalb der Ladungsfrist von 14 Tagen.*--kurzfristig"):
        tun(s, jetzt, sitzung_anlegen, "bildungsbeirat", jetzt + timedelta(days=10))
    sitzung = tun(s, jetzt, sitzung_anlegen, "bildungsbeirat", jetzt + timedelta(days=10), kurzfristig=True)
    bericht = tun(s, jetzt, einladungen_versenden)
    assert bericht.zu_spaet == [sitzung.id]
    assert all(z.kontext["ladungsfrist_unterschritten"] for z in einladungen(s))


def test_die_einladung_der_steuerungsgruppe_haengt_die_kennzahlen_der_felder_auf_der_tagesordnung_an(
        s, einstellungen, uhr, tmp_path):
    from benachrichtigungen.darstellung import darstellen
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen

    mit = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    ohne = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")  # ohne Kennzahl: keine Anlage
    tun(s, uhr.jetzt, kennzahl_verknuepfen, mit, "schulabsentismus_anteil")
    datei = tmp_path / "fehlzeiten.csv"
    datei.write_text("gebiet;zeitraum;kennzahl;wert\n03453;2024/25-2;schueler_allgemeinbildend;1870\n"
                     "03453;2024/25-2;schueler_erhebliche_fehlzeiten;75\n03453;2025/26-1;schueler_allgemeinbildend;40\n"
                     "03453;2025/26-1;schueler_erhebliche_fehlzeiten;2\n", encoding="utf-8")
    tun(s, uhr.jetzt, kennzahlen_importieren, datei)
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 1, 19, 11, tzinfo=BERLIN), einladungen_versenden)  # für den 2. Februar
    zeile = next(z for z in einladungen(s) if z.kontext["sitzung"]["gremium"] == "Steuerungsgruppe Bildung")
    (anlage,) = zeile.kontext["kennzahlen"]
    assert (anlage["top"], anlage["titel"]) == (2, "Steuerungsprüfung: Schulabsentismus")
    assert ohne != mit  # das zweite Feld steht auch auf der Tagesordnung, hat aber keine Kennzahl
    (k,) = anlage["kennzahlen"]
    assert (k["zeitraum"], k["wert"], k["verborgen"], k["trend"]) == ("2025/26-1", "•", True, "")  # 2 von 40
    mail = darstellen(zeile.vorlage, zeile.kontext)
    assert "Anlage: Kennzahlen zu den Handlungsfeldern der Tagesordnung" in mail.text
    assert "Zu TOP 2 (Steuerungsprüfung: Schulabsentismus):" in mail.text
    assert "Landkreis Cloppenburg 2025/26-1: •" in mail.text
    assert "Anteil an: alle Schülerinnen und Schüler allgemeinbildender Schulen" in mail.text
    assert "Quelle: " in mail.text and "fehlzeiten.csv" in mail.text
    assert "• = verborgen" in mail.text and "• = verborgen" in mail.html
    assert "Anlage: Kennzahlen" in mail.html and "<strong>•</strong>" in mail.html
    # Vor dem Update vorgemerkte Einladungen (ohne Anlage im Kontext) lassen sich weiter darstellen.
    alt = {k: v for k, v in zeile.kontext.items() if k != "kennzahlen"}
    assert "Anlage: Kennzahlen" not in darstellen(zeile.vorlage, alt).text
