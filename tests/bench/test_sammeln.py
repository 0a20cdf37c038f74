"""``make bench`` sammelt die Zielzeilen der Benches in eine Tabelle und endet ≠ 0, wenn etwas fehlt."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

WURZEL = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(WURZEL / "bench"))

import _sammeln  # noqa: E402


def _skript(verzeichnis: Path, name: str, rumpf: str) -> None:
    (verzeichnis / f"{name}.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(WURZEL / 'bench')!r})\n"
        "from _gemeinsam import ziel\n" + rumpf, encoding="utf-8")


@pytest.fixture
def benches(tmp_path, monkeypatch):
    monkeypatch.setattr(_sammeln, "BENCH", tmp_path)
    return tmp_path


def test_erfuellte_ziele_ergeben_eine_tabelle_und_exit_null(benches, capsys):
    _skript(benches, "gut", "sys.exit(ziel(True, 'Schritte gegen psycopg', werte=[0.7, 0.65, 0.8], "
                            "vorgabe='≥ 0,6 ×', einheit='×'))\n")
    assert _sammeln.main([]) == 0
    aus = capsys.readouterr().out
    assert "#ZIEL" not in aus  # die Zielzeilen werden gesammelt, nicht durchgereicht
    zeile = next(z for z in aus.splitlines() if z.startswith("gut "))
    assert "Schritte gegen psycopg" in zeile and "0,65 ×" in zeile and "0,70 ×" in zeile and "ja" in zeile
    assert "1 von 1 Zielen erfüllt" in aus


def test_ein_verfehltes_ziel_ein_absturz_oder_keine_zielzeile_enden_ungleich_null(benches, capsys):
    _skript(benches, "gut", "sys.exit(ziel(True, 'gut'))\n")
    _skript(benches, "verfehlt", "sys.exit(ziel(False, 'zu langsam', werte=[2.0], einheit='s'))\n")
    _skript(benches, "stumm", "print('misst nichts')\n")
    _skript(benches, "absturz", "ziel(True, 'vorher gut')\nraise SystemExit(3)\n")
    assert _sammeln.main([]) == 1
    aus = capsys.readouterr().out
    tabelle = {z.split()[0]: z for z in aus.splitlines() if z.split() and z.split()[0] in
               {"gut", "verfehlt", "stumm", "absturz"} and ("ja" in z or "NEIN" in z)}
    assert "NEIN" in tabelle["verfehlt"] and "NEIN" in tabelle["stumm"] and "keine Zielzeile" in tabelle["stumm"]
    assert any("Exit 3" in z and "NEIN" in z for z in aus.splitlines() if z.startswith("absturz"))
    assert "ja" in tabelle["gut"]


def test_die_zielzeile_ist_json_mit_den_werten_der_runden(capsys):
    from _gemeinsam import ZIELZEILE, ziel

    assert ziel(False, "Takt", werte=[1200, 900, 1100], vorgabe="≤ 1.000 ms", einheit="ms") == 1
    zeile = next(z for z in capsys.readouterr().out.splitlines() if z.startswith(ZIELZEILE))
    daten = json.loads(zeile[len(ZIELZEILE):])
    assert daten["werte"] == [1200.0, 900.0, 1100.0] and daten["erfuellt"] is False and daten["ziel"] == "≤ 1.000 ms"


def test_ueber_mehrere_laeufe_ist_ein_ziel_nur_erfuellt_wenn_jeder_lauf_es_erfuellt(benches, capsys):
    # Das Skript erfüllt sein Ziel im ersten Lauf und verfehlt es im zweiten (ein Zähler in einer Datei).
    zaehler = benches / "zaehler.txt"
    _skript(benches, "wackelt",
            f"from pathlib import Path\np = Path({str(zaehler)!r})\n"
            "n = int(p.read_text()) + 1 if p.exists() else 1\np.write_text(str(n))\n"
            "wert = 0.9 if n == 1 else 0.5\n"
            "sys.exit(ziel(wert >= 0.8, 'Rückstau', werte=[wert, wert], vorgabe='≥ 0,8 ×', einheit='×'))\n")
    assert _sammeln.main(["--laeufe", "2"]) == 1
    aus = capsys.readouterr().out
    assert "Lauf 1 von 2" in aus and "Lauf 2 von 2" in aus
    gesamt = aus[aus.index("Über 2 Läufe"):]
    zeile = next(z for z in gesamt.splitlines() if z.startswith("wackelt "))
    # je Lauf der Median, dann min über alle Werte und der Median der Lauf-Mediane
    assert "0,90 ×  0,50 ×  0,50 ×  0,70 ×" in zeile
    assert "NEIN (1/2)" in zeile


def test_eine_falsche_zahl_der_laeufe_endet_mit_einer_meldung(benches):
    with pytest.raises(SystemExit, match="--laeufe braucht eine Zahl"):
        _sammeln.main(["--laeufe", "drei"])
