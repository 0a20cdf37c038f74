"""Die Werte, mit denen eine Mail-Vorlage dargestellt wird, zum Zeitpunkt ihres Anlasses.

Alles ist schon deutsch formatiert (Daten, Wochentage, Zustände), damit die Outbox-Zeile
für sich allein steht: was gesendet wird, hängt nicht davon ab, was sich danach ändert.
Die Bezeichnungen der Zustände bringt der Aufrufer mit (``prozess.zyklus``); dieses Paket
kennt den Prozess nicht.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from benachrichtigungen.deutsch import WOCHENTAGE, datum_de, heute


def aufgabe_kontext(
    *,
    aufgabe_id: int,
    titel: str,
    beschreibung: str,
    frist: date,
    jetzt: datetime,
    zone: ZoneInfo,
) -> dict:
    tage = (frist - heute(jetzt, zone)).days
    return {
        "id": aufgabe_id,
        "titel": titel,
        "beschreibung": beschreibung or "",
        "frist": datum_de(frist),
        "frist_wochentag": WOCHENTAGE[frist.weekday()],
        "tage_bis_frist": tage,
        "tage_ueberfaellig": max(0, -tage),
    }


def feld_kontext(feld_id: int | None, titel: str | None, zustand: str | None) -> dict | None:
    """Das Handlungsfeld einer Mail; ``zustand`` ist schon die Bezeichnung für Menschen."""
    if feld_id is None:
        return None
    return {"id": feld_id, "titel": titel, "zustand": zustand or ""}


def mail_kontext(grund: dict, empfaenger_name: str, **teile) -> dict:
    return {**grund, "empfaenger": {"name": empfaenger_name}, **teile}
