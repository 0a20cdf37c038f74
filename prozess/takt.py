"""Der Takt: was zu ``jetzt`` fällig ist, wird zu Zeilen; dann wird die Outbox geleert.

Fällig sind: Erinnerungen und Eskalationen, Einladungen (samt Aktualisierung und Absage)
und Statusberichte; dazu leert die Aufbewahrung den Inhalt alter abgeschlossener Mails
(``prozess.versand.aufbewahren``). ``takt(umgebung, jetzt)`` ist idempotent: zweimal zum selben
Zeitpunkt ausgeführt, schreibt es nichts doppelt; zwei Dienste gleichzeitig auch nicht (jede Mail
hat ihren eindeutigen Schlüssel). Der Dienst ruft ihn periodisch auf; Tests und Demo rufen
ihn mit einer simulierten Uhr auf und spulen so Monate in Millisekunden vor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from benachrichtigungen.versand import Versandbericht, Versender
from prozess.einladungen import Einladungsbericht, einladungen_versenden
from prozess.erinnerungen import Erinnerungsbericht, erinnerungen_versenden
from prozess.sitzungen import sitzungen_planen
from prozess.statusbericht import statusberichte_versenden
from prozess.versand import aufbewahren


@dataclass
class Taktbericht:
    erinnerungen: Erinnerungsbericht
    einladungen: Einladungsbericht
    statusberichte: int = 0
    versand: Versandbericht | None = None
    aufbewahrt: int = 0  # Mails, deren Inhalt die Aufbewahrung geleert hat


def takt(umgebung, jetzt: datetime) -> Taktbericht:
    """Schreibt alles Fällige zu ``jetzt`` in die Outbox (ohne zu senden).

    Jeder Teil läuft in seiner eigenen Arbeitseinheit: scheitert einer (etwa eine Vorlage des
    Statusberichts), laufen die anderen trotzdem; danach wird der erste Fehler geworfen, mit
    den übrigen als Anmerkung. Die Erinnerungen laufen in Stapeln, je Stapel eine
    Arbeitseinheit. Geloggt wird hier nichts: das tut, wer den Takt aufruft (der Dienst mit
    Traceback, der Befehl als deutsche Meldung).
    """
    uhr = _feste_uhr(jetzt)  # ein Takt, ein Zeitpunkt: so bleibt jeder Schlüssel stabil
    fehler: list[Exception] = []

    def teil(funktion, ersatz):
        try:
            with umgebung.arbeit(uhr) as arbeit:
                return funktion(arbeit)
        except Exception as f:
            f.add_note(f"Takt: {funktion.__name__} fehlgeschlagen")
            fehler.append(f)
            return ersatz

    bericht = Taktbericht(
        einladungen=teil(einladungen_versenden, Einladungsbericht()),
        statusberichte=len(teil(statusberichte_versenden, [])),
        erinnerungen=Erinnerungsbericht(),
    )
    while True:
        stapel = teil(erinnerungen_versenden, Erinnerungsbericht())
        bericht.erinnerungen.dazu(stapel)
        if not stapel.mehr:
            break
    bericht.aufbewahrt = teil(aufbewahren, 0)
    if fehler:
        erster = fehler[0]
        for weiterer in fehler[1:]:
            erster.add_note(f"Außerdem {weiterer.__notes__[-1]}: {type(weiterer).__name__}: {weiterer}")
        raise erster
    return bericht


def _feste_uhr(jetzt: datetime):
    return lambda: jetzt


def planen(umgebung, jetzt: datetime) -> int:
    """Der Planer: legt die Sitzungen aus dem Rhythmus der Gremien an; Zahl der neuen."""
    with umgebung.arbeit(_feste_uhr(jetzt)) as arbeit:
        return len(sitzungen_planen(arbeit))


def versender(umgebung, transport, uhr=None) -> Versender:
    """Der Versender, verdrahtet: dauerhafte Zustellfehler erfährt das Bildungsmanagement."""
    from prozess.zustellfehler import zustellfehler_melder

    e = umgebung.einstellungen
    return Versender(umgebung.engine, transport, e, zustellfehler_melden=zustellfehler_melder(e), uhr=uhr)


async def outbox_leeren(umgebung, jetzt: datetime, transport=None, uhr=None) -> Versandbericht:
    """Sendet alles Fällige über ``transport`` (Standard: aus den Einstellungen).

    ``uhr`` ist die echte Zeit für die Ansprüche auf Zeilen (Standard: Systemzeit); ``jetzt``
    entscheidet, was fällig ist.
    """
    transport = transport or umgebung.transport()
    async with transport:
        return await versender(umgebung, transport, uhr).leeren(jetzt)


async def takt_und_versand(umgebung, jetzt: datetime, transport=None, uhr=None) -> Taktbericht:
    """Takt und Versand; scheitert ein Teil des Takts, wird trotzdem versandt, dann gemeldet."""
    try:
        bericht = takt(umgebung, jetzt)
    except Exception:
        await outbox_leeren(umgebung, jetzt, transport, uhr)  # was schon vorgemerkt ist, geht trotzdem
        raise
    bericht.versand = await outbox_leeren(umgebung, jetzt, transport, uhr)
    return bericht
