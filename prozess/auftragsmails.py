"""Die Mail zu einer neuen Aufgabe: wer sie bekommt, was sie sagt, unter welchem Schlüssel.

Geschrieben wird in die Outbox der laufenden Transaktion: entsteht die Aufgabe durch einen
Schritt, sagt die Mail auch, welcher Schritt geschah (``schritt_erfolgt``); sonst ist es
``aufgabe_zugewiesen``. Personen ohne Adresse (entfernt) bekommen keine Mail.
"""

from __future__ import annotations

from datetime import datetime

from benachrichtigungen.kontexte import aufgabe_kontext, feld_kontext, grundkontext, mail_kontext
from benachrichtigungen.outbox import Mail, schluessel, vormerken
from modelle.tabellen import Aufgabe, Handlungsfeld, Massnahme, Person
from prozess.einstellungen import Einstellungen


def mails_fuer_neue_aufgaben(
    session,
    aufgaben: list[Aufgabe],
    jetzt: datetime,
    e: Einstellungen,
    schritt: dict | None = None,
) -> None:
    """Merkt je neuer Aufgabe eine Mail an die zuständige Person vor (Aufgaben sind geflusht)."""
    if not aufgaben:
        return
    grund = grundkontext(session)
    mails = []
    for a in aufgaben:
        person = session.get(Person, a.verantwortlich_id)
        if person is None or not person.email:
            continue
        feld = session.get(Handlungsfeld, a.handlungsfeld_id) if a.handlungsfeld_id else None
        massnahme = session.get(Massnahme, a.massnahme_id) if a.massnahme_id else None
        teile = dict(
            aufgabe=aufgabe_kontext(aufgabe_id=a.id, titel=a.titel, beschreibung=a.beschreibung, frist=a.frist,
                                    jetzt=jetzt, zone=e.zeitzone),
            handlungsfeld=feld_kontext(feld.id, feld.titel, feld.zustand) if feld else None,
            massnahme={"titel": massnahme.titel} if massnahme else None,
        )
        anlass = "schritt_erfolgt" if schritt is not None and feld is not None else "aufgabe_zugewiesen"
        if anlass == "schritt_erfolgt":
            teile["schritt"] = schritt
        mails.append(Mail(schluessel(anlass, person.id, f"aufgabe{a.id}", a.frist), anlass, anlass,
                          mail_kontext(grund, person.name, **teile), person.email, person.name, person.id, a.id))
    vormerken(session, mails, jetzt, e.absender.split("@", 1)[1])
