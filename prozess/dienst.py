"""Der Dienst ``bildungsbuero dienst``: weckt die Engine, mehr nicht.

APScheduler 3.x mit Speicher-Jobstore: die Jobs werden bei jedem Start neu angelegt, nichts
Wichtiges liegt gepickelt in einer Jobtabelle – die Wahrheit steht in der Datenbank
(Aufgaben mit ihrem nächsten Erinnerungszeitpunkt, Sitzungen, Outbox). Zwei Jobs:

- der Takt alle ``takt_minuten`` Minuten: Einladungen, Statusberichte, Erinnerungen
  vormerken, dann die Outbox leeren;
- der Planer täglich um 04:10 Uhr: Sitzungen aus dem Rhythmus der Gremien anlegen;
- ein Nachfassen des Versands, einmalig, wenn Mails noch einem anderen Versender gehören:
  zum Ablauf seines Anspruchs. Starb er (kill -9), sendet der Dienst sie dann, statt bis
  zum nächsten Takt zu warten.

Ein angehaltener Versand (der Server weist jede Mail gleich ab) wird einmal als Fehler
geloggt, wenn er beginnt, und einmal, wenn er endet; die Mails bleiben in der Outbox.

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
import re
import signal
import sys
from datetime import datetime, timedelta
from typing import Callable

log = logging.getLogger("bildungsbuero.dienst")

Nachfassen = Callable[[datetime], None]
"""``nachfassen(wann)``: plant einen Versand zu diesem Zeitpunkt (einmalig)."""


def takt_ausfuehren(umgebung, jetzt_geben: Callable, nachfassen: Nachfassen | None = None) -> None:
    """Ein Takt mit Versand; Fehler werden geloggt, der Dienst läuft weiter."""
    from prozess.takt import takt_und_versand

    bericht = _asynchron("Takt", takt_und_versand(umgebung, jetzt_geben(), uhr=jetzt_geben))
    if bericht is None:
        return
    erinnerungen = sum(bericht.erinnerungen.mails.values())
    if erinnerungen or bericht.einladungen.mails or bericht.statusberichte:
        # Nur Zahlen: keine Namen, keine Adressen im Log.
        log.info("Takt: %s Erinnerungen, %s Einladungen, %s Statusberichte", erinnerungen,
                 bericht.einladungen.mails, bericht.statusberichte)
    versand_melden(bericht.versand, nachfassen)


def versand_nachfassen(umgebung, jetzt_geben: Callable, nachfassen: Nachfassen | None = None) -> None:
    """Nur der Versand (ohne Takt): für Mails, deren Anspruch eben abgelaufen ist."""
    from prozess.takt import outbox_leeren

    bericht = _asynchron("Versand", outbox_leeren(umgebung, jetzt_geben(), uhr=jetzt_geben))
    if bericht is not None:
        versand_melden(bericht, nachfassen)


def _asynchron(was: str, aufruf):
    """Führt ``aufruf`` aus; bei einem Fehler wird er geloggt und ``None`` zurückgegeben."""
    try:
        return asyncio.run(aufruf)
    except Exception as fehler:
        _fehler_loggen(was, fehler)
        return None


def versand_melden(bericht, nachfassen: Nachfassen | None) -> None:
    """Loggt den Versand einmal (nur Zahlen) und plant das Nachfassen für fremde Ansprüche."""
    if bericht.pause_neu:
        log.error("Versand angehalten: %s Die Mails bleiben in der Outbox; nach dem Beheben sendet der "
                  "Dienst sie von selbst (erste Prüfung in 5 Minuten) oder sofort mit »bildungsbuero versand "
                  "senden --sofort«.", ohne_adressen(bericht.pause.grund))
    if bericht.pause_beendet:
        log.info("Versand läuft wieder: die Ursache der Pause ist behoben.")
    if bericht.gesendet or bericht.voruebergehend or bericht.dauerhaft or bericht.verworfen:
        stufe = logging.WARNING if bericht.voruebergehend or bericht.dauerhaft else logging.INFO
        log.log(stufe, "Versand: %s", bericht)
    if nachfassen is not None and bericht.fremd is not None and bericht.fremd.frei_ab is not None:
        # Gehört eine Mail einem toten Versender, ist sie gleich nach Ablauf seines Anspruchs dran.
        nachfassen(bericht.fremd.frei_ab + timedelta(seconds=1))


def ohne_adressen(text: str) -> str:
    """Ersetzt E-Mail-Adressen (etwa in einer Antwort des Servers) für das Log."""
    return re.sub(r"[^\s<>()\"',;:]+@[^\s<>()\"',;:]+", "Adresse", text)


def _fehler_loggen(was: str, fehler: Exception, weiter: str = "Der nächste Takt versucht es erneut.") -> None:
    """Bekannte Fehler als eine deutsche Zeile, alles andere mit Traceback."""
    from sqlalchemy.exc import OperationalError

    from prozess.fehler import Fachfehler

    if isinstance(fehler, Fachfehler):
        log.error("%s fehlgeschlagen: %s %s", was, fehler, weiter)
    elif isinstance(fehler, OperationalError):
        log.error("%s fehlgeschlagen: die Datenbank ist nicht erreichbar (%s). %s", was,
                  str(fehler.orig).splitlines()[0] if fehler.orig else type(fehler).__name__, weiter)
    else:
        log.exception("%s fehlgeschlagen. %s", was, weiter)


def planer_ausfuehren(umgebung, jetzt_geben: Callable) -> None:
    from prozess.takt import planen

    try:
        neu = planen(umgebung, jetzt_geben())
    except Exception as fehler:
        _fehler_loggen("Sitzungsplanung", fehler, "Morgen um 04:10 Uhr erneut.")
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
    nachfassen = nachfassen_planen(scheduler, umgebung, jetzt_geben)
    scheduler.add_job(takt_ausfuehren, CronTrigger(minute=f"*/{e.takt_minuten}", hour="0-1,3-23", timezone=zone),
                      args=(umgebung, jetzt_geben, nachfassen), id="takt", name="Takt", replace_existing=True)
    scheduler.add_job(planer_ausfuehren, CronTrigger(hour=4, minute=10, timezone=zone),
                      args=(umgebung, jetzt_geben), id="planer", name="Sitzungsplaner", replace_existing=True)
    return scheduler


def nachfassen_planen(scheduler, umgebung, jetzt_geben: Callable) -> Nachfassen:
    """``nachfassen(wann)`` legt *einen* Job »Versand nachfassen« an (ein späterer ersetzt ihn)."""
    from apscheduler.triggers.date import DateTrigger

    def nachfassen(wann: datetime) -> None:
        scheduler.add_job(versand_nachfassen, DateTrigger(run_date=wann), args=(umgebung, jetzt_geben, nachfassen),
                          id="versand_nachfassen", name="Versand nachfassen", replace_existing=True)

    return nachfassen


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
    nachfassen = nachfassen_planen(scheduler, umgebung, jetzt_geben)
    ende = threading.Event()

    def beenden(signum, _frame) -> None:
        log.info("Signal %s: beende nach dem laufenden Job", signal.Signals(signum).name)
        ende.set()

    signal.signal(signal.SIGTERM, beenden)
    signal.signal(signal.SIGINT, beenden)
    log.info("Dienst startet: Takt alle %s Minuten, Planer täglich 04:10 Uhr (%s)",
             umgebung.einstellungen.takt_minuten, umgebung.einstellungen.zeitzone)
    # Vorlagen und die Abfragen des Statusberichts vor dem ersten Takt übersetzen: sonst zahlt der
    # erste Statusbericht das Übersetzen (bench/statusbericht.py misst den ersten Bericht).
    from benachrichtigungen.darstellung import vorlagen_vorbereiten
    from prozess.statusbericht import abfragen_vorbereiten

    vorlagen_vorbereiten()
    abfragen_vorbereiten(umgebung.engine)
    # Nachholen nach einer Pause, bevor der erste reguläre Takt kommt.
    planer_ausfuehren(umgebung, jetzt_geben)
    takt_ausfuehren(umgebung, jetzt_geben, nachfassen)
    if not ende.is_set():
        scheduler.start()
        log.info("Dienst läuft")
        ende.wait()
        scheduler.shutdown(wait=True)
    umgebung.schliessen()
    log.info("Dienst beendet")
    return 0
