"""Antwortzeiten der Webseiten des Büros unter 10 gleichzeitigen Clients, gegen ``/lebt`` derselben App.

Der Server ist ``bildungsbuero web`` als eigener Prozess (uvicorn, wie im Betrieb, mit seinem
Log) auf einer Kopie des Standard-Datensatzes (``bench/datensatz.py``, SQLite, 1.000 Felder,
20.000 Aufgaben, 1 Mio. gesendete Mails). Angemeldet ist das Bildungsmanagement mit einer
Websitzung, die dieses Skript vorher anlegt (wie nach dem Einlösen eines Anmeldelinks).

Gemessen werden drei Adressen, jede mit ``--clients`` Fäden (je ein ``httpx.Client`` mit
Keep-Alive), die ``--sekunden`` lang ohne Pause eine Anfrage nach der anderen schicken:

    /lebt                         die triviale Route derselben App (Grundlinie des Durchsatzes)
    /                             die Übersicht (Felder nach Zustand, überfällige Aufgaben,
                                  nächste Sitzungen, gescheiterte Mails)
    /handlungsfelder/ID           das Feld in der Steuerungsprüfung mit dem längsten Verlauf

Vorher läuft jede Adresse eine Sekunde ungezählt. Dann ``--runden`` Runden, die Reihenfolge
rotiert je Runde. Gedruckt werden je Adresse Median/p95/max der Antwortzeit (über alle
gezählten Anfragen) und der Durchsatz (Median der Runden) sowie das Verhältnis zum Durchsatz
von ``/lebt``, dazu die CPU-Zeit des Servers je Anfrage (Benutzer + System aller seiner Prozesse,
aus ``/proc``, über alle gezählten Anfragen): sie hängt kaum davon ab, was sonst auf der Maschine
läuft, die Antwortzeiten sehr; darum steht die Last der Maschine (``/proc/loadavg``, 1 Minute) vor und
nach der Messung dabei. Jede Antwort muss 200 sein, sonst bricht die Messung ab.
Ziele: p95 ≤ 100 ms, Durchsatz ≥ 0,2 × ``/lebt``; verfehlt, endet das Skript mit 1.

Client und Server teilen sich die Maschine: der Durchsatz von ``/lebt`` ist auch durch die
Clients begrenzt, das Verhältnis vergleicht darum gleiche Bedingungen.

Mit ``--prozesse N`` läuft der Server mit ``web_prozesse = N`` (uvicorn-Worker an einem Port).

    .venv/bin/python bench/web.py [--massstab 1] [--clients 10] [--sekunden 5] [--runden 3] [--prozesse 1]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _gemeinsam import MANAGEMENT, zahl, ziel
from befehle import felder
from datensatz import bereitstellen

BEFEHL = Path(sys.executable).parent / "bildungsbuero"
ZIEL_P95_MS = 100
ZIEL_VERHAELTNIS = 0.2


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def websitzung_anlegen(url: str) -> str:
    """Eine Websitzung des Bildungsmanagements (8 Stunden gültig); das Token für das Cookie."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import create_engine, insert, select

    from modelle.anmeldung import Websitzung
    from modelle.tabellen import Person
    from prozess.anmeldung import neues_token, token_hash

    token, jetzt = neues_token(), datetime.now(timezone.utc)
    engine = create_engine(url)
    with engine.begin() as v:
        person_id = v.execute(select(Person.id).where(Person.email == MANAGEMENT)).scalar_one()
        v.execute(insert(Websitzung).values(token_hash=token_hash(token), person_id=person_id, erstellt_am=jetzt,
                                            gueltig_bis=jetzt + timedelta(hours=8)))
    engine.dispose()
    return token


def cpu_sekunden(pid: int) -> float:
    """CPU-Zeit (Benutzer + System) des Prozesses ``pid`` und aller seiner lebenden Kinder, aus ``/proc`` (Linux)."""
    takt = os.sysconf("SC_CLK_TCK")
    gesamt, offen = 0.0, [pid]
    while offen:
        p = offen.pop()
        try:
            felder = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            gesamt += (int(felder[11]) + int(felder[12])) / takt  # utime, stime
            for faden in Path(f"/proc/{p}/task").iterdir():
                offen += [int(k) for k in (faden / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # inzwischen beendet
    return gesamt


class Server:
    """``bildungsbuero web`` als Kindprozess; endet mit SIGTERM."""

    def __init__(self, url: str, verzeichnis: Path, prozesse: int = 1) -> None:
        self.port = freier_port()
        umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
        umgebung.update(BILDUNGSBUERO_DATENBANK_URL=url, BILDUNGSBUERO_WEB_PORT=str(self.port),
                        BILDUNGSBUERO_BASIS_URL=f"http://127.0.0.1:{self.port}", BILDUNGSBUERO_WEB_PROZESSE=str(prozesse))
        self.log = open(verzeichnis / "web.log", "wb")
        self.prozess = subprocess.Popen([str(BEFEHL), "web"], env=umgebung, cwd=verzeichnis, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.adresse = f"http://127.0.0.1:{self.port}"

    def bereit(self, frist_s: float = 60) -> None:
        import httpx

        ende = time.monotonic() + frist_s
        while time.monotonic() < ende:
            if self.prozess.poll() is not None:
                raise SystemExit(f"bildungsbuero web endete mit {self.prozess.returncode}; siehe {self.log.name}")
            try:
                if httpx.get(f"{self.adresse}/lebt", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit(f"bildungsbuero web antwortet nach {frist_s:.0f} s nicht")

    def beenden(self) -> None:
        self.prozess.terminate()
        self.prozess.wait(timeout=30)
        self.log.close()


def last(adresse: str, pfad: str, token: str, clients: int, sekunden: float,
         server_pid: int | None = None) -> tuple[list[float], float, float]:
    """``clients`` Fäden fragen ``sekunden`` lang ``pfad``; (Antwortzeiten in s, Anfragen je s, CPU-Sekunden des
    Servers ``server_pid`` in der Zeit, 0 ohne)."""
    import httpx

    zeiten: list[list[float]] = [[] for _ in range(clients)]
    fehler: list[str] = []
    start = threading.Barrier(clients + 1)

    def client(nummer: int) -> None:
        with httpx.Client(base_url=adresse, cookies={"bb_sitzung": token}, timeout=30) as c:
            start.wait()
            eigene, ende = zeiten[nummer], time.perf_counter() + sekunden
            try:
                while time.perf_counter() < ende:
                    t0 = time.perf_counter()
                    antwort = c.get(pfad)
                    eigene.append(time.perf_counter() - t0)
                    if antwort.status_code != 200:
                        fehler.append(f"{pfad}: {antwort.status_code}")
                        return
            except Exception as ausnahme:  # noqa: BLE001 – gemeldet nach dem Lauf
                fehler.append(f"{pfad}: {ausnahme!r}")

    faeden = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for f in faeden:
        f.start()
    start.wait()  # jeder Client hat seine Verbindung gebaut; ab hier zählt die Zeit
    cpu_vorher = cpu_sekunden(server_pid) if server_pid else 0.0
    beginn = time.perf_counter()
    for f in faeden:
        f.join()
    dauer = time.perf_counter() - beginn
    cpu = cpu_sekunden(server_pid) - cpu_vorher if server_pid else 0.0
    if fehler:
        raise SystemExit(f"Antwort nicht 200: {fehler[0]}")
    alle = [z for eigene in zeiten for z in eigene]
    return alle, len(alle) / dauer, cpu


def p95(werte: list[float]) -> float:
    return statistics.quantiles(werte, n=20)[18]


def main() -> int:
    teiler = argparse.ArgumentParser(description="Übersicht und Feldseite unter Last gegen /lebt.")
    teiler.add_argument("--massstab", type=float, default=1.0, help="Maßstab des Standard-Datensatzes (Standard 1)")
    teiler.add_argument("--clients", type=int, default=10, help="gleichzeitige Clients (Standard 10)")
    teiler.add_argument("--sekunden", type=float, default=5.0, help="Dauer je Messung (Standard 5)")
    teiler.add_argument("--runden", type=int, default=3, help="Runden je Adresse (Standard 3)")
    teiler.add_argument("--prozesse", type=int, default=1, help="web_prozesse des Servers (Standard 1)")
    args = teiler.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        verzeichnis = Path(tmp)
        url = f"sqlite:///{verzeichnis / 'bench.db'}"
        bereitstellen(url, args.massstab)
        feld_id, _ = felder(url)
        token = websitzung_anlegen(url)
        adressen = {"/lebt": "/lebt", "Übersicht": "/", "Feldseite": f"/handlungsfelder/{feld_id}"}
        server = Server(url, verzeichnis, args.prozesse)
        last_vorher = os.getloadavg()[0]
        try:
            server.bereit()
            for pfad in adressen.values():  # aufwärmen, ungezählt
                last(server.adresse, pfad, token, args.clients, 1.0)
            zeiten: dict[str, list[float]] = {n: [] for n in adressen}
            raten: dict[str, list[float]] = {n: [] for n in adressen}
            cpu: dict[str, float] = {n: 0.0 for n in adressen}
            namen = list(adressen)
            for runde in range(args.runden):
                for name in namen[runde % len(namen):] + namen[:runde % len(namen)]:
                    z, r, c = last(server.adresse, adressen[name], token, args.clients, args.sekunden,
                                   server.prozess.pid)
                    zeiten[name] += z
                    raten[name].append(r)
                    cpu[name] += c
        finally:
            server.beenden()

    print(f"{args.clients} Clients, {args.runden} Runden zu {args.sekunden:g} s je Adresse, web_prozesse "
          f"{args.prozesse}; Feldseite: Feld {feld_id}; Last der Maschine {last_vorher:.2f} vorher, "
          f"{os.getloadavg()[0]:.2f} nachher (1 Minute, {os.cpu_count()} Kerne)".replace(".", ","))
    grundlinie = statistics.median(raten["/lebt"])
    erreicht = True
    for name in adressen:
        z, rate = zeiten[name], statistics.median(raten[name])
        verhaeltnis = rate / grundlinie
        print(f"{name:<10} Median {statistics.median(z) * 1000:6.1f} ms  p95 {p95(z) * 1000:6.1f} ms  "
              f"max {max(z) * 1000:6.1f} ms  {zahl(rate):>6} Anfragen/s  Verhältnis zu /lebt {verhaeltnis:.2f}  "
              f"Server-CPU {cpu[name] / len(z) * 1000:5.2f} ms/Anfrage  ({zahl(len(z))} Anfragen)")
        if name != "/lebt":
            # Werte für die Tabelle von make bench: das p95 über alle gezählten Anfragen, das Verhältnis je Runde.
            erreicht &= ziel(p95(z) * 1000 <= ZIEL_P95_MS, f"  {name}: p95 ≤ {ZIEL_P95_MS} ms", werte=[p95(z) * 1000],
                             vorgabe=f"≤ {ZIEL_P95_MS} ms", einheit="ms") == 0
            je_runde = [r / g for r, g in zip(raten[name], raten["/lebt"])]
            erreicht &= ziel(verhaeltnis >= ZIEL_VERHAELTNIS,
                             f"  {name}: Durchsatz ≥ {ZIEL_VERHAELTNIS:.1f} × /lebt".replace(".", ","), werte=je_runde,
                             vorgabe=f"≥ {ZIEL_VERHAELTNIS:.1f} ×".replace(".", ","), einheit="×") == 0
    return 0 if erreicht else 1


if __name__ == "__main__":
    sys.exit(main())
