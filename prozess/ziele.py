"""Der Zielbaum: strategisches Ziel → Mittlerziel → Arbeitspaket → Maßnahme."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from modelle.anweisungen import AUFGABEN_DER_MASSNAHME_SCHLIESSEN
from modelle.tabellen import Aufgabe, Massnahme, Person, Ziel
from prozess.arbeit import Arbeit
from prozess.eingaben import titel_pruefen
from prozess.aufgaben import frist_pruefen
from prozess.erinnerungen import Regeln, planen
from prozess.fehler import Eingabefehler
from prozess.laden import laden
from prozess.schritte import feld_laden

EBENEN = ("strategisches_ziel", "mittlerziel", "arbeitspaket")
EBENE_BEZEICHNUNG = {"strategisches_ziel": "Strategisches Ziel", "mittlerziel": "Mittlerziel", "arbeitspaket": "Arbeitspaket"}
MASSNAHME_STATUS = ("geplant", "laufend", "erledigt", "abgebrochen")


def ziel_anlegen(arbeit: Arbeit, feld_id: int, ebene: str, titel: str, ueber_id: int | None = None) -> Ziel:
    """Legt ein Ziel an; unter jedem Ziel steht nur die nächste Ebene."""
    db = arbeit.db
    feld_laden(db, feld_id)
    if ebene not in EBENEN:
        raise Eingabefehler(f"Ebene »{ebene}« gibt es nicht. Möglich: {', '.join(EBENEN)}.")
    titel = titel_pruefen(titel, "Der Titel des Ziels", beispiel="Jedes Kind erfüllt seine Schulpflicht", laenge=300)
    stufe = EBENEN.index(ebene)
    if stufe == 0:
        if ueber_id is not None:
            raise Eingabefehler("Ein strategisches Ziel steht ganz oben; lassen Sie --ueber weg.")
    else:
        erwartet = EBENEN[stufe - 1]
        ueber = db.get(Ziel, ueber_id) if ueber_id is not None else None
        if ueber is None or ueber.ebene != erwartet or ueber.handlungsfeld_id != feld_id:
            raise Eingabefehler(
                f"Ein {EBENE_BEZEICHNUNG[ebene]} gehört unter ein {EBENE_BEZEICHNUNG[erwartet]} "
                f"desselben Handlungsfeldes; geben Sie dessen Nummer mit --ueber ID an "
                f"(»bildungsbuero ziel liste {feld_id}«)."
            )
    ziel = Ziel(handlungsfeld_id=feld_id, ebene=ebene, ueber_id=ueber_id, titel=titel)
    db.add(ziel)
    db.flush()
    return ziel


def massnahme_anlegen(
    arbeit: Arbeit,
    arbeitspaket_id: int,
    titel: str,
    verantwortlich: Person | str | None = None,
    frist: date | None = None,
) -> Massnahme:
    """Legt eine Maßnahme unter einem Arbeitspaket an (Frist nicht in der Vergangenheit).

    ``verantwortlich`` ist eine Person oder ihre Adresse.
    """
    from prozess.rollen import person_von

    db = arbeit.db
    if verantwortlich is not None:
        verantwortlich = person_von(arbeit, verantwortlich)
    paket = db.get(Ziel, arbeitspaket_id)
    if paket is None or paket.ebene != "arbeitspaket":
        raise Eingabefehler(
            f"{arbeitspaket_id} ist kein Arbeitspaket. Eine Maßnahme gehört unter ein Arbeitspaket "
            "(»bildungsbuero ziel liste HANDLUNGSFELD«)."
        )
    titel = titel_pruefen(titel, "Der Titel der Maßnahme", beispiel="Fehlzeiten-Ampel", laenge=300)
    if frist is not None:
        frist_pruefen(frist, arbeit.jetzt, arbeit.einstellungen.zeitzone)
    massnahme = Massnahme(
        handlungsfeld_id=paket.handlungsfeld_id,
        arbeitspaket_id=paket.id,
        titel=titel,
        verantwortlich_id=verantwortlich.id if verantwortlich else None,
        frist=frist,
    )
    db.add(massnahme)
    db.flush()
    return massnahme


def massnahme_laden(db: Session, massnahme_id: int) -> Massnahme:
    return laden(db, Massnahme, massnahme_id)


def massnahme_aendern(
    arbeit: Arbeit,
    massnahme_id: int,
    *,
    verantwortlich: Person | str | None = None,
    frist: date | None = None,
    status: str | None = None,
) -> Massnahme:
    """Ändert Zuständigkeit (eine Person oder ihre Adresse), Frist oder Status; eine offene Aufgabe zur
    Maßnahme zieht mit.

    Ändert sich die Frist, werden die Erinnerungen der offenen Aufgabe neu geplant.
    """
    from prozess.rollen import person_von

    db, jetzt = arbeit.db, arbeit.jetzt
    if verantwortlich is not None:
        verantwortlich = person_von(arbeit, verantwortlich)
    massnahme = massnahme_laden(db, massnahme_id)
    if status is not None and status not in MASSNAHME_STATUS:
        raise Eingabefehler(f"Status »{status}« gibt es nicht. Möglich: {', '.join(MASSNAHME_STATUS)}.")
    werte = {}
    if verantwortlich is not None:
        massnahme.verantwortlich_id = werte["verantwortlich_id"] = verantwortlich.id
    if frist is not None:
        frist_pruefen(frist, jetzt, arbeit.einstellungen.zeitzone)
        massnahme.frist = werte["frist"] = frist
    if status is not None:
        massnahme.status = status
        if status in ("erledigt", "abgebrochen"):
            # Wie »massnahme erledigt«: die offenen Aufgaben der Maßnahme enden, ihre Erinnerungen auch.
            werte.update(status="erledigt" if status == "erledigt" else "hinfaellig", erledigt_am=jetzt,
                         naechste_erinnerung_am=None)
    offene = db.exec(select(Aufgabe).where(Aufgabe.massnahme_id == massnahme_id, Aufgabe.status == "offen")).all()
    for aufgabe in offene:
        for name, wert in werte.items():
            setattr(aufgabe, name, wert)
        if frist is not None and aufgabe.status == "offen":
            planen(aufgabe, jetzt, Regeln.aus(arbeit.einstellungen))
    db.flush()
    return massnahme


def massnahme_erledigen(arbeit: Arbeit, massnahme_id: int) -> Massnahme:
    """Markiert die Maßnahme als erledigt und schließt ihre offenen Aufgaben."""
    massnahme = massnahme_laden(arbeit.db, massnahme_id)
    massnahme.status = "erledigt"
    arbeit.db.flush()
    arbeit.verbindung().execute(AUFGABEN_DER_MASSNAHME_SCHLIESSEN,
                                {"b_massnahme_id": massnahme_id, "status": "erledigt", "jetzt": arbeit.jetzt})
    return massnahme
