"""Die Befehlszeile als echter Unterprozess: Hilfe, Fehler, Exit-Codes, unveränderte Daten."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.prozess.cli.befehle import alle_befehle
from tests.conftest import ORGANISATION

WURZEL = Path(__file__).resolve().parents[3]
BEFEHL = Path(sys.executable).parent / "bildungsbuero"


def bb(*args: str, db: Path, pruefen: bool = True) -> subprocess.CompletedProcess:
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    ergebnis = subprocess.run([str(BEFEHL), *args], capture_output=True, text=True, env=umgebung, cwd=db.parent)
    if pruefen:
        assert ergebnis.returncode == 0, ergebnis.stderr
    return ergebnis


def test_hilfe_laedt_weder_sqlmodel_noch_sqlalchemy():
    code = (
        "import sys\n"
        "from prozess.cli import hauptbefehl\n"
        "try:\n    hauptbefehl(['--help'], prog_name='bildungsbuero')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'alembic', 'transitions') if m in sys.modules))\n"
    )
    ausgabe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert ausgabe.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("pfad,befehl", list(alle_befehle()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_jeder_befehl_hat_hilfe_mit_beispiel(pfad, befehl):
    beispiele = [z.strip() for z in befehl.help.splitlines() if z.strip().startswith("Beispiel:")]
    assert beispiele and "bildungsbuero " + " ".join(pfad) in beispiele[0]


@pytest.fixture
def db(tmp_path) -> Path:
    pfad = tmp_path / "cli.db"
    bb("init", db=pfad)
    bb("organisation", "laden", str(ORGANISATION), db=pfad)
    return pfad


def test_init_und_organisation_laden_sind_wiederholbar(db):
    assert "schon auf dem neuesten Stand" in bb("init", db=db).stdout
    assert "Landkreis Cloppenburg: keine Änderungen." in bb("organisation", "laden", str(ORGANISATION), db=db).stdout


def test_ein_befehl_auf_einer_leeren_datenbank_verweist_auf_init(tmp_path):
    ergebnis = bb("handlungsfeld", "liste", db=tmp_path / "leer.db", pruefen=False)
    assert ergebnis.returncode == 1
    assert "Führen Sie zuerst »bildungsbuero init« aus." in ergebnis.stderr


def test_ein_handlungsfeld_laeuft_ueber_die_befehlszeile(db):
    bb("handlungsfeld", "anlegen", "Schulabsentismus", "--als", "anna.meyer@lkclp.example", db=db)
    bb("datengrundlage", "anlegen", "1", "Fehlzeitenquote", "--quelle", "Schulamt", db=db)
    ausgabe = bb("handlungsfeld", "schritt", "1", "daten_zusammenstellen", "--als", "joerg.toebben@lkclp.example", db=db).stdout
    assert "definiert → Daten zusammengestellt" in ausgabe
    zeige = bb("handlungsfeld", "zeige", "1", db=db).stdout
    assert "Zustand: Daten zusammengestellt" in zeige
    assert "zur_pruefung_vorlegen" in zeige and "– möglich (durch Bildungsmanagement)" in zeige
    assert "der Steuerungsgruppe zur Prüfung vorlegen – Anna Meyer, Frist" in zeige
    assert "daten_zusammenstellen: definiert → Daten zusammengestellt  (Jörg Többen)" in zeige


def test_ein_unzulaessiger_schritt_endet_mit_fehlercode_und_aendert_nichts(db):
    bb("handlungsfeld", "anlegen", "Schulabsentismus", "--als", "anna.meyer@lkclp.example", db=db)
    zeige_vorher = bb("handlungsfeld", "zeige", "1", db=db).stdout
    ergebnis = bb("handlungsfeld", "schritt", "1", "abschliessen", "--als", "anna.meyer@lkclp.example", db=db, pruefen=False)
    assert ergebnis.returncode == 1
    assert ergebnis.stderr.startswith("Fehler: Handlungsfeld 1 »Schulabsentismus« steht im Zustand »definiert«")
    assert "der Schritt »abschliessen« ist jetzt nicht möglich" in ergebnis.stderr
    assert "Jetzt möglich: daten_zusammenstellen, zurueckstellen." in ergebnis.stderr
    assert bb("handlungsfeld", "zeige", "1", db=db).stdout == zeige_vorher


def test_ein_falsches_datum_nennt_die_stelle_und_das_format(db):
    ergebnis = bb("aufgabe", "anlegen", "Bericht", "--verantwortlich", "anna.meyer@lkclp.example",
                  "--frist", "31.02.2027", db=db, pruefen=False)
    assert ergebnis.returncode == 1
    assert "--frist: »31.02.2027« ist kein gültiges Kalenderdatum." in ergebnis.stderr
    assert "Keine Aufgaben." in bb("aufgabe", "liste", db=db).stdout


def test_eine_unbekannte_person_wird_mit_ausweg_abgewiesen(db):
    ergebnis = bb("handlungsfeld", "anlegen", "X", "--als", "niemand@example.org", db=db, pruefen=False)
    assert ergebnis.returncode == 1
    assert "Keine Person mit der E-Mail-Adresse »niemand@example.org«" in ergebnis.stderr
    assert "organisation laden" in ergebnis.stderr


def test_eine_falsche_einstellung_scheitert_beim_start(db):
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_FRIST_BERICHT_TAGE"] = "-3"
    ergebnis = subprocess.run([str(BEFEHL), "handlungsfeld", "liste"], capture_output=True, text=True, env=umgebung, cwd=db.parent)
    assert ergebnis.returncode == 1
    assert "Einstellung »frist_bericht_tage« (aus BILDUNGSBUERO_FRIST_BERICHT_TAGE)" in ergebnis.stderr


def test_das_diagramm_in_der_readme_ist_aktuell():
    from prozess.zyklus import mermaid

    assert "```mermaid\n" + mermaid() + "\n```" in (WURZEL / "README.md").read_text(encoding="utf-8")


def test_die_readme_beginnt_mit_den_zwei_befehlen():
    zeilen = (WURZEL / "README.md").read_text(encoding="utf-8").splitlines()
    befehle = [z.strip().split("#")[0].strip() for z in zeilen[:5] if z.startswith("    ")]
    assert befehle == ["make demo", "make test"]
    assert "make test" in (WURZEL / ".ci" / "run").read_text()


def test_takt_und_versand_status_zeigen_was_in_das_maildir_ging(db):
    bb("aufgabe", "anlegen", "Fehlzeiten melden", "--verantwortlich", "schulleitung@obs-loeningen.example",
       "--frist", "2099-03-20", db=db)
    umgebung = {"BILDUNGSBUERO_MAILDIR_PFAD": str(db.parent / "maildir")}
    ausgabe = _bb_mit(umgebung, "takt", db=db).stdout
    assert "Versand: 1 gesendet" in ausgabe
    assert len(list((db.parent / "maildir" / "new").iterdir())) == 1
    status = _bb_mit(umgebung, "versand", "status", db=db).stdout
    assert re.search(r"gesendet\s+1", status)
    liste = bb("aufgabe", "liste", db=db).stdout
    assert "Erinnerungen: nächste am 13.03.2099, 07:00 Uhr" in liste


def test_das_smtp_passwort_erscheint_nirgends(db):
    geheim = "Sehr-Geheim-4711"
    umgebung = {"BILDUNGSBUERO_SMTP_PASSWORT": geheim, "BILDUNGSBUERO_VERSAND": "smtp",
                "BILDUNGSBUERO_SMTP_HOST": "127.0.0.1", "BILDUNGSBUERO_SMTP_PORT": "1",
                "BILDUNGSBUERO_SMTP_BENUTZER": "bildungsbuero"}
    bb("aufgabe", "anlegen", "Fehlzeiten melden", "--verantwortlich", "schulleitung@obs-loeningen.example",
       "--frist", "2099-03-20", db=db)
    gesendet = _bb_mit(umgebung, "versand", "senden", db=db, pruefen=False)
    assert gesendet.returncode == 1  # eine Mail scheiterte
    assert "1 vorübergehend gescheitert" in gesendet.stdout
    status = _bb_mit(umgebung, "versand", "status", db=db)
    assert "Der SMTP-Server 127.0.0.1:1 nimmt keine Verbindung an (" in status.stdout
    einstellungen = _bb_mit(umgebung, "einstellungen", db=db)
    assert "smtp_passwort = ***" in einstellungen.stdout
    for ergebnis in (gesendet, status, einstellungen):
        assert geheim not in ergebnis.stdout + ergebnis.stderr


def _bb_mit(zusatz: dict, *args: str, db: Path, pruefen: bool = True) -> subprocess.CompletedProcess:
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    umgebung.update(zusatz)
    ergebnis = subprocess.run([str(BEFEHL), *args], capture_output=True, text=True, env=umgebung, cwd=db.parent)
    if pruefen:
        assert ergebnis.returncode == 0, ergebnis.stderr
    return ergebnis


@pytest.mark.parametrize("beginn,art", [("2027-03-28 02:30", "nicht"), ("2027-10-31 02:30", "zweimal")])
def test_eine_uhrzeit_in_der_nacht_der_zeitumstellung_wird_nachgefragt(db, beginn, art):
    ergebnis = bb("sitzung", "anlegen", "bildungsbeirat", beginn, "--kurzfristig", db=db, pruefen=False)
    assert ergebnis.returncode == 1
    assert f"gibt es in Europe/Berlin {art}" in ergebnis.stderr
    assert "Keine Sitzungen" in bb("sitzung", "liste", "--vergangene", db=db).stdout


@pytest.mark.parametrize("argumente,meldung", [
    (("handlungsfeld", "schritt", "1"), "Fehler: Es fehlt die Angabe SCHRITT."),
    (("handlungsfeld", "anlegen", "X", "--alss", "y"), "Fehler: Unbekannte Option --alss. Meinten Sie »--als«?"),
    (("handlungsfeld", "zeige", "abc"), "Fehler: Ungültiger Wert für ID: »abc« ist keine ganze Zahl."),
    (("handlungsfeldd",), "Fehler: Unbekannter Befehl »handlungsfeldd«. Meinten Sie »handlungsfeld«?"),
])
def test_bedienfehler_werden_auf_deutsch_erklaert(db, argumente, meldung):
    ergebnis = bb(*argumente, db=db, pruefen=False)
    assert ergebnis.returncode == 2
    assert meldung in ergebnis.stderr
    assert "Hilfe: bildungsbuero" in ergebnis.stderr and "--help" in ergebnis.stderr


@pytest.mark.parametrize("nummer,meldung", [
    ("-1", "»-1« ist keine gültige Nummer; eine Nummer ist positiv"),
    ("0", "»0« ist keine gültige Nummer; eine Nummer ist positiv"),
    ("99999999999999999999999", "ist zu groß für eine Nummer"),
])
def test_eine_unsinnige_nummer_bekommt_eine_deutsche_meldung_ohne_traceback(db, nummer, meldung):
    ergebnis = bb("handlungsfeld", "zeige", nummer, db=db, pruefen=False)
    assert ergebnis.returncode == 2
    assert meldung in ergebnis.stderr and "Traceback" not in ergebnis.stderr


def test_eine_sitzung_in_der_vergangenheit_wird_auch_kurzfristig_abgewiesen(db):
    ergebnis = bb("sitzung", "anlegen", "bildungsbeirat", "2020-03-03 10:00", "--kurzfristig", db=db, pruefen=False)
    assert ergebnis.returncode == 1
    assert "liegt in der Vergangenheit" in ergebnis.stderr
    assert "Sitzung 1 angelegt." in bb("sitzung", "anlegen", "bildungsbeirat", "2020-03-03 10:00", "--nachtragen", db=db).stdout


def test_nur_init_laedt_alembic(db):
    code = (
        "import sys\n"
        "from prozess.cli import hauptbefehl\n"
        "try:\n    hauptbefehl(['handlungsfeld', 'liste'], prog_name='bildungsbuero')\nexcept SystemExit:\n    pass\n"
        "print('alembic' in sys.modules)\n"
    )
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    ausgabe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=umgebung, cwd=db.parent)
    assert "Schulabsentismus" in ausgabe.stdout or "Noch keine Handlungsfelder" in ausgabe.stdout, ausgabe.stderr
    assert ausgabe.stdout.strip().splitlines()[-1] == "False", ausgabe.stderr


def test_der_seitenfuss_nennt_die_naechste_seite_derselben_liste(db):
    """Mit Optionen (hier ``--erledigte``) nennt der Seitenfuß sie mit; ohne weitere Seite schweigt er."""
    from prozess.einstellungen import laden
    from prozess.handlungsfelder import handlungsfeld_anlegen
    from prozess.rollen import handelnde_person
    from prozess.umgebung import Umgebung

    umgebung = Umgebung(laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": f"sqlite:///{db}"}, arbeitsverzeichnis=db.parent))
    try:
        with umgebung.arbeit() as arbeit:
            anna = handelnde_person(arbeit, "anna.meyer@lkclp.example").id
            for i in range(53):
                handlungsfeld_anlegen(arbeit, f"Feld {i + 1}", anna, "")
    finally:
        umgebung.schliessen()

    felder = bb("handlungsfeld", "liste", db=db).stdout.splitlines()
    assert len(felder) == 51
    assert felder[-1] == ("… 50 von 53 gezeigt; weitere mit »bildungsbuero handlungsfeld liste --ab 50« "
                          "oder alle mit »bildungsbuero handlungsfeld liste --alle«.")
    assert [z.split()[0] for z in bb("handlungsfeld", "liste", "--ab", "50", db=db).stdout.splitlines()] == ["51", "52", "53"]
    aufgaben = bb("aufgabe", "liste", "--erledigte", db=db).stdout.splitlines()
    assert aufgaben[-1] == ("… 50 von 53 gezeigt; weitere mit »bildungsbuero aufgabe liste --erledigte --ab 50« "
                            "oder alle mit »bildungsbuero aufgabe liste --erledigte --alle«.")
    assert len(bb("aufgabe", "liste", "--erledigte", "--alle", db=db).stdout.splitlines()) == 2 * 53


def test_dieser_aufruf_nennt_argumente_und_geaenderte_optionen_ohne_die_seitenwahl():
    import click
    from click.testing import CliRunner

    from prozess.cli._basis import dieser_aufruf, listenbefehl

    @click.group()
    def gruppe():
        pass

    @listenbefehl(gruppe)
    @click.argument("feld_id")
    @click.option("--handlungsfeld", "feld", default=None)
    @click.option("--titel", default="alle")
    @click.option("--erledigte", is_flag=True)
    def liste(feld_id, feld, titel, erledigte, seite):
        click.echo(dieser_aufruf())

    ergebnis = CliRunner().invoke(gruppe, ["liste", "7", "--titel", "Früh warnen", "--erledigte", "--ab", "50"],
                                  prog_name="irgendwie")
    assert ergebnis.output == "bildungsbuero liste 7 --titel 'Früh warnen' --erledigte\n"
    ergebnis = CliRunner().invoke(gruppe, ["liste", "7", "--titel", "alle", "--alle"], prog_name="irgendwie")
    assert ergebnis.output == "bildungsbuero liste 7\n"
