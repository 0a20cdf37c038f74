"""Alembic-Umgebung: läuft immer auf der Verbindung, die ``modelle.datenbank`` übergibt.

Die Verbindung steckt schon in einer Transaktion (``migrieren``: auf SQLite eine echte mit
BEGIN IMMEDIATE); alle Migrationen und die Versionszeile gehören dazu. Alembic öffnet dann
selbst keine weitere, und ein Abbruch lässt die Datenbank auf dem alten Stand.
"""

from alembic import context
from sqlmodel import SQLModel

import modelle.metadaten  # noqa: F401  (registriert alle Tabellen in den Metadaten)

verbindung = context.config.attributes["connection"]
if not verbindung.in_transaction():
    raise RuntimeError("Migrationen laufen nur in einer Transaktion (modelle.datenbank.migrieren)")
context.configure(
    connection=verbindung,
    target_metadata=SQLModel.metadata,
    # SQLite kann ALTER TABLE nur eingeschränkt: Alembic baut die Tabelle dann neu auf.
    render_as_batch=verbindung.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
