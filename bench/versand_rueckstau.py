"""Ein Rückstau nach einem Ausfall: 100.000 fällige Mails in ein Maildir leeren, in linearer Zeit.

Die Outbox (SQLite-Datei, WAL) hält eine Geschichte gesendeter Mails und einen Rückstau
fälliger: neue (``wartend``) und erneut zu versuchende (``fehler_voruebergehend``), fällig
über die letzten zwei Tage verteilt, wie nach einem Ausfall des Mailservers. Der Versender
leert ihn mit dem Maildir-Transport (ein Arbeiter, Stapel zu 4 Zeilen: so viele Ansprüche wie
möglich, jeder einzelne zählt). Gemessen wird die Zeit jeder gesendeten Mail; verglichen wird
die Rate des letzten Zehntels mit der des ersten im selben Lauf.

Früher sortierte jeder Anspruch alle fälligen Zeilen (``MULTI-INDEX OR`` und ``USE TEMP
B-TREE FOR ORDER BY``): ein Stapel kostete so viel, wie noch im Rückstau lag, und das Leeren
wurde quadratisch. Ziel: letztes Zehntel ≥ 0,8 × so schnell wie das erste. Danach wird geprüft,
dass jede Mail genau einmal im Maildir liegt und jede Zeile gesendet ist.

    .venv/bin/python bench/versand_rueckstau.py [--anzahl 100000] [--geschichte 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mailbox
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

WURZEL = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(WURZEL))

from _gemeinsam import spanne, zahl, ziel  # noqa: E402

JETZT = datetime(2027, 3, 1, 7, 0, tzinfo=timezone.utc)
ZIEL = 0.8


class ZeitnehmenderTransport:
    """Der Maildir-Transport, der die Zeit jeder angenommenen Mail festhält."""

    def __init__(self, innen):
        self.innen = innen
        self.parallel = innen.parallel
        self.zeiten: list[float] = []
        self.cpu: list[float] = []

    async def __aenter__(self):
        await self.innen.__aenter__()
        return self

    async def __aexit__(self, *exc):
        await self.innen.__aexit__(*exc)

    async def senden(self, nachricht: bytes, absender: str, empfaenger: str) -> None:
        await self.innen.senden(nachricht, absender, empfaenger)
        self.zeiten.append(time.perf_counter())
        self.cpu.append(time.process_time())


def vorbereiten(pfad: Path, anzahl: int, geschichte: int):
    """Migriert, lädt die Organisation und schreibt Geschichte und Rückstau (ein INSERT … SELECT je Teil)."""
    from sqlmodel import Session

    from modelle.datenbank import engine_erstellen, migrieren
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden
    from tests.benachrichtigungen.test_darstellung import beispielkontext

    e = laden(umgebung={}).mit(datenbank_url=f"sqlite:///{pfad}", versand="maildir",
                               maildir_pfad=str(pfad.parent / "maildir"), absender="bildungsbuero@lkclp.example")
    engine = engine_erstellen(e.datenbank_url)
    migrieren(engine)
    with Session(engine) as db, arbeitseinheit(db, lambda: JETZT, e) as arbeit:
        organisation_laden(arbeit, datei_lesen(WURZEL / "organisationen" / "landkreis-cloppenburg.toml"))
    engine.dispose()
    kontext = json.dumps(beispielkontext("aufgabe_zugewiesen"))
    fmt = "%Y-%m-%d %H:%M:%S.000000"
    with sqlite3.connect(pfad) as roh:
        teile = [
            # Geschichte: gesendet, Wochen bis Monate alt.
            (geschichte, "'gesendet'", f"datetime('{(JETZT - timedelta(days=200)).strftime(fmt)}', '+' || (n % 190) || ' days')"),
            # Rückstau: fällig in den letzten zwei Tagen, ein Drittel schon einmal gescheitert.
            (anzahl, "CASE WHEN n % 3 = 0 THEN 'fehler_voruebergehend' ELSE 'wartend' END",
             f"datetime('{(JETZT - timedelta(days=2)).strftime(fmt)}', '+' || (n * 172800 / {max(anzahl, 1)}) || ' seconds')"),
        ]
        versatz = 0
        for menge, status, zeit in teile:
            roh.execute(f"""
                WITH RECURSIVE zahlen(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM zahlen WHERE n < {menge})
                INSERT INTO outbox (schluessel, anlass, vorlage, kontext, empfaenger_email, empfaenger_name,
                                    message_id, status, versuche, naechster_versuch, erstellt_am, gesendet_am)
                SELECT 'rueckstau:' || (n + {versatz}), 'aufgabe_zugewiesen', 'aufgabe_zugewiesen', ?,
                       'schulleitung@obs-loeningen.example', 'Thomas Ostendorf',
                       '<' || (n + {versatz}) || '@lkclp.example>', {status}, CASE WHEN n % 3 = 0 THEN 1 ELSE 0 END,
                       {zeit}, {zeit}, CASE WHEN {status} = 'gesendet' THEN {zeit} END
                FROM zahlen""", (kontext,))
            versatz += menge
        roh.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return e


async def leeren(e) -> tuple[object, ZeitnehmenderTransport, float, float]:
    from benachrichtigungen.transport_maildir import MaildirTransport
    from benachrichtigungen.versand import Versender
    from modelle.datenbank import engine_erstellen

    engine = engine_erstellen(e.datenbank_url)
    transport = ZeitnehmenderTransport(MaildirTransport(e.maildir_pfad))
    try:
        async with transport:
            start, cpu_start = time.perf_counter(), time.process_time()
            bericht = await Versender(engine, transport, e, uhr=lambda: JETZT).leeren(JETZT)
    finally:
        engine.dispose()
    return bericht, transport, start, cpu_start


def main() -> int:
    teiler = argparse.ArgumentParser(description="Einen Rückstau von Mails in ein Maildir leeren.")
    teiler.add_argument("--anzahl", type=int, default=100_000, help="fällige Mails im Rückstau (Standard 100.000)")
    teiler.add_argument("--geschichte", type=int, default=100_000, help="gesendete Mails davor (Standard 100.000)")
    args = teiler.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "rueckstau.db"
        start = time.perf_counter()
        e = vorbereiten(pfad, args.anzahl, args.geschichte)
        print(f"Outbox: {zahl(args.geschichte)} gesendete Mails, {zahl(args.anzahl)} fällig im Rückstau "
              f"(bereit nach {time.perf_counter() - start:.1f} s)", flush=True)
        bericht, transport, beginn, cpu_beginn = asyncio.run(leeren(e))
        zeiten, cpu = transport.zeiten, transport.cpu
        im_maildir = len(mailbox.Maildir(e.maildir_pfad, create=False))
        with sqlite3.connect(pfad) as roh:
            status = dict(roh.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    gesamt = zeiten[-1] - beginn if zeiten else 0.0
    zehntel = max(1, len(zeiten) // 10)
    # Rate eines Zehntels: seine Mails durch die Zeit von der letzten Mail davor bis zu seiner letzten.
    erstes = zehntel / (zeiten[zehntel - 1] - beginn)
    letztes = zehntel / (zeiten[-1] - zeiten[-zehntel - 1])
    # Dasselbe in CPU-Zeit dieses Prozesses: auf einer belasteten Maschine wartet er auch auf den
    # Prozessor, und die Last anderer ändert sich zwischen erstem und letztem Zehntel.
    cpu_erstes = zehntel / (cpu[zehntel - 1] - cpu_beginn)
    cpu_letztes = zehntel / (cpu[-1] - cpu[-zehntel - 1])
    # Zur Form der Kurve: die Rate jedes Zehntels.
    grenzen = [beginn] + [zeiten[min(len(zeiten) - 1, (k + 1) * zehntel - 1)] for k in range(10)]
    raten = [zehntel / (b - a) for a, b in zip(grenzen, grenzen[1:])]
    print(f"Geleert: {bericht} in {gesamt:.1f} s ({zahl(len(zeiten) / gesamt)} Mails/s); im Maildir: {zahl(im_maildir)}")
    print(f"Rate je Zehntel (Mails/s), min / Median / max: {spanne(raten, '{:.0f}')}")
    print("  " + "  ".join(f"{r:.0f}" for r in raten))
    print(f"Erstes Zehntel: {erstes:.0f} Mails/s, letztes: {letztes:.0f} Mails/s; Verhältnis {letztes / erstes:.2f} "
          f"(Ziel ≥ {ZIEL:.2f})")
    print(f"Nach CPU-Zeit: erstes {cpu_erstes:.0f} Mails/s, letztes {cpu_letztes:.0f} Mails/s; "
          f"Verhältnis {cpu_letztes / cpu_erstes:.2f}")
    richtig = (bericht.gesendet == args.anzahl == im_maildir
               and status.get("gesendet") == args.anzahl + args.geschichte and len(status) == 1)
    if not richtig:
        print(f"FALSCH: gesendet {bericht.gesendet}, im Maildir {im_maildir}, Status {status}")
    return ziel(richtig and letztes / erstes >= ZIEL,
                f"Rückstau von {zahl(args.anzahl)} Mails: letztes Zehntel gegen erstes",
                werte=[letztes / erstes], vorgabe=f"≥ {ZIEL:.1f} ×".replace(".", ","), einheit="×")


if __name__ == "__main__":
    sys.exit(main())
