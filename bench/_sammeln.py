"""``make bench``: jede Bench als eigener Prozess, dann eine Tabelle »Ziel gegen Gemessen«.

Das Protokoll (Zielzeilen ``#ZIEL {...}`` auf stdout) steht im Kopf von ``bench/_gemeinsam.py``.
Endet ≠ 0, wenn ein Ziel verfehlt ist, ein Skript ≠ 0 endet oder ein Skript keine Zielzeile druckt.

    .venv/bin/python bench/_sammeln.py [NAME ...]      # nur diese Benches (ohne .py)
    .venv/bin/python bench/_sammeln.py --laeufe 3 takt # jede Bench dreimal, reihum (make bench LAEUFE=3)
    BENCH_KURZ=1 .venv/bin/python bench/_sammeln.py    # kleinere Runden, wo ein Skript es kennt

Mit ``--laeufe N`` laufen alle gewählten Skripte N-mal reihum (Lauf 1 aller Skripte, dann Lauf 2 …,
damit eine laute Minute nicht alle Läufe eines Skripts trifft). Nach jedem Lauf steht seine Tabelle;
am Ende eine über alle Läufe: je Ziel der Median jedes Laufs, min über alle Werte, Median der
Lauf-Mediane, und in wie vielen Läufen das Ziel erfüllt war. Erfüllt ist ein Ziel nur, wenn es in
jedem Lauf erfüllt war – ein Lauf, der es verfehlt, lässt sich nicht wegmitteln.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ZIELZEILE = "#ZIEL "
NUR_DATEN = {"datensatz"}  # baut den Standard-Datensatz, misst nichts


def skripte(namen: list[str]) -> list[Path]:
    alle = sorted(p for p in BENCH.glob("[!_]*.py") if p.stem not in NUR_DATEN)
    if not namen:
        return alle
    unbekannt = set(namen) - {p.stem for p in alle}
    if unbekannt:
        sys.exit(f"Unbekannte Bench: {', '.join(sorted(unbekannt))}. Vorhanden: {', '.join(p.stem for p in alle)}")
    return [p for p in alle if p.stem in namen]


def ausfuehren(skript: Path) -> tuple[int, list[dict], float]:
    """Führt ein Skript aus, zeigt seine Ausgabe sofort und gibt (Exit-Code, Zielzeilen, Sekunden)."""
    start = time.perf_counter()
    prozess = subprocess.Popen([sys.executable, str(skript)], stdout=subprocess.PIPE, text=True, bufsize=1,
                               cwd=BENCH.parent)
    ziele = []
    for zeile in prozess.stdout:
        if zeile.startswith(ZIELZEILE):
            try:
                ziele.append(json.loads(zeile[len(ZIELZEILE):]))
            except json.JSONDecodeError:
                ziele.append({"name": f"unlesbare Zielzeile: {zeile.strip()[:80]}", "erfuellt": False, "werte": []})
            continue
        print(zeile, end="", flush=True)
    return prozess.wait(), ziele, time.perf_counter() - start


def zahl(x: float, einheit: str) -> str:
    if abs(x) >= 100:
        text = f"{x:,.0f}".replace(",", ".")
    elif abs(x) >= 10:
        text = f"{x:.1f}".replace(".", ",")
    else:
        text = f"{x:.2f}".replace(".", ",")
    return f"{text} {einheit}".strip()


def tabelle(zeilen: list[tuple[str, dict]]) -> list[str]:
    kopf = ("Bench", "Ziel", "Vorgabe", "min", "Median", "erfüllt")
    daten = []
    for bench, z in zeilen:
        werte, einheit = z.get("werte") or [], z.get("einheit", "")
        daten.append((bench, z.get("name", ""), z.get("ziel", ""),
                      zahl(min(werte), einheit) if werte else "–",
                      zahl(statistics.median(werte), einheit) if werte else "–",
                      ("Kennzahl" if z.get("kennzahl") else "ja" if z.get("erfuellt") else "NEIN")
                      + (" (kurz)" if z.get("kurz") else "")))
    return _ausrichten(kopf, daten)


def _ausrichten(kopf: tuple, daten: list[tuple]) -> list[str]:
    breiten = [min(60, max(len(str(r[i])) for r in [kopf, *daten])) for i in range(len(kopf))]
    ausgabe = ["  ".join(str(k).ljust(b) for k, b in zip(kopf, breiten)), "  ".join("-" * b for b in breiten)]
    for r in daten:
        ausgabe.append("  ".join((str(w) if len(str(w)) <= b else str(w)[: b - 1] + "…").ljust(b)
                                 for w, b in zip(r, breiten)))
    return ausgabe


def lauf(skripte_: list[Path]) -> tuple[list[tuple[str, dict]], int]:
    """Führt jedes Skript einmal aus; gibt (Zielzeilen je Bench, Status ≠ 0 bei einem Fehler)."""
    gesammelt: list[tuple[str, dict]] = []
    status = 0
    for skript in skripte_:
        print(f"== {skript.relative_to(BENCH.parent)}", flush=True)
        code, ziele, dauer = ausfuehren(skript)
        print(f"   ({dauer:.0f} s, Exit {code})", flush=True)
        if not ziele:
            ziele = [{"name": f"keine Zielzeile (Exit {code})", "erfuellt": False, "werte": []}]
        if code != 0 and all(z.get("erfuellt") for z in ziele):
            ziele.append({"name": f"Skript endete mit Exit {code}", "erfuellt": False, "werte": []})
        gesammelt.extend((skript.stem, z) for z in ziele)
        status |= code != 0 or not all(z.get("erfuellt") for z in ziele)
    return gesammelt, status


def ueber_laeufe(laeufe: list[list[tuple[str, dict]]]) -> list[str]:
    """Die Tabelle über alle Läufe: je Ziel (Bench und Name) die Mediane der Läufe, min, Median, erfüllt k/N."""
    ziele: dict[tuple[str, str], list[dict]] = {}
    for gesammelt in laeufe:
        for bench, z in gesammelt:
            ziele.setdefault((bench, z.get("name", "")), []).append(z)
    n = len(laeufe)
    kopf = ("Bench", "Ziel", "Vorgabe", *(f"Lauf {i}" for i in range(1, n + 1)), "min", "Median", "erfüllt")
    daten = []
    for (bench, name), zeilen in ziele.items():
        einheit = zeilen[0].get("einheit", "")
        mediane = [statistics.median(z["werte"]) if z.get("werte") else None for z in zeilen]
        alle = [w for z in zeilen for w in z.get("werte") or []]
        gezaehlt = [m for m in mediane if m is not None]
        erfuellt = sum(bool(z.get("erfuellt")) for z in zeilen)
        daten.append((bench, name, zeilen[0].get("ziel", ""),
                      *((zahl(m, einheit) if m is not None else "–") for m in mediane),
                      *("–" for _ in range(n - len(zeilen))),
                      zahl(min(alle), einheit) if alle else "–",
                      zahl(statistics.median(gezaehlt), einheit) if gezaehlt else "–",
                      "Kennzahl" if zeilen[0].get("kennzahl") else f"{'ja' if erfuellt == n else 'NEIN'} ({erfuellt}/{n})"))
    return _ausrichten(kopf, daten)


def main(argumente: list[str]) -> int:
    laeufe_n = 1
    if argumente[:1] == ["--laeufe"]:
        if len(argumente) < 2 or not argumente[1].isdigit() or int(argumente[1]) < 1:
            sys.exit("--laeufe braucht eine Zahl ≥ 1, etwa: bench/_sammeln.py --laeufe 3 takt")
        laeufe_n, argumente = int(argumente[1]), argumente[2:]
    gewaehlt = skripte(argumente)
    laeufe: list[list[tuple[str, dict]]] = []
    status = 0
    for nummer in range(1, laeufe_n + 1):
        if laeufe_n > 1:
            print(f"\n######## Lauf {nummer} von {laeufe_n}", flush=True)
        gesammelt, fehler = lauf(gewaehlt)
        laeufe.append(gesammelt)
        status |= fehler
        print("\nZusammenfassung" + (f" von Lauf {nummer}" if laeufe_n > 1 else "")
              + ": Ziel gegen Gemessen (min und Median über die Runden des Skripts)")
        print("\n".join(tabelle(gesammelt)))
        verfehlt = sum(not z.get("erfuellt") for _, z in gesammelt)
        print(f"\n{len(gesammelt) - verfehlt} von {len(gesammelt)} Zielen erfüllt"
              + (" (BENCH_KURZ: kleinere Runden)" if os.environ.get("BENCH_KURZ") else ""), flush=True)
    if laeufe_n > 1:
        print(f"\nÜber {laeufe_n} Läufe: Median je Lauf, min über alle Werte, Median der Lauf-Mediane")
        print("\n".join(ueber_laeufe(laeufe)))
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
