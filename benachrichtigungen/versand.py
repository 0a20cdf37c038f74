"""Die Outbox leeren: beanspruchen, darstellen, senden, jedes Ergebnis sofort schreiben.

Ein Versender beansprucht kleine Stapel fälliger Zeilen (``warteschlange.beanspruchen``) und
sendet sie über ``transport.parallel`` Arbeiter. Jedes Ergebnis wird geschrieben, sobald der
Server die Mail angenommen (oder abgewiesen) hat: die Ergebnisse, die bis dahin fertig sind,
gehen in *einem* Commit in die Datenbank. Ein Arbeiter baut seine nächste Mail schon, während
sein letztes Ergebnis geschrieben wird, gibt sie dem Server aber erst, wenn es committet ist.
Stirbt der Prozess (kill -9), sind also höchstens ``parallel`` Mails angenommen und nicht
verbucht: nur sie gehen nach dem Neustart ein zweites Mal hinaus.

Ein Herzschlag verlängert den Anspruch auf die gehaltenen Zeilen alle ``versand_anspruch_sekunden``
/ 4; stirbt der Versender, laufen seine Ansprüche nach ``versand_anspruch_sekunden`` ab. Der
Bericht nennt fremde Ansprüche und wann der erste abläuft, damit der Dienst dann nachfasst.

Ergebnisse: gesendet; vorübergehender Fehler → erneuter Versuch mit wachsendem Abstand
(5 min, 10, 20, … höchstens 4 h) bis ``versand_aufgeben_nach_stunden``; dauerhafter Fehler
(dieser Empfänger) → fehler_dauerhaft, und wer es erfahren soll, erfährt es über
``zustellfehler_melden`` (von der Verdrahtung übergeben, in derselben Transaktion);
``AbweisungFuerAlle`` → der Versand hält an (``versandpause``), die Mails bleiben wie sie
waren, und ab dem nächsten fälligen Versuch prüft *eine* Mail, ob die Ursache behoben ist.
Erinnerungen zu Aufgaben, die inzwischen erledigt sind, werden verworfen statt gesendet.

Der Versender loggt keine Zusammenfassung: die meldet, wer ihn aufruft (Befehl oder Dienst), einmal.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable

from sqlalchemy import bindparam, select, update

from benachrichtigungen import warteschlange
from benachrichtigungen.darstellung import darstellen
from benachrichtigungen.nachricht import Datei, adresse, nachricht_bauen
from benachrichtigungen.outbox import FEHLER_DAUERHAFT, FEHLER_VORUEBERGEHEND, GESENDET, IN_VERSAND, VERWORFEN
from benachrichtigungen.transport import AbweisungFuerAlle, DauerhafterFehler, Transport, VoruebergehenderFehler
from benachrichtigungen.warteschlange import FremdeAnsprueche, Pausenstand, Wartende, abstand
from modelle.tabellen import Aufgabe, Gremium, Mailanhang, Outbox, Statusbericht

log = logging.getLogger(__name__)

AUFGABEN_ERINNERUNGEN = ("erinnerung", "heute_faellig", "ueberfaellig", "eskalation")
ANGEHALTEN = "angehalten"  # Ergebnisart: der Server weist jede Mail gleich ab


@dataclass(frozen=True)
class Fehlschlag:
    """Eine dauerhaft gescheiterte Mail, so wie ein Mensch davon erfahren soll."""

    outbox_id: int
    anlass: str
    empfaenger_name: str
    empfaenger_email: str
    betreff: str
    grund: str
    erstellt_am: datetime


Zustellfehlermeldung = Callable[[object, list[Fehlschlag], datetime], None]
"""``melden(verbindung, fehlschlaege, jetzt)``: läuft in der Transaktion, die die Fehlschläge schreibt."""


@dataclass
class Versandbericht:
    gesendet: int = 0
    voruebergehend: int = 0
    dauerhaft: int = 0
    verworfen: int = 0
    pause: Pausenstand | None = None  # der Versand ist angehalten (am Ende dieses Laufs)
    pause_neu: bool = False  # … und dieser Lauf hat ihn angehalten: einmal melden
    pause_beendet: bool = False  # eine Pause ist vorbei, die Prüfung kam durch
    fremd: FremdeAnsprueche | None = None  # Zeilen, die andere Versender halten
    wartend: Wartende | None = None  # Mails, die erst später wieder dran sind

    @property
    def fehlgeschlagen(self) -> bool:
        """Ist etwas nicht zugestellt worden, was dran war (gescheitert oder angehalten)?"""
        return bool(self.voruebergehend or self.dauerhaft or self.pause)

    def __str__(self) -> str:
        text = (f"{self.gesendet} gesendet, {self.voruebergehend} vorübergehend gescheitert (wird wiederholt), "
                f"{self.dauerhaft} dauerhaft gescheitert, {self.verworfen} verworfen")
        if self.pause:
            text += "; Versand angehalten"  # der Grund steht in ``pause.grund``: wer ausgibt, sagt ihn einmal
        return text


@dataclass
class _Ergebnis:
    zeile: object
    art: str  # GESENDET, FEHLER_VORUEBERGEHEND, FEHLER_DAUERHAFT, VERWORFEN, ANGEHALTEN
    fehler: str | None = None


def _systemzeit() -> datetime:
    return datetime.now(timezone.utc)


class Versender:
    """Leert die Outbox über einen Transport; die Datenbank ist die einzige Wahrheit.

    ``uhr`` gibt die echte Zeit für Ansprüche (Standard: Systemzeit), ``schlafen`` wartet
    zwischen zwei Herzschlägen (Standard: ``asyncio.sleep``); beide ersetzen Tests.
    ``stapel``: so viele Zeilen beansprucht ein Griff (Standard: 4 je Verbindung).
    """

    def __init__(self, engine, transport: Transport, einstellungen, *, stapel: int | None = None,
                 zustellfehler_melden: Zustellfehlermeldung | None = None,
                 uhr: Callable[[], datetime] | None = None, halter: str | None = None,
                 schlafen: Callable[[float], Awaitable] = asyncio.sleep):
        self.engine = engine
        self.transport = transport
        self.e = einstellungen
        self.parallel = max(1, transport.parallel)
        self.stapel = stapel or 4 * self.parallel
        self.anspruch = timedelta(seconds=einstellungen.versand_anspruch_sekunden)
        self.melden = zustellfehler_melden
        self.uhr = uhr or _systemzeit
        self.halter = halter or warteschlange.halter_kennung()
        self.schlafen = schlafen

    async def leeren(self, jetzt: datetime) -> Versandbericht:
        """Sendet alles, was zu ``jetzt`` fällig ist; endet, wenn nichts mehr fällig ist."""
        return await _Lauf(self, jetzt).ausfuehren()


class _Lauf:
    """Ein Leeren: gehaltene Zeilen, Vorrat der Arbeiter, gesammelte Ergebnisse, Herzschlag."""

    def __init__(self, versender: Versender, jetzt: datetime):
        self.v = versender
        self.jetzt = jetzt
        self.bericht = Versandbericht()
        self.vorrat: deque = deque()  # beansprucht, noch nicht begonnen
        self.gehalten: set[int] = set()  # beansprucht, Ergebnis noch nicht geschrieben
        self.offen: list[tuple[_Ergebnis, asyncio.Future]] = []  # Ergebnisse, die auf den Commit warten
        self.schreiber: asyncio.Task | None = None
        self.nachschub = asyncio.Lock()  # ein Arbeiter beansprucht für alle
        self.geschrieben = asyncio.Event()  # gesetzt nach jedem Schreiben von Ergebnissen
        self.fertig = False
        self.halt = False  # angehalten oder ein Fehler: keine neue Mail mehr beginnen
        self.angehalten = False  # eine Mail traf eine Abweisung für alle
        self.probe = False  # nach einer Pause: eine Mail prüft, ob die Ursache behoben ist
        self.erledigte: set[int] = set()
        self.berichte: dict = {}
        self.dateien: dict[int, list[Datei]] = {}  # Outbox-Id → ihre Dateien (nur Zeilen mit Dateien)
        self.bericht_dateien: dict[int, list[Datei]] = {}  # Statusbericht-Id → seine Diagramme
        self.absender = None

    # --- Ablauf ----------------------------------------------------------------------------

    async def ausfuehren(self) -> Versandbericht:
        with self.v.engine.connect() as self.verbindung:
            return await self._ausfuehren()

    async def _ausfuehren(self) -> Versandbericht:
        herzschlag = asyncio.create_task(self._herzschlag())
        try:
            pause = self._db(warteschlange.pause_lesen)
            if pause is None or await self._pause_pruefen(pause):
                ergebnisse = await asyncio.gather(*(self._arbeiter() for _ in range(self.v.parallel)),
                                                  return_exceptions=True)
                fehler = [f for f in ergebnisse if isinstance(f, BaseException)]
                if fehler:
                    raise fehler[0]
                self._uebrige_freigeben()
        finally:
            herzschlag.cancel()
            await asyncio.gather(herzschlag, return_exceptions=True)
        if self.angehalten or self.bericht.pause is not None:
            self.bericht.pause = self._db(warteschlange.pause_lesen)
        self.bericht.fremd = self._db(warteschlange.fremde_ansprueche, self.v.halter)
        self.bericht.wartend = self._db(warteschlange.wartende, self.jetzt)
        return self.bericht

    async def _pause_pruefen(self, pause: Pausenstand) -> bool:
        """Der Versand ist angehalten: ist die Prüfung fällig, prüft eine Mail; ``True``: weiter senden."""
        self.bericht.pause = pause
        if pause.naechster_versuch > self.jetzt:
            return False
        self.probe = True
        zeilen = self._beanspruchen(1)
        if not zeilen:
            return False  # nichts, womit sich prüfen ließe; die Pause bleibt
        await self._verbuchen(await self._senden(zeilen[0], self._vorbereiten(zeilen[0])))
        self.probe = False
        return not self.angehalten

    async def _arbeiter(self) -> None:
        """Baut die nächste Mail, während die letzte verbucht wird; sendet sie erst danach."""
        verbucht: asyncio.Future | None = None  # das Ergebnis der letzten Mail dieses Arbeiters
        try:
            while (zeile := await self._naechste()) is not None:
                vorbereitet = self._vorbereiten(zeile)
                if verbucht is not None:
                    await verbucht  # höchstens eine angenommene, nicht verbuchte Mail je Arbeiter
                    verbucht = None
                if self.halt:  # inzwischen angehalten: die gebaute Mail geht nicht hinaus
                    self.vorrat.appendleft(zeile)
                    return
                verbucht = self._verbuchen(await self._senden(zeile, vorbereitet))
            if verbucht is not None:
                await verbucht
        except BaseException:
            self.halt = True  # die anderen beginnen keine Mail mehr, die sich nicht verbuchen ließe
            raise

    async def _naechste(self):
        """Die nächste beanspruchte Zeile; beansprucht nach, wenn der Vorrat leer ist."""
        while not self.halt:
            if self.vorrat:
                return self.vorrat.popleft()
            if self.fertig:
                return None
            async with self.nachschub:
                if not self.vorrat and not self.fertig and not self.halt:
                    zeilen = self._beanspruchen(self.v.stapel)
                    if zeilen:
                        self.vorrat.extend(zeilen)
                    elif self.gehalten:
                        # Noch Ergebnisse unterwegs: sie können neue Mails vormerken (Meldung eines
                        # Zustellfehlers), die in diesen Lauf gehören. Danach erneut beanspruchen.
                        self.geschrieben.clear()
                        await self.geschrieben.wait()
                    else:
                        self.fertig = True
        return None

    async def _herzschlag(self) -> None:
        """Verlängert den Anspruch auf die gehaltenen Zeilen, solange dieser Lauf lebt."""
        takt = self.v.anspruch.total_seconds() / 4
        while True:
            await self.v.schlafen(takt)
            if self.gehalten:
                self._db(warteschlange.verlaengern, set(self.gehalten), self.v.halter, self.v.uhr() + self.v.anspruch)

    def _uebrige_freigeben(self) -> None:
        if self.vorrat:
            ids = [z.id for z in self.vorrat]
            self.vorrat.clear()
            self._db(warteschlange.freigeben, ids, self.v.halter)
            self.gehalten.difference_update(ids)

    def _db(self, funktion, *args):
        """``funktion(verbindung, *args)`` in einer eigenen Transaktion, committet bei der Rückkehr.

        Auf der einen Verbindung dieses Laufs und bewusst im Faden der Schleife: ein Hilfsfaden
        kostete mehr (Wechsel, GIL), als er an Überlappung brachte (bench/versand.py); die
        Arbeiter bauen derweil ohnehin ihre nächste Mail.
        """
        with self.verbindung.begin():
            return funktion(self.verbindung, *args)

    # --- Beanspruchen ----------------------------------------------------------------------

    def _beanspruchen(self, anzahl: int) -> list:
        zeilen = self._db(self._beanspruchen_und_lesen, anzahl)
        self.gehalten.update(z.id for z in zeilen)
        return zeilen

    def _beanspruchen_und_lesen(self, verbindung, anzahl: int) -> list:
        zeilen = warteschlange.beanspruchen(verbindung, self.jetzt, self.v.uhr(), anzahl, self.v.halter,
                                            self.v.anspruch)
        if zeilen:
            self.erledigte |= _erledigte_aufgaben(verbindung, zeilen)
            self.berichte.update(_statusberichte(verbindung, zeilen, self.berichte))
            self.dateien.update(_dateien(verbindung, _T_A.c.outbox_id, {z.id for z in zeilen}))
            neue_berichte = {z.statusbericht_id for z in zeilen if z.statusbericht_id} - set(self.bericht_dateien)
            if neue_berichte:
                self.bericht_dateien.update({b: [] for b in neue_berichte})
                self.bericht_dateien.update(_dateien(verbindung, _T_A.c.statusbericht_id, neue_berichte))
            if self.absender is None:
                self.absender = self._absender(verbindung)
        return zeilen

    def _absender(self, verbindung):
        buero = verbindung.execute(select(Gremium.__table__.c.name, Gremium.__table__.c.email)
                                   .where(Gremium.__table__.c.kuerzel == "bildungsbuero")).first()
        name = buero.name if buero else "Bildungsbüro"
        antwort = adresse(name, buero.email) if buero and buero.email else None
        return adresse(name, self.v.e.absender), antwort

    # --- Senden ----------------------------------------------------------------------------

    def _vorbereiten(self, zeile) -> bytes | _Ergebnis:
        """Die fertige Mail – oder schon das Ergebnis, wenn sie nicht hinausgehen soll oder kann."""
        if zeile.aufgabe_id in self.erledigte and zeile.anlass in AUFGABEN_ERINNERUNGEN:
            return _Ergebnis(zeile, VERWORFEN, "Aufgabe war vor dem Versand erledigt")
        try:
            return self._bauen(zeile)
        except Exception as fehler:  # ein Fehler in einer Vorlage ist unser Fehler: laut melden
            log.error("Outbox %s: Vorlage %s nicht darstellbar: %s", zeile.id, zeile.vorlage, fehler)
            return _Ergebnis(zeile, FEHLER_DAUERHAFT, f"Vorlage nicht darstellbar: {fehler}")

    async def _senden(self, zeile, nachricht: bytes | _Ergebnis) -> _Ergebnis:
        if isinstance(nachricht, _Ergebnis):
            return nachricht
        try:
            await self.v.transport.senden(nachricht, self.v.e.absender, zeile.empfaenger_email)
        except AbweisungFuerAlle as fehler:
            return _Ergebnis(zeile, ANGEHALTEN, str(fehler))
        except VoruebergehenderFehler as fehler:
            return _Ergebnis(zeile, FEHLER_VORUEBERGEHEND, str(fehler))
        except DauerhafterFehler as fehler:
            return _Ergebnis(zeile, FEHLER_DAUERHAFT, str(fehler))
        except Exception as fehler:  # Unerwartetes: nie den ganzen Stapel verlieren, später erneut
            log.error("Outbox %s: unerwarteter Fehler beim Senden (%s)", zeile.id, type(fehler).__name__)
            return _Ergebnis(zeile, FEHLER_VORUEBERGEHEND, f"unerwarteter Fehler: {type(fehler).__name__}")
        return _Ergebnis(zeile, GESENDET)

    def _bauen(self, zeile):
        dateien = self.dateien.get(zeile.id, [])
        if zeile.statusbericht_id:
            dargestellt = self.berichte[zeile.statusbericht_id]
            dateien = self.bericht_dateien.get(zeile.statusbericht_id, []) + dateien
        else:
            dargestellt = darstellen(zeile.vorlage, zeile.kontext)
        absender, antwort_an = self.absender
        return nachricht_bauen(
            betreff=dargestellt.betreff, text=dargestellt.text, html=dargestellt.html,
            absender=absender, empfaenger=adresse(zeile.empfaenger_name, zeile.empfaenger_email),
            antwort_an=antwort_an, message_id=zeile.message_id, datum=self.jetzt,
            kalender=zeile.kalender.encode("utf-8") if zeile.kalender else None,
            kalender_methode=zeile.kalender_methode, dateien=dateien,
        )

    # --- Ergebnisse schreiben --------------------------------------------------------------

    def _verbuchen(self, ergebnis: _Ergebnis) -> asyncio.Future:
        """Gibt das Ergebnis dem Schreiber; die Zusage ist erfüllt, wenn es committet ist. Was bis
        zum nächsten Lauf des Schreibers fertig wird, teilt sich einen Commit."""
        zugesagt = asyncio.get_running_loop().create_future()
        self.offen.append((ergebnis, zugesagt))
        if self.schreiber is None or self.schreiber.done():
            self.schreiber = asyncio.create_task(self._schreiben_solange_offen())
        return zugesagt

    async def _schreiben_solange_offen(self) -> None:
        """Der Schreiber: schreibt, was sich angesammelt hat, bis nichts mehr wartet."""
        while self.offen:
            # Einen Durchlauf der Schleife abwarten: Antworten, die schon da sind, kommen noch in
            # diesen Commit (die Arbeiter bauen derweil ihre nächste Mail, sie warten nicht).
            await asyncio.sleep(0)
            stapel, self.offen = self.offen, []
            self._stapel_schreiben(stapel)

    def _stapel_schreiben(self, stapel: list[tuple[_Ergebnis, asyncio.Future]]) -> None:
        ergebnisse = [e for e, _ in stapel]
        try:
            pause_neu = self._db(self._schreiben, ergebnisse)
        except BaseException as fehler:
            self.halt = True
            for _, zugesagt in stapel:
                zugesagt.set_exception(fehler)
            return
        finally:
            self.geschrieben.set()
        self.gehalten.difference_update(e.zeile.id for e in ergebnisse)
        self._zaehlen(ergebnisse, pause_neu)
        for _, zugesagt in stapel:
            zugesagt.set_result(None)

    def _zaehlen(self, ergebnisse: list[_Ergebnis], pause_neu: bool) -> None:
        for erg in ergebnisse:
            if erg.art == ANGEHALTEN:
                self.halt = self.angehalten = True
            else:
                feld = _BERICHTSFELD[self._endgueltige_art(erg)[0]]
                setattr(self.bericht, feld, getattr(self.bericht, feld) + 1)
        self.bericht.pause_neu |= pause_neu
        if self.probe and not self.angehalten:
            self.bericht.pause, self.bericht.pause_beendet = None, True

    def _endgueltige_art(self, erg: _Ergebnis) -> tuple[str, str | None, datetime]:
        """(Status, Fehler, nächster Versuch) für die Zeile; ein zu alter vorübergehender Fehler gibt auf."""
        z = erg.zeile
        if erg.art in (GESENDET, VERWORFEN):  # der letzte Versuch: ab hier zählt die Aufbewahrung
            return erg.art, erg.fehler, self.jetzt
        if erg.art != FEHLER_VORUEBERGEHEND:
            return erg.art, erg.fehler, z.naechster_versuch
        naechster = self.jetzt + abstand(z.versuche)
        if naechster - (z.eingereiht_am or z.erstellt_am) > timedelta(hours=self.v.e.versand_aufgeben_nach_stunden):
            return FEHLER_DAUERHAFT, f"aufgegeben nach {z.versuche} Versuchen: {erg.fehler}", naechster
        return FEHLER_VORUEBERGEHEND, erg.fehler, naechster

    def _schreiben(self, verbindung, ergebnisse: list[_Ergebnis]) -> bool:
        """Schreibt die Ergebnisse in einer Transaktion; ``True``, wenn dabei der Versand anhielt."""
        werte, dauerhaft, angehalten = [], [], []
        for erg in ergebnisse:
            if erg.art == ANGEHALTEN:
                angehalten.append(erg)
                continue
            art, fehler, naechster = self._endgueltige_art(erg)
            if art == FEHLER_DAUERHAFT:
                dauerhaft.append(self._fehlschlag(erg.zeile, fehler))
            werte.append(dict(b_id=erg.zeile.id, b_status=art, b_fehler=fehler, b_naechster=naechster,
                              b_gesendet=self.jetzt if art == GESENDET else None))
        pause_neu = False
        if werte:
            verbindung.execute(_ERGEBNIS_SCHREIBEN, [{**w, "b_halter": self.v.halter} for w in werte])
        if angehalten:
            warteschlange.freigeben(verbindung, [e.zeile.id for e in angehalten], self.v.halter)
            if self.probe:
                warteschlange.weiter_angehalten(verbindung, self.jetzt, angehalten[0].fehler)
            else:
                pause_neu = warteschlange.anhalten(verbindung, self.jetzt, angehalten[0].fehler)
        elif self.probe:
            warteschlange.fortsetzen(verbindung)
        if dauerhaft and self.v.melden is not None:
            self.v.melden(verbindung, dauerhaft, self.jetzt)
        return pause_neu

    def _fehlschlag(self, zeile, fehler: str | None) -> Fehlschlag:
        return Fehlschlag(zeile.id, zeile.anlass, zeile.empfaenger_name, zeile.empfaenger_email,
                          self._betreff_oder_ersatz(zeile), fehler or "", zeile.erstellt_am)

    def _betreff_oder_ersatz(self, zeile) -> str:
        """Der Betreff der gescheiterten Mail; scheiterte schon die Vorlage, ein Ersatztext."""
        if zeile.statusbericht_id:
            return self.berichte[zeile.statusbericht_id].betreff
        try:
            return darstellen(zeile.vorlage, zeile.kontext).betreff
        except Exception:  # genau das, was beim Senden schon scheiterte; hier nicht noch einmal
            return f"Mail »{zeile.vorlage}« (Nr. {zeile.id}, Vorlage nicht darstellbar)"


_BERICHTSFELD = {GESENDET: "gesendet", FEHLER_VORUEBERGEHEND: "voruebergehend",
                 FEHLER_DAUERHAFT: "dauerhaft", VERWORFEN: "verworfen"}

_T = Outbox.__table__
# Nur wer die Zeile noch hält, schreibt ihr Ergebnis: hat ein anderer sie nach Ablauf des
# Anspruchs übernommen, gilt dessen Ergebnis.
_ERGEBNIS_SCHREIBEN = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"), _T.c.status == IN_VERSAND, _T.c.beansprucht_von == bindparam("b_halter"))
    .values(status=bindparam("b_status"), letzter_fehler=bindparam("b_fehler"),
            naechster_versuch=bindparam("b_naechster", type_=_T.c.naechster_versuch.type),
            gesendet_am=bindparam("b_gesendet", type_=_T.c.gesendet_am.type), beansprucht_bis=None,
            beansprucht_von=None)
)


def _erledigte_aufgaben(verbindung, zeilen) -> set[int]:
    ids = {z.aufgabe_id for z in zeilen if z.aufgabe_id and z.anlass in AUFGABEN_ERINNERUNGEN}
    if not ids:
        return set()
    t = Aufgabe.__table__
    return set(verbindung.execute(select(t.c.id).where(t.c.id.in_(ids), t.c.status != "offen")).scalars())


def _statusberichte(verbindung, zeilen, schon_da: dict) -> dict:
    """Betreff, Text und HTML der Statusberichte dieser Zeilen (einmal gespeichert, oft versandt)."""
    ids = {z.statusbericht_id for z in zeilen if z.statusbericht_id} - set(schon_da)
    if not ids:
        return {}
    t = Statusbericht.__table__
    return {b.id: b for b in verbindung.execute(select(t.c.id, t.c.betreff, t.c.text, t.c.html).where(t.c.id.in_(ids)))}


_T_A = Mailanhang.__table__


def _dateien(verbindung, spalte, ids: set[int]) -> dict[int, list[Datei]]:
    """Die gespeicherten Dateien je Besitzer (Outbox-Zeile oder Statusbericht), in ihrer Reihenfolge."""
    if not ids:
        return {}
    je: dict[int, list[Datei]] = {}
    for z in verbindung.execute(select(spalte, _T_A.c.dateiname, _T_A.c.mime_typ, _T_A.c.inhalt, _T_A.c.content_id)
                                .where(spalte.in_(ids)).order_by(spalte, _T_A.c.position)):
        je.setdefault(z[0], []).append(Datei(z.dateiname, z.mime_typ, bytes(z.inhalt), z.content_id))
    return je


def versand_status(verbindung) -> dict[str, int]:
    """Anzahl der Outbox-Zeilen je Status (``warteschlange.statuszahlen``: zählt die Geschichte nicht)."""
    return warteschlange.statuszahlen(verbindung)
