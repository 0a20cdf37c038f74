"""Handlungsfelder anlegen, auflisten und vollständig zeigen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from modelle.tabellen import Aufgabe, Datengrundlage, Handlungsfeld, Person, Schrittprotokoll
from prozess.aufgaben import aufgaben_liste, folgeaufgaben_anlegen
from prozess.auftragsmails import mails_fuer_neue_aufgaben
from prozess.einstellungen import Einstellungen
from prozess.fehler import Eingabefehler, SchrittNichtMoeglich
from prozess.rollen import passt, rollen_der_person
from prozess.schritte import Bewertung, feld_laden, schritte_bewerten
from prozess.zyklus import MANAGEMENT, PROZESS_VERSION


def handlungsfeld_anlegen(
    session: Session,
    titel: str,
    person_id: int,
    jetzt: datetime,
    einstellungen: Einstellungen,
    beschreibung: str = "",
) -> Handlungsfeld:
    """Legt ein Handlungsfeld im Zustand ``definiert`` an, mit Protokoll und erster Aufgabe."""
    if not titel.strip():
        raise Eingabefehler("Der Titel des Handlungsfeldes ist leer, z. B. »Schulabsentismus«.")
    if not passt(rollen_der_person(session, person_id), MANAGEMENT):
        raise SchrittNichtMoeglich("Ein Handlungsfeld anlegen darf nur das Bildungsmanagement.")
    try:
        feld = Handlungsfeld(
            titel=titel.strip(),
            beschreibung=beschreibung.strip(),
            zustand="definiert",
            zustand_seit=jetzt,
            prozess_version=PROZESS_VERSION,
            angelegt_am=jetzt,
        )
        session.add(feld)
        session.flush()
        session.add(
            Schrittprotokoll(
                handlungsfeld_id=feld.id,
                schritt="anlegen",
                von_zustand=None,
                nach_zustand="definiert",
                person_id=person_id,
                zeitpunkt=jetzt,
                prozess_version=PROZESS_VERSION,
            )
        )
        neue = folgeaufgaben_anlegen(session, feld, jetzt, einstellungen)
        mails_fuer_neue_aufgaben(session, neue, feld, jetzt, einstellungen)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return feld


def handlungsfelder_liste(session: Session) -> list[tuple[Handlungsfeld, int]]:
    """Alle Handlungsfelder mit der Zahl ihrer offenen Aufgaben."""
    offene = (
        select(Aufgabe.handlungsfeld_id, func.count().label("n"))
        .where(Aufgabe.status == "offen")
        .group_by(Aufgabe.handlungsfeld_id)
        .subquery()
    )
    zeilen = session.exec(
        select(Handlungsfeld, func.coalesce(offene.c.n, 0))
        .outerjoin(offene, offene.c.handlungsfeld_id == Handlungsfeld.id)
        .order_by(Handlungsfeld.id)
    )
    return list(zeilen.all())


@dataclass
class Ansicht:
    feld: Handlungsfeld
    bewertungen: list[Bewertung]
    verlauf: list[tuple[Schrittprotokoll, Person]]
    offene_aufgaben: list[tuple[Aufgabe, Person]]
    datengrundlagen: list[Datengrundlage]


def handlungsfeld_ansicht(session: Session, feld_id: int) -> Ansicht:
    """Zustand, mögliche Schritte mit Gründen, Verlauf, offene Aufgaben, Datengrundlagen."""
    feld = feld_laden(session, feld_id)
    verlauf = session.exec(
        select(Schrittprotokoll, Person)
        .join(Person, Person.id == Schrittprotokoll.person_id)
        .where(Schrittprotokoll.handlungsfeld_id == feld_id)
        .order_by(Schrittprotokoll.id)
    ).all()
    daten = session.exec(
        select(Datengrundlage).where(Datengrundlage.handlungsfeld_id == feld_id).order_by(Datengrundlage.id)
    ).all()
    return Ansicht(
        feld=feld,
        bewertungen=schritte_bewerten(session, feld),
        verlauf=list(verlauf),
        offene_aufgaben=aufgaben_liste(session, handlungsfeld_id=feld_id),
        datengrundlagen=list(daten),
    )


def datengrundlage_anlegen(
    session: Session, feld_id: int, titel: str, quelle: str, jetzt: datetime
) -> Datengrundlage:
    """Hängt eine Datengrundlage (aggregierte Kennzahlen, keine Personendaten) an ein Feld."""
    feld_laden(session, feld_id)
    if not titel.strip():
        raise Eingabefehler("Der Titel der Datengrundlage ist leer, z. B. »Fehlzeitenstatistik 2025/26«.")
    eintrag = Datengrundlage(handlungsfeld_id=feld_id, titel=titel.strip(), quelle=quelle.strip(), angelegt_am=jetzt)
    session.add(eintrag)
    session.commit()
    return eintrag
