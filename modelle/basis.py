"""Die Basisklasse aller Tabellen.

Jede Tabelle ist eine SQLModel-Klasse und damit auch ein Pydantic-Modell. Pydantic baut zu jedem
Modell beim Import Prüfer und Serialisierer; Tabellenklassen brauchen sie fast nie (SQLModel prüft
bei ``table=True`` nicht beim Anlegen), also baut Pydantic sie erst beim ersten Gebrauch
(``defer_build``). Grund: jede Klasse kostet beim Import Zeit, und jeder Befehl importiert zwei
Dutzend davon (callgrind: rund 4 % von ``import sqlmodel``).
"""

from __future__ import annotations

from sqlmodel import SQLModel


class Tabelle(SQLModel):
    """Basis jeder Tabelle (``class X(Tabelle, table=True)``); selbst keine Tabelle."""

    model_config = {"defer_build": True}
