"""Aufgaben: anlegen, erledigen, auflisten; und die Folgeaufgaben eines Zustands.

Eine Aufgabe hat genau eine zuständige Person und eine Frist (Kalendertag im Landkreis).
Betritt ein Handlungsfeld einen Zustand, entsteht die Folgeaufgabe für die zuständige
Rolle (``prozess.zyklus.FOLGEAUFGABEN``); verlässt es ihn, sind die offenen Aufgaben dieses
Zustands erledigt. Beides geschieht in der Transaktion des Schritts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from datetime import date, datetime

from sqlmodel import Session, select

from sqlalchemy import bindparam, literal, or_

from modelle.anweisungen import (
    AUFGABE_NUMMER_VORAB,
    AUFGABEN_EINFUEGEN,
    ERINNERUNG_PLANEN,
    ERINNERUNGEN_DES_FELDES_RUHEN,
    RUHENDE_AUFGABEN_DES_FELDES,
    ZUSTANDSAUFGABEN_SCHLIESSEN,
)
from modelle.direkt import direkt
from modelle.tabellen import Aufgabe, Handlungsfeld, Massnahme, Person
from prozess.arbeit import Arbeit
from prozess.eingaben import titel_pruefen
from prozess.fehler import Eingabefehler, SchrittNichtMoeglich
from prozess.laden import laden
from prozess.erinnerungen import Empfaenger, Regeln, erster_zeitpunkt, naechster_zeitpunkt, planen
from prozess.rollen import person_von, zustaendige_person
from prozess.zeit import datum_de, frist_nach_tagen, heute
from prozess.zyklus import ERLEDIGT, HINFAELLIG, ROLLE_BEZEICHNUNG, SCHRITTE, ZUSTAND_NACH_NAME

OFFEN = "offen"
__all__ = ["OFFEN", "ERLEDIGT", "HINFAELLIG"]


@dataclass
class NeueAufgabe:
    """Eine gerade angelegte Aufgabe mit dem, was ihre Mail braucht."""

    id: int | None
    titel: str
    beschreibung: str
    frist: date
    person: Person | Empfaenger
    handlungsfeld_id: int | None
    massnahme_titel: str | None = None


def folgeaufgaben_anlegen(arbeit: Arbeit, feld) -> list[NeueAufgabe]:
    """Legt die Aufgaben an, die der (neue) Zustand von ``feld`` verlangt (Core, eine Anweisung).

    ``feld`` braucht ``id``, ``titel`` und ``zustand``; was entsteht, sagt die Erklärung des
    Zustands in ``prozess.zyklus`` (Folgeaufgabe, beauftragte Maßnahmen).
    """
    geplant = folgeaufgaben_planen(arbeit, feld)
    if not geplant:
        return []
    verbindung, einfuegen = arbeit.verbindung(), direkt(AUFGABEN_EINFUEGEN)
    return neue_aufgaben(geplant, [einfuegen.wert(verbindung, z) for z, _ in geplant])


def folgeaufgaben_planen(arbeit: Arbeit, feld, vorab_id: int | None = None,
                        massnahmen: list[tuple] | None = None) -> list[tuple[dict, NeueAufgabe]]:
    """Die Zeilen der Folgeaufgaben von ``feld`` (noch nicht geschrieben), je mit ihrer ``NeueAufgabe``.

    Auf PostgreSQL kann ein Schritt die Nummern vorab ziehen (``nextval``), um Aufgaben und ihre
    Mails in *einer* Anweisung zu schreiben: ``vorab_id`` ist dann die Nummer der Folgeaufgabe
    (in derselben Rundreise gezogen wie der Stand des Feldes), die Aufgaben der Maßnahmen ziehen
    ihre in der Abfrage, die sie findet. Ohne ``vorab_id`` (SQLite) haben Zeilen keine ``id``.
    ``massnahmen``: die Zeilen von ``MASSNAHMEN_OHNE_AUFGABE[vorab_id is not None]`` für dieses Feld,
    schon gelesen (ein Schritt holt sie mit seinen anderen Abfragen in einer Rundreise); sonst
    liest diese Funktion sie selbst, wenn der Zustand Maßnahmen beauftragt.
    """
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    zustand = ZUSTAND_NACH_NAME[feld.zustand]
    geplant: list[tuple[dict, Person, str | None, int | None]] = []
    vorlage = zustand.folgeaufgabe
    if vorlage is not None:
        person = zustaendige_person(db, vorlage.rolle)
        if person is None:
            raise SchrittNichtMoeglich(
                f"Niemand hat die Rolle »{ROLLE_BEZEICHNUNG.get(vorlage.rolle, vorlage.rolle)}« "
                f"({vorlage.rolle}), die die nächste Aufgabe bekäme. Tragen Sie eine Person mit "
                "dieser Rolle in die Organisationsdatei ein und laden Sie sie neu."
            )
        frist = frist_nach_tagen(jetzt, e.wert(vorlage.frist), e.zeitzone)
        geplant.append((dict(titel=vorlage.titel.format(titel=feld.titel), beschreibung="", frist=frist,
                             verantwortlich_id=person.id, massnahme_id=None, anlass_zustand=feld.zustand),
                        person, None, vorab_id))
    if zustand.beauftragt_massnahmen:
        geplant.extend(_aufgaben_fuer_massnahmen(arbeit, feld, nummern_vorab=vorab_id is not None, zeilen=massnahmen))
    if not geplant:
        return []
    regeln = Regeln.aus(e)
    ergebnis = []
    for werte, person, mtitel, nummer in geplant:
        zeile = dict(werte, handlungsfeld_id=feld.id, status=OFFEN, angelegt_am=jetzt,
                     naechste_erinnerung_am=erster_zeitpunkt(werte["frist"], jetzt, regeln))
        if nummer is not None:
            zeile["id"] = nummer
        ergebnis.append((zeile, NeueAufgabe(id=nummer, titel=zeile["titel"], beschreibung=zeile["beschreibung"],
                                            frist=zeile["frist"], person=person, handlungsfeld_id=feld.id,
                                            massnahme_titel=mtitel)))
    return ergebnis


def neue_aufgaben(geplant: list[tuple[dict, NeueAufgabe]], ids) -> list[NeueAufgabe]:
    """Die geplanten Aufgaben mit den Nummern, die das INSERT vergab."""
    for (_, neu), nummer in zip(geplant, ids):
        neu.id = nummer
    return [neu for _, neu in geplant]


def _massnahmen_ohne_aufgabe(nummern_vorab: bool):
    """Die beschlossenen Maßnahmen des Feldes ohne offene Aufgabe, mit ihrer zuständigen Person
    (und der Nummer, die PostgreSQL der neuen Aufgabe vorab gibt): Core-Zeilen statt ORM-Objekte."""
    m, p, a = Massnahme.__table__, Person.__table__, Aufgabe.__table__
    schon_beauftragt = select(a.c.massnahme_id).where(
        a.c.massnahme_id.is_not(None), a.c.status == OFFEN, a.c.handlungsfeld_id == bindparam("feld_id")
    )
    nummer = AUFGABE_NUMMER_VORAB if nummern_vorab else literal(None)
    return (
        select(m.c.id, m.c.titel, m.c.frist, p.c.id.label("person_id"), p.c.name, p.c.email, p.c.entfernt_am,
               nummer.label("nummer"))
        .join_from(m, p, p.c.id == m.c.verantwortlich_id)
        .where(
            m.c.handlungsfeld_id == bindparam("feld_id"),
            # zwei Vergleiche statt IN (…): ein IN mit festen Werten klappte SQLAlchemy erst beim Ausführen auf
            or_(m.c.status == "geplant", m.c.status == "laufend"),
            m.c.id.not_in(schon_beauftragt),
        )
        .order_by(m.c.id)
    )


MASSNAHMEN_OHNE_AUFGABE = {vorab: _massnahmen_ohne_aufgabe(vorab) for vorab in (False, True)}


def _aufgaben_fuer_massnahmen(arbeit: Arbeit, feld, nummern_vorab: bool = False,
                              zeilen: list[tuple] | None = None) -> list[tuple]:
    """Je beschlossener Maßnahme ohne offene Aufgabe eine Aufgabe an ihre zuständige Person
    (mit ``nummern_vorab`` und der Nummer, die PostgreSQL ihr vorab gibt)."""
    if zeilen is None:
        zeilen = direkt(MASSNAHMEN_OHNE_AUFGABE[nummern_vorab]).zeilen(arbeit.verbindung(), {"feld_id": feld.id})
    return [
        (dict(titel=f"Maßnahme umsetzen: {titel}", beschreibung=f"Beschlossene Maßnahme im Handlungsfeld »{feld.titel}«.",
              frist=frist, verantwortlich_id=person_id, massnahme_id=mid, anlass_zustand=None),
         Empfaenger(person_id, name, email, entfernt_am), titel, n)
        for mid, titel, frist, person_id, name, email, entfernt_am, n in zeilen
    ]


def aufgaben_des_zustands_schliessen(arbeit: Arbeit, feld_id: int, zustand: str, status: str = ERLEDIGT) -> None:
    """Schließt die offenen Aufgaben, die der Eintritt in ``zustand`` erzeugt hatte.

    Core statt ORM-UPDATE: die Session hält diese Aufgaben nicht, ein Abgleich wäre nur Kosten.
    """
    direkt(ZUSTANDSAUFGABEN_SCHLIESSEN).anzahl(
        arbeit.verbindung(), {"feld_id": feld_id, "zustand": zustand, "status": status, "jetzt": arbeit.jetzt})


def erinnerungen_ruhen_lassen(arbeit: Arbeit, feld_id: int) -> None:
    """Ein zurückgestelltes Feld: die offenen Aufgaben (auch die der Maßnahmen) erinnern nicht."""
    direkt(ERINNERUNGEN_DES_FELDES_RUHEN).anzahl(arbeit.verbindung(), {"feld_id": feld_id})


def erinnerungen_wieder_planen(arbeit: Arbeit, feld_id: int) -> None:
    """Nach dem Wiederaufnehmen erinnern die ruhenden Aufgaben wieder, ab jetzt."""
    plan = erinnerungen_neu_geplant(arbeit, feld_id)
    if plan:
        direkt(ERINNERUNG_PLANEN).viele(arbeit.verbindung(), [{"b_id": i, "b_naechste": n} for i, n in plan])


def erinnerungen_neu_geplant(arbeit: Arbeit, feld_id: int, ohne_zustand: str | None = None,
                             ruhend: list[tuple] | None = None) -> list[tuple]:
    """Die ruhenden offenen Aufgaben des Feldes mit ihrer nächsten Erinnerung ab jetzt: (id, Zeitpunkt).

    ``ohne_zustand``: Aufgaben dieses Anlasses nicht (die schließt der Schritt gerade).
    ``ruhend``: die Zeilen von ``RUHENDE_AUFGABEN_DES_FELDES`` für dieses Feld, schon gelesen
    (sonst liest diese Funktion sie).
    """
    regeln, jetzt = Regeln.aus(arbeit.einstellungen), arbeit.jetzt
    if ruhend is None:
        ruhend = direkt(RUHENDE_AUFGABEN_DES_FELDES).zeilen(arbeit.verbindung(), {"feld_id": feld_id})
    return [(i, naechster_zeitpunkt(frist, jetzt, regeln, eskaliert=esk == frist))
            for i, frist, esk, anlass in ruhend if ohne_zustand is None or anlass != ohne_zustand]


def aufgabe_anlegen(
    arbeit: Arbeit,
    *,
    titel: str,
    verantwortlich: Person | str,
    frist: date,
    handlungsfeld_id: int | None = None,
    massnahme_id: int | None = None,
    beschreibung: str = "",
) -> Aufgabe:
    """Eine Aufgabe von Hand, mit Mail an die zuständige Person und geplanten Erinnerungen.

    Eine Frist in der Vergangenheit wird abgewiesen wie beim Verschieben. ``verantwortlich`` ist eine
    Person oder ihre Adresse.
    """
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    verantwortlich = person_von(arbeit, verantwortlich)
    titel = titel_pruefen(titel, "Der Titel der Aufgabe", beispiel="Schulen zur Fehlzeitenerhebung anschreiben",
                          laenge=300)
    frist_pruefen(frist, jetzt, e.zeitzone)
    massnahme = None
    if massnahme_id is not None:
        massnahme = laden(db, Massnahme, massnahme_id)
        handlungsfeld_id = handlungsfeld_id or massnahme.handlungsfeld_id
    feld = laden(db, Handlungsfeld, handlungsfeld_id) if handlungsfeld_id is not None else None
    aufgabe = Aufgabe(titel=titel, beschreibung=beschreibung, handlungsfeld_id=handlungsfeld_id,
                      massnahme_id=massnahme_id, verantwortlich_id=verantwortlich.id, frist=frist, angelegt_am=jetzt)
    planen(aufgabe, jetzt, Regeln.aus(e))
    db.add(aufgabe)
    db.flush()
    from prozess.auftragsmails import mails_fuer_neue_aufgaben

    mails_fuer_neue_aufgaben(arbeit, [_neue_aufgabe(aufgabe, verantwortlich, massnahme)], feld)
    return aufgabe


def _neue_aufgabe(aufgabe: Aufgabe, person: Person, massnahme: Massnahme | None) -> NeueAufgabe:
    return NeueAufgabe(id=aufgabe.id, titel=aufgabe.titel, beschreibung=aufgabe.beschreibung, frist=aufgabe.frist,
                       person=person, handlungsfeld_id=aufgabe.handlungsfeld_id,
                       massnahme_titel=massnahme.titel if massnahme else None)


def frist_pruefen(frist: date, jetzt: datetime, zone) -> None:
    if frist < heute(jetzt, zone):
        raise Eingabefehler(
            f"Die Frist {datum_de(frist)} liegt in der Vergangenheit; eine Aufgabe wäre sofort überfällig. "
            "Nennen Sie ein Datum ab heute."
        )


def aufgabe_verschieben(arbeit: Arbeit, aufgabe_id: int, frist: date) -> Aufgabe:
    """Setzt eine neue Frist, plant die Erinnerungen neu und sagt es der zuständigen Person."""
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    aufgabe = _offene_aufgabe(db, aufgabe_id)
    frist_pruefen(frist, jetzt, e.zeitzone)
    alte = aufgabe.frist
    aufgabe.frist = frist
    planen(aufgabe, jetzt, Regeln.aus(e))
    from prozess.auftragsmails import mails_fuer_neue_aufgaben

    person = db.get(Person, aufgabe.verantwortlich_id)
    feld = db.get(Handlungsfeld, aufgabe.handlungsfeld_id) if aufgabe.handlungsfeld_id else None
    massnahme = db.get(Massnahme, aufgabe.massnahme_id) if aufgabe.massnahme_id else None
    mails_fuer_neue_aufgaben(arbeit, [_neue_aufgabe(aufgabe, person, massnahme)], feld, anlass="frist_geaendert",
                             zusatz={"alte_frist": datum_de(alte)})
    db.flush()
    return aufgabe


class Zuweisung(NamedTuple):
    """Was ``aufgabe_zuweisen`` getan hat: welche Aufgabe jetzt bei wem liegt."""

    aufgabe_id: int
    titel: str
    person_name: str


def aufgabe_zuweisen(arbeit: Arbeit, aufgabe_id: int, person: Person | str) -> Zuweisung:
    """Gibt eine offene Aufgabe einer anderen Person (oder deren Adresse); sie bekommt die Mail wie bei
    einer neuen Aufgabe.

    Frist und Erinnerungen bleiben; eine entfernte Person oder dieselbe wird abgewiesen.
    """
    db = arbeit.db
    person = person_von(arbeit, person)
    aufgabe = _offene_aufgabe(db, aufgabe_id)
    if person.entfernt_am is not None or not person.email:
        raise Eingabefehler(f"{person.name} ist entfernt und kann keine Aufgabe bekommen; nennen Sie eine andere "
                            "Person aus der Organisationsdatei.")
    if person.id == aufgabe.verantwortlich_id:
        raise Eingabefehler(f"Aufgabe {aufgabe_id} liegt schon bei {person.name}; nennen Sie eine andere Person.")
    from prozess.auftragsmails import mails_fuer_neue_aufgaben, zuweisungsgegenstand

    # Jede Zuweisung mailt (auch A → B → A); dieselbe zweimal nicht: die Nummer im Schlüssel.
    # Gezählt, bevor die Änderung geschrieben wird: zwei gleichzeitige Läufe finden dieselbe Nummer.
    gegenstand = zuweisungsgegenstand(arbeit, aufgabe.id, person.id, aufgabe.frist)
    aufgabe.verantwortlich_id = person.id
    feld = db.get(Handlungsfeld, aufgabe.handlungsfeld_id) if aufgabe.handlungsfeld_id else None
    massnahme = db.get(Massnahme, aufgabe.massnahme_id) if aufgabe.massnahme_id else None
    mails_fuer_neue_aufgaben(arbeit, [_neue_aufgabe(aufgabe, person, massnahme)], feld, gegenstand=gegenstand)
    db.flush()
    return Zuweisung(aufgabe.id, aufgabe.titel, person.name)


def _offene_aufgabe(db: Session, aufgabe_id: int) -> Aufgabe:
    aufgabe = laden(db, Aufgabe, aufgabe_id)
    if aufgabe.status != OFFEN:
        raise Eingabefehler(
            f"Aufgabe {aufgabe_id} ist nicht mehr offen (Status: {aufgabe.status}); daran ist nichts mehr zu tun."
        )
    return aufgabe


def schritte_die_erfuellen(anlass_zustand: str | None) -> tuple[str, ...]:
    """Die Namen der Schritte, die eine Aufgabe dieses Zustands erfüllen (nicht die, die sie hinfällig machen)."""
    if anlass_zustand is None:
        return ()
    return tuple(s.name for s in SCHRITTE if anlass_zustand in s.von and s.offene_aufgaben == ERLEDIGT)


def _endet_mit_schritt(aufgabe: Aufgabe) -> SchrittNichtMoeglich:
    """Die Meldung für eine Aufgabe, die nur ein Schritt des Zyklus schließt: welcher, und wie man ihn tut."""
    feld = aufgabe.handlungsfeld_id
    schritte = schritte_die_erfuellen(aufgabe.anlass_zustand)
    if not schritte:
        weg = f"mit dem nächsten Schritt von Handlungsfeld {feld} (bildungsbuero handlungsfeld zeige {feld})"
    elif len(schritte) == 1:
        weg = (f"mit dem Schritt »{schritte[0]}« von Handlungsfeld {feld}: "
               f"bildungsbuero handlungsfeld schritt {feld} {schritte[0]} --als IHRE-ADRESSE")
    else:
        weg = (f"mit einem der Schritte {' oder '.join(f'»{s}«' for s in schritte)} von Handlungsfeld {feld}, "
               f"z. B.: bildungsbuero handlungsfeld schritt {feld} {schritte[0]} --als IHRE-ADRESSE")
    return SchrittNichtMoeglich(
        f"Aufgabe {aufgabe.id} »{aufgabe.titel}« endet {weg}. Ein Häkchen würde die Prüfungen des Schritts "
        "umgehen; der Schritt schließt die Aufgabe selbst.")


def aufgabe_erledigen(arbeit: Arbeit, aufgabe_id: int) -> Aufgabe:
    """Markiert eine offene Aufgabe als erledigt; ihre Erinnerungen hören damit auf.

    Nicht eine Aufgabe, die ein Schritt des Zyklus schließt (``anlass_zustand``): die endet mit
    diesem Schritt, dessen Wächter prüfen, ob alles dafür erfüllt ist – nie mit einem Häkchen,
    weder in der CLI noch auf den Webseiten.
    """
    aufgabe = _offene_aufgabe(arbeit.db, aufgabe_id)
    if aufgabe.anlass_zustand is not None:
        raise _endet_mit_schritt(aufgabe)
    aufgabe.status = ERLEDIGT
    aufgabe.erledigt_am = arbeit.jetzt
    aufgabe.naechste_erinnerung_am = None
    arbeit.db.flush()
    return aufgabe
