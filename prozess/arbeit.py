"""Die Arbeitseinheit: eine Datenbank-Transaktion mit Uhr und Einstellungen.

Jede Bibliotheksfunktion, die liest oder schreibt, bekommt eine ``Arbeit`` und schreibt
nur in deren Transaktion; sie committet nie selbst. Wer die Arbeit öffnet (ein CLI-Befehl,
eine Webseite, ein Teil des Takts), entscheidet über das Ende: ``arbeitseinheit`` committet
beim sauberen Verlassen und rollt bei jedem Fehler zurück. So ist ein Beschluss und der
Schritt, den er auslöst, *eine* Transaktion, ohne dass eine Funktion davon wissen muss.

Die Datenbank-Session heißt hier ``db``; »Sitzung« ist im Projekt die Sitzung eines
Gremiums und nichts anderes.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # nur für die Typen; der Import von SQLModel kostet Startzeit
    from sqlmodel import Session

    from prozess.einstellungen import Einstellungen


@dataclass
class Arbeit:
    """Session, Uhr und Einstellungen einer Transaktion.

    ``jetzt`` fragt die Uhr: eine Funktion liest es einmal am Anfang und rechnet damit.
    """

    db: "Session"
    uhr: Callable[[], datetime]
    einstellungen: "Einstellungen"

    @property
    def jetzt(self) -> datetime:
        return self.uhr()

    def verbindung(self):
        """Die Core-Verbindung der laufenden Transaktion (für die benannten Anweisungen)."""
        return self.db.connection()

    @property
    def dialekt(self) -> str:
        return self.db.get_bind().dialect.name


@contextmanager
def arbeitseinheit(db: "Session", uhr: Callable[[], datetime], einstellungen: "Einstellungen") -> Iterator[Arbeit]:
    """Öffnet eine Arbeit auf ``db``: Commit beim sauberen Ende, Rollback bei jedem Fehler."""
    arbeit = Arbeit(db, uhr, einstellungen)
    try:
        yield arbeit
    except BaseException:
        db.rollback()
        raise
    db.commit()


@contextmanager
def nur_lesen(db: "Session", uhr: Callable[[], datetime], einstellungen: "Einstellungen") -> Iterator[Arbeit]:
    """Eine Arbeit, die nie schreibt: am Ende wird die Lese-Transaktion beendet, nicht committet."""
    try:
        yield Arbeit(db, uhr, einstellungen)
    finally:
        db.rollback()
