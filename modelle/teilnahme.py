"""Die Tabellen der Teilnehmerseiten: persönliche Links, Fristanträge, Notizen, Zu- und Absagen.

Ein eigenes Modul wie ``modelle.anmeldung``: nur die Webseiten und die Befehle zu Fristanträgen
laden diese Klassen. Gespeichert wird von jedem Link nur der SHA-256 seines Tokens.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from modelle.basis import Tabelle
from modelle.tabellen import _zeit


class Teilnahmelink(Tabelle, table=True):
    """Ein persönlicher Link aus einer Auftragsmail oder Einladung: gebunden an eine Person.

    Kein eigenes Ablaufdatum: wie lange er gilt, ergibt sich aus den Aufgaben der Person
    (``prozess.teilnahme``); ``widerrufen_am`` setzt ``person entfernen``.
    """

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    # Ohne Index: jede Auftragsmail schreibt eine Zeile (bench/schritte.py); nach Person gesucht
    # wird nur beim Widerruf (``person entfernen``, selten).
    person_id: int = Field(foreign_key="person.id")
    erstellt_am: datetime = _zeit()
    widerrufen_am: datetime | None = _zeit(default=None)


class Fristantrag(Tabelle, table=True):
    """Der Antrag einer Person auf eine neue Frist für ihre Aufgabe; das Bildungsmanagement entscheidet.

    Status: ``offen`` → ``gewaehrt`` | ``abgelehnt``; je Aufgabe höchstens ein offener Antrag
    (geprüft in ``prozess.teilnahme``).
    """

    id: int | None = Field(default=None, primary_key=True)
    aufgabe_id: int = Field(foreign_key="aufgabe.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    alte_frist: date
    frist: date
    begruendung: str = Field(default="", max_length=1000)
    gestellt_am: datetime = _zeit()
    status: str = Field(default="offen", max_length=20, index=True)
    entschieden_am: datetime | None = _zeit(default=None)
    entschieden_von_id: int | None = Field(default=None, foreign_key="person.id")
    antwort: str = Field(default="", max_length=1000)


class Erledigungsnotiz(Tabelle, table=True):
    """Die kurze Notiz, mit der eine Person ihre Aufgabe über ihren Link als erledigt meldet."""

    id: int | None = Field(default=None, primary_key=True)
    aufgabe_id: int = Field(foreign_key="aufgabe.id", unique=True)
    person_id: int = Field(foreign_key="person.id")
    notiz: str = Field(default="", max_length=1000)
    am: datetime = _zeit()


class Sitzungsantwort(Tabelle, table=True):
    """Zusage oder Absage einer Person zu einer Sitzung; eine Zeile je Person und Sitzung, die letzte gilt."""

    __table_args__ = (UniqueConstraint("sitzung_id", "person_id", name="uq_sitzungsantwort_person"),)

    id: int | None = Field(default=None, primary_key=True)
    sitzung_id: int = Field(foreign_key="sitzung.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    antwort: str = Field(max_length=10)
    beantwortet_am: datetime = _zeit()
