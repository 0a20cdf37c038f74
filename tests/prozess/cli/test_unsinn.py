"""Unsinnige Eingaben, erzeugt von Hypothesis: nie ein Traceback, Exit-Code 0, 1 oder 2, und wenn
nicht 0, dann ist die Datenbank unverändert.

Jeder Befehl bekommt Angaben, die zu seinen Parametern passen könnten (Zahlen jeder Größe und
jedes Vorzeichens, Texte mit Zeilenumbrüchen, NUL und Umlauten, Daten in falschen Formen), dazu
erzeugte Organisations- und Einstellungsdateien (auch binär, mit BOM, kein UTF-8). Hier läuft
ein kurzer Durchgang; ``make unsinn`` läuft lange und sagt, wie viele Eingaben es probierte.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import click
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from prozess.cli import hauptbefehl  # noqa: E402
from tests.prozess.cli.befehle import alle_befehle  # noqa: E402
from tests.conftest import ORGANISATION  # noqa: E402

LAUFZEIT_BEISPIELE = int(os.environ.get("BILDUNGSBUERO_TEST_UNSINN_BEISPIELE", "60"))
# laufen bis SIGTERM bzw. schreiben Verzeichnisse (die Berichte ins Arbeitsverzeichnis); eigene Tests
AUSGENOMMEN = {("dienst",), ("demo",), ("web",), ("bericht", "feld"), ("bericht", "kreis"), ("bericht", "gemeinde")}


BEFEHLE = sorted((pfad, befehl) for pfad, befehl in alle_befehle() if pfad not in AUSGENOMMEN)

texte = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "-1", "0", "1", "2", "99999999999999999999999", "2027-02-30", "31.12.2099",
                     "2099-01-01 10:00", "x\ny", "a\x00b", "Ä" * 400, "anna.meyer@lkclp.example",
                     "steuerungsgruppe", "daten_zusammenstellen", "--alle", "-h"]),
)
dateiinhalte = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.just(b"\xef\xbb\xbf" + ORGANISATION.read_bytes()),
    st.just(ORGANISATION.read_text(encoding="utf-8").encode("cp1252", errors="replace")),
    st.just(b'datenbank_url = "foo://bar"\n'),
    st.just(b'maildir_pfad = "a\\u0000b"\n'),
)


def _argumente(befehl: click.Command):
    teile = []
    for p in befehl.params:
        if isinstance(p, click.Argument):
            teile.append(st.lists(texte, min_size=0, max_size=2))
        else:
            name = p.opts[0]
            werte = st.just([name]) if p.is_flag else texte.map(lambda w, n=name: [n, w])
            teile.append(st.one_of(st.just([]), werte))
    return st.tuples(*teile).map(lambda listen: [w for liste in listen for w in liste]) if teile else st.just([])


def _abbild(db: Path) -> list[str]:
    verbindung = sqlite3.connect(db)
    try:
        return list(verbindung.iterdump())
    finally:
        verbindung.close()


@pytest.fixture(scope="module")
def vorlage(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("unsinn") / "vorlage.db"
    runner = CliRunner()
    umgebung = {"BILDUNGSBUERO_DATENBANK_URL": f"sqlite:///{db}"}
    for argumente in (["init"], ["organisation", "laden", str(ORGANISATION)],
                      ["handlungsfeld", "anlegen", "Schulabsentismus", "--als", "anna.meyer@lkclp.example"]):
        assert runner.invoke(hauptbefehl, argumente, env=umgebung).exit_code == 0
    return db


@pytest.mark.parametrize("pfad,befehl", BEFEHLE, ids=[" ".join(p) for p, _ in BEFEHLE])
def test_kein_befehl_stuerzt_bei_unsinn_ab(vorlage, tmp_path_factory, pfad, befehl):
    arbeitsplatz = tmp_path_factory.mktemp("lauf")

    @settings(max_examples=max(3, LAUFZEIT_BEISPIELE // len(BEFEHLE)), deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(argumente=_argumente(befehl), datei=st.one_of(st.none(), dateiinhalte),
           als_einstellungen=st.booleans())
    def pruefen(argumente, datei, als_einstellungen):
        db = arbeitsplatz / "bb.db"
        shutil.copy(vorlage, db)
        umgebung = {k: None for k in os.environ if k.startswith("BILDUNGSBUERO_")}
        umgebung.update(BILDUNGSBUERO_DATENBANK_URL=f"sqlite:///{db}",
                        BILDUNGSBUERO_MAILDIR_PFAD=str(arbeitsplatz / "maildir"))
        if datei is not None:
            (arbeitsplatz / "datei.toml").write_bytes(datei)
            if als_einstellungen:
                umgebung["BILDUNGSBUERO_KONFIG"] = str(arbeitsplatz / "datei.toml")
            else:
                argumente = [str(arbeitsplatz / "datei.toml") if a == argumente[-1] else a for a in argumente]
        vorher = _abbild(db)
        ergebnis = CliRunner().invoke(hauptbefehl, [*pfad, *argumente], env=umgebung)
        assert ergebnis.exception is None or isinstance(ergebnis.exception, SystemExit), (
            pfad, argumente, ergebnis.output, ergebnis.exc_info)
        assert ergebnis.exit_code in (0, 1, 2), (pfad, argumente, ergebnis.output)
        if ergebnis.exit_code != 0:
            assert _abbild(db) == vorher, (pfad, argumente, ergebnis.output)

    pruefen()
