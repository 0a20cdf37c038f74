"""Fixtures des Monitorings: eine Datenbank mit Organisation (Gebiete), Import in einer Transaktion."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

DATEN = Path(__file__).with_name("daten")


@pytest.fixture
def engine(organisation):
    return organisation.engine


@pytest.fixture
def importieren(organisation, uhr):
    """Importiert eine Datei aus tests/monitoring/daten (oder einen Pfad) in einer eigenen Arbeitseinheit."""
    from monitoring.importieren import kennzahlen_importieren

    def importieren(datei, **kw):
        pfad = datei if isinstance(datei, Path) else DATEN / datei
        with organisation.arbeit(lambda: uhr.jetzt) as arbeit:
            return kennzahlen_importieren(arbeit, pfad, **kw)

    return importieren


@pytest.fixture
def werte(engine):
    """Alle gespeicherten Werte: (Kennzahl, Gebiet, Zeitraum, Merkmal) → (Wert, Zeichen, Kennzeichen)."""
    from modelle.kennzahlen import Gebiet, Kennzahl, Kennzahlwert

    def werte() -> dict:
        abfrage = (select(Kennzahl.schluessel, Gebiet.schluessel, Kennzahlwert.zeitraum, Kennzahlwert.merkmal,
                          Kennzahlwert.wert, Kennzahlwert.zeichen, Kennzahlwert.kennzeichen)
                   .join(Kennzahl, Kennzahl.id == Kennzahlwert.kennzahl_id)
                   .join(Gebiet, Gebiet.id == Kennzahlwert.gebiet_id))
        with engine.connect() as v:
            return {tuple(z[:4]): tuple(z[4:]) for z in v.execute(abfrage)}

    return werte


@pytest.fixture
def inhalt(engine):
    """Der Inhalt aller Tabellen, um zu prüfen, dass ein abgewiesener Import nichts schrieb."""
    from sqlmodel import SQLModel

    import modelle.metadaten  # noqa: F401

    def inhalt() -> dict:
        with engine.connect() as v:
            return {t.name: sorted(tuple(map(str, z)) for z in v.execute(select(t))) for t in SQLModel.metadata.sorted_tables}

    return inhalt
