"""Die Mail nach dem Buchstaben: Zeilenenden, Zeilenlängen, kodierte Wörter, Kalenderteile (issue 11, Punkt 8)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import icalendar
import pytest

from benachrichtigungen.darstellung import VORLAGEN, darstellen
from benachrichtigungen.kalender import Teilnehmer, einladung
from benachrichtigungen.nachricht import adresse, ohne_steuerzeichen, nachricht_bauen
from tests.benachrichtigungen.rfc_pruefung import verstoesse
from tests.benachrichtigungen.test_darstellung import beispielkontext

JETZT = datetime(2027, 3, 1, 7, 0, tzinfo=timezone.utc)
BUERO = adresse("Bildungsbüro des Landkreises Cloppenburg", "bildungsbuero@lkclp.example")


def gebaut(betreff="Neue Aufgabe", text="Guten Tag\n", html="<p>Guten Tag</p>\n", name="Jörg Többen",
           email="joerg.toebben@lkclp.example", **kalender) -> bytes:
    return nachricht_bauen(betreff=betreff, text=text, html=html, absender=BUERO, empfaenger=adresse(name, email),
                           antwort_an=BUERO, message_id="<0123456789abcdef0123456789abcdef@lkclp.example>",
                           datum=JETZT, **kalender)


def sitzungskalender(methode: str) -> bytes:
    beginn = datetime(2027, 5, 4, 10, tzinfo=timezone(timedelta(hours=2)))
    return einladung(uid="sitzung-4@lkclp.example", sequenz=2 if methode == "CANCEL" else 0, methode=methode,
                     titel="Steuerungsgruppe Bildung: Sitzung", beginn=beginn, ende=beginn + timedelta(hours=2),
                     ort="Kreishaus Cloppenburg, Raum 214", beschreibung="TOP 1: Eröffnung",
                     organisator=Teilnehmer(BUERO.name, BUERO.email),
                     teilnehmer=[Teilnehmer("Dr. Hiltrud Schräder", "hiltrud.schraeder@lkclp.example"),
                                 Teilnehmer("Anna Meyer", "anna.meyer@lkclp.example")],
                     erstellt=JETZT)


def kopfzeilen(roh: bytes) -> list[bytes]:
    return roh.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.mark.parametrize("vorlage", VORLAGEN)
def test_jede_vorlage_ergibt_eine_mail_nach_dem_buchstaben(vorlage):
    d = darstellen(vorlage, beispielkontext(vorlage))
    assert verstoesse(gebaut(d.betreff, d.text, d.html)) == []


def test_from_und_reply_to_des_bueros_werden_vor_der_adresse_gefaltet():
    zeilen = kopfzeilen(gebaut())
    von = zeilen.index(next(z for z in zeilen if z.startswith(b"From: ")))
    assert zeilen[von + 1] == b" <bildungsbuero@lkclp.example>"
    antwort = zeilen.index(next(z for z in zeilen if z.startswith(b"Reply-To: ")))
    assert zeilen[antwort + 1] == b" <bildungsbuero@lkclp.example>"
    assert max(map(len, zeilen)) <= 78
    mail = message_from_bytes(gebaut(), policy=policy.default)
    assert mail["From"].addresses[0].display_name == "Bildungsbüro des Landkreises Cloppenburg"
    assert mail["Reply-To"].addresses[0].addr_spec == "bildungsbuero@lkclp.example"


def test_ein_langer_ascii_betreff_bleibt_lesbar_und_wird_an_leerzeichen_gefaltet():
    betreff = "Einladung: Steuerungsgruppe Bildung am Dienstag, 04.05.2027, 10:00 Uhr, Kreishaus Cloppenburg"
    roh = gebaut(betreff)
    zeilen = kopfzeilen(roh)
    anfang = zeilen.index(next(z for z in zeilen if z.startswith(b"Subject: ")))
    assert zeilen[anfang].startswith(b"Subject: Einladung: Steuerungsgruppe") and zeilen[anfang + 1].startswith(b" ")
    assert b"=?" not in zeilen[anfang]
    assert message_from_bytes(roh, policy=policy.default)["Subject"] == betreff
    assert verstoesse(roh) == []


# Was das Falten schwer macht: lange Wörter, 4-Byte-Zeichen an Wortgrenzen, Anführungszeichen,
# Text, der wie ein kodiertes Wort aussieht, doppelte Leerzeichen, Steuerzeichen.
SCHWIERIGE_TEXTE = [
    "Übergänge Schule–Beruf prüfen " * 6,
    "x" * 120,
    "Fehlzeiten " + "ä" * 100,
    "🎓" * 40 + " Abschluss",
    'Rückmeldung "dringend" \\ bitte',
    "Betreff mit =?utf-8?b?YWJj?= darin",
    "zwei  Leerzeichen   und\tTab",
    "Zeile\r\nBcc: opfer@example.org",
    "A" * 69,
    "Ä",
    "",
]


def zufallstexte(anzahl: int, saat: int = 11) -> list[str]:
    """Reproduzierbar zufällige Texte aus ASCII, Umlauten, 3- und 4-Byte-Zeichen und Leerraum."""
    zeichen = "abcXYZ019 .,:;-()\"'\\=?_äöüßÄÖÜ–€🎓\t"
    zufall = random.Random(saat)
    return ["".join(zufall.choice(zeichen) for _ in range(zufall.randint(1, 160))) for _ in range(anzahl)]


def roh_to(roh: bytes) -> str:
    """Der Wert der To-Zeile, entfaltet, noch nicht dekodiert."""
    entfaltet = roh.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n ", " ")
    return next(z for z in entfaltet.split("\r\n") if z.startswith("To: "))[len("To: "):]


def anzeigename(roh: bytes) -> str:
    """Der Name im To nach RFC 2047 §6.2 gelesen (Leerraum zwischen kodierten Wörtern fällt weg).

    Pythons neuer Adressparser setzt (bis zur Korrektur von CPython gh-128110) zwischen zwei
    kodierte Wörter eines Namens ein Leerzeichen; ``decode_header`` liest nach dem RFC.
    """
    return str(make_header(decode_header(roh_to(roh).rsplit(" <", 1)[0])))


@pytest.mark.parametrize("text", SCHWIERIGE_TEXTE + zufallstexte(300))
def test_betreff_und_namen_kommen_gefaltet_und_unveraendert_zurueck(text):
    roh = gebaut(betreff=text, name=text)
    assert verstoesse(roh) == []
    mail = message_from_bytes(roh, policy=policy.default)
    assert mail["Subject"] == ohne_steuerzeichen(text)
    assert mail["Bcc"] is None
    (empfaenger,) = mail["To"].addresses
    assert empfaenger.addr_spec == "joerg.toebben@lkclp.example"
    if "=?" in roh_to(roh):
        assert anzeigename(roh) == ohne_steuerzeichen(text)
    else:  # in Anführung geschrieben
        assert empfaenger.display_name == ohne_steuerzeichen(text)


def test_die_namen_der_organisation_liest_auch_pythons_parser_unveraendert():
    from prozess.organisation import datei_lesen
    from tests.conftest import ORGANISATION

    daten = datei_lesen(ORGANISATION)
    namen = [p.name for p in daten.personen] + [g.name for g in daten.gremien]
    assert len(namen) > 10
    for name in namen:
        mail = message_from_bytes(gebaut(name=name), policy=policy.default)
        assert mail["To"].addresses[0].display_name == name


def test_textteile_haben_vor_dem_base64_crlf_zeilenenden():
    roh = gebaut(text="erste\nzweite\r\ndritte\rvierte\n", html="<p>\n</p>\n")
    mail = message_from_bytes(roh, policy=policy.default)
    assert mail.get_body(("plain",)).get_payload(decode=True) == "erste\r\nzweite\r\ndritte\r\nvierte\r\n".encode()
    assert mail.get_body(("html",)).get_payload(decode=True) == b"<p>\r\n</p>\r\n"
    assert verstoesse(roh) == []


@pytest.mark.parametrize("methode, dateiname", [("REQUEST", "einladung.ics"), ("CANCEL", "absage.ics")])
def test_der_kalender_ist_text_calendar_mit_methode_als_teil_und_als_anhang(methode, dateiname):
    roh = gebaut(kalender=sitzungskalender(methode), kalender_methode=methode)
    assert verstoesse(roh) == []
    mail = message_from_bytes(roh, policy=policy.default)
    kalenderteile = [t for t in mail.walk() if t.get_content_type() == "text/calendar"]
    assert [t.get_param("method") for t in kalenderteile] == [methode, methode]
    assert [t.get_filename() for t in kalenderteile] == [None, dateiname]
    assert not any(t.get_content_type() == "application/ics" for t in mail.walk())
    anhang = icalendar.Calendar.from_ical(kalenderteile[1].get_payload(decode=True))
    assert anhang["METHOD"] == methode


def test_eine_absage_bittet_niemanden_um_antwort_eine_einladung_jeden():
    einladen = icalendar.Calendar.from_ical(sitzungskalender("REQUEST")).walk("VEVENT")[0]
    absagen = icalendar.Calendar.from_ical(sitzungskalender("CANCEL")).walk("VEVENT")[0]
    assert [a.params.get("RSVP") for a in einladen["ATTENDEE"]] == ["TRUE", "TRUE"]
    assert [a.params.get("RSVP") for a in absagen["ATTENDEE"]] == [None, None]
    assert [a.params.get("PARTSTAT") for a in absagen["ATTENDEE"]] == [None, None]
    assert [str(a) for a in absagen["ATTENDEE"]] == ["mailto:hiltrud.schraeder@lkclp.example",
                                                     "mailto:anna.meyer@lkclp.example"]


def test_eine_unbekannte_kalendermethode_wird_nicht_gebaut():
    with pytest.raises(ValueError, match="PUBLISH"):
        gebaut(kalender=sitzungskalender("REQUEST"), kalender_methode="PUBLISH")


def test_die_pruefung_findet_jeden_verstoss_der_alten_mails():
    """Die Prüfung selbst kann scheitern: eine Mail wie vor dem Fix hat genau diese Verstöße."""
    ics = sitzungskalender("CANCEL").replace(b"ROLE=REQ-PARTICIPANT", b"ROLE=REQ-PARTICIPANT;RSVP=TRUE")
    import base64

    alt = (b"From: =?utf-8?b?" + base64.b64encode("Bildungsbüro des Landkreises Cloppenburg".encode()) + b"?= "
           b"<bildungsbuero@lkclp.example>\r\n"
           b"Subject: =?utf-8?b?" + base64.b64encode("Ä".encode() * 40) + b"?=\r\n"
           b"MIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="g"\r\n\r\n'
           b'--g\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
           + base64.b64encode(b"eins\nzwei\n") + b"\r\n"
           b'--g\r\nContent-Type: text/calendar; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
           + base64.b64encode(ics) + b"\r\n"
           b'--g\r\nContent-Type: application/ics; name="einladung.ics"\r\n'
           b'Content-Disposition: attachment; filename="einladung.ics"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
           + base64.b64encode(ics) + b"\r\n--g--\r\n")
    funde = "\n".join(verstoesse(alt))
    assert "Zeile 1 hat 104 Zeichen" in funde
    assert "kodiertes Wort mit 120 Zeichen" in funde
    assert "text/plain: Zeilenenden vor dem Kodieren nicht CRLF" in funde
    assert "text/calendar ohne Parameter method" in funde
    assert "Kalenderanhang als application/ics statt text/calendar" in funde
    absage_mit_rsvp = gebaut(kalender=ics, kalender_methode="CANCEL")
    assert verstoesse(absage_mit_rsvp) == ["eine Absage bittet um Antwort (RSVP=TRUE)"] * 2  # Teil und Anhang


def test_bilder_stehen_in_multipart_related_und_anhaenge_neben_der_kalendereinladung():
    from benachrichtigungen.nachricht import Datei

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    csv = "\ufeffKennzahl;Wert\r\nAnteil;4,5 %\r\n".encode("utf-8")
    roh = gebaut(html='<p><img src="cid:feld1.png@lkclp.example" alt="4,5 %"></p>\n',
                 kalender=sitzungskalender("REQUEST"), kalender_methode="REQUEST",
                 dateien=[Datei("feld1.png", "image/png", png, "feld1.png@lkclp.example"),
                          Datei("kennzahlen.csv", "text/csv", csv)])
    assert verstoesse(roh) == []
    mail = message_from_bytes(roh, policy=policy.default)
    assert mail.get_content_type() == "multipart/mixed"
    alternative, ics, tabelle = mail.iter_parts()
    text, verwandt, kalender = alternative.iter_parts()
    assert (text.get_content_type(), kalender.get_content_type()) == ("text/plain", "text/calendar")
    assert (verwandt.get_content_type(), verwandt.get_param("type")) == ("multipart/related", "text/html")
    html, bild = verwandt.iter_parts()
    assert bild["Content-ID"] == "<feld1.png@lkclp.example>" and bild.get_content_disposition() == "inline"
    assert bild.get_payload(decode=True) == png
    assert ics.get_filename() == "einladung.ics"
    assert (tabelle.get_filename(), tabelle.get_content_type(), tabelle.get_content_charset()) == (
        "kennzahlen.csv", "text/csv", "utf-8")
    assert tabelle.get_payload(decode=True) == csv  # Bytes wie gespeichert, BOM und CRLF inklusive


def test_ein_dateiname_schleust_keine_kopfzeile_ein_und_ein_falscher_mime_typ_ist_ein_fehler():
    from benachrichtigungen.nachricht import Datei

    roh = gebaut(dateien=[Datei('x"\r\nBcc: a@b.example.csv', "text/csv", b"a;b\r\n")])
    assert verstoesse(roh) == [] and b"\r\nBcc:" not in roh
    assert message_from_bytes(roh, policy=policy.default).get_all("Bcc") is None
    with pytest.raises(ValueError):
        gebaut(dateien=[Datei("a.csv", "text/csv\r\nBcc: a@b.example", b"")])
