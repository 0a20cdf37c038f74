"""Der Takt: was zu ``jetzt`` fällig ist, wird zu Zeilen; dann wird die Outbox geleert.

Fällig sind: Erinnerungen und Eskalationen, Einladungen (samt Aktualisierung und Absage)
und Statusberichte. ``takt(umgebung, jetzt)`` ist idempotent: zweimal zum selben Zeitpunkt
ausgeführt, schreibt es nichts doppelt; zwei Dienste gleichzeitig auch nicht (jede Mail
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


@dataclass
class Taktbericht:
    erinnerungen: Erinnerungsbericht
    einladungen: Einladungsbericht
    statusberichte: int = 0
    versand: Versandbericht | None = None


def takt(umgebung, jetzt: datetime) -> Taktbericht:
    """Schreibt alles Fällige in die Outbox (ohne zu senden)."""
    e = umgebung.einstellungen
    with umgebung.sitzung() as s:
        einladungen = einladungen_versenden(s, jetzt, e)
        berichte = statusberichte_versenden(s, jetzt, e)
        erinnerungen = erinnerungen_versenden(s, jetzt, e)
    return Taktbericht(erinnerungen, einladungen, len(berichte))


def planen(umgebung, jetzt: datetime) -> int:
    """Der Planer: legt die Sitzungen aus dem Rhythmus der Gremien an; Zahl der neuen."""
    with umgebung.sitzung() as s:
        return len(sitzungen_planen(s, jetzt, umgebung.einstellungen))


async def outbox_leeren(umgebung, jetzt: datetime, transport=None) -> Versandbericht:
    """Sendet alles Fällige über ``transport`` (Standard: aus den Einstellungen)."""
    from benachrichtigungen.transport import transport_aus_einstellungen

    transport = transport or transport_aus_einstellungen(umgebung.einstellungen)
    async with transport:
        return await Versender(umgebung.engine, transport, umgebung.einstellungen).leeren(jetzt)


async def takt_und_versand(umgebung, jetzt: datetime, transport=None) -> Taktbericht:
    bericht = takt(umgebung, jetzt)
    bericht.versand = await outbox_leeren(umgebung, jetzt, transport)
    return bericht
