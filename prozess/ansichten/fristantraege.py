"""Fristanträge lesen: was Personen über ihren Link beantragt haben, zur Entscheidung im Büro."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from modelle.tabellen import Aufgabe, Person
from modelle.teilnahme import Fristantrag
from prozess.ansichten import STANDARD_GRENZE, Seite, begrenzen
from prozess.arbeit import Arbeit
from prozess.teilnahme import ANTRAG_BEZEICHNUNG, OFFEN


@dataclass(frozen=True)
class FristantragZeile:
    id: int
    aufgabe_id: int
    aufgabe: str
    person: str
    alte_frist: date
    frist: date
    begruendung: str
    gestellt_am: datetime
    status: str
    status_bezeichnung: str
    antwort: str


def fristantraege_liste(arbeit: Arbeit, *, alle: bool = False, grenze: int | None = STANDARD_GRENZE,
                        versatz: int = 0) -> Seite[FristantragZeile]:
    """Die offenen Anträge, älteste zuerst; mit ``alle`` auch entschiedene."""
    bedingungen = [] if alle else [Fristantrag.status == OFFEN]
    db = arbeit.db
    gesamt = db.execute(select(func.count()).select_from(Fristantrag).where(*bedingungen)).scalar_one()
    abfrage = (select(Fristantrag.id, Fristantrag.aufgabe_id, Aufgabe.titel, Person.name, Fristantrag.alte_frist,
                      Fristantrag.frist, Fristantrag.begruendung, Fristantrag.gestellt_am, Fristantrag.status,
                      Fristantrag.antwort)
               .join(Aufgabe, Aufgabe.id == Fristantrag.aufgabe_id)
               .join(Person, Person.id == Fristantrag.person_id)
               .where(*bedingungen).order_by(Fristantrag.gestellt_am, Fristantrag.id))
    zeilen = db.execute(begrenzen(abfrage, grenze, versatz)).all()
    return Seite([FristantragZeile(i, a, t, p, af, f, b or "", g, s, ANTRAG_BEZEICHNUNG.get(s, s), an or "")
                  for i, a, t, p, af, f, b, g, s, an in zeilen], gesamt, versatz)
