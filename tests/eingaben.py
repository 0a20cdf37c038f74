"""Hilfen für Tests schlechter Eingaben an der Befehlszeile (echter Unterprozess).

Eine abgewiesene Eingabe: kein Traceback, die deutsche Meldung auf stderr, Exit-Code 1 (oder 2
für Bedienfehler), und die Dateien im Arbeitsverzeichnis – die Datenbank vorneweg – sind
Byte für Byte dieselben; keine ist hinzugekommen.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ORGANISATION


def verzeichnis_abbild(verzeichnis: Path) -> dict[str, bytes]:
    """Name und Inhalt jeder Datei unter ``verzeichnis``."""
    return {str(p.relative_to(verzeichnis)): p.read_bytes() for p in sorted(verzeichnis.rglob("*")) if p.is_file()}


def abgewiesen(ergebnis: subprocess.CompletedProcess, meldung: str, vorher: dict[str, bytes], verzeichnis: Path,
               exit_code: int = 1) -> None:
    ausgabe = ergebnis.stdout + ergebnis.stderr
    assert "Traceback" not in ausgabe, ausgabe
    assert ergebnis.returncode == exit_code, ausgabe
    assert meldung in ergebnis.stderr, ergebnis.stderr
    assert verzeichnis_abbild(verzeichnis) == vorher


@pytest.fixture
def datenbank(tmp_path, sqlite_vorlage) -> Path:
    """Eine eingerichtete SQLite-Datei mit der Cloppenburger Organisation, allein in ``tmp_path``.

    Angelegt im Testprozess (eine Kopie der migrierten Vorlage), nicht über zwei Unterprozesse:
    geprüft wird der Befehl danach.
    """
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden
    from prozess.umgebung import Umgebung

    db = tmp_path / "bildungsbuero.db"
    shutil.copy(sqlite_vorlage, db)
    umgebung = Umgebung(laden(umgebung={}, arbeitsverzeichnis=tmp_path).mit(datenbank_url=f"sqlite:///{db}"))
    with umgebung.arbeit() as arbeit:
        organisation_laden(arbeit, datei_lesen(ORGANISATION))
    umgebung.schliessen()  # die letzte Verbindung schreibt die WAL-Datei zurück und löscht sie
    return db
