"""Anmeldung an den Webseiten: ein Link per Mail, dann eine Websitzung. Keine Passwörter.

Wer Schritte auslösen darf (eine Rolle, die ein Schritt des Zyklus nennt: Bildungsbüro,
Steuerungsgruppe), fordert mit seiner Adresse einen Link an. Der Link trägt ein zufälliges
Token (``secrets.token_urlsafe``); gespeichert wird nur sein SHA-256. Er gilt
``anmeldelink_minuten`` lang und nur einmal. Eingelöst entsteht eine Websitzung mit eigenem
Token (im Cookie; gespeichert wieder nur der Hash), gültig ``anmeldung_stunden`` lang.

Die Antwort auf eine Anfrage ist immer dieselbe, ob die Adresse bekannt ist oder nicht
(``anmeldelink_anfordern`` gibt nichts zurück): die Seite verrät nicht, wer ein Konto hat.
Je Adresse gehen höchstens ``anmeldelinks_je_stunde`` Links hinaus; weitere Anfragen werden
still übergangen. Die Mail steht bis zum Versand mit dem Link in der Outbox; sie ist
wertlos, sobald der Link eingelöst oder abgelaufen ist.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, func, select, update

from modelle.anmeldung import Anmeldelink, Websitzung
from modelle.direkt import direkt
from modelle.tabellen import Person
from prozess.arbeit import Arbeit
from prozess.fehler import Fachfehler
from prozess.rollen import passt, rollen_der_person
from prozess.zyklus import SCHRITTE

# Wer einen Schritt auslösen darf, darf sich anmelden.
ANMELDEROLLEN = tuple(sorted({rolle for schritt in SCHRITTE for rolle in schritt.rollen}))
VORLAGE = "anmeldelink"


class LinkUngueltig(Fachfehler):
    """Ein Anmeldelink ist unbekannt, abgelaufen oder schon benutzt."""


@dataclass(frozen=True)
class Angemeldet:
    """Wer an den Webseiten angemeldet ist (aus der Websitzung)."""

    person_id: int
    name: str
    gueltig_bis: datetime


def token_hash(token: str) -> str:
    """Der SHA-256 (hex) eines Tokens: nur er wird gespeichert."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def neues_token() -> str:
    return secrets.token_urlsafe(32)


def darf_sich_anmelden(arbeit: Arbeit, person_id: int) -> bool:
    """Hat die Person eine Rolle, die irgendeinen Schritt des Zyklus auslösen darf?"""
    rollen = rollen_der_person(arbeit.db, person_id)
    return any(passt(rollen, muster) for muster in ANMELDEROLLEN)


def anmeldelink_anfordern(arbeit: Arbeit, email: str) -> None:
    """Merkt eine Mail mit Anmeldelink vor, wenn die Adresse zu einer anmeldeberechtigten Person gehört.

    Gibt nie Auskunft: unbekannte Adresse, keine Berechtigung und zu viele Links in der
    letzten Stunde enden genauso still wie ein Erfolg.
    """
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    person = db.execute(select(Person).where(Person.email == email.strip().lower(),
                                             Person.entfernt_am.is_(None))).scalar_one_or_none()
    if person is None or not darf_sich_anmelden(arbeit, person.id):
        return
    juengste = db.execute(select(func.count()).select_from(Anmeldelink).where(
        Anmeldelink.person_id == person.id, Anmeldelink.erstellt_am > jetzt - timedelta(hours=1))).scalar_one()
    if juengste >= e.anmeldelinks_je_stunde:
        return
    token = neues_token()
    link = Anmeldelink(token_hash=token_hash(token), person_id=person.id, erstellt_am=jetzt,
                       gueltig_bis=jetzt + timedelta(minutes=e.anmeldelink_minuten))
    db.add(link)
    db.flush()
    _mail_vormerken(arbeit, person, link, f"{e.basis_url}/anmelden/{token}")


def _mail_vormerken(arbeit: Arbeit, person: Person, link: Anmeldelink, adresse: str) -> None:
    from benachrichtigungen.deutsch import zeitpunkt_de
    from benachrichtigungen.kontexte import mail_kontext
    from benachrichtigungen.outbox import Mail, schluessel, vormerken
    from prozess.grundkontext import grundkontext

    e = arbeit.einstellungen
    kontext = mail_kontext(grundkontext(arbeit.db), person.name, anmeldung={
        "link": adresse, "minuten": e.anmeldelink_minuten, "gueltig_bis": zeitpunkt_de(link.gueltig_bis, e.zeitzone),
    })
    mail = Mail(schluessel(VORLAGE, person.id, f"link{link.id}", link.erstellt_am.astimezone(timezone.utc).date()),
                VORLAGE, VORLAGE, kontext, person.email, person.name, person.id)
    vormerken(arbeit.verbindung(), [mail], arbeit.jetzt, e.absender.split("@", 1)[1])


def _gueltiger_link(arbeit: Arbeit, token: str) -> Anmeldelink:
    link = arbeit.db.execute(select(Anmeldelink).where(Anmeldelink.token_hash == token_hash(token))).scalar_one_or_none()
    if link is None or link.eingeloest_am is not None or link.gueltig_bis <= arbeit.jetzt:
        raise LinkUngueltig(
            "Dieser Anmeldelink gilt nicht (mehr): er ist abgelaufen, wurde schon benutzt oder ist unvollständig. "
            "Fordern Sie auf der Anmeldeseite einen neuen Link an."
        )
    return link


def anmeldelink_pruefen(arbeit: Arbeit, token: str) -> None:
    """Wirft ``LinkUngueltig``, wenn der Link nicht (mehr) gilt; liest nur."""
    _gueltiger_link(arbeit, token)


def anmeldelink_einloesen(arbeit: Arbeit, token: str) -> tuple[str, Angemeldet]:
    """Löst den Link ein (genau einmal) und beginnt eine Websitzung; gibt ihr Token und die Person zurück."""
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    link = _gueltiger_link(arbeit, token)
    person = db.get(Person, link.person_id)
    eingeloest = db.execute(
        update(Anmeldelink).where(Anmeldelink.id == link.id, Anmeldelink.eingeloest_am.is_(None))
        .values(eingeloest_am=jetzt)).rowcount
    if eingeloest != 1 or person is None or person.entfernt_am is not None:
        raise LinkUngueltig("Dieser Anmeldelink wurde gerade schon benutzt. Fordern Sie einen neuen Link an.")
    sitzungs_token = neues_token()
    sitzung = Websitzung(token_hash=token_hash(sitzungs_token), person_id=person.id, erstellt_am=jetzt,
                         gueltig_bis=jetzt + timedelta(hours=e.anmeldung_stunden))
    db.add(sitzung)
    db.flush()
    return sitzungs_token, Angemeldet(person.id, person.name, sitzung.gueltig_bis)


def angemeldet(arbeit: Arbeit, sitzungs_token: str | None) -> Angemeldet | None:
    """Die angemeldete Person zum Token aus dem Cookie, oder ``None`` (unbekannt, abgelaufen, abgemeldet)."""
    if not sitzungs_token:
        return None
    # Core, einmal gebaut: jede Seite des Büros fragt das; ohne ORM-Aufwand
    zeilen = direkt(_ANGEMELDET).zeilen(arbeit.verbindung(), {"token_hash": token_hash(sitzungs_token),
                                                              "jetzt": arbeit.jetzt})
    return Angemeldet(*zeilen[0]) if zeilen else None


_ANGEMELDET = (select(Websitzung.person_id, Person.name, Websitzung.gueltig_bis)
               .join(Person, Person.id == Websitzung.person_id)
               .where(Websitzung.token_hash == bindparam("token_hash"), Websitzung.beendet_am.is_(None),
                      Websitzung.gueltig_bis > bindparam("jetzt", type_=Websitzung.__table__.c.gueltig_bis.type),
                      Person.entfernt_am.is_(None)))


def abmelden(arbeit: Arbeit, sitzungs_token: str | None) -> None:
    """Beendet die Websitzung zum Token (ein unbekanntes Token ändert nichts)."""
    if not sitzungs_token:
        return
    arbeit.db.execute(update(Websitzung).where(Websitzung.token_hash == token_hash(sitzungs_token),
                                               Websitzung.beendet_am.is_(None)).values(beendet_am=arbeit.jetzt))
