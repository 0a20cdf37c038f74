"""Jeder Befehl läuft, als echter Prozess, genau mit dem Beispiel aus seiner Hilfe.

Die Beispiele bauen aufeinander auf wie ein kleiner Arbeitstag im Bildungsbüro: einrichten,
ein Feld anlegen und bewegen, Ziele und Maßnahmen, Aufgaben, eine Sitzung mit Beschluss, Takt
und Versand ins Maildir, ein Statusbericht. Wo ein Beispiel etwas voraussetzt, das kein
anderes Beispiel anlegt (ein strategisches Ziel über dem Mittlerziel), steht es als
Vorbereitung davor. Ein neuer Befehl ohne Eintrag hier lässt ``test_jeder_befehl_ist_abgedeckt``
scheitern.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.prozess.cli.befehle import alle_befehle

WURZEL = Path(__file__).resolve().parents[3]
BEFEHL = Path(sys.executable).parent / "bildungsbuero"


BEFEHLE = dict(alle_befehle())


def beispiel(pfad: tuple[str, ...]) -> str:
    zeilen = [z.strip() for z in BEFEHLE[pfad].help.splitlines() if z.strip().startswith("Beispiel:")]
    return zeilen[0].removeprefix("Beispiel:").strip()


def _in_drei_tagen() -> str:
    return (date.today() + timedelta(days=3)).isoformat()


# (Befehl, was die Ausgabe zeigen muss); davor je Zeile die Vorbereitungen als Argumentlisten.
ABLAUF: list[tuple[tuple[str, ...], str, list[list[str]]]] = [
    (("init",), "Datenbank eingerichtet", []),
    (("einstellungen",), "takt_minuten = 10   (BILDUNGSBUERO_TAKT_MINUTEN)", []),
    (("organisation", "laden"), "Landkreis Cloppenburg:", []),
    (("handlungsfeld", "anlegen"), "Handlungsfeld 1 »Schulabsentismus« angelegt", []),
    (("handlungsfeld", "liste"), "Schulabsentismus", []),
    (("handlungsfeld", "diagramm"), "stateDiagram-v2", []),
    (("datengrundlage", "anlegen"), "Datengrundlage 1 »Fehlzeitenquote 2025/26« angelegt", []),
    (("handlungsfeld", "schritt"), "definiert → Daten zusammengestellt", []),
    (("handlungsfeld", "zeige"), "Zustand: Daten zusammengestellt", []),
    (("daten", "import"), "120 Werte gelesen – 120 neu", []),
    (("daten", "kennzahlen"), "Bezugsgröße: alle Absolventinnen/Absolventen", []),
    (("daten", "zeitreihe"), "2024/25       7,8 %", []),
    (("daten", "vergleich"), "Niedersachsen", []),
    (("daten", "verknuepfen"), "Handlungsfeld 1 ist mit der Kennzahl abgaenger_ohne_abschluss_anteil_abgaenger verknüpft.", []),
    (("daten", "stand"), "Trend: gesunken, −0,7 Prozentpunkte gegenüber 2023/24", []),
    (("ziel", "anlegen"), "Ziel 2 (mittlerziel) »Fehlzeiten früh erkennen« angelegt",
     [["ziel", "anlegen", "1", "strategisches_ziel", "Jedes Kind erfüllt seine Schulpflicht"]]),
    (("massnahme", "anlegen"), "Maßnahme 1 »Frühwarnsystem« angelegt",
     [["ziel", "anlegen", "1", "arbeitspaket", "Fehlzeiten-Ampel", "--ueber", "2"]]),
    (("ziel", "liste"), "[M1] Maßnahme: Frühwarnsystem (geplant, 30.06.2099)", []),
    (("massnahme", "aendern"), "Maßnahme 1 geändert.", []),
    (("massnahme", "liste"), "30.09.2099", []),
    (("aufgabe", "anlegen"), "Aufgabe 3 »Schulen zur Fehlzeitenerhebung anschreiben« angelegt", []),
    (("aufgabe", "liste"), "Erinnerungen: nächste am", []),
    (("aufgabe", "verschieben"), "Aufgabe 3: neue Frist 31.03.2099", []),
    (("aufgabe", "zuweisen"), "Aufgabe 3 »Schulen zur Fehlzeitenerhebung anschreiben« liegt jetzt bei", []),
    (("aufgabe", "erledigt"), "Aufgabe 3 »Schulen zur Fehlzeitenerhebung anschreiben« erledigt.", []),
    (("aufgabe", "frist-antraege"), "Keine offenen Fristanträge.", []),
    (("sitzung", "anlegen"), "Sitzung 1 angelegt.", []),
    (("sitzung", "tagesordnung"), "Vorschau (noch nicht eingeladen", []),
    (("sitzung", "verschieben"), "Sitzung 1 verschoben", []),
    (("beschluss", "erfassen"), "in Prüfung der Steuerungsgruppe → Maßnahmen beschlossen.",
     [["handlungsfeld", "schritt", "1", "zur_pruefung_vorlegen", "--als", "anna.meyer@lkclp.example"]]),
    (("massnahme", "erledigt"), "Maßnahme 1 »Frühwarnsystem« erledigt.", []),
    (("sitzung", "absagen"), "Sitzung 1 abgesagt.", []),
    (("sitzung", "liste"), "abgesagt", []),
    (("sitzung", "planen"), "Sitzungen neu angelegt.", []),
    (("takt",), "Versand:", [["sitzung", "anlegen", "schulausschuss", f"{_in_drei_tagen()} 16:00", "--kurzfristig"]]),
    (("versand", "senden"), "Versand: 0 gesendet", []),
    (("versand", "status"), "gesendet", []),
    (("versand", "wiederholen"), "Keine dauerhaft gescheiterten Mails.", []),
    (("statusbericht", "liste"), "vor der Sitzung am", []),
    (("statusbericht", "zeige"), "Statusbericht", []),
    (("bericht", "feld"), "PDF:  ", []),
    (("bericht", "kreis"), "HTML: ", []),
    (("bericht", "gemeinde"), "Gemeindeprofil Löningen", []),
    (("person", "entfernen"), "Person entfernt", []),
]
BESONDERS = {("dienst",), ("demo",), ("web",),  # laufen unten mit eigenem Ablauf
             ("aufgabe", "frist-gewaehren"), ("aufgabe", "frist-ablehnen")}


def _umgebung(db: Path, zusatz: dict[str, str]) -> dict[str, str]:
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    umgebung["BILDUNGSBUERO_MAILDIR_PFAD"] = str(db.parent / "maildir")
    umgebung.update(zusatz)
    return umgebung


def _zerlegen(text: str) -> tuple[dict[str, str], list[str]]:
    """Trennt »VAR=wert … bildungsbuero args« in Umgebung und Argumente."""
    teile = shlex.split(text)
    umgebung = {}
    while "=" in teile[0]:
        name, wert = teile.pop(0).split("=", 1)
        umgebung[name] = wert
    assert teile[0] == "bildungsbuero", text
    return umgebung, teile[1:]


def _lauf(db: Path, argumente: list[str], zusatz: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BEFEHL), *argumente], capture_output=True, text=True, cwd=WURZEL,
                          env=_umgebung(db, zusatz or {}), timeout=120)


@pytest.fixture(scope="module")
def ergebnisse(tmp_path_factory) -> dict[tuple[str, ...], subprocess.CompletedProcess]:
    db = tmp_path_factory.mktemp("jeder_befehl") / "bb.db"
    gesehen = {}
    for pfad, _, vorbereitungen in ABLAUF:
        for argumente in vorbereitungen:
            vorbereitet = _lauf(db, argumente)
            assert vorbereitet.returncode == 0, (argumente, vorbereitet.stderr)
        zusatz, argumente = _zerlegen(beispiel(pfad))
        # Berichte nicht ins echte /tmp: das Beispiel nennt /tmp/berichte.
        argumente = [str(db.parent / "berichte") if a == "/tmp/berichte" else a for a in argumente]
        gesehen[pfad] = _lauf(db, argumente, zusatz)
        if gesehen[pfad].returncode != 0:
            break  # die folgenden Beispiele bauen darauf auf; der Test nennt das erste, das scheiterte
    return gesehen


def test_jeder_befehl_ist_abgedeckt():
    assert {pfad for pfad, _, _ in ABLAUF} | BESONDERS == set(BEFEHLE)


@pytest.mark.parametrize("pfad,erwartet", [(p, e) for p, e, _ in ABLAUF], ids=[" ".join(p) for p, _, _ in ABLAUF])
def test_das_beispiel_aus_der_hilfe_laeuft(ergebnisse, pfad, erwartet):
    assert pfad in ergebnisse, "ein früheres Beispiel ist gescheitert"
    ergebnis = ergebnisse[pfad]
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert erwartet in ergebnis.stdout
    assert "Traceback" not in ergebnis.stderr


def test_das_beispiel_des_dienstes_laeuft_und_endet_auf_sigterm(tmp_path):
    db = tmp_path / "bb.db"
    assert _lauf(db, ["init"]).returncode == 0
    zusatz, argumente = _zerlegen(beispiel(("dienst",)))
    prozess = subprocess.Popen([str(BEFEHL), *argumente], cwd=WURZEL, env=_umgebung(db, zusatz),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        gelesen = []
        while not any("Dienst läuft" in z for z in gelesen):  # readline blockiert bis zur nächsten Zeile
            zeile = prozess.stdout.readline()
            assert zeile, "".join(gelesen)
            gelesen.append(zeile)
        prozess.send_signal(signal.SIGTERM)
        assert prozess.wait(timeout=60) == 0
    finally:
        if prozess.poll() is None:
            prozess.kill()
    rest = prozess.stdout.read()
    assert "Traceback" not in rest


def _freier_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("prozesse", [1, 2])
def test_das_beispiel_der_webseiten_liefert_die_anmeldeseite_und_endet_auf_sigterm(tmp_path, prozesse):
    """Auch mit web_prozesse = 2 (uvicorn-Worker an einem Port): Seite, Logzeile des Arbeitsprozesses, Ende mit 0."""
    import httpx

    db = tmp_path / "bb.db"
    assert _lauf(db, ["init"]).returncode == 0
    zusatz, argumente = _zerlegen(beispiel(("web",)))
    port = _freier_port()
    zusatz["BILDUNGSBUERO_WEB_PORT"] = str(port)  # das Beispiel nennt 8000; im Test ein freier Port
    zusatz["BILDUNGSBUERO_WEB_PROZESSE"] = str(prozesse)
    prozess = subprocess.Popen([str(BEFEHL), *argumente], cwd=WURZEL, env=_umgebung(db, zusatz),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        gelesen = []
        # einer: »Uvicorn running« erst nach dem Binden; mehrere: der Aufseher bindet, ein Arbeitsprozess lauscht
        bereit = "Uvicorn running" if prozesse == 1 else "Application startup complete"
        while not any(bereit in z for z in gelesen):
            zeile = prozess.stdout.readline()
            assert zeile, "".join(gelesen)
            gelesen.append(zeile)
        assert any(f"Webseiten laufen auf http://127.0.0.1:{port}" in z for z in gelesen)
        antwort = httpx.get(f"http://127.0.0.1:{port}/anmelden", timeout=10)
        assert antwort.status_code == 200
        assert "<h1>Anmelden</h1>" in antwort.text
        assert antwort.headers["X-Frame-Options"] == "DENY"
        prozess.send_signal(signal.SIGTERM)
        assert prozess.wait(timeout=60) == 0
    finally:
        if prozess.poll() is None:
            prozess.kill()
    rest = "".join(gelesen) + prozess.stdout.read()
    assert "GET /anmelden 200" in rest
    assert "Traceback" not in rest


def test_das_beispiel_der_demo_laeuft(tmp_path):
    zusatz, argumente = _zerlegen(beispiel(("demo",)))
    argumente = [str(tmp_path / "demo") if a == "/tmp/demo" else a for a in argumente]  # nicht ins echte /tmp
    ergebnis = _lauf(tmp_path / "unbenutzt.db", argumente, zusatz)
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert "Maildir:" in ergebnis.stdout and (tmp_path / "demo" / "maildir" / "new").is_dir()


def test_die_beispiele_zu_fristantraegen_laufen(tmp_path):
    """Fristanträge stellt eine Person über ihren Link (Webseite); hier über die Bibliothek, dann die Beispiele."""
    from datetime import date

    from prozess.einstellungen import laden
    from prozess.rollen import person_per_email
    from prozess.teilnahme import frist_beantragen, teilnahmelink_ausstellen
    from prozess.umgebung import Umgebung

    db = tmp_path / "bb.db"
    for argumente in (["init"], ["organisation", "laden", "organisationen/landkreis-cloppenburg.toml"],
                      ["aufgabe", "anlegen", "Zahlen liefern", "--verantwortlich", "schulleitung@obs-loeningen.example",
                       "--frist", "2099-01-15"],
                      ["aufgabe", "anlegen", "Bericht schreiben", "--verantwortlich",
                       "schulleitung@obs-loeningen.example", "--frist", "2099-01-15"]):
        assert _lauf(db, argumente).returncode == 0, argumente
    umgebung = Umgebung(laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": f"sqlite:///{db}"}, arbeitsverzeichnis=tmp_path))
    try:
        with umgebung.arbeit() as arbeit:
            schulleitung = person_per_email(arbeit.db, "schulleitung@obs-loeningen.example").id
            token = teilnahmelink_ausstellen(arbeit, schulleitung).rsplit("/", 1)[1]
            frist_beantragen(arbeit, token, 1, date(2099, 2, 1), "Ferien")
            frist_beantragen(arbeit, token, 2, date(2099, 2, 1))
    finally:
        umgebung.schliessen()
    assert "Ferien" in _lauf(db, ["aufgabe", "frist-antraege"]).stdout
    for pfad, erwartet in [(("aufgabe", "frist-gewaehren"), "Fristantrag 1 gewährt: Aufgabe 1 hat die Frist 01.02.2099."),
                           (("aufgabe", "frist-ablehnen"), "Fristantrag 2 abgelehnt: Aufgabe 2 behält ihre Frist.")]:
        zusatz, argumente = _zerlegen(beispiel(pfad))
        ergebnis = _lauf(db, argumente, zusatz)
        assert ergebnis.returncode == 0 and erwartet in ergebnis.stdout, ergebnis.stderr
    nochmal = _lauf(db, ["aufgabe", "frist-ablehnen", "1", "--als", "joerg.toebben@lkclp.example"])
    assert nochmal.returncode == 1 and "Bildungsmanagement" in nochmal.stderr


def test_aufgabe_erledigt_schliesst_keine_aufgabe_die_ein_schritt_schliesst(tmp_path):
    """Die Folgeaufgabe eines Zustands endet mit ihrem Schritt: die CLI nennt ihn, Exit 1, nichts geändert."""
    import sqlite3

    db = tmp_path / "bb.db"
    for argumente in (["init"], ["organisation", "laden", "organisationen/landkreis-cloppenburg.toml"],
                      ["handlungsfeld", "anlegen", "Schulabsentismus", "--als", "anna.meyer@lkclp.example"]):
        assert _lauf(db, argumente).returncode == 0, argumente

    def inhalt() -> list[str]:
        with sqlite3.connect(db) as verbindung:
            return list(verbindung.iterdump())

    vorher = inhalt()
    ergebnis = _lauf(db, ["aufgabe", "erledigt", "1"])
    assert ergebnis.returncode == 1, ergebnis.stdout
    assert ("endet mit dem Schritt »daten_zusammenstellen« von Handlungsfeld 1: "
            "bildungsbuero handlungsfeld schritt 1 daten_zusammenstellen --als IHRE-ADRESSE") in ergebnis.stderr
    assert inhalt() == vorher
