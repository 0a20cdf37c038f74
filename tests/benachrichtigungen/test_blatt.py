"""``benachrichtigungen/`` ist ein Blatt: es importiert nichts aus ``prozess`` (auch nicht verzögert),
und seine Module importieren sich nicht im Kreis."""

from __future__ import annotations

import ast
from pathlib import Path

PAKET = Path(__file__).resolve().parents[2] / "benachrichtigungen"


def _importe(datei: Path) -> set[str]:
    namen = set()
    for knoten in ast.walk(ast.parse(datei.read_text(encoding="utf-8"))):
        if isinstance(knoten, ast.Import):
            namen |= {a.name for a in knoten.names}
        elif isinstance(knoten, ast.ImportFrom) and knoten.module:
            namen.add(knoten.module)
    return namen


def test_benachrichtigungen_importiert_nichts_aus_prozess():
    verstoesse = {d.name: sorted(n for n in _importe(d) if n.split(".")[0] == "prozess") for d in PAKET.glob("*.py")}
    assert {d: n for d, n in verstoesse.items() if n} == {}


def test_die_module_der_benachrichtigungen_importieren_sich_nicht_im_kreis():
    kanten = {d.stem: {n.split(".")[1] for n in _importe(d) if n.startswith("benachrichtigungen.")}
              for d in PAKET.glob("*.py")}

    def erreicht(start: str) -> set[str]:
        gesehen, offen = set(), list(kanten.get(start, ()))
        while offen:
            modul = offen.pop()
            if modul not in gesehen:
                gesehen.add(modul)
                offen.extend(kanten.get(modul, ()))
        return gesehen

    assert [m for m in kanten if m in erreicht(m)] == []
