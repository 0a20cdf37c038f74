"""Abflussrate der Outbox gegen rohes aiosmtplib, beide an einen aiosmtpd in eigenem Prozess.

Grundlinie: dieselbe Zahl fertiger Mails (schon als Bytes) über 8 wiederverwendete
aiosmtplib-Verbindungen, ohne Datenbank und ohne Darstellung. Engine: dieselbe Zahl Outbox-Zeilen (SQLite-Datei, WAL) beanspruchen,
darstellen (jinja2), als MIME bauen, über ``SmtpTransport`` (8 Verbindungen) senden und
das Ergebnis schreiben. Beide im selben Lauf, abwechselnd, die Reihenfolge je Runde
getauscht; gedruckt werden min / Median / max.

Die Senke (aiosmtpd) läuft in einem eigenen Prozess, auf einem eigenen Kern, wo die Maschine
mindestens vier hat (``sched_setaffinity``: die Senke auf den letzten Kern, die Messung auf die
anderen; mit weniger Kernen nähme das dem Versender, der mehr als einen Faden nutzt, zu viel). Gemessen wird außerdem ihre CPU-Zeit je Mail und ihre Auslastung (CPU-Zeit durch
Wanduhrzeit) in jeder Messung: ist sie in der Grundlinie gesättigt (≥ 90 % eines Kerns), misst
die Grundlinie die Senke statt des Clients und zöge das Verhältnis gegen 1 – dann gilt das
Ziel als verfehlt. Ziele: Engine ≥ 0,7 × Grundlinie (Median der Verhältnisse je Runde) und
≥ 1.000 Mails/s; Senke in der Grundlinie nicht gesättigt.

    .venv/bin/python bench/versand.py [ANZAHL] [--runden 3]
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

BERLIN = ZoneInfo("Europe/Berlin")
JETZT = datetime(2027, 3, 1, 8, 0, tzinfo=BERLIN)


def _server(port: int, bereit, kern: int | None) -> None:
    from aiosmtpd.controller import Controller

    if kern is not None:
        os.sched_setaffinity(0, {kern})

    class Senke:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    controller = Controller(Senke(), hostname="127.0.0.1", port=port)
    controller.start()
    bereit.set()
    while True:
        time.sleep(3600)


def freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vorbereiten(anzahl: int, pfad: Path, port: int):
    from modelle.datenbank import engine_erstellen, migrieren, orm_session
    from prozess.arbeit import arbeitseinheit
    from prozess.aufgaben import aufgabe_anlegen
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden
    from prozess.rollen import person_per_email

    e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{pfad}", versand="smtp", smtp_host="127.0.0.1",
                               smtp_port=port, smtp_tls="keine", absender="bildungsbuero@lkclp.example")
    engine = engine_erstellen(e.datenbank_url)
    migrieren(engine)
    with orm_session(engine) as s, arbeitseinheit(s, lambda: JETZT, e) as arbeit:
        organisation_laden(arbeit, datei_lesen(WURZEL / "organisationen" / "landkreis-cloppenburg.toml"))
        person = person_per_email(s, "schulleitung@obs-loeningen.example")
        for i in range(anzahl):
            aufgabe_anlegen(arbeit, titel=f"Fehlzeiten melden ({i})", verantwortlich=person, frist=date(2027, 3, 20))
    return engine, e


async def grundlinie(nachrichten, port: int) -> float:
    import aiosmtplib

    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False) for _ in range(8)]
    for c in clients:
        await c.connect()
    warteschlange: asyncio.Queue = asyncio.Queue()
    for n in nachrichten:
        warteschlange.put_nowait(n)
    start = time.perf_counter()

    async def arbeiter(c):
        while not warteschlange.empty():
            n = warteschlange.get_nowait()
            await c.sendmail("bildungsbuero@lkclp.example", ["schulleitung@obs-loeningen.example"], n)

    await asyncio.gather(*(arbeiter(c) for c in clients))
    dauer = time.perf_counter() - start
    for c in clients:
        await c.quit()
    return len(nachrichten) / dauer


async def engine_lauf(engine, e) -> tuple[float, int]:
    from sqlalchemy import update

    from benachrichtigungen.transport_smtp import SmtpTransport
    from benachrichtigungen.versand import Versender
    from modelle.tabellen import Outbox

    with engine.begin() as v:  # alle Zeilen wieder auf "wartend", damit jeder Lauf dieselbe Arbeit hat
        v.execute(update(Outbox).values(status="wartend", naechster_versuch=JETZT, versuche=0))
    transport = SmtpTransport.aus_einstellungen(e)
    async with transport:
        start = time.perf_counter()
        bericht = await Versender(engine, transport, e).leeren(JETZT)
        dauer = time.perf_counter() - start
    return bericht.gesendet / dauer, bericht.gesendet


def beispielnachrichten(anzahl: int):
    from benachrichtigungen.darstellung import darstellen
    from benachrichtigungen.nachricht import adresse, nachricht_bauen
    from tests.benachrichtigungen.test_darstellung import beispielkontext

    d = darstellen("aufgabe_zugewiesen", beispielkontext("aufgabe_zugewiesen"))
    return [nachricht_bauen(betreff=d.betreff, text=d.text, html=d.html,
                            absender=adresse("Bildungsbüro", "bildungsbuero@lkclp.example"),
                            empfaenger=adresse("Thomas Ostendorf", "schulleitung@obs-loeningen.example"),
                            antwort_an=None, message_id=f"<{i}@lkclp.example>", datum=JETZT) for i in range(anzahl)]


def cpu_sekunden(pid: int) -> float:
    """CPU-Zeit (Nutzer + System) eines Prozesses aus /proc, in Sekunden."""
    felder = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(felder[11]) + int(felder[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    import argparse

    from _gemeinsam import spanne, ziel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("anzahl", type=int, nargs="?", default=3000)
    parser.add_argument("--runden", type=int, default=3)
    args = parser.parse_args()
    anzahl = args.anzahl
    kerne = sorted(os.sched_getaffinity(0))
    # Ein eigener Kern für die Senke nur, wenn der Messung danach noch mindestens drei bleiben: der
    # Versender arbeitet mit mehr als einem Faden, auf einem Kern allein maße er weniger als sich.
    kern_senke = kerne[-1] if len(kerne) >= 4 else None
    port = freier_port()
    bereit = multiprocessing.Event()
    server = multiprocessing.Process(target=_server, args=(port, bereit, kern_senke), daemon=True)
    server.start()
    bereit.wait(10)
    if kern_senke is not None:
        os.sched_setaffinity(0, set(kerne[:-1]))
    messungen: dict[str, list[tuple[float, float]]] = {"roh": [], "engine": []}  # (Mails/s, CPU-Sekunden der Senke je Mail · Rate)

    def gemessen(art: str, lauf) -> None:
        cpu, wand = cpu_sekunden(server.pid), time.perf_counter()
        rate = lauf()
        cpu, wand = cpu_sekunden(server.pid) - cpu, time.perf_counter() - wand
        messungen[art].append((rate, cpu / anzahl, cpu / wand))

    try:
        with tempfile.TemporaryDirectory() as tmp:
            engine, e = vorbereiten(anzahl, Path(tmp) / "versand.db", port)
            nachrichten = beispielnachrichten(anzahl)

            def engine_messen() -> float:
                rate, gesendet = asyncio.run(engine_lauf(engine, e))
                assert gesendet == anzahl, gesendet
                return rate

            for runde in range(args.runden):
                paar = [("roh", lambda: asyncio.run(grundlinie(nachrichten, port))), ("engine", engine_messen)]
                for art, lauf in (paar if runde % 2 == 0 else paar[::-1]):
                    gemessen(art, lauf)
                print(f"  Runde {runde + 1}: Grundlinie {messungen['roh'][-1][0]:.0f} Mails/s, Engine "
                      f"{messungen['engine'][-1][0]:.0f} Mails/s", flush=True)
            engine.dispose()
    finally:
        server.terminate()
    roh = [m[0] for m in messungen["roh"]]
    eng = [m[0] for m in messungen["engine"]]
    verhaeltnis = [g / r for g, r in zip(eng, roh)]
    auslastung_roh = [m[2] for m in messungen["roh"]]
    print(f"Versand von {anzahl} Mails an aiosmtpd (eigener Prozess"
          + (f", Kern {kern_senke}; Messung auf Kern {','.join(map(str, kerne[:-1]))}" if kern_senke is not None
             else f", kein eigener Kern: die Maschine hat {len(kerne)}") + f"), {args.runden} Runden, min / Median / max:")
    print(f"  Grundlinie rohes aiosmtplib, 8 Verbindungen: {spanne(roh, '{:.0f}')} Mails/s")
    print(f"  Outbox-Versender (Datenbank, Vorlage, MIME):  {spanne(eng, '{:.0f}')} Mails/s")
    print(f"  Verhältnis Engine/Grundlinie je Runde:       {spanne(verhaeltnis)}")
    for art, name in (("roh", "Grundlinie"), ("engine", "Engine")):
        print(f"  Senke während {name:<10}: CPU {spanne([m[1] * 1e6 for m in messungen[art]], '{:.0f}')} µs je Mail, "
              f"Auslastung {spanne([m[2] for m in messungen[art]], '{:.0%}')} eines Kerns")
    status = ziel(statistics.median(verhaeltnis) >= 0.7, "Versand: Engine gegen rohes aiosmtplib", werte=verhaeltnis,
                  vorgabe="≥ 0,7 ×", einheit="×")
    status |= ziel(statistics.median(eng) >= 1000, "Versand: Mails/s der Engine", werte=eng, vorgabe="≥ 1.000 /s",
                   einheit="/s")
    status |= ziel(max(auslastung_roh) < 0.9, "Versand: Senke in der Grundlinie nicht gesättigt (Auslastung)",
                   werte=[a * 100 for a in auslastung_roh], vorgabe="< 90 %", einheit="%")
    return status


if __name__ == "__main__":
    sys.exit(main())
