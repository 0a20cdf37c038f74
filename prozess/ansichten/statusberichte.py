"""Statusberichte lesen: die Liste und genau der Text, der versandt wurde."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from modelle.tabellen import Statusbericht
from prozess.ansichten import STANDARD_GRENZE, Seite, begrenzen
from prozess.arbeit import Arbeit
from prozess.laden import laden


@dataclass(frozen=True)
class StatusberichtZeile:
    id: int
    erstellt_am: datetime
    anlass: str


@dataclass(frozen=True)
class StatusberichtAnsicht:
    id: int
    erstellt_am: datetime
    anlass: str
    betreff: str
    text: str
    html: str


def statusberichte_liste(arbeit: Arbeit, *, grenze: int | None = STANDARD_GRENZE,
                         versatz: int = 0) -> Seite[StatusberichtZeile]:
    """Die versandten Statusberichte, der neueste zuletzt."""
    gesamt = arbeit.db.execute(select(func.count()).select_from(Statusbericht)).scalar_one()
    abfrage = select(Statusbericht.id, Statusbericht.erstellt_am, Statusbericht.anlass).order_by(Statusbericht.id)
    zeilen = arbeit.db.execute(begrenzen(abfrage, grenze, versatz)).all()
    return Seite([StatusberichtZeile(*z) for z in zeilen], gesamt, versatz)


def statusbericht_ansicht(arbeit: Arbeit, bericht_id: int) -> StatusberichtAnsicht:
    """Der Bericht, wie er versandt wurde."""
    b = laden(arbeit.db, Statusbericht, bericht_id)
    return StatusberichtAnsicht(b.id, b.erstellt_am, b.anlass, b.betreff, b.text, b.html)
