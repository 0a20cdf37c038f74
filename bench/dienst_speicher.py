"""Speicher des ruhenden Dienstes (VmRSS) gegen einen ruhenden Python-Interpreter.

Startet ``bildungsbuero dienst`` auf einer frischen SQLite-Datei mit der Cloppenburger
Organisation (Maildir in einem temporären Verzeichnis), wartet bis »Dienst läuft«, lässt
ihn 3 s ruhen und liest ``/proc/PID/status``. Grundlinie im selben Lauf: ein Python-
Interpreter, der nur schläft. Kein festes Ziel; die Zahl gehört in den Abschlussbericht.

    .venv/bin/python bench/dienst_speicher.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _gemeinsam import WURZEL, kennzahl

BEFEHL = Path(sys.executable).parent / "bildungsbuero"


def rss_kib(pid: int) -> int:
    for zeile in Path(f"/proc/{pid}/status").read_text().splitlines():
        if zeile.startswith("VmRSS:"):
            return int(zeile.split()[1])
    raise RuntimeError("VmRSS nicht gefunden")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
        umgebung.update(BILDUNGSBUERO_DATENBANK_URL=f"sqlite:///{tmp}/dienst.db",
                        BILDUNGSBUERO_MAILDIR_PFAD=f"{tmp}/maildir", PYTHONUNBUFFERED="1")
        subprocess.run([str(BEFEHL), "init"], env=umgebung, check=True, capture_output=True)
        subprocess.run([str(BEFEHL), "organisation", "laden", str(WURZEL / "organisationen" / "landkreis-cloppenburg.toml")],
                       env=umgebung, check=True, capture_output=True)
        dienst = subprocess.Popen([str(BEFEHL), "dienst"], env=umgebung, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        basis = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            for zeile in dienst.stdout:
                if "Dienst läuft" in zeile:
                    break
            time.sleep(3)  # ruhen lassen: gemessen wird der Dienst zwischen zwei Takten
            d, b = rss_kib(dienst.pid), rss_kib(basis.pid)
        finally:
            dienst.terminate()
            dienst.communicate(timeout=30)
            basis.kill()
    print(f"Ruhender Dienst: {d / 1024:6.1f} MiB RSS; ruhender Python-Interpreter: {b / 1024:6.1f} MiB; "
          f"Verhältnis {d / b:.1f}")
    return kennzahl("Ruhender Dienst: RSS", [d / 1024], "MiB") | kennzahl("Ruhender Dienst: RSS gegen Python", [d / b], "×")


if __name__ == "__main__":
    sys.exit(main())
