"""Aufgaben: anlegen, erledigen, auflisten; und die Folgeaufgaben eines Zustands.

Eine Aufgabe hat genau eine zuständige Person und eine Frist (Kalendertag im Landkreis).
Betritt ein Handlungsfeld einen Zustand, entsteht die Folgeaufgabe für die zuständige
Rolle (``prozess.zyklus.FOLGEAUFGABEN``); verlässt es ihn, sind die offenen Aufgaben dieses
Zustands erledigt. Beides geschieht in der Transaktion des Schritts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from modelle.tabellen import Aufgabe, Handlungsfeld, Massnahme, Person
from prozess.einstellungen import Einstellungen
from prozess.fehler import Eingabefehler, NichtGefunden, SchrittNichtMoeglich
from prozess.erinnerungen import Regeln, erster_zeitpunkt, naechster_zeitpunkt, planen
from prozess.rollen import zustaendige_person
from prozess.zeit import frist_nach_tagen
from prozess.zyklus import FOLGEAUFGABEN, ROLLE_BEZEICHNUNG

OFFEN = "offen"
ERLEDIGT = "erledigt"
HINFAELLIG = "hinfaellig"

_T = Aufgabe.__table__
# Einmal gebaut: diese beiden Anweisungen laufen bei jedem Schritt.
_ZUSTANDSAUFGABEN_SCHLIESSEN = (
    update(_T)
    .where(_T.c.handlungsfeld_id == bindparam("feld_id"), _T.c.status == OFFEN,
           _T.c.anlass_zustand == bindparam("zustand"))
    .values(status=bindparam("status"), erledigt_am=bindparam("jetzt"), naechste_erinnerung_am=None)
)
_AUFGABEN_EINFUEGEN = insert(_T).returning(_T.c.id, sort_by_parameter_order=True)


@dataclass
class NeueAufgabe:
    """Eine gerade angelegte Aufgabe mit dem, was ihre Mail braucht."""

    id: int
    titel: str
    beschreibung: str
    frist: date
    person: Person
    handlungsfeld_id: int | None
    massnahme_titel: str | None = None


def folgeaufgaben_anlegen(session: Session, feld, jetzt: datetime, einstellungen: Einstellungen) -> list[NeueAufgabe]:
    """Legt die Aufgaben an, die der (neue) Zustand von ``feld`` verlangt (Core, eine Anweisung).

    ``feld`` braucht ``id``, ``titel`` und ``zustand``; geschrieben wird in der laufenden
    Transaktion der Sitzung, mit geplanter erster Erinnerung.
    """
    geplant: list[tuple[dict, Person, str | None]] = []
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
        geplant.append((dict(titel=vorlage.titel.format(titel=feld.titel), beschreibung="",
                             frist=frist_nach_tagen(jetzt, tage, einstellungen.zeitzone), verantwortlich_id=person.id,
                             massnahme_id=None, anlass_zustand=feld.zustand), person, None))
    if feld.zustand == "massnahmen_beschlossen":
        geplant.extend(_aufgaben_fuer_massnahmen(session, feld))
    if not geplant:
        return []
    regeln = Regeln.aus(einstellungen)
    zeilen = [dict(werte, handlungsfeld_id=feld.id, status=OFFEN, angelegt_am=jetzt,
                   naechste_erinnerung_am=erster_zeitpunkt(werte["frist"], jetzt, regeln))
              for werte, _, _ in geplant]
    ids = session.connection().execute(_AUFGABEN_EINFUEGEN, zeilen).scalars().all()
    return [NeueAufgabe(id=i, titel=z["titel"], beschreibung=z["beschreibung"], frist=z["frist"], person=person,
                        handlungsfeld_id=feld.id, massnahme_titel=mtitel)
            for i, z, (_, person, mtitel) in zip(ids, zeilen, geplant)]


def _aufgaben_fuer_massnahmen(session: Session, feld) -> list[tuple[dict, Person, str]]:
    """Je beschlossener Maßnahme ohne offene Aufgabe eine Aufgabe an ihre zuständige Person."""
    schon_beauftragt = select(Aufgabe.massnahme_id).where(
        Aufgabe.massnahme_id.is_not(None), Aufgabe.status == OFFEN, Aufgabe.handlungsfeld_id == feld.id
    )
    zeilen = session.exec(
        select(Massnahme, Person)
        .join(Person, Person.id == Massnahme.verantwortlich_id)
        .where(
            Massnahme.handlungsfeld_id == feld.id,
            Massnahme.status.in_(("geplant", "laufend")),
            Massnahme.id.not_in(schon_beauftragt),
        )
        .order_by(Massnahme.id)
    ).all()
    return [
        (dict(titel=f"Maßnahme umsetzen: {m.titel}", beschreibung=f"Beschlossene Maßnahme im Handlungsfeld »{feld.titel}«.",
              frist=m.frist, verantwortlich_id=p.id, massnahme_id=m.id, anlass_zustand=None), p, m.titel)
        for m, p in zeilen
    ]


def aufgaben_des_zustands_schliessen(
    session: Session, feld_id: int, zustand: str, jetzt: datetime, status: str = ERLEDIGT
) -> None:
    """Schließt die offenen Aufgaben, die der Eintritt in ``zustand`` erzeugt hatte.

    Core statt ORM-UPDATE: die Sitzung hält diese Aufgaben nicht, ein Abgleich wäre nur Kosten.
    """
    session.connection().execute(_ZUSTANDSAUFGABEN_SCHLIESSEN,
                                 {"feld_id": feld_id, "zustand": zustand, "status": status, "jetzt": jetzt})


def erinnerungen_ruhen_lassen(session: Session, feld_id: int) -> None:
    """Ein zurückgestelltes Feld: die offenen Aufgaben (auch die der Maßnahmen) erinnern nicht."""
    session.connection().execute(
        update(_T).where(_T.c.handlungsfeld_id == feld_id, _T.c.status == OFFEN).values(naechste_erinnerung_am=None))


def erinnerungen_wieder_planen(session: Session, feld_id: int, jetzt: datetime, einstellungen: Einstellungen) -> None:
    """Nach dem Wiederaufnehmen erinnern die ruhenden Aufgaben wieder, ab jetzt."""
    regeln = Regeln.aus(einstellungen)
    ruhend = session.connection().execute(
        select(_T.c.id, _T.c.frist, _T.c.eskaliert_fuer_frist)
        .where(_T.c.handlungsfeld_id == feld_id, _T.c.status == OFFEN, _T.c.naechste_erinnerung_am.is_(None))
    ).all()
    if ruhend:
        session.connection().execute(
            update(_T).where(_T.c.id == bindparam("b_id")).values(naechste_erinnerung_am=bindparam("b_naechste")),
            [{"b_id": i, "b_naechste": naechster_zeitpunkt(frist, jetzt, regeln, eskaliert=esk == frist)}
             for i, frist, esk in ruhend])


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

        feld = session.get(Handlungsfeld, aufgabe.handlungsfeld_id) if aufgabe.handlungsfeld_id else None
        massnahme = session.get(Massnahme, massnahme_id) if massnahme_id else None
        neu = NeueAufgabe(id=aufgabe.id, titel=aufgabe.titel, beschreibung=aufgabe.beschreibung, frist=aufgabe.frist,
                          person=verantwortlich, handlungsfeld_id=aufgabe.handlungsfeld_id,
                          massnahme_titel=massnahme.titel if massnahme else None)
        mails_fuer_neue_aufgaben(session, [neu], feld, jetzt, einstellungen)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return aufgabe


def aufgabe_verschieben(session: Session, aufgabe_id: int, frist: date, jetzt: datetime, einstellungen: Einstellungen) -> Aufgabe:
    """Setzt eine neue Frist, plant die Erinnerungen neu und sagt es der zuständigen Person."""
    from prozess.zeit import datum_de, heute

    aufgabe = _offene_aufgabe(session, aufgabe_id)
    if frist < heute(jetzt, einstellungen.zeitzone):
        raise Eingabefehler(
            f"Die neue Frist {datum_de(frist)} liegt in der Vergangenheit; eine Aufgabe wäre sofort überfällig. "
            "Nennen Sie ein Datum ab heute."
        )
    alte = aufgabe.frist
    aufgabe.frist = frist
    planen(aufgabe, jetzt, Regeln.aus(einstellungen))
    try:
        from prozess.auftragsmails import mails_fuer_neue_aufgaben

        person = session.get(Person, aufgabe.verantwortlich_id)
        feld = session.get(Handlungsfeld, aufgabe.handlungsfeld_id) if aufgabe.handlungsfeld_id else None
        massnahme = session.get(Massnahme, aufgabe.massnahme_id) if aufgabe.massnahme_id else None
        neu = NeueAufgabe(id=aufgabe.id, titel=aufgabe.titel, beschreibung=aufgabe.beschreibung, frist=frist,
                          person=person, handlungsfeld_id=aufgabe.handlungsfeld_id,
                          massnahme_titel=massnahme.titel if massnahme else None)
        mails_fuer_neue_aufgaben(session, [neu], feld, jetzt, einstellungen, anlass="frist_geaendert",
                                 zusatz={"alte_frist": datum_de(alte)})
        session.commit()
    except BaseException:
        session.rollback()
        raise
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
