"""Der Dienst: Jobs und Zeiten, Nachholen nach einer Pause, zwei Dienste, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from modelle.tabellen import Outbox
from prozess.aufgaben import aufgabe_anlegen
from prozess.dienst import planer_einrichten
from prozess.rollen import person_per_email
from prozess.takt import planen, takt_und_versand
from tests.conftest import BERLIN, ORGANISATION

SCHULEN = ["schulleitung@obs-loeningen.example", "p.hoemmken@jobcenter-clp.example", "f.deeken@ihk-oldenburg.example"]


def test_der_takt_laeuft_nie_zwischen_zwei_und_drei_uhr_und_holt_verpasstes_zusammengefasst_nach():
    from apscheduler.schedulers.background import BackgroundScheduler

    from prozess.einstellungen import laden

    umgebung = type("Umgebung", (), {"einstellungen": laden(umgebung={})})()
    scheduler = planer_einrichten(umgebung, lambda: None, BackgroundScheduler)
    scheduler.start(paused=True)  # nur damit die Jobs ihre Voreinstellungen bekommen; es läuft nichts
    try:
        takt, planer = scheduler.get_job("takt"), scheduler.get_job("planer")
    finally:
        scheduler.shutdown(wait=False)
    for job in (takt, planer):
        assert (job.coalesce, job.misfire_grace_time, job.max_instances) == (True, None, 1)
    # Über die Nacht der Umstellung auf Sommerzeit (28.03.2027) und zurück (31.10.2027):
    for tag in (date(2027, 3, 28), date(2027, 10, 31)):
        zeitpunkt = datetime(tag.year, tag.month, tag.day, 0, 0, tzinfo=BERLIN) - timedelta(minutes=1)
        stunden = set()
        for _ in range(24 * 12 + 12):
            zeitpunkt = takt.trigger.get_next_fire_time(None, zeitpunkt + timedelta(seconds=1))
            stunden.add(zeitpunkt.astimezone(BERLIN).hour)
        assert 2 not in stunden and {0, 1, 3, 23} <= stunden


def _auftraege(umgebung, jetzt: datetime, anzahl: int) -> None:
    with umgebung.arbeit(lambda: jetzt) as arbeit:
        for i in range(anzahl):
            aufgabe_anlegen(arbeit, titel=f"Bericht {i + 1}", verantwortlich=person_per_email(arbeit.db, SCHULEN[i % 3]),
                            frist=jetzt.date() + timedelta(days=10 + 9 * i))


def _lauf(umgebung, jetzt):
    planen(umgebung, jetzt)
    return asyncio.run(takt_und_versand(umgebung, jetzt))


def test_nach_drei_tagen_pause_geht_jedes_faellige_genau_einmal(smtp_umgebung, smtp_server):
    start = datetime(2027, 1, 11, 7, 30, tzinfo=BERLIN)
    _auftraege(smtp_umgebung, start, 6)
    tag = start
    while tag < datetime(2027, 1, 28, tzinfo=BERLIN):
        _lauf(smtp_umgebung, tag)
        tag += timedelta(days=1)
    vorher = len(smtp_server.postfach.mails)
    # Pause vom 28. bis 30. Januar; Neustart am 31. um 7:30, dann ein zweiter Takt 5 Minuten später.
    # In der Pause fällig: Aufgabe 1 (Frist 21.01.) die wöchentliche Überfällig-Mail am 28.;
    # Aufgabe 2 (Frist 30.01.) die 1-Tag-Erinnerung am 29. und der Fristtag am 30. – davon geht
    # nur die dringendste, und sie sagt, was am 31. gilt: überfällig seit einem Tag.
    _lauf(smtp_umgebung, datetime(2027, 1, 31, 7, 30, tzinfo=BERLIN))
    _lauf(smtp_umgebung, datetime(2027, 1, 31, 7, 35, tzinfo=BERLIN))
    neu = smtp_server.postfach.mails[vorher:]
    betreffe = [m["Subject"] for m in neu]
    # Über 8 Verbindungen zugleich gesendet: die Reihenfolge am Server ist beliebig.
    assert sorted(betreffe) == ["Überfällig seit 1 Tag: Bericht 2", "Überfällig seit 10 Tagen: Bericht 1"]
    assert sorted(m["To"].addresses[0].addr_spec for m in neu) == sorted(SCHULEN[:2])
    ids = smtp_server.postfach.message_ids()
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_zwei_dienste_auf_postgresql_senden_ueber_ein_jahr_nichts_doppelt(smtp_umgebung, smtp_server):
    from prozess.umgebung import Umgebung

    start = datetime(2027, 1, 4, 7, 30, tzinfo=BERLIN)
    _auftraege(smtp_umgebung, start, 30)
    # Der Test liest am Ende den Inhalt der Einladungen eines ganzen Jahres: länger aufbewahren, als
    # der Standard (versand_aufbewahrung_tage) es täte, sonst hätte der Takt ihn längst geleert.
    einstellungen = smtp_umgebung.einstellungen.mit(versand_aufbewahrung_tage=3650)
    erster, zweiter = Umgebung(einstellungen), Umgebung(einstellungen)
    fehler: list[BaseException] = []
    tag = start
    while tag < datetime(2028, 1, 4, tzinfo=BERLIN):
        schranke = threading.Barrier(2, timeout=60)

        def dienst(umgebung, jetzt=tag):
            try:
                schranke.wait()
                _lauf(umgebung, jetzt)
            except BaseException as f:  # im Test sammeln, nicht im Faden verlieren
                fehler.append(f)

        faeden = [threading.Thread(target=dienst, args=(u,)) for u in (erster, zweiter)]
        for f in faeden:
            f.start()
        for f in faeden:
            f.join(timeout=120)
        tag += timedelta(days=2)
    erster.schliessen()
    zweiter.schliessen()
    assert not fehler, fehler
    with smtp_umgebung.db_session() as s:
        zeilen = s.exec(select(Outbox)).all()
    assert {z.status for z in zeilen} == {"gesendet"}
    ids = smtp_server.postfach.message_ids()
    assert len(ids) == len(set(ids)) == len(zeilen)
    arten = Counter(z.anlass for z in zeilen)
    assert arten["einladung"] > 0 and arten["statusbericht"] > 0 and arten["ueberfaellig"] > 0
    # Jede Einladung genau einmal je Person und Sitzung:
    einladungen = Counter((z.empfaenger_email, z.kontext["sitzung"]["id"]) for z in zeilen if z.anlass == "einladung")
    assert set(einladungen.values()) == {1}


def test_der_dienst_endet_auf_sigterm_nach_dem_laufenden_job(tmp_path):
    befehl = Path(sys.executable).parent / "bildungsbuero"
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung.update(BILDUNGSBUERO_DATENBANK_URL=f"sqlite:///{tmp_path / 'dienst.db'}",
                    BILDUNGSBUERO_MAILDIR_PFAD=str(tmp_path / "maildir"), PYTHONUNBUFFERED="1")
    for argumente in (["init"], ["organisation", "laden", str(ORGANISATION)]):
        subprocess.run([str(befehl), *argumente], env=umgebung, check=True, capture_output=True)
    prozess = subprocess.Popen([str(befehl), "dienst"], env=umgebung, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    zeilen = []
    try:
        for zeile in prozess.stdout:
            zeilen.append(zeile)
            if "Dienst läuft" in zeile:
                break
        prozess.terminate()
        rest, _ = prozess.communicate(timeout=30)
    finally:
        prozess.kill()
    ausgabe = "".join(zeilen) + rest
    assert prozess.returncode == 0, ausgabe
    assert "Signal SIGTERM: beende nach dem laufenden Job" in ausgabe
    assert "Dienst beendet" in ausgabe
    assert "Planer:" in ausgabe  # beim Start wurden die Sitzungen geplant
    assert "@" not in ausgabe  # keine Adressen im Log


RELAY = "554 5.7.1 <schulleitung@obs-loeningen.example>: Relay access denied"


def test_ein_angehaltener_versand_wird_einmal_gemeldet_ohne_adressen(smtp_umgebung, smtp_server, caplog):
    from prozess.dienst import takt_ausfuehren

    start = datetime(2027, 1, 11, 7, 30, tzinfo=BERLIN)
    _auftraege(smtp_umgebung, start, 3)
    for schulleitung in SCHULEN:
        smtp_server.postfach.immer[schulleitung] = RELAY.replace("schulleitung@obs-loeningen.example", schulleitung)
    caplog.set_level("INFO", logger="bildungsbuero.dienst")
    for minuten in (0, 1, 6, 30):  # angehalten; nicht dran; Prüfung scheitert; Prüfung scheitert
        takt_ausfuehren(smtp_umgebung, lambda m=minuten: start + timedelta(minutes=m))
    fehler = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(fehler) == 1
    assert fehler[0].getMessage().startswith(
        "Versand angehalten: Der SMTP-Server 127.0.0.1:")
    assert "leitet nicht weiter (554 5.7.1 <Adresse>: Relay access denied)" in fehler[0].getMessage()
    assert not any("@" in r.getMessage() for r in caplog.records)
    assert not smtp_server.postfach.mails

    smtp_server.postfach.immer.clear()
    takt_ausfuehren(smtp_umgebung, lambda: start + timedelta(hours=2))
    meldungen = [r.getMessage() for r in caplog.records]
    assert "Versand läuft wieder: die Ursache der Pause ist behoben." in meldungen
    assert len(smtp_server.postfach.mails) == 3


def test_mails_eines_toten_versenders_werden_zum_ablauf_seines_anspruchs_nachgefasst(smtp_umgebung, smtp_server):
    from apscheduler.schedulers.background import BackgroundScheduler

    from benachrichtigungen.warteschlange import beanspruchen
    from prozess.dienst import nachfassen_planen, takt_ausfuehren, versand_nachfassen

    start = datetime(2027, 1, 11, 7, 30, tzinfo=BERLIN)
    _auftraege(smtp_umgebung, start, 3)
    anspruch = timedelta(seconds=smtp_umgebung.einstellungen.versand_anspruch_sekunden)
    with smtp_umgebung.engine.begin() as v:  # ein Dienst beanspruchte sie und starb (kill -9)
        assert len(beanspruchen(v, start, start, 10, "rechner:4711:tot", anspruch)) == 3

    scheduler = planer_einrichten(smtp_umgebung, lambda: start, BackgroundScheduler)
    nachfassen = nachfassen_planen(scheduler, smtp_umgebung, lambda: start)
    scheduler.start(paused=True)  # es läuft nichts; nur die Jobs werden angesehen
    try:
        takt_ausfuehren(smtp_umgebung, lambda: start + timedelta(seconds=5), nachfassen)
        job = scheduler.get_job("versand_nachfassen")
        assert job.next_run_time == start + anspruch + timedelta(seconds=1)
        assert not smtp_server.postfach.mails
    finally:
        scheduler.shutdown(wait=False)
    geplant = []
    versand_nachfassen(smtp_umgebung, lambda: start + anspruch + timedelta(seconds=1), geplant.append)
    assert len(smtp_server.postfach.mails) == 3
    assert geplant == []  # niemand hält mehr etwas: kein weiteres Nachfassen


def test_ein_takt_gegen_eine_unerreichbare_datenbank_loggt_eine_deutsche_zeile(caplog):
    from prozess.dienst import takt_ausfuehren
    from prozess.einstellungen import laden
    from prozess.umgebung import Umgebung

    umgebung = Umgebung(laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": "postgresql+psycopg://bb@127.0.0.1:1/bb"}))
    caplog.set_level("INFO", logger="bildungsbuero.dienst")
    try:
        takt_ausfuehren(umgebung, lambda: datetime(2027, 1, 11, 7, 30, tzinfo=BERLIN))
    finally:
        umgebung.schliessen()
    (meldung,) = caplog.records
    assert meldung.levelname == "ERROR" and meldung.exc_info is None
    assert meldung.getMessage().startswith("Takt fehlgeschlagen: die Datenbank ist nicht erreichbar (connection "
                                           "failed: ")
    assert meldung.getMessage().endswith("Der nächste Takt versucht es erneut.")
