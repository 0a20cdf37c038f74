"""Alle Mails des Demo-Jahres nach dem Buchstaben der RFCs (issue 11, Abnahme zu Punkt 8).

Die Demo läuft wie ``bildungsbuero demo`` (simulierte Uhr, Maildir); jede Datei im Maildir
wird mit Pythons Parser (policy.default) gelesen und nach ``rfc_pruefung`` geprüft.
"""

from __future__ import annotations

from email import message_from_bytes, policy

from tests.benachrichtigungen.rfc_pruefung import verstoesse


def test_jede_mail_des_demo_jahres_ist_nach_dem_buchstaben(demo_lauf):
    verzeichnis, _ = demo_lauf
    dateien = sorted((verzeichnis / "maildir" / "new").iterdir())
    assert len(dateien) > 50
    funde = {datei.name: verstoesse(datei.read_bytes()) for datei in dateien}
    assert {name: f for name, f in funde.items() if f} == {}

    mails = [message_from_bytes(datei.read_bytes(), policy=policy.default) for datei in dateien]
    kalenderteile = [t for m in mails for t in m.walk() if t.get_content_type() == "text/calendar"]
    # Geprüft wurden auch Einladungen: je eine als Teil der Alternative und als Anhang einladung.ics.
    assert kalenderteile and {t.get_filename() for t in kalenderteile} == {None, "einladung.ics"}
    assert {t.get_param("method") for t in kalenderteile} == {"REQUEST"}
    assert not any(t.get_content_type() == "application/ics" for m in mails for t in m.walk())
    # Die Adressen des Büros waren der Anlass (104 Zeichen in einer Zeile): jetzt gefaltet und richtig gelesen.
    assert {m["From"].addresses[0].display_name for m in mails} == {"Bildungsbüro des Landkreises Cloppenburg"}
    assert {m["Reply-To"].addresses[0].addr_spec for m in mails} == {"bildungsbuero@lkclp.example"}
