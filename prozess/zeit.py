"""Zeit: die Uhr wird übergeben, nie gelesen, wo sie nicht übergeben wurde.

Gespeichert wird in UTC; Fristen sind Kalendertage in der Zeitzone des Landkreises;
angezeigt wird deutsch ("31.03.2027", "31.03.2027, 17:00 Uhr").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from benachrichtigungen.deutsch import WOCHENTAGE, datum_de, heute, zeitpunkt_de

UTC = timezone.utc
__all__ = ["WOCHENTAGE", "datum_de", "heute", "zeitpunkt_de"]  # die Formate wohnen in benachrichtigungen.deutsch


def systemzeit() -> datetime:
    """Der echte Zeitpunkt jetzt, in UTC. Nur die CLI und der Dienst rufen das auf."""
    return datetime.now(UTC)


@dataclass
class SimulierteUhr:
    """Eine Uhr, die nur auf Zuruf vorgeht (Tests, Demo)."""

    jetzt: datetime

    def __call__(self) -> datetime:
        """Die Uhr als Funktion, wie ``systemzeit``: so nimmt sie jede Arbeitseinheit."""
        return self.jetzt

    def vorstellen(self, **dauer) -> datetime:
        self.jetzt = self.jetzt + timedelta(**dauer)
        return self.jetzt


def frist_nach_tagen(jetzt: datetime, tage: int, zone: ZoneInfo) -> date:
    """Die Frist ``tage`` Kalendertage nach dem heutigen Datum im Landkreis."""
    return heute(jetzt, zone) + timedelta(days=tage)


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DEUTSCH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def datum_lesen(text: str, wo: str) -> date:
    """Liest ``2027-03-31`` oder ``31.03.2027``; sonst ein Fehler, der ``wo`` nennt."""
    from prozess.fehler import Eingabefehler

    text = text.strip()
    if m := _ISO.match(text):
        jahr, monat, tag = (int(x) for x in m.groups())
    elif m := _DEUTSCH.match(text):
        tag, monat, jahr = (int(x) for x in m.groups())
    else:
        raise Eingabefehler(
            f"{wo}: »{text}« ist kein Datum. Schreiben Sie es als JJJJ-MM-TT oder TT.MM.JJJJ, "
            "z. B. 2027-03-31 oder 31.03.2027."
        )
    try:
        return date(jahr, monat, tag)
    except ValueError:
        raise Eingabefehler(f"{wo}: »{text}« ist kein gültiges Kalenderdatum.") from None


def ortszeit(naiv: datetime, zone: ZoneInfo, wo: str) -> datetime:
    """Macht aus einer eingegebenen Ortszeit einen eindeutigen Zeitpunkt.

    In der Nacht der Zeitumstellung gibt es eine Stunde nicht (Ende März, 2:00–3:00) und eine
    doppelt (Ende Oktober): dort wäre nicht klar, was gemeint ist – also fragen statt raten.
    """
    from prozess.fehler import Eingabefehler

    zeitpunkt = naiv.replace(tzinfo=zone)
    if zeitpunkt.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naiv:
        raise Eingabefehler(f"{wo}: {naiv:%d.%m.%Y %H:%M} gibt es in {zone} nicht (Zeitumstellung). "
                            "Wählen Sie eine Uhrzeit außerhalb von 2:00–3:00 Uhr.")
    if naiv.replace(tzinfo=zone, fold=1).utcoffset() != zeitpunkt.utcoffset():
        raise Eingabefehler(f"{wo}: {naiv:%d.%m.%Y %H:%M} gibt es in {zone} zweimal (Zeitumstellung). "
                            "Wählen Sie eine Uhrzeit außerhalb von 2:00–3:00 Uhr.")
    return zeitpunkt
