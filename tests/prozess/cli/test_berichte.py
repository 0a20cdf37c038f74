"""»bildungsbuero bericht« als echter Unterprozess: Dateien, Exit-Codes, die Meldung ohne WeasyPrints Bibliotheken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ORGANISATION

BEFEHL = Path(sys.executable).parent / "bildungsbuero"

# Ein Paket »weasyprint«, das beim Import eine Systembibliothek laden will, die es nicht gibt –
# genau so scheitert das echte, wenn Pango fehlt (OSError aus dem dynamischen Lader).
OHNE_PANGO = """import ctypes
ctypes.CDLL("libpango-1.0-fehlt-im-test.so.0")
"""


def bb(*args: str, db: Path, zusatz: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = f"sqlite:///{db}"
    umgebung.update(zusatz or {})
    return subprocess.run([str(BEFEHL), *args], capture_output=True, text=True, env=umgebung, cwd=db.parent,
                          timeout=300)


@pytest.fixture
def db(tmp_path) -> Path:
    pfad = tmp_path / "cli.db"
    for argumente in (["init"], ["organisation", "laden", str(ORGANISATION)],
                      ["handlungsfeld", "anlegen", "Schulabsentismus", "--als", "anna.meyer@lkclp.example"]):
        assert bb(*argumente, db=pfad).returncode == 0
    return pfad


def test_ohne_ziel_schreibt_der_bericht_ins_arbeitsverzeichnis_und_nur_html_laesst_das_pdf_weg(db):
    ergebnis = bb("bericht", "feld", "1", "--nur-html", db=db)
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert ergebnis.stdout.splitlines() == ["Bildungsbericht: Schulabsentismus", "HTML: bildungsbericht-feld-1.html"]
    assert (db.parent / "bildungsbericht-feld-1.html").exists()
    assert not (db.parent / "bildungsbericht-feld-1.pdf").exists()


def test_fehlen_weasyprints_bibliotheken_steht_das_html_da_und_exit_3_sagt_wie_man_sie_installiert(db, tmp_path):
    ersatz = tmp_path / "ersatz" / "weasyprint"
    ersatz.mkdir(parents=True)
    (ersatz / "__init__.py").write_text(OHNE_PANGO)
    ergebnis = bb("bericht", "kreis", "--ziel", "aus", db=db, zusatz={"PYTHONPATH": str(ersatz.parent)})
    assert ergebnis.returncode == 3, ergebnis.stderr
    assert (db.parent / "aus" / "bildungsbericht-kreis.html").exists()
    assert not (db.parent / "aus" / "bildungsbericht-kreis.pdf").exists()
    assert "HTML: aus/bildungsbericht-kreis.html" in ergebnis.stdout
    assert ergebnis.stderr.startswith("Fehler: Das PDF wurde nicht erzeugt: WeasyPrint findet seine Systembibliotheken")
    assert "libpango-1.0-fehlt-im-test.so.0" in ergebnis.stderr
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in ergebnis.stderr
    assert "Traceback" not in ergebnis.stderr


def test_ein_unbekanntes_feld_oder_eine_unbekannte_gemeinde_schreibt_nichts_und_nennt_den_ausweg(db):
    ergebnis = bb("bericht", "feld", "7", "--ziel", "aus", db=db)
    assert ergebnis.returncode == 1
    assert "Fehler: Handlungsfeld 7 gibt es nicht" in ergebnis.stderr and "handlungsfeld liste" in ergebnis.stderr
    ergebnis = bb("bericht", "gemeinde", "03453099", "--ziel", "aus", db=db)
    assert ergebnis.returncode == 1
    assert "Die Gemeinde 03453099 gibt es nicht. Gemeinden des Kreises: 03453001 Barßel" in ergebnis.stderr
    ergebnis = bb("bericht", "gemeinde", "Löningen", "--ziel", "aus", db=db)
    assert ergebnis.returncode == 1 and "erwartet werden acht Ziffern, z. B. 03453001" in ergebnis.stderr
    assert not (db.parent / "aus").exists()


def test_die_hilfe_nennt_die_exit_codes(db):
    ergebnis = bb("bericht", "feld", "--help", db=db)
    assert "3 HTML geschrieben, PDF nicht" in ergebnis.stdout
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in ergebnis.stdout


def test_die_cli_laedt_matplotlib_und_weasyprint_erst_wenn_ein_bericht_entsteht():
    code = (
        "import sys\n"
        "from prozess.cli import hauptbefehl\n"
        "try:\n    hauptbefehl(['bericht', 'feld', '--help'], prog_name='bildungsbuero')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('matplotlib', 'weasyprint', 'numpy', 'monitoring.bericht') if m in sys.modules))\n"
    )
    ausgabe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert ausgabe.strip().splitlines()[-1] == "[]"
