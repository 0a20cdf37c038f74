"""Der Schemastand ohne Alembic: welche Revision die Datenbank hat und welche der Code erwartet.

Jeder Befehl prüft vor der Arbeit, dass die Datenbank eingerichtet ist. Alembic dafür zu
laden kostet mehr Startzeit als der ganze übrige Befehl; die Prüfung liest deshalb nur die
Tabelle ``alembic_version`` und vergleicht mit ``SCHEMA_KOPF``. Ein Test stellt sicher, dass
``SCHEMA_KOPF`` die neueste Migration ist; nur ``init`` lädt Alembic.
"""

from __future__ import annotations

SCHEMA_KOPF = "0010"


def gespeicherter_stand(verbindung) -> str | None:
    """Die Revision in ``alembic_version``; ``None`` bei einer leeren Datenbank.

    Gefragt wird direkt (ohne Inspector, der eigene Katalogabfragen kostet); fehlt die Tabelle,
    antwortet die Datenbank mit einem Fehler, und die Verbindung rollt ihre Lese-Transaktion zurück.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        return verbindung.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        verbindung.rollback()
        return None
