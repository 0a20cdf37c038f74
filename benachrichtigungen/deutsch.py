"""Deutsche Darstellung von Tagen und Zeitpunkten: für Mails und für jede Front-Tür.

Hier und nicht in ``prozess``, weil Mails (``benachrichtigungen``, ein Blatt ohne Importe
aus ``prozess``) und der Prozess dieselben Formate brauchen.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def heute(jetzt: datetime, zone: ZoneInfo) -> date:
    """Das Kalenderdatum von ``jetzt`` im Landkreis."""
    return jetzt.astimezone(zone).date()


def datum_de(tag: date) -> str:
    """``31.03.2027``."""
    return tag.strftime("%d.%m.%Y")


def zeitpunkt_de(zeitpunkt: datetime, zone: ZoneInfo) -> str:
    """``31.03.2027, 17:00 Uhr`` in der Zeitzone des Landkreises."""
    return zeitpunkt.astimezone(zone).strftime("%d.%m.%Y, %H:%M Uhr")
