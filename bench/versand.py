"""Abflussrate der Outbox gegen rohes aiosmtplib, beide an einen aiosmtpd in eigenem Prozess.

Grundlinie: dieselbe Zahl fertiger Mails (schon als Bytes) über 8 wiederverwendete
aiosmtplib-Verbindungen, ohne Datenbank und ohne Darstellung. Engine: dieselbe Zahl Outbox-Zeilen (SQLite-Datei, WAL) beanspruchen,
darstellen (jinja2), als MIME bauen, über ``SmtpTransport`` (8 Verbindungen) senden und
das Ergebnis schreiben. Beide im selben Lauf, abwechselnd; Ziel: Engine ≥ 0,7 × Grundlinie
und ≥ 1.000 Mails/s.

    .venv/bin/python bench/versand.py [ANZAHL]
"""

from __future__ import annotations

import asyncio
import multiprocessing
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


def _server(port: int, bereit) -> None:
    from aiosmtpd.controller import Controller

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


def main() -> int:
    anzahl = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    port = freier_port()
    bereit = multiprocessing.Event()
    server = multiprocessing.Process(target=_server, args=(port, bereit), daemon=True)
    server.start()
    bereit.wait(10)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            engine, e = vorbereiten(anzahl, Path(tmp) / "versand.db", port)
            nachrichten = beispielnachrichten(anzahl)
            roh, eng = [], []
            for _ in range(3):
                roh.append(asyncio.run(grundlinie(nachrichten, port)))
                rate, gesendet = asyncio.run(engine_lauf(engine, e))
                assert gesendet == anzahl, gesendet
                eng.append(rate)
            engine.dispose()
    finally:
        server.terminate()
    r, g = statistics.median(roh), statistics.median(eng)
    print(f"Versand von {anzahl} Mails an aiosmtpd (eigener Prozess), Median aus 3 Läufen:")
    print(f"  Grundlinie rohes aiosmtplib, 8 Verbindungen: {r:8.0f} Mails/s")
    print(f"  Outbox-Versender (Datenbank, Vorlage, MIME):  {g:8.0f} Mails/s")
    print(f"  Verhältnis Engine/Grundlinie: {g / r:.2f} (Ziel ≥ 0,70); Engine ≥ 1.000 Mails/s: {'ja' if g >= 1000 else 'nein'}")
    erreicht = g / r >= 0.7 and g >= 1000
    print("Ziel erreicht" if erreicht else "ZIEL VERFEHLT")
    return 0 if erreicht else 1


if __name__ == "__main__":
    sys.exit(main())
