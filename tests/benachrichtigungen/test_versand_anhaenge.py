"""Anhänge echter Mails: die Kennzahlen der Einladung als CSV, die Diagramme des Statusberichts im HTML-Teil.

Die Mails gehen durch die Outbox über SMTP (aiosmtpd) und werden mit dem ``email``-Paket
zurückgelesen; jede besteht die RFC-Prüfung der übrigen Versandtests.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sys
from datetime import datetime, timedelta
from email import message_from_bytes, policy

from sqlmodel import select

from benachrichtigungen.transport_smtp import SmtpTransport
from benachrichtigungen.versand import Versender
from modelle.tabellen import Mailanhang, Outbox, Statusbericht
from prozess.einladungen import einladungen_versenden
from prozess.sitzungen import sitzungen_planen
from prozess.statusbericht import statusberichte_versenden
from tests.benachrichtigungen.rfc_pruefung import verstoesse
from tests.conftest import BERLIN
from tests.hilfen import feld_im_zustand, tun

NEUJAHR = datetime(2027, 1, 4, 8, 0, tzinfo=BERLIN)
SICHTBAR = ("03453;2024/25-2;schueler_allgemeinbildend;1870\n03453;2024/25-2;schueler_erhebliche_fehlzeiten;75\n"
            "03453;2025/26-1;schueler_allgemeinbildend;2000\n03453;2025/26-1;schueler_erhebliche_fehlzeiten;90\n")
VERBORGEN = ("03453;2024/25-2;schueler_allgemeinbildend;1870\n03453;2024/25-2;schueler_erhebliche_fehlzeiten;75\n"
             "03453;2025/26-1;schueler_allgemeinbildend;40\n03453;2025/26-1;schueler_erhebliche_fehlzeiten;2\n")
BEZUG = "Anteil an: alle Schülerinnen und Schüler allgemeinbildender Schulen"


def leeren(umgebung, jetzt: datetime) -> None:
    async def lauf():
        async with SmtpTransport.aus_einstellungen(umgebung.einstellungen) as t:
            return await Versender(umgebung.engine, t, umgebung.einstellungen).leeren(jetzt)

    asyncio.run(lauf())


def feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, werte: str) -> int:
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen

    feld = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld, "schulabsentismus_anteil")
    datei = tmp_path / "fehlzeiten.csv"
    datei.write_text("gebiet;zeitraum;kennzahl;wert\n" + werte, encoding="utf-8")
    tun(s, uhr.jetzt, kennzahlen_importieren, datei)
    return feld


def gelesen(eingaenge) -> list:
    return [message_from_bytes(e.roh, policy=policy.default) for e in eingaenge]


def anhang(mail, name: str):
    return next((t for t in mail.walk() if t.get_filename() == name), None)


def csv_zeilen(inhalt: bytes) -> list[dict]:
    assert inhalt.startswith(b"\xef\xbb\xbf")  # UTF-8 mit BOM, wie die Dateien der Statistikämter
    return list(csv.DictReader(io.StringIO(inhalt.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_die_einladung_der_steuerungsgruppe_kommt_mit_den_kennzahlen_als_csv_an(
        s, einstellungen, uhr, tmp_path, smtp_umgebung, smtp_server):
    feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, SICHTBAR)
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 1, 19, 11, tzinfo=BERLIN), einladungen_versenden)  # für den 2. Februar
    leeren(smtp_umgebung, datetime(2027, 1, 19, 11, 5, tzinfo=BERLIN))

    eingaenge = smtp_server.postfach.eingaenge
    assert {i: f for i, f in enumerate(verstoesse(e.roh) for e in eingaenge) if f} == {}
    mit_csv = [m for m in gelesen(eingaenge) if anhang(m, "kennzahlen.csv")]
    assert len(mit_csv) == 4  # die vier Mitglieder der Steuerungsgruppe; andere Gremien ohne Feld: ohne Datei
    for mail in mit_csv:
        assert mail.get_content_type() == "multipart/mixed"
        assert anhang(mail, "einladung.ics") is not None  # die Kalendereinladung bleibt daneben
        teil = anhang(mail, "kennzahlen.csv")
        assert (teil.get_content_type(), teil.get_content_charset(), teil.get_content_disposition()) == (
            "text/csv", "utf-8", "attachment")
        text = mail.get_body(("plain",)).get_content()
        assert "Dieselben Zahlen als Tabelle im Anhang: kennzahlen.csv" in text
    inhalte = {anhang(m, "kennzahlen.csv").get_payload(decode=True) for m in mit_csv}
    assert len(inhalte) == 1  # dieselben Bytes für alle
    (zeile,) = csv_zeilen(inhalte.pop())
    assert zeile["TOP"] == "2" and zeile["Handlungsfeld"] == "Steuerungsprüfung: Schulabsentismus"
    assert zeile["Kennzahl"].startswith("Schulabsentismus – Anteil")
    assert (zeile["Gebiet"], zeile["Zeitraum"], zeile["Wert"], zeile["Zahl"], zeile["Einheit"]) == (
        "Landkreis Cloppenburg", "2025/26-1", "4,5 %", "4,5", "%")
    assert zeile["Geheimgehalten"] == "nein" and zeile["Trend"] == "gestiegen"
    # Beginnt mit »+«: ein Apostroph davor, damit keine Tabellenkalkulation eine Formel daraus macht.
    assert zeile["Vergleich"].startswith("'+0,5 Prozentpunkte gegenüber 2024/25-2")
    assert zeile["Bezugsgröße"] == BEZUG
    assert "fehlzeiten.csv" in zeile["Quelle"] and "Schulamt" in zeile["Quelle"]


def test_die_datei_entsteht_beim_vormerken_und_jeder_versuch_sendet_dieselben_bytes(
        s, einstellungen, uhr, tmp_path, smtp_umgebung, smtp_server):
    feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, SICHTBAR)
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 1, 19, 11, tzinfo=BERLIN), einladungen_versenden)
    gespeichert = s.exec(select(Mailanhang).where(Mailanhang.outbox_id.is_not(None))).all()
    assert len(gespeichert) == 4 and {a.dateiname for a in gespeichert} == {"kennzahlen.csv"}
    ziel = s.get(Outbox, gespeichert[0].outbox_id).empfaenger_email
    smtp_server.postfach.einmal[ziel] = ["451 4.3.0 später bitte"]
    leeren(smtp_umgebung, datetime(2027, 1, 19, 11, 5, tzinfo=BERLIN))
    leeren(smtp_umgebung, datetime(2027, 1, 19, 12, 0, tzinfo=BERLIN))  # der zweite Versuch
    an_ziel = [m for m in gelesen(smtp_server.postfach.eingaenge) if m["To"].addresses[0].addr_spec == ziel
               and anhang(m, "kennzahlen.csv")]
    assert len(an_ziel) == 1
    assert anhang(an_ziel[0], "kennzahlen.csv").get_payload(decode=True) == bytes(gespeichert[0].inhalt)


def test_eine_verborgene_zelle_steht_in_der_csv_nicht_als_zahl(s, einstellungen, uhr, tmp_path):
    feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, VERBORGEN)  # 2 von 40
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 1, 19, 11, tzinfo=BERLIN), einladungen_versenden)
    inhalt = bytes(s.exec(select(Mailanhang.inhalt).where(Mailanhang.outbox_id.is_not(None))).first())
    (zeile,) = csv_zeilen(inhalt)
    assert (zeile["Zeitraum"], zeile["Wert"], zeile["Zahl"], zeile["Geheimgehalten"]) == ("2025/26-1", "•", "", "ja")
    assert zeile["Trend"] == "" and zeile["Bezugsgröße"] == BEZUG and "fehlzeiten.csv" in zeile["Quelle"]
    text = inhalt.decode("utf-8-sig")
    assert "5,0" not in text and ";5;" not in text and ";2;" not in text  # weder Anteil noch Fallzahl


def test_der_statusbericht_zeigt_je_kennzahl_ein_png_im_html_teil_mit_den_zahlen_im_alt_text(
        s, einstellungen, uhr, tmp_path, smtp_umgebung, smtp_server):
    feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, SICHTBAR)
    tun(s, NEUJAHR, sitzungen_planen)
    (bericht,) = tun(s, datetime(2027, 2, 4, 16, 5, tzinfo=BERLIN), statusberichte_versenden)
    leeren(smtp_umgebung, datetime(2027, 2, 4, 16, 10, tzinfo=BERLIN))

    eingaenge = smtp_server.postfach.eingaenge
    assert {i: f for i, f in enumerate(verstoesse(e.roh) for e in eingaenge) if f} == {}
    berichte = [m for m in gelesen(eingaenge) if m["Subject"] == bericht.betreff]
    assert len(berichte) == 3  # die Mitglieder des Schulausschusses
    (gespeichert,) = s.exec(select(Mailanhang).where(Mailanhang.statusbericht_id == bericht.id)).all()
    for mail in berichte:
        assert mail.get_content_type() == "multipart/alternative"
        text, verwandt = mail.iter_parts()
        assert text.get_content_type() == "text/plain"
        assert (verwandt.get_content_type(), verwandt.get_param("type")) == ("multipart/related", "text/html")
        html, bild = verwandt.iter_parts()
        assert html.get_content_type() == "text/html"
        assert (bild.get_content_type(), bild.get_content_disposition()) == ("image/png", "inline")
        png = bild.get_payload(decode=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and png == bytes(gespeichert.inhalt)
        cid = bild["Content-ID"].strip("<>")
        inhalt = html.get_content()
        (img,) = re.findall(r"<img [^>]*>", inhalt)
        assert f'src="cid:{cid}"' in img
        alt = re.search(r'alt="([^"]*)"', img).group(1)
        assert "2025/26-1: 4,5 %" in alt and "2024/25-2: 4,0 %" in alt and "Landkreis Cloppenburg" in alt
        assert "Trend: gestiegen" in alt and "Quelle: " in alt
        nach_bild = inhalt[inhalt.index(img) + len(img):]
        assert re.match(r"\s*</p>\s*<p[^>]*>Quelle: ", nach_bild)  # die Quelle steht unter dem Bild
        klartext = text.get_content()
        assert "cid:" not in klartext and "<img" not in klartext
        assert "Landkreis Cloppenburg 2025/26-1: 4,5 %" in klartext  # ohne Bild lesbar


def test_die_diagramme_sind_einmal_je_bericht_gespeichert_und_verraten_keine_verborgene_zahl(
        s, einstellungen, uhr, tmp_path):
    feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, VERBORGEN)
    tun(s, NEUJAHR, sitzungen_planen)
    (bericht,) = tun(s, datetime(2027, 2, 4, 16, 5, tzinfo=BERLIN), statusberichte_versenden)
    (bild,) = s.exec(select(Mailanhang).where(Mailanhang.statusbericht_id == bericht.id)).all()
    assert bild.outbox_id is None and bild.content_id == f"feld1-schulabsentismus_anteil.png@{einstellungen.absender.split('@')[1]}"
    alt = re.search(r'alt="([^"]*)"', s.get(Statusbericht, bericht.id).html).group(1)
    assert "2025/26-1: verborgen" in alt and "2024/25-2: 4,0 %" in alt
    assert "5,0" not in alt


def test_ohne_kennzahl_braucht_der_statusbericht_kein_matplotlib(s, einstellungen, uhr, monkeypatch):
    feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    tun(s, NEUJAHR, sitzungen_planen)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # ein Import schlüge fehl
    (bericht,) = tun(s, datetime(2027, 2, 4, 16, 5, tzinfo=BERLIN), statusberichte_versenden)
    assert s.exec(select(Mailanhang)).all() == []
    assert "cid:" not in s.get(Statusbericht, bericht.id).html


def test_die_aufbewahrung_loescht_die_anhaenge_gesendeter_mails_die_diagramme_des_berichts_bleiben(
        s, einstellungen, uhr, tmp_path, smtp_umgebung, smtp_server):
    from prozess.versand import aufbewahren

    feld_mit_fehlzeiten(s, einstellungen, uhr, tmp_path, SICHTBAR)
    tun(s, NEUJAHR, sitzungen_planen)
    tun(s, datetime(2027, 1, 19, 11, tzinfo=BERLIN), einladungen_versenden)
    (bericht,) = tun(s, datetime(2027, 2, 4, 16, 5, tzinfo=BERLIN), statusberichte_versenden)
    leeren(smtp_umgebung, datetime(2027, 2, 4, 16, 10, tzinfo=BERLIN))
    assert len(s.exec(select(Mailanhang).where(Mailanhang.outbox_id.is_not(None))).all()) == 4
    spaeter = datetime(2027, 2, 4, 16, 10, tzinfo=BERLIN) + timedelta(days=einstellungen.versand_aufbewahrung_tage + 1)
    for tag in range(40):  # je Aufruf höchstens ein Tag Geschichte
        tun(s, spaeter + timedelta(minutes=tag), aufbewahren)
    s.expire_all()
    assert s.exec(select(Mailanhang).where(Mailanhang.outbox_id.is_not(None))).all() == []
    assert len(s.exec(select(Mailanhang).where(Mailanhang.statusbericht_id == bericht.id)).all()) == 1
