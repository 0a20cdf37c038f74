"""Ein gespeicherter Schritt gegen eine allgemeine Workflow-Engine (SpiffWorkflow 3.x).

Der Anker ist, was ein Landkreis mit einer allgemeinen Engine je Schritt bezahlte:
SpiffWorkflow mit einem BPMN aus 5 aufeinanderfolgenden User-Tasks, je Schritt den
Workflow aus JSON laden, die bereite Aufgabe erledigen, zurück zu JSON serialisieren (ohne
Datenbank). Ist der Workflow durch, beginnt der nächste Schritt mit einem frischen.

Unser Schritt ist ``schritt_ausfuehren`` mit allem, was er schreibt, samt Commit auf einer
SQLite-Datei (WAL), jede Schrittart reihum (der Pfad von ``bench/schritte.py``).

Gemessen wird paarweise (``paarweise`` in ``_gemeinsam``): je Paar ein Stapel von
``--stapel`` Schritten jeder Seite, die Reihenfolge im Paar wechselt von Paar zu Paar.
Verhältnis je Paar: Zeit Spiff / Zeit unser. Ziel: Median ≥ 1,2 (unser Schritt mindestens
1,2× schneller). SpiffWorkflow ist nur eine Abhängigkeit der Benches (``pip install -e '.[bench]'``).

    .venv/bin/python bench/spiff.py [--paare 15] [--stapel 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _gemeinsam import KURZ, START, datenbank_url_anlegen, paarweise, spanne, ziel

ZIEL = 1.2
AUFGABEN = 5


def bpmn(aufgaben: int = AUFGABEN) -> str:
    """Ein Prozess: Start → ``aufgaben`` User-Tasks nacheinander → Ende."""
    knoten = ["start"] + [f"aufgabe_{i}" for i in range(1, aufgaben + 1)] + ["ende"]
    teile = ['<bpmn:startEvent id="start"/>']
    teile += [f'<bpmn:userTask id="aufgabe_{i}" name="Aufgabe {i}"/>' for i in range(1, aufgaben + 1)]
    teile.append('<bpmn:endEvent id="ende"/>')
    teile += [f'<bpmn:sequenceFlow id="fluss_{i}" sourceRef="{a}" targetRef="{b}"/>'
              for i, (a, b) in enumerate(zip(knoten, knoten[1:]))]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" '
            'targetNamespace="http://bpmn.io/schema/bpmn">\n'
            '<bpmn:process id="handlungsfeld" isExecutable="true">\n' + "\n".join(teile) +
            '\n</bpmn:process>\n</bpmn:definitions>\n')


class Spiff:
    """Je Schritt: aus JSON laden, die bereite User-Task erledigen, zurück zu JSON."""

    def __init__(self, verzeichnis: Path):
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        datei = verzeichnis / "handlungsfeld.bpmn"
        datei.write_text(bpmn(), encoding="utf-8")
        parser = BpmnParser()
        parser.add_bpmn_file(str(datei))
        self.spec = parser.get_spec("handlungsfeld")
        self.serializer = BpmnWorkflowSerializer()
        self.BpmnWorkflow = BpmnWorkflow
        self.json = self._frisch()
        self.erledigt = 0

    def _frisch(self) -> str:
        workflow = self.BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)

    def schritt(self) -> None:
        from SpiffWorkflow.util.task import TaskState

        workflow = self.serializer.deserialize_json(self.json)
        bereit = workflow.get_tasks(state=TaskState.READY, manual=True)
        bereit[0].run()
        workflow.do_engine_steps()
        self.erledigt += 1
        self.json = self._frisch() if workflow.is_completed() else self.serializer.serialize_json(workflow)


def stapel(funktion, n: int):
    def messen() -> float:
        start = time.perf_counter()
        for _ in range(n):
            funktion()
        return (time.perf_counter() - start) / n

    return messen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paare", type=int, default=5 if KURZ else 15)
    parser.add_argument("--stapel", type=int, default=50)
    args = parser.parse_args()
    import schritte as s
    from prozess.zeit import SimulierteUhr

    with tempfile.TemporaryDirectory() as tmp:
        engine, e = datenbank_url_anlegen(f"sqlite:///{Path(tmp) / 'spiff.db'}", Path(tmp))
        benoetigt = (args.paare + 2) * args.stapel // len(s.PFAD) + 2 * s.PfadLauf.GLEICHZEITIG
        lauf = s.PfadLauf(engine, e, SimulierteUhr(START), s.felder_fuer_den_pfad(engine, benoetigt))
        spiff = Spiff(Path(tmp))
        for _ in range(args.stapel):  # aufwärmen, ungezählt
            lauf.naechster()
            spiff.schritt()
        paare = paarweise({"unser": stapel(lauf.naechster, args.stapel)}, stapel(spiff.schritt, args.stapel),
                          args.paare)["unser"]
        lauf.pruefen()
        lauf.schliessen()
        engine.dispose()
    unser = [u * 1000 for u, _ in paare]
    anker = [a * 1000 for _, a in paare]
    verhaeltnis = [a / u for u, a in paare]
    print(f"{args.paare} Paare zu je {args.stapel} Schritten; ms je Schritt, min / Median / max")
    print(f"  unser Schritt (SQLite, mit Commit, jede Art):      {spanne(unser)}")
    print(f"  SpiffWorkflow (JSON laden, Task erledigen, JSON):  {spanne(anker)}")
    print(f"  Verhältnis Spiff/unser je Paar:                    {spanne(verhaeltnis)}")
    print("  Schritte je Art: " + ", ".join(f"{k} {v}" for k, v in sorted(lauf.je_art.items())))
    return ziel(statistics.median(verhaeltnis) >= ZIEL, "Schritt gegen SpiffWorkflow (Zeit Spiff / Zeit unser)",
                werte=verhaeltnis, vorgabe=f"≥ {ZIEL:.1f} ×".replace(".", ","), einheit="×")


if __name__ == "__main__":
    sys.exit(main())
