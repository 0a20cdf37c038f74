"""Ansichten: was die Front-Türen (CLI, Webseiten) zeigen, als schlichte Daten.

Jede Funktion hier liest in einer Arbeitseinheit und gibt Dataclasses zurück – keine
ORM-Zeilen, nichts, was nach dem Ende der Arbeit noch die Datenbank bräuchte. Die CLI und
die Webseiten formatieren nur; Regeln (was »eskaliert« heißt, welche Bezeichnung ein Status
hat) stehen hier. Listen sind seitenweise (``Seite``): standardmäßig 50 Einträge, mit der
Gesamtzahl, damit keine Ansicht mit der Datenbank wächst.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import bindparam

T = TypeVar("T")

STANDARD_GRENZE = 50


@dataclass(frozen=True)
class Seite(Generic[T]):
    """Ein Ausschnitt einer Liste: ``eintraege`` ab ``versatz``, von ``gesamt``."""

    eintraege: list[T]
    gesamt: int
    versatz: int = 0

    @property
    def weitere(self) -> int:
        """Wie viele Einträge nach dieser Seite noch folgen."""
        return max(0, self.gesamt - self.versatz - len(self.eintraege))


def gesamtzahl(zeilen: list, grenze: int | None, versatz: int, zaehlen) -> int:
    """Die Gesamtzahl zur Seite ``zeilen``; gezählt (``zaehlen()``) wird nur, wenn die Seite sie nicht verrät.

    Eine nicht volle Seite mit Einträgen (oder die leere erste Seite) endet die Liste: dann ist die
    Gesamtzahl ``versatz + len(zeilen)`` – das spart eine Abfrage je Liste (Webseiten, CLI).
    """
    if (grenze is None or len(zeilen) < grenze) and (zeilen or not versatz):
        return versatz + len(zeilen)
    return zaehlen()


def seitenweise(abfrage, mit_grenze: bool):
    """LIMIT/OFFSET als Platzhalter ``grenze`` und ``versatz`` (Werte: ``seite_werte``).

    Für einmal gebaute Anweisungen: jede Seite führt dieselbe Anweisung aus, SQLAlchemy setzt sie
    nicht neu zusammen und berechnet ihren Cache-Schlüssel nicht neu (``modelle.anweisungen``).
    """
    abfrage = abfrage.offset(bindparam("versatz"))
    return abfrage.limit(bindparam("grenze")) if mit_grenze else abfrage


def seite_werte(grenze: int | None, versatz: int) -> dict:
    """Die Werte der Platzhalter von ``seitenweise``."""
    return {"versatz": versatz} if grenze is None else {"versatz": versatz, "grenze": grenze}


def begrenzen(abfrage, grenze: int | None, versatz: int):
    """Hängt LIMIT/OFFSET an; ``grenze=None`` heißt: alle."""
    if versatz:
        abfrage = abfrage.offset(versatz)
    return abfrage.limit(grenze) if grenze is not None else abfrage
