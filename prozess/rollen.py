"""Rollen: wer in welchem Gremium was ist, und wer eine Aufgabe einer Rolle bekommt.

Eine Rolle heißt ``gremium:rolle`` (``bildungsbuero:bildungsmanagement``,
``steuerungsgruppe:vorsitz``); ``gremium:*`` passt auf jede Rolle in diesem Gremium.

Die Antworten werden je ORM-Session zwischengespeichert (``db.info``): ein Schritt
fragt sonst bei jedem Aufruf dieselben Rollen ab. Eine Session lebt eine Arbeitseinheit
lang (ein CLI-Befehl, ein Takt des Dienstes); ``organisation laden`` und ``person
entfernen`` leeren den Speicher ihrer Session (``vergessen``).
"""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, select

from modelle.tabellen import Gremium, Mitgliedschaft, Person


_SPEICHER = "prozess.rollen"


def speicher(db: Session) -> dict:
    """Der Zwischenspeicher dieser Session (siehe Modulkopf)."""
    return db.info.setdefault(_SPEICHER, {})


def vergessen(db: Session) -> None:
    """Leert den Zwischenspeicher der Session (nach Änderungen an Personen oder Rollen)."""
    db.info.pop(_SPEICHER, None)


def rollen_der_person(db: Session, person_id: int) -> set[str]:
    """Alle Rollen der Person als ``gremium:rolle``."""
    ablage = speicher(db)
    if ("rollen", person_id) not in ablage:
        ablage[("rollen", person_id)] = _rollen_laden(db, person_id)
    return ablage[("rollen", person_id)]


def _rollen_laden(db: Session, person_id: int) -> set[str]:
    # einmal gebaut: jede Feldseite fragt das. Hat die Session Ungespeichertes, über sie (sie schreibt es
    # vorher); sonst direkt auf ihrer Verbindung, ohne den Aufwand einer ORM-Abfrage (~8 % der Feldseite).
    if db.new or db.dirty or db.deleted:
        zeilen = db.exec(_ROLLEN, params={"person_id": person_id})
    else:
        from modelle.direkt import direkt

        zeilen = direkt(_ROLLEN).zeilen(db.connection(), {"person_id": person_id})
    return {f"{kuerzel}:{rolle}" for kuerzel, rolle in zeilen}


_ROLLEN = (select(Gremium.kuerzel, Mitgliedschaft.rolle)
           .join(Mitgliedschaft, Mitgliedschaft.gremium_id == Gremium.id)
           .where(Mitgliedschaft.person_id == bindparam("person_id")))


def person_laden(db: Session, person_id: int) -> Person | None:
    """Die Person mit dieser Nummer, je Session einmal gelesen."""
    ablage = speicher(db)
    if ("person", person_id) not in ablage:
        ablage[("person", person_id)] = db.get(Person, person_id)
    return ablage[("person", person_id)]


def passt(rollen: set[str], muster: str) -> bool:
    gremium, rolle = muster.split(":", 1)
    if rolle == "*":
        return any(r.split(":", 1)[0] == gremium for r in rollen)
    return muster in rollen


def zustaendige_person(db: Session, muster: str) -> Person | None:
    """Die zuerst eingetragene, nicht entfernte Person mit dieser Rolle (``None``, wenn niemand)."""
    ablage = speicher(db)
    if ("zustaendig", muster) not in ablage:
        ablage[("zustaendig", muster)] = _zustaendige_laden(db, muster)
    return ablage[("zustaendig", muster)]


def _zustaendige_laden(db: Session, muster: str) -> Person | None:
    gremium, rolle = muster.split(":", 1)
    abfrage = (
        select(Person)
        .join(Mitgliedschaft, Mitgliedschaft.person_id == Person.id)
        .join(Gremium, Gremium.id == Mitgliedschaft.gremium_id)
        .where(Gremium.kuerzel == gremium, Person.entfernt_am.is_(None))
        .order_by(Mitgliedschaft.id)
        .limit(1)
    )
    if rolle != "*":
        abfrage = abfrage.where(Mitgliedschaft.rolle == rolle)
    return db.exec(abfrage).first()


def person_per_email(db: Session, email: str) -> Person:
    """Die Person mit dieser Adresse; sonst ein Fehler mit Ausweg."""
    from prozess.fehler import NichtGefunden

    person = db.exec(select(Person).where(Person.email == email.strip().lower())).first()
    if person is None:
        raise NichtGefunden(
            f"Keine Person mit der E-Mail-Adresse »{email}«. Tragen Sie sie in die "
            "Organisationsdatei ein und laden Sie sie mit »bildungsbuero organisation laden DATEI«."
        )
    return person


def handelnde_person(arbeit, email: str) -> Person:
    """Die Person, die eine Front-Tür mit ihrer Adresse nennt (``--als``, ``--verantwortlich``)."""
    return person_per_email(arbeit.db, email)


def person_von(arbeit, wer: Person | str) -> Person:
    """Die Person zu ``wer``: eine schon geladene Person oder ihre Adresse (wie die CLI sie nennt)."""
    return person_per_email(arbeit.db, wer) if isinstance(wer, str) else wer


def person_id_von(arbeit, wer: int | str) -> int:
    """Die Id zu ``wer``: eine Id (Webseiten: aus der Sitzung) oder eine Adresse (CLI: ``--als``)."""
    return person_per_email(arbeit.db, wer).id if isinstance(wer, str) else wer


BUERO = "bildungsbuero:*"


def buero_pruefen(arbeit, person_id: int, was: str) -> None:
    """Wirft ``NichtBerechtigt``, wenn die Person keine Rolle im Bildungsbüro hat.

    Aufgaben umverteilen, Fristen setzen, Beschlüsse ohne Schritt festhalten und gescheiterte
    Mails erneut einreihen ist Sache des Büros; die Webseiten fragen hier (die CLI läuft mit
    dem Zugang zur Datenbank und damit schon im Büro).
    """
    from prozess.fehler import NichtBerechtigt

    if not passt(rollen_der_person(arbeit.db, person_id), BUERO):
        raise NichtBerechtigt(f"{was} darf nur das Bildungsbüro (Bildungsmanagement oder Bildungsmonitoring). "
                              "Bitten Sie das Bildungsbüro darum.")
