"""Einen Schritt auslösen: prüfen, dann alles in einer Transaktion schreiben.

Reihenfolge: Zustand erlaubt den Schritt? Person hat eine der Rollen? Begründung da, wo
nötig? Alle Wächter erfüllt? Erst dann setzt ``transitions`` den neuen Zustand (nur im
Speicher), und in *einer* Transaktion werden geschrieben: der neue Zustand (mit
Versionsprüfung), der Protokolleintrag, das Schließen der alten und das Anlegen der neuen
Aufgaben. Scheitert irgendetwas, wird zurückgerollt; die Datenbank bleibt, wie sie war.

Zwei Personen, die denselben Schritt gleichzeitig auslösen: die Versionsspalte lässt nur
das erste UPDATE zu, die zweite bekommt ``Konflikt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from modelle.tabellen import Handlungsfeld, Person, Schrittprotokoll
from prozess.aufgaben import aufgaben_des_zustands_schliessen, folgeaufgaben_anlegen
from prozess.auftragsmails import mails_fuer_neue_aufgaben
from prozess.einstellungen import Einstellungen
from prozess.fehler import Konflikt, NichtGefunden, SchrittNichtMoeglich
from prozess.rollen import passt, rollen_der_person
from prozess.waechter import WAECHTER, Pruefkontext
from prozess.zyklus import (
    MASCHINE,
    PROZESS_VERSION,
    ROLLE_BEZEICHNUNG,
    SCHRITT_NACH_NAME,
    ZUSTAND_BEZEICHNUNG,
    Schritt,
    schritte_im_zustand,
)


@dataclass
class Bewertung:
    """Ein Schritt, der im aktuellen Zustand vorgesehen ist, und was ihm noch fehlt."""

    schritt: Schritt
    gruende: list[str]

    @property
    def moeglich(self) -> bool:
        return not self.gruende


def feld_laden(session: Session, feld_id: int) -> Handlungsfeld:
    feld = session.get(Handlungsfeld, feld_id)
    if feld is None:
        raise NichtGefunden(
            f"Handlungsfeld {feld_id} gibt es nicht. Die vorhandenen zeigt »bildungsbuero handlungsfeld liste«."
        )
    return feld


def _rollen_text(schritt: Schritt) -> str:
    return " oder ".join(ROLLE_BEZEICHNUNG.get(r, r) for r in schritt.rollen)


def _gruende(
    session: Session,
    feld: Handlungsfeld,
    schritt: Schritt,
    rollen: set[str] | None,
    kontext: Pruefkontext,
) -> list[str]:
    gruende = []
    if rollen is not None and not any(passt(rollen, r) for r in schritt.rollen):
        gruende.append(f"Diesen Schritt darf nur auslösen: {_rollen_text(schritt)}.")
    for name in schritt.waechter:
        gruende.extend(WAECHTER[name](session, feld, kontext))
    return gruende


def schritte_bewerten(session: Session, feld: Handlungsfeld, person_id: int | None = None) -> list[Bewertung]:
    """Alle im Zustand vorgesehenen Schritte mit den Gründen, die (noch) dagegen sprechen.

    Ohne ``person_id`` werden Rollen nicht geprüft (die Antwort gilt für die richtige Rolle).
    """
    rollen = rollen_der_person(session, person_id) if person_id is not None else None
    return [
        Bewertung(schritt, _gruende(session, feld, schritt, rollen, Pruefkontext()))
        for schritt in schritte_im_zustand(feld.zustand)
    ]


def _nicht_vorgesehen(feld: Handlungsfeld, name: str) -> SchrittNichtMoeglich:
    moeglich = [s.name for s in schritte_im_zustand(feld.zustand)]
    bekannt = "" if name in SCHRITT_NACH_NAME else f" Einen Schritt »{name}« gibt es nicht."
    jetzt = ", ".join(moeglich) if moeglich else "keine (das Handlungsfeld ist abgeschlossen)"
    return SchrittNichtMoeglich(
        f"Handlungsfeld {feld.id} »{feld.titel}« ist {ZUSTAND_BEZEICHNUNG[feld.zustand]} "
        f"({feld.zustand}); der Schritt »{name}« ist jetzt nicht möglich.{bekannt} "
        f"Jetzt möglich: {jetzt}."
    )


def _schritt_kontext(schritt: Schritt, von: str, feld: Handlungsfeld, person: Person, begruendung: str) -> dict:
    return {
        "bezeichnung": schritt.bezeichnung,
        "von": ZUSTAND_BEZEICHNUNG[von],
        "nach": ZUSTAND_BEZEICHNUNG[feld.zustand],
        "wer": person.name,
        "begruendung": begruendung.strip(),
    }


def schritt_ausfuehren(
    session: Session,
    feld_id: int,
    schritt_name: str,
    person_id: int,
    jetzt: datetime,
    einstellungen: Einstellungen,
    *,
    begruendung: str = "",
    beschluss_id: int | None = None,
    feld: Handlungsfeld | None = None,
) -> Schrittprotokoll:
    """Löst ``schritt_name`` für das Handlungsfeld aus und schreibt alles in einer Transaktion.

    Wirft ``SchrittNichtMoeglich`` (Zustand, Rolle, Begründung, Wächter), ``NichtGefunden``
    oder ``Konflikt`` (jemand war schneller); in jedem dieser Fälle ist nichts geschrieben.
    ``feld`` darf übergeben werden, wenn es in dieser Sitzung schon geladen ist.
    """
    feld = feld if feld is not None else feld_laden(session, feld_id)
    schritt = SCHRITT_NACH_NAME.get(schritt_name)
    if schritt is None or feld.zustand not in schritt.von:
        raise _nicht_vorgesehen(feld, schritt_name)
    person = session.get(Person, person_id)
    if person is None or person.entfernt_am is not None:
        raise NichtGefunden(f"Person {person_id} gibt es nicht (mehr).")
    if schritt.begruendung_noetig and not begruendung.strip():
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« braucht eine Begründung. Geben Sie sie mit "
            "--begruendung \"...\" an."
        )
    kontext = Pruefkontext(beschluss_id=beschluss_id)
    gruende = _gruende(session, feld, schritt, rollen_der_person(session, person_id), kontext)
    if gruende:
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« für Handlungsfeld {feld.id} »{feld.titel}« ist nicht "
            "möglich:\n- " + "\n- ".join(gruende)
        )

    von = feld.zustand
    try:
        MASCHINE.events[schritt.name].trigger(feld)
        feld.zustand_seit = jetzt
        protokoll = Schrittprotokoll(
            handlungsfeld_id=feld.id,
            schritt=schritt.name,
            von_zustand=von,
            nach_zustand=feld.zustand,
            person_id=person_id,
            zeitpunkt=jetzt,
            begruendung=begruendung.strip(),
            beschluss_id=kontext.beschluss_id,
            prozess_version=PROZESS_VERSION,
        )
        session.add(protokoll)
        aufgaben_des_zustands_schliessen(session, feld.id, von, jetzt, schritt.offene_aufgaben)
        neue = folgeaufgaben_anlegen(session, feld, jetzt, einstellungen)
        session.flush()
        mails_fuer_neue_aufgaben(session, neue, jetzt, einstellungen, _schritt_kontext(schritt, von, feld, person, begruendung))
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Konflikt(
            f"Handlungsfeld {feld_id} wurde gerade von jemand anderem geändert; Ihr Schritt "
            f"»{schritt.name}« wurde nicht ausgeführt. Sehen Sie mit »bildungsbuero handlungsfeld "
            f"zeige {feld_id}« nach, was jetzt gilt, und versuchen Sie es dann erneut."
        ) from None
    except BaseException:
        session.rollback()
        raise
    return protokoll
