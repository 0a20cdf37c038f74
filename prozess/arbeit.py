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
from dataclasses import dataclass, field
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
    # Die Verbindung der laufenden Transaktion, gemerkt: ein Schritt fragt sie ein Dutzend Mal.
    _transaktion: object = field(default=None, init=False, repr=False, compare=False)
    _verbindung: object = field(default=None, init=False, repr=False, compare=False)

    @property
    def jetzt(self) -> datetime:
        return self.uhr()

    def verbindung(self):
        """Die Core-Verbindung der laufenden Transaktion (für die benannten Anweisungen).

        Gemerkt, solange die Transaktion der Session dieselbe ist (eine Transaktion behält ihre
        Verbindung bis zum Ende); nach Commit oder Rollback holt die nächste Frage eine neue.
        """
        transaktion = self.db.get_transaction()
        if transaktion is None or transaktion is not self._transaktion:
            verbindung = self.db.connection()
            self._transaktion, self._verbindung = self.db.get_transaction(), verbindung
        return self._verbindung

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
