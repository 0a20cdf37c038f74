"""Rollen: wer in welchem Gremium was ist, und wer eine Aufgabe einer Rolle bekommt.

Eine Rolle heißt ``gremium:rolle`` (``bildungsbuero:bildungsmanagement``,
``steuerungsgruppe:vorsitz``); ``gremium:*`` passt auf jede Rolle in diesem Gremium.

Die Antworten werden je ORM-Sitzung zwischengespeichert (``session.info``): ein Schritt
fragt sonst bei jedem Aufruf dieselben Rollen ab. Eine Sitzung lebt eine Arbeitseinheit
lang (ein CLI-Befehl, ein Takt des Dienstes); ``organisation laden`` und ``person
entfernen`` leeren den Speicher ihrer Sitzung (``vergessen``).
"""

from __future__ import annotations

from sqlmodel import Session, select

from modelle.tabellen import Gremium, Mitgliedschaft, Person


_SPEICHER = "prozess.rollen"


def speicher(session: Session) -> dict:
    """Der Zwischenspeicher dieser Sitzung (siehe Modulkopf)."""
    return session.info.setdefault(_SPEICHER, {})


def vergessen(session: Session) -> None:
    """Leert den Zwischenspeicher der Sitzung (nach Änderungen an Personen oder Rollen)."""
    session.info.pop(_SPEICHER, None)


def rollen_der_person(session: Session, person_id: int) -> set[str]:
    """Alle Rollen der Person als ``gremium:rolle``."""
    ablage = speicher(session)
    if ("rollen", person_id) not in ablage:
        ablage[("rollen", person_id)] = _rollen_laden(session, person_id)
    return ablage[("rollen", person_id)]


def _rollen_laden(session: Session, person_id: int) -> set[str]:
    zeilen = session.exec(
        select(Gremium.kuerzel, Mitgliedschaft.rolle)
        .join(Mitgliedschaft, Mitgliedschaft.gremium_id == Gremium.id)
        .where(Mitgliedschaft.person_id == person_id)
    )
    return {f"{kuerzel}:{rolle}" for kuerzel, rolle in zeilen}


def person_laden(session: Session, person_id: int) -> Person | None:
    """Die Person mit dieser Nummer, je Sitzung einmal gelesen."""
    ablage = speicher(session)
    if ("person", person_id) not in ablage:
        ablage[("person", person_id)] = session.get(Person, person_id)
    return ablage[("person", person_id)]


def passt(rollen: set[str], muster: str) -> bool:
    gremium, rolle = muster.split(":", 1)
    if rolle == "*":
        return any(r.split(":", 1)[0] == gremium for r in rollen)
    return muster in rollen


def zustaendige_person(session: Session, muster: str) -> Person | None:
    """Die zuerst eingetragene, nicht entfernte Person mit dieser Rolle (``None``, wenn niemand)."""
    ablage = speicher(session)
    if ("zustaendig", muster) not in ablage:
        ablage[("zustaendig", muster)] = _zustaendige_laden(session, muster)
    return ablage[("zustaendig", muster)]


def _zustaendige_laden(session: Session, muster: str) -> Person | None:
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
    return session.exec(abfrage).first()


def person_per_email(session: Session, email: str) -> Person:
    """Die Person mit dieser Adresse; sonst ein Fehler mit Ausweg."""
    from prozess.fehler import NichtGefunden

    person = session.exec(select(Person).where(Person.email == email.strip().lower())).first()
    if person is None:
        raise NichtGefunden(
            f"Keine Person mit der E-Mail-Adresse »{email}«. Tragen Sie sie in die "
            "Organisationsdatei ein und laden Sie sie mit »bildungsbuero organisation laden DATEI«."
        )
    return person
