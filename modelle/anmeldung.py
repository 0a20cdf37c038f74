"""Die Tabellen der Webseiten: Anmeldelinks und Websitzungen (nur Hashes der Tokens).

Ein eigenes Modul, damit die Befehle der CLI diese Klassen nicht bauen müssen: jede
SQLModel-Klasse kostet beim Import Millisekunden (``bench/befehle.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from modelle.basis import Tabelle
from modelle.tabellen import _zeit


class Anmeldelink(Tabelle, table=True):
    """Ein Anmeldelink per Mail: gespeichert nur als SHA-256 des Tokens, gültig bis ``gueltig_bis``, einmal.

    ``eingeloest_am`` wird mit einem bedingten UPDATE (``WHERE eingeloest_am IS NULL``)
    gesetzt: von zwei gleichzeitigen Einlösungen gewinnt genau eine.
    """

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    erstellt_am: datetime = _zeit()
    gueltig_bis: datetime = _zeit()
    eingeloest_am: datetime | None = _zeit(default=None)


class Websitzung(Tabelle, table=True):
    """Eine Anmeldung an den Webseiten: das Cookie trägt das Token, hier steht nur sein SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    erstellt_am: datetime = _zeit()
    gueltig_bis: datetime = _zeit()
    beendet_am: datetime | None = _zeit(default=None)
