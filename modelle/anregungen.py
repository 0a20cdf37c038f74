"""Die Tabelle der Anregungen: was über das öffentliche Formular an das Bildungsbüro geht.

Ein eigenes Modul wie ``modelle.anmeldung``: nur die Webseiten und ihre Bibliothek laden es.
Name und Adresse sind freiwillig (``None``, wenn leer); die Aufgabe, die aus der Anregung
entsteht, steht in ``aufgabe_id``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from modelle.basis import Tabelle
from modelle.tabellen import _zeit


class Anregung(Tabelle, table=True):
    """Eine Anregung oder ein Vorschlag an das Bildungsbüro (»jederzeit«, sagt das Konzept)."""

    id: int | None = Field(default=None, primary_key=True)
    thema: str = Field(max_length=200)
    text: str = Field(max_length=4000)
    name: str | None = Field(default=None, max_length=200)
    adresse: str | None = Field(default=None, max_length=500)
    eingegangen_am: datetime = _zeit()
    aufgabe_id: int | None = Field(default=None, foreign_key="aufgabe.id")
