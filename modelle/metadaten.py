"""Alle Tabellen in einer MetaData: für Migrationen und Werkzeuge, die über jede Tabelle gehen.

``modelle.tabellen`` enthält nur, was der Prozess braucht; Monitoring und Webseiten haben
eigene Module, die ihre Front-Tür erst lädt, wenn sie läuft (jede SQLModel-Klasse kostet beim
Import Zeit). Wer *alle* Tabellen braucht (Alembic, Tests, der Bench-Datensatz), importiert hier.
"""

from __future__ import annotations

from sqlmodel import SQLModel

import modelle.anmeldung  # noqa: F401  (registriert die Tabellen)
import modelle.anregungen  # noqa: F401
import modelle.kennzahlen  # noqa: F401
import modelle.tabellen  # noqa: F401
import modelle.teilnahme  # noqa: F401

METADATEN = SQLModel.metadata
