"""Aufgaben: anlegen, erledigen, auflisten; und die Folgeaufgaben eines Zustands.

Eine Aufgabe hat genau eine zuständige Person und eine Frist (Kalendertag im Landkreis).
Betritt ein Handlungsfeld einen Zustand, entsteht die Folgeaufgabe für die zuständige
Rolle (``prozess.zyklus.FOLGEAUFGABEN``); verlässt es ihn, sind die offenen Aufgaben dieses
Zustands erledigt. Beides geschieht in der Transaktion des Schritts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from modelle.tabellen import Aufgabe, Handlungsfeld, Massnahme, Person
from prozess.einstellungen import Einstellungen
from prozess.fehler import Eingabefehler, NichtGefunden, SchrittNichtMoeglich
from prozess.erinnerungen import Regeln, planen
from prozess.rollen import zustaendige_person
from prozess.zeit import frist_nach_tagen
from prozess.zyklus import FOLGEAUFGABEN, ROLLE_BEZEICHNUNG

OFFEN = "offen"
ERLEDIGT = "erledigt"
HINFAELLIG = "hinfaellig"


def folgeaufgaben_anlegen(
    session: Session, feld: Handlungsfeld, jetzt: datetime, einstellungen: Einstellungen
) -> list[Aufgabe]:
    """Legt die Aufgaben an, die der (neue) Zustand von ``feld`` verlangt."""
    neue: list[Aufgabe] = []
    vorlage = FOLGEAUFGABEN.get(feld.zustand)
    if vorlage is not None:
        person = zustaendige_person(session, vorlage.rolle)
        if person is None:
            raise SchrittNichtMoeglich(
                f"Niemand hat die Rolle »{ROLLE_BEZEICHNUNG.get(vorlage.rolle, vorlage.rolle)}« "
                f"({vorlage.rolle}), die die nächste Aufgabe bekäme. Tragen Sie eine Person mit "
                "dieser Rolle in die Organisationsdatei ein und laden Sie sie neu."
            )
        tage = getattr(einstellungen, vorlage.frist_einstellung)
        neue.append(
            Aufgabe(
                titel=vorlage.titel.format(titel=feld.titel),
                handlungsfeld_id=feld.id,
                verantwortlich_id=person.id,
                frist=frist_nach_tagen(jetzt, tage, einstellungen.zeitzone),
                anlass_zustand=feld.zustand,
                angelegt_am=jetzt,
            )
        )
    if feld.zustand == "massnahmen_beschlossen":
        neue.extend(_aufgaben_fuer_massnahmen(session, feld, jetzt))
    regeln = Regeln.aus(einstellungen)
    for aufgabe in neue:
        planen(aufgabe, jetzt, regeln)
    session.add_all(neue)
    return neue


def _aufgaben_fuer_massnahmen(session: Session, feld: Handlungsfeld, jetzt: datetime) -> list[Aufgabe]:
    """Je beschlossener Maßnahme ohne offene Aufgabe eine Aufgabe an ihre zuständige Person."""
    schon_beauftragt = select(Aufgabe.massnahme_id).where(
        Aufgabe.massnahme_id.is_not(None), Aufgabe.status == OFFEN, Aufgabe.handlungsfeld_id == feld.id
    )
    massnahmen = session.exec(
        select(Massnahme).where(
            Massnahme.handlungsfeld_id == feld.id,
            Massnahme.status.in_(("geplant", "laufend")),
            Massnahme.id.not_in(schon_beauftragt),
        )
    ).all()
    return [
        Aufgabe(
            titel=f"Maßnahme umsetzen: {m.titel}",
            beschreibung=f"Beschlossene Maßnahme im Handlungsfeld »{feld.titel}«.",
            handlungsfeld_id=feld.id,
            massnahme_id=m.id,
            verantwortlich_id=m.verantwortlich_id,
            frist=m.frist,
            angelegt_am=jetzt,
        )
        for m in massnahmen
    ]


def aufgaben_des_zustands_schliessen(
    session: Session, feld_id: int, zustand: str, jetzt: datetime, status: str = ERLEDIGT
) -> None:
    """Schließt die offenen Aufgaben, die der Eintritt in ``zustand`` erzeugt hatte."""
    session.execute(
        update(Aufgabe)
        .where(Aufgabe.handlungsfeld_id == feld_id, Aufgabe.status == OFFEN, Aufgabe.anlass_zustand == zustand)
        .values(status=status, erledigt_am=jetzt, naechste_erinnerung_am=None)
    )


def aufgabe_anlegen(
    session: Session,
    *,
    titel: str,
    verantwortlich: Person,
    frist: date,
    jetzt: datetime,
    einstellungen: Einstellungen,
    handlungsfeld_id: int | None = None,
    massnahme_id: int | None = None,
    beschreibung: str = "",
) -> Aufgabe:
    """Eine Aufgabe von Hand, mit Mail an die zuständige Person und geplanten Erinnerungen."""
    if not titel.strip():
        raise Eingabefehler("Der Titel der Aufgabe ist leer. Geben Sie an, was zu tun ist.")
    if massnahme_id is not None:
        massnahme = session.get(Massnahme, massnahme_id)
        if massnahme is None:
            raise NichtGefunden(f"Maßnahme {massnahme_id} gibt es nicht (»bildungsbuero massnahme liste«).")
        handlungsfeld_id = handlungsfeld_id or massnahme.handlungsfeld_id
    if handlungsfeld_id is not None and session.get(Handlungsfeld, handlungsfeld_id) is None:
        raise NichtGefunden(
            f"Handlungsfeld {handlungsfeld_id} gibt es nicht (»bildungsbuero handlungsfeld liste«)."
        )
    aufgabe = Aufgabe(
        titel=titel.strip(),
        beschreibung=beschreibung,
        handlungsfeld_id=handlungsfeld_id,
        massnahme_id=massnahme_id,
        verantwortlich_id=verantwortlich.id,
        frist=frist,
        angelegt_am=jetzt,
    )
    planen(aufgabe, jetzt, Regeln.aus(einstellungen))
    session.add(aufgabe)
    try:
        session.flush()
        from prozess.auftragsmails import mails_fuer_neue_aufgaben

        mails_fuer_neue_aufgaben(session, [aufgabe], jetzt, einstellungen)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return aufgabe


def aufgabe_verschieben(session: Session, aufgabe_id: int, frist: date, jetzt: datetime, einstellungen: Einstellungen) -> Aufgabe:
    """Setzt eine neue Frist; die Erinnerungen werden dafür neu geplant."""
    aufgabe = _offene_aufgabe(session, aufgabe_id)
    aufgabe.frist = frist
    planen(aufgabe, jetzt, Regeln.aus(einstellungen))
    session.commit()
    return aufgabe


def _offene_aufgabe(session: Session, aufgabe_id: int) -> Aufgabe:
    aufgabe = session.get(Aufgabe, aufgabe_id)
    if aufgabe is None:
        raise NichtGefunden(f"Aufgabe {aufgabe_id} gibt es nicht (»bildungsbuero aufgabe liste«).")
    if aufgabe.status != OFFEN:
        raise Eingabefehler(
            f"Aufgabe {aufgabe_id} ist nicht mehr offen (Status: {aufgabe.status}); daran ist nichts mehr zu tun."
        )
    return aufgabe


def aufgabe_erledigen(session: Session, aufgabe_id: int, jetzt: datetime) -> Aufgabe:
    """Markiert eine offene Aufgabe als erledigt; ihre Erinnerungen hören damit auf."""
    aufgabe = _offene_aufgabe(session, aufgabe_id)
    aufgabe.status = ERLEDIGT
    aufgabe.erledigt_am = jetzt
    aufgabe.naechste_erinnerung_am = None
    session.commit()
    return aufgabe


def aufgaben_liste(
    session: Session, *, handlungsfeld_id: int | None = None, nur_offene: bool = True
) -> list[tuple[Aufgabe, Person]]:
    abfrage = select(Aufgabe, Person).join(Person, Person.id == Aufgabe.verantwortlich_id)
    if handlungsfeld_id is not None:
        abfrage = abfrage.where(Aufgabe.handlungsfeld_id == handlungsfeld_id)
    if nur_offene:
        abfrage = abfrage.where(Aufgabe.status == OFFEN)
    return list(session.exec(abfrage.order_by(Aufgabe.frist, Aufgabe.id)).all())
