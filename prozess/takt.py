"""Der Takt: was zu ``jetzt`` fällig ist, wird zu Zeilen; dann wird die Outbox geleert.

``takt(umgebung, jetzt)`` ist idempotent: zweimal zum selben Zeitpunkt ausgeführt, schreibt
es nichts doppelt. Der Dienst ruft ihn periodisch auf; Tests und Demo rufen ihn mit einer
simulierten Uhr auf und spulen so Monate in Millisekunden vor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from benachrichtigungen.versand import Versandbericht, Versender
from prozess.erinnerungen import Erinnerungsbericht, erinnerungen_versenden


@dataclass
class Taktbericht:
    erinnerungen: Erinnerungsbericht
    versand: Versandbericht | None = None


def takt(umgebung, jetzt: datetime) -> Taktbericht:
    """Schreibt alle fälligen Erinnerungen und Eskalationen in die Outbox (ohne zu senden)."""
    with umgebung.sitzung() as s:
        return Taktbericht(erinnerungen_versenden(s, jetzt, umgebung.einstellungen))


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
