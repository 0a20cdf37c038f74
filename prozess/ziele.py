"""Der Zielbaum: strategisches Ziel → Mittlerziel → Arbeitspaket → Maßnahme."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from modelle.tabellen import Aufgabe, Massnahme, Person, Ziel
from prozess.erinnerungen import Regeln, planen
from prozess.fehler import Eingabefehler, NichtGefunden
from prozess.schritte import feld_laden

EBENEN = ("strategisches_ziel", "mittlerziel", "arbeitspaket")
EBENE_BEZEICHNUNG = {"strategisches_ziel": "Strategisches Ziel", "mittlerziel": "Mittlerziel", "arbeitspaket": "Arbeitspaket"}
MASSNAHME_STATUS = ("geplant", "laufend", "erledigt", "abgebrochen")


def ziel_anlegen(session: Session, feld_id: int, ebene: str, titel: str, ueber_id: int | None = None) -> Ziel:
    """Legt ein Ziel an; unter jedem Ziel steht nur die nächste Ebene."""
    feld_laden(session, feld_id)
    if ebene not in EBENEN:
        raise Eingabefehler(f"Ebene »{ebene}« gibt es nicht. Möglich: {', '.join(EBENEN)}.")
    if not titel.strip():
        raise Eingabefehler("Der Titel des Ziels ist leer.")
    stufe = EBENEN.index(ebene)
    if stufe == 0:
        if ueber_id is not None:
            raise Eingabefehler("Ein strategisches Ziel steht ganz oben; lassen Sie --ueber weg.")
    else:
        erwartet = EBENEN[stufe - 1]
        ueber = session.get(Ziel, ueber_id) if ueber_id is not None else None
        if ueber is None or ueber.ebene != erwartet or ueber.handlungsfeld_id != feld_id:
            raise Eingabefehler(
                f"Ein {EBENE_BEZEICHNUNG[ebene]} gehört unter ein {EBENE_BEZEICHNUNG[erwartet]} "
                f"desselben Handlungsfeldes; geben Sie dessen Nummer mit --ueber ID an "
                f"(»bildungsbuero ziel liste {feld_id}«)."
            )
    ziel = Ziel(handlungsfeld_id=feld_id, ebene=ebene, ueber_id=ueber_id, titel=titel.strip())
    session.add(ziel)
    session.commit()
    return ziel


def zielbaum(session: Session, feld_id: int) -> list[tuple[int, Ziel | Massnahme]]:
    """Der Baum als Liste (Tiefe, Knoten) in Lesereihenfolge; Maßnahmen unter ihrem Arbeitspaket."""
    feld_laden(session, feld_id)
    ziele = session.exec(select(Ziel).where(Ziel.handlungsfeld_id == feld_id).order_by(Ziel.id)).all()
    massnahmen = session.exec(
        select(Massnahme).where(Massnahme.handlungsfeld_id == feld_id).order_by(Massnahme.id)
    ).all()
    kinder: dict[int | None, list[Ziel]] = {}
    for ziel in ziele:
        kinder.setdefault(ziel.ueber_id, []).append(ziel)
    je_paket: dict[int, list[Massnahme]] = {}
    for m in massnahmen:
        je_paket.setdefault(m.arbeitspaket_id, []).append(m)
    ergebnis: list[tuple[int, Ziel | Massnahme]] = []

    def besuchen(ziel: Ziel, tiefe: int) -> None:
        ergebnis.append((tiefe, ziel))
        for kind in kinder.get(ziel.id, []):
            besuchen(kind, tiefe + 1)
        for m in je_paket.get(ziel.id, []):
            ergebnis.append((tiefe + 1, m))

    for wurzel in kinder.get(None, []):
        besuchen(wurzel, 0)
    return ergebnis


def massnahme_anlegen(
    session: Session,
    arbeitspaket_id: int,
    titel: str,
    verantwortlich: Person | None = None,
    frist: date | None = None,
) -> Massnahme:
    paket = session.get(Ziel, arbeitspaket_id)
    if paket is None or paket.ebene != "arbeitspaket":
        raise Eingabefehler(
            f"{arbeitspaket_id} ist kein Arbeitspaket. Eine Maßnahme gehört unter ein Arbeitspaket "
            "(»bildungsbuero ziel liste HANDLUNGSFELD«)."
        )
    if not titel.strip():
        raise Eingabefehler("Der Titel der Maßnahme ist leer.")
    massnahme = Massnahme(
        handlungsfeld_id=paket.handlungsfeld_id,
        arbeitspaket_id=paket.id,
        titel=titel.strip(),
        verantwortlich_id=verantwortlich.id if verantwortlich else None,
        frist=frist,
    )
    session.add(massnahme)
    session.commit()
    return massnahme


def massnahme_laden(session: Session, massnahme_id: int) -> Massnahme:
    massnahme = session.get(Massnahme, massnahme_id)
    if massnahme is None:
        raise NichtGefunden(f"Maßnahme {massnahme_id} gibt es nicht (»bildungsbuero massnahme liste FELD«).")
    return massnahme


def massnahme_aendern(
    session: Session,
    massnahme_id: int,
    jetzt: datetime,
    einstellungen,
    *,
    verantwortlich: Person | None = None,
    frist: date | None = None,
    status: str | None = None,
) -> Massnahme:
    """Ändert Zuständigkeit, Frist oder Status; eine offene Aufgabe zur Maßnahme zieht mit.

    Ändert sich die Frist, werden die Erinnerungen der offenen Aufgabe neu geplant.
    """
    massnahme = massnahme_laden(session, massnahme_id)
    if status is not None and status not in MASSNAHME_STATUS:
        raise Eingabefehler(f"Status »{status}« gibt es nicht. Möglich: {', '.join(MASSNAHME_STATUS)}.")
    werte = {}
    if verantwortlich is not None:
        massnahme.verantwortlich_id = werte["verantwortlich_id"] = verantwortlich.id
    if frist is not None:
        massnahme.frist = werte["frist"] = frist
    if status is not None:
        massnahme.status = status
        if status in ("erledigt", "abgebrochen"):
            # Wie »massnahme erledigt«: die offenen Aufgaben der Maßnahme enden, ihre Erinnerungen auch.
            werte.update(status="erledigt" if status == "erledigt" else "hinfaellig", erledigt_am=jetzt,
                         naechste_erinnerung_am=None)
    offene = session.exec(select(Aufgabe).where(Aufgabe.massnahme_id == massnahme_id, Aufgabe.status == "offen")).all()
    for aufgabe in offene:
        for name, wert in werte.items():
            setattr(aufgabe, name, wert)
        if frist is not None and aufgabe.status == "offen":
            planen(aufgabe, jetzt, Regeln.aus(einstellungen))
    session.commit()
    return massnahme


def massnahme_erledigen(session: Session, massnahme_id: int, jetzt: datetime) -> Massnahme:
    """Markiert die Maßnahme als erledigt und schließt ihre offenen Aufgaben."""
    massnahme = massnahme_laden(session, massnahme_id)
    massnahme.status = "erledigt"
    session.execute(
        update(Aufgabe)
        .where(Aufgabe.massnahme_id == massnahme_id, Aufgabe.status == "offen")
        .values(status="erledigt", erledigt_am=jetzt, naechste_erinnerung_am=None)
    )
    session.commit()
    return massnahme
