"""Der Zielbaum und die Maßnahmen eines Handlungsfeldes lesen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from modelle.direkt import direkt
from modelle.tabellen import Massnahme, Person, Ziel
from prozess.ansichten import STANDARD_GRENZE, Seite, seite_werte, seitenweise
from prozess.arbeit import Arbeit
from prozess.schritte import feld_laden
from prozess.ziele import EBENE_BEZEICHNUNG

MASSNAHME_STATUS_BEZEICHNUNG = {"geplant": "geplant", "laufend": "laufend", "erledigt": "erledigt",
                                "abgebrochen": "abgebrochen"}


@dataclass(frozen=True)
class MassnahmeZeile:
    id: int
    titel: str
    status: str
    status_bezeichnung: str
    frist: date | None
    verantwortlich: str | None
    # Die Stelle (Organisation) der zuständigen Person: was ein Bericht nach außen nennt.
    verantwortlich_stelle: str | None = None


@dataclass(frozen=True)
class Zielknoten:
    """Ein Knoten in Lesereihenfolge: ein Ziel (``massnahme`` ist ``None``) oder eine Maßnahme."""

    tiefe: int
    id: int
    titel: str
    ebene_bezeichnung: str
    massnahme: MassnahmeZeile | None = None


def _massnahmen(arbeit: Arbeit, feld_id: int, grenze: int | None = None, versatz: int = 0):
    return direkt(_massnahmen_anweisung(grenze is not None)).zeilen(
        arbeit.verbindung(), {"feld_id": feld_id, **seite_werte(grenze, versatz)})


@lru_cache(maxsize=2)
def _massnahmen_anweisung(mit_grenze: bool):
    """Die Maßnahmen eines Feldes mit zuständiger Person, einmal gebaut; Platzhalter ``feld_id``, ``grenze``, ``versatz``."""
    return seitenweise(select(Massnahme.id, Massnahme.titel, Massnahme.status, Massnahme.frist, Person.name,
                              Massnahme.arbeitspaket_id, Person.organisation)
                       .outerjoin(Person, Person.id == Massnahme.verantwortlich_id)
                       .where(Massnahme.handlungsfeld_id == bindparam("feld_id")).order_by(Massnahme.id), mit_grenze)


class _ZielZeile(NamedTuple):
    id: int
    ueber_id: int | None
    ebene: str
    titel: str


_ZIELE = (select(Ziel.id, Ziel.ueber_id, Ziel.ebene, Ziel.titel)
          .where(Ziel.handlungsfeld_id == bindparam("feld_id")).order_by(Ziel.id))


def _zeile(i, t, s, f, p, stelle=None) -> MassnahmeZeile:
    return MassnahmeZeile(i, t, s, MASSNAHME_STATUS_BEZEICHNUNG.get(s, s), f, p, stelle)


def massnahmen_liste(arbeit: Arbeit, feld_id: int, *, grenze: int | None = STANDARD_GRENZE,
                     versatz: int = 0) -> Seite[MassnahmeZeile]:
    """Die Maßnahmen eines Feldes nach Nummer, mit zuständiger Person und Frist."""
    feld_laden(arbeit.db, feld_id)
    gesamt = arbeit.db.execute(select(func.count()).select_from(Massnahme)
                               .where(Massnahme.handlungsfeld_id == feld_id)).scalar_one()
    return Seite([_zeile(i, t, s, f, p, o) for i, t, s, f, p, _, o in _massnahmen(arbeit, feld_id, grenze, versatz)],
                 gesamt, versatz)


def zielbaum(arbeit: Arbeit, feld_id: int) -> list[Zielknoten]:
    """Der Baum in Lesereihenfolge; Maßnahmen unter ihrem Arbeitspaket."""
    feld_laden(arbeit.db, feld_id)
    return zielbaum_ohne_pruefung(arbeit, feld_id)


def zielbaum_ohne_pruefung(arbeit: Arbeit, feld_id: int) -> list[Zielknoten]:
    """``zielbaum`` für ein Feld, dessen Existenz der Aufrufer schon geprüft hat (eine Abfrage weniger)."""
    ziele = [_ZielZeile(*z) for z in direkt(_ZIELE).zeilen(arbeit.verbindung(), {"feld_id": feld_id})]
    kinder: dict[int | None, list] = {}
    for ziel in ziele:
        kinder.setdefault(ziel.ueber_id, []).append(ziel)
    je_paket: dict[int, list[MassnahmeZeile]] = {}
    for i, t, s, f, p, paket, o in _massnahmen(arbeit, feld_id):
        je_paket.setdefault(paket, []).append(_zeile(i, t, s, f, p, o))
    ergebnis: list[Zielknoten] = []

    def besuchen(ziel, tiefe: int) -> None:
        ergebnis.append(Zielknoten(tiefe, ziel.id, ziel.titel, EBENE_BEZEICHNUNG[ziel.ebene]))
        for kind in kinder.get(ziel.id, []):
            besuchen(kind, tiefe + 1)
        for m in je_paket.get(ziel.id, []):
            ergebnis.append(Zielknoten(tiefe + 1, m.id, m.titel, "Maßnahme", m))

    for wurzel in kinder.get(None, []):
        besuchen(wurzel, 0)
    return ergebnis
