"""Spaltentypen, die beide Datenbanken gleich behandeln.

``UTCZeit`` nimmt nur zeitzonenbewusste Zeitpunkte an, speichert sie in UTC und gibt sie
in UTC zurück. SQLite kennt keine Zeitzonen: dort wird der UTC-Wert ohne Zone abgelegt
und beim Lesen wieder als UTC markiert. Angezeigt wird in der eingestellten Zeitzone
(``prozess.zeit``), nie hier.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCZeit(TypeDecorator):
    """Zeitpunkt, gespeichert in UTC; naive Werte werden abgewiesen statt geraten."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            # Ein naiver Zeitpunkt ist mehrdeutig (Ortszeit? UTC?); lieber laut scheitern.
            raise ValueError(f"Zeitpunkt ohne Zeitzone: {value!r}")
        utc = value.astimezone(timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
