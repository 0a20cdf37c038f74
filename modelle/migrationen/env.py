"""Alembic-Umgebung: läuft immer auf der Verbindung, die ``modelle.datenbank`` übergibt."""

from alembic import context
from sqlmodel import SQLModel

import modelle.tabellen  # noqa: F401  (registriert die Tabellen in den Metadaten)

verbindung = context.config.attributes["connection"]
context.configure(
    connection=verbindung,
    target_metadata=SQLModel.metadata,
    # SQLite kann ALTER TABLE nur eingeschränkt: Alembic baut die Tabelle dann neu auf.
    render_as_batch=verbindung.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
