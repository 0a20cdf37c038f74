"""Einen Schritt auslösen: prüfen, dann alles in einer Transaktion schreiben.

Reihenfolge: Zustand erlaubt den Schritt? Person hat eine der Rollen? Begründung da, wo
nötig? Alle Wächter erfüllt? Erst dann setzt ``transitions`` den neuen Zustand (nur im
Speicher, auf einem schlichten ``Feldstand``), und in der Transaktion der Arbeitseinheit
werden geschrieben: der neue Zustand (bedingtes UPDATE auf die gelesene Version), der
Protokolleintrag, das Schließen der alten und das Anlegen der neuen Aufgaben samt Mail.
Scheitert irgendetwas, rollt die Arbeitseinheit zurück; die Datenbank bleibt, wie sie war.
Was ein Schritt nebenbei tut (Aufgaben erledigt oder hinfällig, Erinnerungen ruhen oder neu
geplant), steht in seiner Erklärung in ``prozess.zyklus``.

Zwei Personen, die denselben Schritt gleichzeitig auslösen: die Versionsbedingung lässt
nur das erste UPDATE zu, die zweite bekommt ``Konflikt``. Geschrieben wird mit den benannten
Core-Anweisungen aus ``modelle.anweisungen``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from modelle.anweisungen import FELD_LESEN, FELD_SCHREIBEN, PROTOKOLL_SCHREIBEN
from modelle.tabellen import Handlungsfeld, Person
from prozess.arbeit import Arbeit
from prozess.aufgaben import (
    aufgaben_des_zustands_schliessen,
    erinnerungen_ruhen_lassen,
    erinnerungen_wieder_planen,
    folgeaufgaben_anlegen,
)
from prozess.auftragsmails import mails_fuer_neue_aufgaben
from prozess.laden import laden
from prozess.fehler import Konflikt, NichtGefunden, SchrittNichtMoeglich
from prozess.rollen import passt, person_laden, rollen_der_person
from prozess.waechter import WAECHTER, Pruefkontext
from prozess.zyklus import (
    MASCHINE,
    PROZESS_VERSION,
    ROLLE_BEZEICHNUNG,
    RUHEN,
    SCHRITT_NACH_NAME,
    WIEDER_PLANEN,
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


def feld_laden(db: Session, feld_id: int) -> Handlungsfeld:
    return laden(db, Handlungsfeld, feld_id)


def _rollen_text(schritt: Schritt) -> str:
    return " oder ".join(ROLLE_BEZEICHNUNG.get(r, r) for r in schritt.rollen)


def _gruende(
    db: Session,
    feld: Handlungsfeld,
    schritt: Schritt,
    rollen: set[str] | None,
    kontext: Pruefkontext,
) -> list[str]:
    gruende = []
    if rollen is not None and not any(passt(rollen, r) for r in schritt.rollen):
        gruende.append(f"Diesen Schritt darf nur auslösen: {_rollen_text(schritt)}.")
    for name in schritt.waechter:
        gruende.extend(WAECHTER[name](db, feld, kontext))
    return gruende


def schritte_bewerten(db: Session, feld, person_id: int | None = None, arbeit: Arbeit | None = None) -> list[Bewertung]:
    """Alle im Zustand vorgesehenen Schritte mit den Gründen, die (noch) dagegen sprechen.

    Ohne ``person_id`` werden Rollen nicht geprüft (die Antwort gilt für die richtige Rolle).
    ``arbeit`` liefert Uhr und Einstellungen für Wächter, die nach dem Alter fragen.
    """
    rollen = rollen_der_person(db, person_id) if person_id is not None else None
    return [
        Bewertung(schritt, _gruende(db, feld, schritt, rollen, Pruefkontext(
            jetzt=arbeit.jetzt if arbeit else None, einstellungen=arbeit.einstellungen if arbeit else None)))
        for schritt in schritte_im_zustand(feld.zustand)
    ]


def _nicht_vorgesehen(feld: Handlungsfeld, name: str) -> SchrittNichtMoeglich:
    moeglich = [s.name for s in schritte_im_zustand(feld.zustand)]
    bekannt = "" if name in SCHRITT_NACH_NAME else f" Einen Schritt »{name}« gibt es nicht."
    jetzt = ", ".join(moeglich) if moeglich else "keine (das Handlungsfeld ist abgeschlossen)"
    return SchrittNichtMoeglich(
        f"Handlungsfeld {feld.id} »{feld.titel}« steht im Zustand »{ZUSTAND_BEZEICHNUNG[feld.zustand]}« "
        f"({feld.zustand}); der Schritt »{name}« ist jetzt nicht möglich.{bekannt} "
        f"Jetzt möglich: {jetzt}."
    )


def _schritt_kontext(schritt: Schritt, von: str, feld, person: Person, begruendung: str) -> dict:
    return {
        "bezeichnung": schritt.bezeichnung,
        "von": ZUSTAND_BEZEICHNUNG[von],
        "nach": ZUSTAND_BEZEICHNUNG[feld.zustand],
        "wer": person.name,
        "begruendung": begruendung.strip(),
    }


@dataclass(frozen=True)
class Schritteintrag:
    """Der geschriebene Protokolleintrag eines Schritts (dieselben Felder wie ``Schrittprotokoll``)."""

    id: int
    handlungsfeld_id: int
    schritt: str
    von_zustand: str
    nach_zustand: str
    person_id: int
    zeitpunkt: datetime
    begruendung: str
    beschluss_id: int | None
    prozess_version: int


@dataclass
class Feldstand:
    """Der Stand eines Handlungsfeldes, wie ihn ein Schritt liest und ``transitions`` bewegt.

    Ein schlichtes Objekt statt einer ORM-Zeile: der Schritt schreibt mit einem bedingten
    UPDATE (``WHERE version = gelesen``) und braucht dafür keinen Abgleich der Sitzung.
    """

    id: int
    titel: str
    zustand: str
    version: int
    runde: int
    zurueckgestellt_aus: str | None
    zustand_seit: datetime


def _feldstand(db: Session, feld_id: int) -> Feldstand:
    zeile = db.connection().execute(FELD_LESEN, {"feld_id": feld_id}).one_or_none()
    if zeile is None:
        raise NichtGefunden(
            f"Handlungsfeld {feld_id} gibt es nicht. Die vorhandenen zeigt »bildungsbuero handlungsfeld liste«."
        )
    return Feldstand(**zeile._mapping)


def schritt_ausfuehren(
    arbeit: Arbeit,
    feld_id: int,
    schritt_name: str,
    person_id: int,
    *,
    begruendung: str = "",
    beschluss_id: int | None = None,
    gesehene_version: int | None = None,
) -> Schritteintrag:
    """Löst ``schritt_name`` für das Handlungsfeld aus, alles in der Transaktion von ``arbeit``.

    Wirft ``SchrittNichtMoeglich`` (Zustand, Rolle, Begründung, Wächter), ``NichtGefunden``
    oder ``Konflikt`` (jemand war schneller); die Arbeitseinheit rollt dann zurück.
    ``gesehene_version`` (optional) ist der Stand, den die handelnde Person gesehen hat: hat
    er sich inzwischen geändert, gilt das als Konflikt statt als neuer Versuch.
    """
    db, jetzt = arbeit.db, arbeit.jetzt
    stand = _feldstand(db, feld_id)
    gesehene_version = stand.version if gesehene_version is None else gesehene_version
    schritt = SCHRITT_NACH_NAME.get(schritt_name)
    if schritt is None or stand.zustand not in schritt.von:
        if gesehene_version != stand.version:
            raise _konflikt(feld_id, schritt_name)
        raise _nicht_vorgesehen(stand, schritt_name)
    person = person_laden(db, person_id)
    if person is None or person.entfernt_am is not None:
        raise NichtGefunden(f"Person {person_id} gibt es nicht (mehr).")
    if schritt.begruendung_noetig and not begruendung.strip():
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« braucht eine Begründung. Geben Sie sie mit "
            "--begruendung \"...\" an."
        )
    if beschluss_id is not None:
        _beschluss_pruefen(db, beschluss_id, feld_id)
    kontext = Pruefkontext(beschluss_id=beschluss_id, jetzt=jetzt, einstellungen=arbeit.einstellungen)
    gruende = _gruende(db, stand, schritt, rollen_der_person(db, person_id), kontext)
    if gruende:
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« für Handlungsfeld {stand.id} »{stand.titel}« ist nicht "
            "möglich:\n- " + "\n- ".join(gruende)
        )
    von = stand.zustand
    if not MASCHINE.events[schritt.name].trigger(stand):
        # Nur möglich, wenn ein zurückgestelltes Feld nicht weiß, woher es kam (Datenfehler).
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« für Handlungsfeld {feld_id} findet kein Ziel: unbekannt, aus welchem "
            "Zustand es zurückgestellt wurde. Bitte wenden Sie sich an die Betreuung der Engine."
        )
    verbindung = arbeit.verbindung()
    geaendert = verbindung.execute(FELD_SCHREIBEN, dict(
        feld_id=feld_id, gesehen=gesehene_version, zustand=stand.zustand, jetzt=jetzt,
        neu=gesehene_version + 1, runde=stand.runde, aus=stand.zurueckgestellt_aus,
    )).rowcount
    if geaendert != 1:
        raise _konflikt(feld_id, schritt.name)
    protokoll = dict(handlungsfeld_id=feld_id, schritt=schritt.name, von_zustand=von, nach_zustand=stand.zustand,
                     person_id=person_id, zeitpunkt=jetzt, begruendung=begruendung.strip(),
                     beschluss_id=kontext.beschluss_id, prozess_version=PROZESS_VERSION)
    protokoll_id = verbindung.execute(PROTOKOLL_SCHREIBEN, protokoll).scalar_one()
    aufgaben_des_zustands_schliessen(arbeit, feld_id, von, schritt.offene_aufgaben)
    if schritt.erinnerungen == RUHEN:
        erinnerungen_ruhen_lassen(arbeit, feld_id)
    elif schritt.erinnerungen == WIEDER_PLANEN:
        erinnerungen_wieder_planen(arbeit, feld_id)
    neue = folgeaufgaben_anlegen(arbeit, stand)
    mails_fuer_neue_aufgaben(arbeit, neue, stand, _schritt_kontext(schritt, von, stand, person, begruendung))
    feld_vergessen(db, feld_id)
    return Schritteintrag(id=protokoll_id, **protokoll)


def feld_vergessen(db: Session, feld_id: int) -> None:
    """Eine Zeile des Feldes in der Session ist nach dem Core-UPDATE veraltet: neu laden lassen."""
    geladen = db.identity_map.get(db.identity_key(Handlungsfeld, feld_id))
    if geladen is not None:
        db.expire(geladen)


def _beschluss_pruefen(db: Session, beschluss_id: int, feld_id: int) -> None:
    from modelle.tabellen import Beschluss

    beschluss = db.get(Beschluss, beschluss_id)
    if beschluss is None or beschluss.handlungsfeld_id != feld_id:
        raise SchrittNichtMoeglich(
            f"Beschluss {beschluss_id} gibt es nicht oder er betrifft nicht Handlungsfeld {feld_id}. Nennen Sie "
            "mit --beschluss die Nummer eines Beschlusses zu diesem Feld, oder lassen Sie die Angabe weg."
        )


def _konflikt(feld_id: int, schritt_name: str) -> Konflikt:
    return Konflikt(
        f"Handlungsfeld {feld_id} wurde gerade von jemand anderem geändert; Ihr Schritt "
        f"»{schritt_name}« wurde nicht ausgeführt. Sehen Sie mit »bildungsbuero handlungsfeld "
        f"zeige {feld_id}« nach, was jetzt gilt, und versuchen Sie es dann erneut."
    )
