"""Der Schemastand ohne Alembic: welche Revision die Datenbank hat und welche der Code erwartet.

Jeder Befehl prüft vor der Arbeit, dass die Datenbank eingerichtet ist. Alembic dafür zu
laden kostet mehr Startzeit als der ganze übrige Befehl; die Prüfung liest deshalb nur die
Tabelle ``alembic_version`` und vergleicht mit ``SCHEMA_KOPF``. Ein Test stellt sicher, dass
``SCHEMA_KOPF`` die neueste Migration ist; nur ``init`` lädt Alembic.
"""

from __future__ import annotations

SCHEMA_KOPF = "0003"


def gespeicherter_stand(verbindung) -> str | None:
    """Die Revision in ``alembic_version``; ``None`` bei einer leeren Datenbank."""
    from sqlalchemy import inspect, text

    if not inspect(verbindung).has_table("alembic_version"):
        return None
    return verbindung.execute(text("SELECT version_num FROM alembic_version")).scalar()
