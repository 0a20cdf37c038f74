"""Die Tabellen des Bildungsmonitorings: Gebiete, Kennzahlen, ihre Werte und die Importe.

Nur Aggregate: jede Zeile ist eine Zahl je Gebiet und Zeitraum, nie eine Person.

- ``Gebiet``: Deutschland, Land, Landkreis, Gemeinde oder Schule. Amtliche Gebiete tragen
  ihren Schlüssel (AGS: ``03`` Niedersachsen, ``03453`` Landkreis Cloppenburg,
  ``03453011`` Löningen; Deutschland ``DG`` wie in GENESIS), Schulen ``schule:NUMMER``.
- ``Kennzahl``: die Definition. Eine Grundzahl (``art = "anzahl"``) wird importiert; ein
  Anteil (``art = "anteil"``) wird aus ``zaehler`` und ``nenner`` berechnet, die auf
  Grundzahlen zeigen (``monitoring.katalog`` erklärt die Schreibweise).
- ``Kennzahlwert``: ein Wert je Kennzahl, Gebiet, Zeitraum und Merkmal (z. B.
  ``abschluss=ohne_ersten_schulabschluss``; leer heißt »Insgesamt«). Statt einer Zahl kann
  ein Zeichen stehen (``.`` unbekannt/geheim, ``x``, ``...``, ``/``; ``-`` ist genau null
  und steht mit ``wert = 0``), dazu Qualitätskennzeichen (``p``, ``r``, ``s``, ``e``, ``()``).
  Quelle, Datei und Zeitpunkt des Imports stehen am ``Datenimport``, auf den der Wert zeigt.
- ``Datenimport``: eine importierte Datei, erkannt an ihrer SHA-256-Prüfsumme (ein zweiter
  Import derselben Datei ändert nichts).
- ``HandlungsfeldKennzahl``: auf welche Kennzahlen sich ein Handlungsfeld stützt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from modelle.basis import Tabelle
from modelle.typen import UTCZeit


class Gebiet(Tabelle, table=True):
    """Ein Gebiet, für das Kennzahlen gelten; ``ueber_id`` zeigt auf das umfassende Gebiet."""

    id: int | None = Field(default=None, primary_key=True)
    schluessel: str = Field(max_length=40, unique=True)
    ebene: str = Field(max_length=20)
    name: str = Field(max_length=200)
    ueber_id: int | None = Field(default=None, foreign_key="gebiet.id", index=True)


class Kennzahl(Tabelle, table=True):
    """Die Definition einer Kennzahl, so wie sie der Katalog (``monitoring.katalog``) einträgt."""

    id: int | None = Field(default=None, primary_key=True)
    schluessel: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=300)
    art: str = Field(max_length=20)
    zaehler: str | None = Field(default=None, max_length=300)
    nenner: str | None = Field(default=None, max_length=600)
    # Der Nenner wird durch diese Zahl geteilt, z. B. 3 für »je Altersjahr« bei drei Jahrgängen.
    nenner_teiler: int = Field(default=1)
    bezugsgroesse: str = Field(default="", max_length=300)
    formel: str = Field(default="", max_length=600)
    einheit: str = Field(max_length=40)
    quelle: str = Field(max_length=300)
    ebenen: list = Field(default_factory=list, sa_type=JSON)
    bezugszeitraum: str = Field(max_length=120)
    beschreibung: str = Field(default="")


class Datenimport(Tabelle, table=True):
    """Eine importierte Datei: woher, wann, was sie änderte."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    dateiname: str = Field(max_length=300)
    format: str = Field(max_length=20)
    quelle: str = Field(max_length=300)
    tabelle: str = Field(default="", max_length=80)
    stand: str = Field(default="", max_length=80)
    importiert_am: datetime = Field(sa_type=UTCZeit)
    zeilen: int = Field(default=0)
    neu: int = Field(default=0)
    geaendert: int = Field(default=0)


class Kennzahlwert(Tabelle, table=True):
    """Ein Wert (oder ein Zeichen statt des Werts) je Kennzahl, Gebiet, Zeitraum und Merkmal."""

    # Der eindeutige Index dient zugleich der Suche nach Kennzahl (und Gebiet); weitere Indizes
    # kosten beim Import jeder Zeile eine Seite mehr (bench/import_kennzahlen.py).
    __table_args__ = (
        UniqueConstraint("kennzahl_id", "gebiet_id", "zeitraum", "merkmal", name="uq_kennzahlwert"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kennzahl_id: int = Field(foreign_key="kennzahl.id")
    gebiet_id: int = Field(foreign_key="gebiet.id")
    zeitraum: str = Field(max_length=20)
    merkmal: str = Field(default="", max_length=200)
    wert: float | None = None
    zeichen: str | None = Field(default=None, max_length=3)
    kennzeichen: str | None = Field(default=None, max_length=10)
    import_id: int = Field(foreign_key="datenimport.id")


class HandlungsfeldKennzahl(Tabelle, table=True):
    """Ein Handlungsfeld stützt sich auf diese Kennzahl."""

    __tablename__ = "handlungsfeld_kennzahl"

    handlungsfeld_id: int = Field(foreign_key="handlungsfeld.id", primary_key=True)
    kennzahl_id: int = Field(foreign_key="kennzahl.id", primary_key=True)
    verknuepft_am: datetime = Field(sa_type=UTCZeit)
