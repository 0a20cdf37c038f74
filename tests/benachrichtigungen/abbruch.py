"""Die Abbruch-Kampagne: den Dienst beim Senden mit kill -9 beenden, neu starten, nachzählen.

Eine SMTP-Senke (aiosmtpd) läuft in einem eigenen Prozess und schreibt die Message-ID jeder
angenommenen Mail in eine Datei, bevor sie »250« sagt. Der Dienst (``bildungsbuero dienst``)
läuft als echter Prozess gegen eine Datenbank mit ``anzahl`` wartenden Mails; jeder Abbruch
trifft ihn an einer zufälligen Stelle des Sendens (nach einer zufälligen Zahl neuer Mails an
der Senke). Nach dem letzten Abbruch läuft er, bis jede Zeile gesendet ist.

Gezählt wird gegen die Outbox: verloren ist eine Zeile, deren Message-ID nie ankam; doppelt
ist jede Message-ID, die öfter als einmal ankam. Genutzt vom kurzen Test (5 Abbrüche) und von
``bench/versand_abbruch.py`` (20 Abbrüche, 4.500 Mails).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

WURZEL = Path(__file__).resolve().parents[2]
ORGANISATION = WURZEL / "organisationen" / "landkreis-cloppenburg.toml"
EMPFAENGER = ("schulleitung@obs-loeningen.example", "p.hoemmken@jobcenter-clp.example",
              "f.deeken@ihk-oldenburg.example", "joerg.toebben@lkclp.example")
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


def _senke_laufen(port: int, pfad: str, bereit) -> None:
    """Im eigenen Prozess: nimmt jede Mail an und hängt ihre Message-ID an ``pfad`` an."""
    from aiosmtpd.controller import Controller

    datei = open(pfad, "ab", buffering=0)

    class Senke:
        async def handle_DATA(self, server, session, envelope):
            treffer = _MESSAGE_ID.search(envelope.original_content or envelope.content)
            datei.write((treffer.group(1) if treffer else b"<ohne>") + b"\n")  # vor dem »250«
            return "250 OK"

    controller = Controller(Senke(), hostname="127.0.0.1", port=port)
    controller.start()
    bereit.set()
    while True:  # bis terminate()
        time.sleep(3600)


class Senke:
    """Die SMTP-Senke in einem eigenen Prozess und die Datei der angekommenen Message-IDs."""

    def __init__(self, pfad: Path) -> None:
        from tests.benachrichtigungen.postfach import freier_port

        self.pfad = pfad
        self.pfad.write_bytes(b"")
        self.port = freier_port()
        kontext = multiprocessing.get_context("spawn")
        bereit = kontext.Event()
        self._prozess = kontext.Process(target=_senke_laufen, args=(self.port, str(pfad), bereit), daemon=True)
        self._prozess.start()
        if not bereit.wait(60):
            raise RuntimeError("SMTP-Senke startet nicht")

    def ids(self) -> list[str]:
        inhalt = self.pfad.read_bytes()
        return inhalt[: inhalt.rfind(b"\n") + 1].decode().splitlines()

    def anzahl(self) -> int:
        inhalt = self.pfad.read_bytes()
        return inhalt.count(b"\n")

    def stoppen(self) -> None:
        self._prozess.terminate()
        self._prozess.join(10)


def outbox_fuellen(db_url: str, anzahl: int) -> None:
    """Organisation laden und ``anzahl`` Mails (echte Vorlage) in die Outbox der migrierten Datenbank."""
    from datetime import UTC, datetime

    from benachrichtigungen.outbox import Mail, vormerken
    from modelle.datenbank import engine_erstellen
    from prozess.einstellungen import laden
    from prozess.organisation import datei_lesen, organisation_laden
    from prozess.umgebung import Umgebung
    from tests.benachrichtigungen.test_darstellung import beispielkontext

    jetzt = datetime.now(UTC)
    umgebung = Umgebung(laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": db_url}))
    with umgebung.arbeit(lambda: jetzt) as arbeit:
        organisation_laden(arbeit, datei_lesen(ORGANISATION))
    umgebung.schliessen()
    engine = engine_erstellen(db_url)
    kontext = beispielkontext("aufgabe_zugewiesen")
    mails = [Mail(f"abbruch:{i}", "aufgabe_zugewiesen", "aufgabe_zugewiesen", kontext, EMPFAENGER[i % 4],
                  "Empfänger") for i in range(anzahl)]
    with engine.begin() as v:
        vormerken(v, mails, jetzt, "lkclp.example")
    engine.dispose()


def outbox_lesen(db_url: str) -> list[tuple[str, str]]:
    """(Message-ID, Status) jeder Outbox-Zeile."""
    from sqlalchemy import select

    from modelle.datenbank import engine_erstellen
    from modelle.tabellen import Outbox

    engine = engine_erstellen(db_url)
    with engine.connect() as v:
        zeilen = v.execute(select(Outbox.message_id, Outbox.status)).all()
    engine.dispose()
    return [tuple(z) for z in zeilen]


@dataclass
class Ergebnis:
    kills: int = 0
    zeilen: int = 0
    zugestellt: int = 0
    verloren: int = 0
    doppelt: int = 0
    wieder_aufgenommen: int = 0  # Neustarts nach einem Abbruch, nach denen der Dienst weiter sandte
    bis_zur_ersten_mail: list[float] = field(default_factory=list)  # Sekunden vom kill -9 bis zur ersten neuen Mail
    parallel: int = 8
    protokolle: list[str] = field(default_factory=list)

    @property
    def schranke(self) -> int:
        return self.kills * self.parallel

    def __str__(self) -> str:
        spanne = (f"{min(self.bis_zur_ersten_mail):.1f}–{max(self.bis_zur_ersten_mail):.1f} s"
                  if self.bis_zur_ersten_mail else "–")
        return (f"{self.kills} Abbrüche (kill -9), {self.zeilen} Zeilen, {self.zugestellt} zugestellt, "
                f"{self.verloren} verloren, {self.doppelt} doppelt (Schranke {self.kills} × {self.parallel} = "
                f"{self.schranke}), {self.wieder_aufgenommen} von {self.kills} Neustarts sandten weiter "
                f"(erste neue Mail nach {spanne})")


class Kampagne:
    """Startet den Dienst wiederholt, bricht ihn beim Senden ab und lässt ihn zuletzt zu Ende senden."""

    def __init__(self, db_url: str, verzeichnis: Path, *, anspruch_sekunden: int = 30, parallel: int = 8,
                 zufall: random.Random | None = None) -> None:
        self.db_url = db_url
        self.verzeichnis = verzeichnis
        self.zufall = zufall or random.Random()
        self.senke = Senke(verzeichnis / "message-ids.txt")
        self.befehl = str(Path(sys.executable).parent / "bildungsbuero")
        self.umgebung = {k: v for k, v in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
        self.umgebung.update(
            BILDUNGSBUERO_DATENBANK_URL=db_url, BILDUNGSBUERO_VERSAND="smtp", BILDUNGSBUERO_SMTP_HOST="127.0.0.1",
            BILDUNGSBUERO_SMTP_PORT=str(self.senke.port), BILDUNGSBUERO_SMTP_TLS="keine",
            BILDUNGSBUERO_ABSENDER="bildungsbuero@lkclp.example", BILDUNGSBUERO_TAKT_MINUTEN="1",
            BILDUNGSBUERO_VERSAND_PARALLEL=str(parallel),
            BILDUNGSBUERO_VERSAND_ANSPRUCH_SEKUNDEN=str(anspruch_sekunden), PYTHONUNBUFFERED="1")
        self.ergebnis = Ergebnis(parallel=parallel)
        self._lauf = 0
        self._letzter_kill: float | None = None

    def _starten(self) -> tuple[subprocess.Popen, Path]:
        self._lauf += 1
        protokoll = self.verzeichnis / f"dienst-{self._lauf}.log"
        with protokoll.open("wb") as datei:
            prozess = subprocess.Popen([self.befehl, "dienst"], env=self.umgebung, cwd=self.verzeichnis,
                                       stdout=datei, stderr=subprocess.STDOUT)
        return prozess, protokoll

    def _warten_auf(self, bedingung, prozess: subprocess.Popen, sekunden: float) -> bool:
        ende = time.monotonic() + sekunden
        while time.monotonic() < ende:
            if bedingung():
                return True
            if prozess.poll() is not None:
                return bedingung()
            time.sleep(0.005)
        return False

    def abbrechen(self, kills: int, zeilen: int) -> None:
        """``kills`` mal: starten, auf die erste neue Mail warten, nach zufällig vielen weiteren kill -9."""
        letzter_kill = None
        for runde in range(kills):
            vorher = self.senke.anzahl()
            prozess, protokoll = self._starten()
            try:
                if self._warten_auf(lambda: self.senke.anzahl() > vorher, prozess, 120) and letzter_kill:
                    self.ergebnis.wieder_aufgenommen += 1
                    self.ergebnis.bis_zur_ersten_mail.append(time.monotonic() - letzter_kill)
                rest = max(1, zeilen - vorher)
                ziel = vorher + self.zufall.randint(1, max(1, 2 * rest // (kills - runde + 1)))
                self._warten_auf(lambda: self.senke.anzahl() >= ziel, prozess, 120)
            finally:
                prozess.send_signal(signal.SIGKILL)
                prozess.wait(30)
                letzter_kill = time.monotonic()
            self.ergebnis.kills += 1
            self.ergebnis.protokolle.append(protokoll.read_text(errors="replace"))
        self._letzter_kill = letzter_kill

    def zu_ende_senden(self, sekunden: float = 300) -> None:
        """Ein letzter Start: läuft, bis jede Zeile gesendet ist (der Dienst fasst nach, wenn Ansprüche ablaufen)."""
        vorher = self.senke.anzahl()
        prozess, protokoll = self._starten()
        try:
            if self._warten_auf(lambda: self.senke.anzahl() > vorher, prozess, 120):
                self.ergebnis.wieder_aufgenommen += 1
                if self._letzter_kill is not None:
                    self.ergebnis.bis_zur_ersten_mail.append(time.monotonic() - self._letzter_kill)
            ende = time.monotonic() + sekunden
            while time.monotonic() < ende and prozess.poll() is None:
                if all(status == "gesendet" for _, status in outbox_lesen(self.db_url)):
                    break
                time.sleep(0.2)
        finally:
            prozess.send_signal(signal.SIGTERM)
            try:
                prozess.wait(60)
            except subprocess.TimeoutExpired:
                prozess.kill()
                prozess.wait(10)
            self.ergebnis.protokolle.append(protokoll.read_text(errors="replace"))

    def zaehlen(self) -> Ergebnis:
        zeilen = outbox_lesen(self.db_url)
        angekommen = Counter(self.senke.ids())
        ids = {m for m, _ in zeilen}
        self.ergebnis.zeilen = len(zeilen)
        self.ergebnis.zugestellt = sum(1 for m in ids if angekommen[m])
        self.ergebnis.verloren = len(ids) - self.ergebnis.zugestellt
        self.ergebnis.doppelt = sum(n - 1 for n in angekommen.values() if n > 1)
        return self.ergebnis

    def stoppen(self) -> None:
        self.senke.stoppen()


def kampagne(db_url: str, verzeichnis: Path, *, anzahl: int, kills: int, anspruch_sekunden: int = 30,
             parallel: int = 8, seed: int | None = None) -> Ergebnis:
    """Füllt die Outbox, bricht ``kills`` mal ab, sendet zu Ende und zählt."""
    outbox_fuellen(db_url, anzahl)
    k = Kampagne(db_url, verzeichnis, anspruch_sekunden=anspruch_sekunden, parallel=parallel,
                 zufall=random.Random(seed))
    try:
        k.abbrechen(kills, anzahl)
        k.zu_ende_senden()
        return k.zaehlen()
    finally:
        k.stoppen()
