"""Der Dienst ``bildungsbuero dienst``: weckt die Engine, mehr nicht.

APScheduler 3.x mit Speicher-Jobstore: die Jobs werden bei jedem Start neu angelegt, nichts
Wichtiges liegt gepickelt in einer Jobtabelle – die Wahrheit steht in der Datenbank
(Aufgaben mit ihrem nächsten Erinnerungszeitpunkt, Sitzungen, Outbox). Zwei Jobs:

- der Takt alle ``takt_minuten`` Minuten: Einladungen, Statusberichte, Erinnerungen
  vormerken, dann die Outbox leeren;
- der Planer täglich um 04:10 Uhr: Sitzungen aus dem Rhythmus der Gremien anlegen.

Beim Start laufen beide einmal sofort (nach einer Pause wird nachgeholt, je Aufgabe nur die
dringendste Erinnerung). ``coalesce=True`` und ``misfire_grace_time=None``: verpasste Läufe
werden zu einem zusammengefasst und nie verworfen. Zwischen 02:00 und 03:00 Uhr Ortszeit
ist nichts geplant: in der Nacht der Zeitumstellung gibt es diese Stunde nicht oder doppelt.
SIGTERM und SIGINT lassen den laufenden Job zu Ende laufen, dann endet der Dienst.
Zwei Dienste auf einer PostgreSQL-Datenbank senden nichts doppelt (Schlüssel der Outbox,
beanspruchen per bedingtem UPDATE).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Callable

log = logging.getLogger("bildungsbuero.dienst")


def takt_ausfuehren(umgebung, jetzt_geben: Callable) -> None:
    """Ein Takt mit Versand; Fehler werden geloggt, der Dienst läuft weiter."""
    from prozess.takt import takt_und_versand

    try:
        bericht = asyncio.run(takt_und_versand(umgebung, jetzt_geben(), uhr=jetzt_geben))
    except Exception:
        log.exception("Takt fehlgeschlagen; der nächste Takt versucht es erneut")
        return
    erinnerungen = sum(bericht.erinnerungen.mails.values())
    if erinnerungen or bericht.einladungen.mails or bericht.statusberichte or bericht.versand.gesendet \
            or bericht.versand.voruebergehend or bericht.versand.dauerhaft:
        # Nur Zahlen: keine Namen, keine Adressen im Log.
        log.info("Takt: %s Erinnerungen, %s Einladungen, %s Statusberichte; Versand: %s", erinnerungen,
                 bericht.einladungen.mails, bericht.statusberichte, bericht.versand)


def planer_ausfuehren(umgebung, jetzt_geben: Callable) -> None:
    from prozess.takt import planen

    try:
        neu = planen(umgebung, jetzt_geben())
    except Exception:
        log.exception("Sitzungsplanung fehlgeschlagen; morgen erneut")
        return
    if neu:
        log.info("Planer: %s neue Sitzungen angelegt", neu)


def planer_einrichten(umgebung, jetzt_geben: Callable, scheduler_klasse=None):
    """Legt den Scheduler mit beiden Jobs an (gestartet wird er vom Aufrufer)."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    e = umgebung.einstellungen
    zone = e.zeitzone
    scheduler = (scheduler_klasse or BlockingScheduler)(
        timezone=zone,
        jobstores={"default": MemoryJobStore()},
        # Ein Arbeiter: Takt und Planer laufen nie gleichzeitig in einem Dienst.
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
    )
    scheduler.add_job(takt_ausfuehren, CronTrigger(minute=f"*/{e.takt_minuten}", hour="0-1,3-23", timezone=zone),
                      args=(umgebung, jetzt_geben), id="takt", name="Takt", replace_existing=True)
    scheduler.add_job(planer_ausfuehren, CronTrigger(hour=4, minute=10, timezone=zone),
                      args=(umgebung, jetzt_geben), id="planer", name="Sitzungsplaner", replace_existing=True)
    return scheduler


def dienst_starten(umgebung, jetzt_geben: Callable) -> int:
    """Läuft, bis SIGTERM oder SIGINT kommt; gibt den Exit-Code zurück.

    Der Scheduler läuft im Hintergrund, der Hauptfaden wartet auf ein Signal; danach wartet
    ``shutdown(wait=True)``, bis der laufende Job fertig ist. So kann ein Signal zu keinem
    Zeitpunkt verloren gehen, auch nicht während des Nachholens beim Start.
    """
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = planer_einrichten(umgebung, jetzt_geben, BackgroundScheduler)
    ende = threading.Event()

    def beenden(signum, _frame) -> None:
        log.info("Signal %s: beende nach dem laufenden Job", signal.Signals(signum).name)
        ende.set()

    signal.signal(signal.SIGTERM, beenden)
    signal.signal(signal.SIGINT, beenden)
    log.info("Dienst startet: Takt alle %s Minuten, Planer täglich 04:10 Uhr (%s)",
             umgebung.einstellungen.takt_minuten, umgebung.einstellungen.zeitzone)
    # Vorlagen vor dem ersten Takt laden: sonst zahlt der erste Statusbericht ihr Übersetzen.
    from benachrichtigungen.darstellung import vorlagen_vorbereiten

    vorlagen_vorbereiten()
    # Nachholen nach einer Pause, bevor der erste reguläre Takt kommt.
    planer_ausfuehren(umgebung, jetzt_geben)
    takt_ausfuehren(umgebung, jetzt_geben)
    if not ende.is_set():
        scheduler.start()
        log.info("Dienst läuft")
        ende.wait()
        scheduler.shutdown(wait=True)
    umgebung.schliessen()
    log.info("Dienst beendet")
    return 0
