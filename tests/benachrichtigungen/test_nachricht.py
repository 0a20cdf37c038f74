"""Jede Vorlage wird eine gültige Mail: zurückgelesen mit dem email-Parser (policy.default)."""

from __future__ import annotations

from datetime import datetime, timezone
from email import message_from_bytes, policy

import pytest

from benachrichtigungen.darstellung import VORLAGEN, darstellen
from benachrichtigungen.nachricht import adresse, nachricht_bauen
from tests.benachrichtigungen.test_darstellung import beispielkontext

JETZT = datetime(2027, 3, 1, 7, 0, tzinfo=timezone.utc)


def gebaut(vorlage: str, kontext: dict, empfaenger_name: str = "Jörg Többen") -> bytes:
    d = darstellen(vorlage, kontext)
    return nachricht_bauen(
        betreff=d.betreff, text=d.text, html=d.html,
        absender=adresse("Bildungsbüro des Landkreises Cloppenburg", "bildungsbuero@lkclp.example"),
        empfaenger=adresse(empfaenger_name, "joerg.toebben@lkclp.example"),
        antwort_an=adresse("Bildungsbüro", "bildungsbuero@lkclp.example"),
        message_id="<abc123@lkclp.example>", datum=JETZT,
    )


@pytest.mark.parametrize("vorlage", VORLAGEN)
def test_jede_vorlage_ergibt_eine_gueltige_mehrteilige_mail(vorlage):
    roh = gebaut(vorlage, beispielkontext(vorlage))
    assert b"\r\n" in roh and all(ord(" ") <= b or b in b"\r\n\t" for b in roh.split(b"\r\n\r\n", 1)[0])
    mail = message_from_bytes(roh, policy=policy.default)
    assert mail.get_content_type() == "multipart/alternative"
    teile = [t.get_content_type() for t in mail.iter_parts()]
    assert teile == ["text/plain", "text/html"]
    assert all(t.get_content_charset() == "utf-8" for t in mail.iter_parts())
    assert mail["Subject"] == darstellen(vorlage, beispielkontext(vorlage)).betreff
    assert mail["To"].addresses[0].display_name == "Jörg Többen"
    assert mail["Message-ID"] == "<abc123@lkclp.example>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Reply-To"].addresses[0].addr_spec == "bildungsbuero@lkclp.example"
    assert mail["Date"].datetime == JETZT
    assert "Jörg Többen" in mail.get_body(("plain",)).get_content()


def test_umlaute_im_betreff_werden_kodiert_und_wieder_gelesen():
    kontext = beispielkontext("aufgabe_zugewiesen")
    kontext["aufgabe"]["titel"] = "Übergänge Schule–Beruf prüfen"
    roh = gebaut("aufgabe_zugewiesen", kontext)
    kopf = roh.split(b"\r\n\r\n", 1)[0]
    assert b"=?utf-8?" in kopf and "Übergänge".encode() not in kopf
    assert "Übergänge Schule–Beruf prüfen" in message_from_bytes(roh, policy=policy.default)["Subject"]


def test_ein_zeilenumbruch_in_titel_oder_name_schleust_keine_kopfzeile_ein():
    kontext = beispielkontext("aufgabe_zugewiesen")
    kontext["aufgabe"]["titel"] = "Bericht\r\nBcc: opfer@example.org"
    roh = gebaut("aufgabe_zugewiesen", kontext, empfaenger_name="Jörg\nBcc: opfer@example.org")
    mail = message_from_bytes(roh, policy=policy.default)
    assert mail["Bcc"] is None
    assert "Bcc: opfer@example.org" in mail["Subject"]  # als Text im Betreff, nicht als Kopfzeile
