"""Versand von der Befehlszeile, als echter Prozess: ehrliche Exit-Codes, eine Zusammenfassung,
ein angehaltener Versand, erneut einreihen, Mails im Versand mit Halter und Ablauf."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.benachrichtigungen.postfach import Server
from tests.conftest import ORGANISATION

BEFEHL = Path(sys.executable).parent / "bildungsbuero"
SCHULLEITUNG = "schulleitung@obs-loeningen.example"
RELAY = "554 5.7.1 <schulleitung@obs-loeningen.example>: Relay access denied"


def bb(db: Path, *args: str, smtp: Server | None = None, code: int = 0) -> subprocess.CompletedProcess:
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    if smtp is not None:
        umgebung.update(BILDUNGSBUERO_VERSAND="smtp", BILDUNGSBUERO_SMTP_HOST="127.0.0.1",
                        BILDUNGSBUERO_SMTP_PORT=str(smtp.port), BILDUNGSBUERO_SMTP_TLS="keine",
                        BILDUNGSBUERO_ABSENDER="bildungsbuero@lkclp.example", BILDUNGSBUERO_SMTP_TIMEOUT_SEKUNDEN="5")
    ergebnis = subprocess.run([str(BEFEHL), *args], capture_output=True, text=True, env=umgebung, cwd=db.parent,
                              timeout=120)
    assert ergebnis.returncode == code, ergebnis.stdout + ergebnis.stderr
    assert "Traceback" not in ergebnis.stderr
    return ergebnis


@pytest.fixture
def db(tmp_path) -> Path:
    pfad = tmp_path / "cli.db"
    bb(pfad, "init")
    bb(pfad, "organisation", "laden", str(ORGANISATION))
    return pfad


@pytest.fixture
def server():
    s = Server()
    s.starten()
    yield s
    s.stoppen()


def aufgaben(db: Path, anzahl: int, email: str = SCHULLEITUNG) -> None:
    for i in range(anzahl):
        bb(db, "aufgabe", "anlegen", f"Fehlzeiten melden ({i + 1})", "--verantwortlich", email, "--frist", "2099-03-20")


def test_ein_verweigertes_relay_haelt_den_versand_an_und_meldet_es_einmal_mit_exit_code_1(db, server):
    aufgaben(db, 2)
    server.postfach.immer[SCHULLEITUNG] = RELAY
    erster = bb(db, "versand", "senden", smtp=server, code=1)
    assert erster.stdout.count("Relay access denied") == 1
    assert erster.stdout.startswith("Versand: 0 gesendet, 0 vorübergehend gescheitert (wird wiederholt), "
                                    "0 dauerhaft gescheitert, 0 verworfen; Versand angehalten.\n"
                                    "Versand angehalten seit ")
    assert "Der SMTP-Server 127.0.0.1:" in erster.stdout and "leitet nicht weiter" in erster.stdout
    assert "Nach dem Beheben: »bildungsbuero versand senden --sofort«" in erster.stdout
    assert erster.stderr == ""

    status = bb(db, "versand", "status").stdout
    assert re.search(r"wartend\s+2", status) and re.search(r"dauerhaft gescheitert\s+0", status)
    assert "Versand angehalten seit " in status and "Relay access denied" in status

    # Noch nicht behoben und noch nicht wieder dran: wieder Exit-Code 1, kein neuer Versuch am Server.
    assert "Versand angehalten" in bb(db, "versand", "senden", smtp=server, code=1).stdout
    assert not server.postfach.mails

    server.postfach.immer.clear()
    behoben = bb(db, "versand", "senden", "--sofort", smtp=server)
    assert behoben.stdout.startswith("Versand: 2 gesendet")
    assert "angehalten" not in behoben.stdout
    assert len(server.postfach.mails) == 2
    assert "Versand angehalten" not in bb(db, "versand", "status").stdout


def test_gescheiterte_mails_setzen_den_exit_code_und_die_zusammenfassung_kommt_einmal(db, server):
    aufgaben(db, 1)
    server.postfach.einmal[SCHULLEITUNG] = ["451 4.3.0 Bitte später"]
    ergebnis = bb(db, "takt", smtp=server, code=1)
    assert ergebnis.stdout.count("Versand: ") == 1
    assert "0 gesendet, 1 vorübergehend gescheitert" in ergebnis.stdout
    assert "1 Mail wartet auf einen neuen Versuch, der erste am " in ergebnis.stdout
    assert ergebnis.stderr == ""  # kein Log des Versenders, keine zweite Zusammenfassung
    assert "1 Mail wartet auf einen neuen Versuch" in bb(db, "versand", "status").stdout

    sofort = bb(db, "versand", "senden", "--sofort", smtp=server)
    assert sofort.stdout.startswith("Versand: 1 gesendet, 0 vorübergehend")


def test_takt_gegen_eine_unerreichbare_datenbank_sagt_es_auf_deutsch_ohne_traceback(tmp_path):
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = "postgresql+psycopg://bb@127.0.0.1:1/bb"
    ergebnis = subprocess.run([str(BEFEHL), "takt"], capture_output=True, text=True, env=umgebung, cwd=tmp_path)
    assert ergebnis.returncode == 1
    assert ergebnis.stdout == ""
    assert ergebnis.stderr.startswith("Fehler: Die Datenbank ist nicht erreichbar oder nicht benutzbar (connection failed")
    assert ergebnis.stderr.count("\n") == 1  # eine Zeile, nichts davor


def _gescheitert(db: Path, server: Server) -> None:
    """Mail 1 scheitert am unbekannten Postfach, Mails 2 und 3 an einem anderen Grund; dazu zwei Meldungen."""
    server.postfach.immer[SCHULLEITUNG] = "550 5.1.1 Postfach unbekannt"
    aufgaben(db, 1)
    server.postfach.immer["joerg.toebben@lkclp.example"] = "550 5.2.1 Postfach gesperrt"
    aufgaben(db, 2, email="joerg.toebben@lkclp.example")
    bb(db, "versand", "senden", smtp=server, code=1)
    server.postfach.immer.clear()


def test_versand_wiederholen_nach_nummer_grund_oder_alle(db, server):
    _gescheitert(db, server)
    status = bb(db, "versand", "status").stdout
    assert re.search(r"dauerhaft gescheitert\s+3", status)
    assert "[1] aufgabe_zugewiesen an schulleitung@obs-loeningen.example: 550 5.1.1 Postfach unbekannt" in status

    assert bb(db, "versand", "wiederholen", "1").stdout.startswith("1 Mail erneut eingereiht")
    assert bb(db, "versand", "wiederholen", "--grund", "gesperrt").stdout.startswith("2 Mails erneut eingereiht")
    assert re.search(r"wartend\s+3", bb(db, "versand", "status").stdout)
    assert bb(db, "versand", "wiederholen", "--alle").stdout == "Keine dauerhaft gescheiterten Mails.\n"
    assert bb(db, "versand", "senden", smtp=server).stdout.startswith("Versand: 3 gesendet")


@pytest.mark.parametrize("argumente,meldung", [
    ((), "Fehler: Welche Mails? Nennen Sie Nummern"),
    (("1", "--alle"), "Fehler: Welche Mails? Nennen Sie Nummern"),
    (("1", "99"), "Fehler: Mail 99: nicht dauerhaft gescheitert (oder gibt es nicht); es wurde nichts eingereiht."),
    (("--grund", "Mondfinsternis"), "Fehler: --grund: Keine dauerhaft gescheiterte Mail hat »Mondfinsternis« im Grund"),
])
def test_versand_wiederholen_mit_unsinniger_auswahl_aendert_nichts(db, server, argumente, meldung):
    _gescheitert(db, server)
    vorher = bb(db, "versand", "status").stdout
    ergebnis = bb(db, "versand", "wiederholen", *argumente, code=1)
    assert ergebnis.stderr.startswith(meldung)
    assert bb(db, "versand", "status").stdout == vorher


def test_versand_status_zeigt_mails_im_versand_mit_halter_und_ablauf(db):
    from benachrichtigungen.warteschlange import beanspruchen
    from modelle.datenbank import engine_erstellen

    aufgaben(db, 2)
    jetzt = datetime.now(UTC)
    engine = engine_erstellen(f"sqlite:///{db}")
    vorhin = jetzt - timedelta(minutes=5)
    with engine.begin() as v:  # vor 5 Minuten: ein Dienst beansprucht Mail 1 und stirbt, ein zweiter Mail 2
        beanspruchen(v, jetzt, vorhin, 1, "rechner:4711:abcd1234", timedelta(seconds=30))
        beanspruchen(v, jetzt, vorhin, 1, "rechner:4712:ef567890", timedelta(minutes=10))
    engine.dispose()
    status = bb(db, "versand", "status").stdout
    assert re.search(r"im Versand\s+2", status)
    assert re.search(r"\[1\] aufgabe_zugewiesen bei rechner:4711:abcd1234 bis \d\d:\d\d:\d\d Uhr "
                     r"\(abgelaufen, ein anderer Versender übernimmt\)", status)
    assert re.search(r"\[2\] aufgabe_zugewiesen bei rechner:4712:ef567890 bis \d\d:\d\d:\d\d Uhr \(läuft\)", status)
