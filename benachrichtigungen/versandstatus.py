"""Was die Outbox gerade tut, als schlichte Daten: für ``versand status`` und die Webseiten.

``versand_uebersicht(verbindung, jetzt)`` liest in einer Transaktion: die Zahl der Mails je
Status (mit deutscher Bezeichnung), die gescheiterten Mails mit Grund, die beanspruchten
Zeilen mit Halter und Ablauf, den angehaltenen Versand und was auf einen späteren Versuch
wartet. Formatiert wird beim Aufrufer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from benachrichtigungen.outbox import (
    FEHLER_DAUERHAFT,
    FEHLER_VORUEBERGEHEND,
    GESENDET,
    IN_VERSAND,
    VERWORFEN,
    WARTEND,
)
from benachrichtigungen.warteschlange import Pausenstand, Wartende, pause_lesen, wartende
from modelle.tabellen import Outbox

STATUS_BEZEICHNUNG = {
    WARTEND: "wartend",
    IN_VERSAND: "im Versand",
    GESENDET: "gesendet",
    FEHLER_VORUEBERGEHEND: "vorübergehend gescheitert",
    FEHLER_DAUERHAFT: "dauerhaft gescheitert",
    VERWORFEN: "verworfen",
}

_T = Outbox.__table__


@dataclass(frozen=True)
class Statuszahl:
    status: str
    bezeichnung: str
    anzahl: int


@dataclass(frozen=True)
class GescheiterteMail:
    """``naechster_versuch`` nur bei vorübergehend gescheiterten Mails."""

    id: int
    anlass: str
    empfaenger_email: str
    status: str
    bezeichnung: str
    grund: str
    versuche: int
    naechster_versuch: datetime | None


@dataclass(frozen=True)
class BeanspruchteMail:
    """Eine Zeile im Versand: wer sie hält und bis wann; ``abgelaufen``: ihr Halter meldet sich nicht mehr."""

    id: int
    anlass: str
    halter: str
    bis: datetime | None
    abgelaufen: bool


@dataclass(frozen=True)
class Versanduebersicht:
    zahlen: list[Statuszahl]
    gescheitert: list[GescheiterteMail]
    gescheitert_gesamt: int
    beansprucht: list[BeanspruchteMail]
    beansprucht_gesamt: int
    pause: Pausenstand | None
    wartende: Wartende


def versand_uebersicht(verbindung, jetzt: datetime, grenze: int | None = 50) -> Versanduebersicht:
    """Die Outbox im Überblick; Listen nach Nummer, höchstens ``grenze`` Zeilen (``None``: alle).

    ``jetzt`` ist die echte Zeit: an ihr misst sich, ob ein Anspruch abgelaufen ist und was
    erst später wieder versucht wird.
    """
    zahlen = dict(verbindung.execute(select(_T.c.status, func.count()).group_by(_T.c.status)).all())
    gescheitert = _gescheiterte(verbindung, grenze)
    beansprucht = _beanspruchte(verbindung, jetzt, grenze)
    return Versanduebersicht(
        zahlen=[Statuszahl(s, b, zahlen.get(s, 0)) for s, b in STATUS_BEZEICHNUNG.items()],
        gescheitert=gescheitert,
        gescheitert_gesamt=zahlen.get(FEHLER_DAUERHAFT, 0) + zahlen.get(FEHLER_VORUEBERGEHEND, 0),
        beansprucht=beansprucht,
        beansprucht_gesamt=zahlen.get(IN_VERSAND, 0),
        pause=pause_lesen(verbindung),
        wartende=wartende(verbindung, jetzt),
    )


def _gescheiterte(verbindung, grenze: int | None) -> list[GescheiterteMail]:
    abfrage = (select(_T.c.id, _T.c.anlass, _T.c.empfaenger_email, _T.c.status, _T.c.letzter_fehler, _T.c.versuche,
                      _T.c.naechster_versuch)
               .where(_T.c.status.in_((FEHLER_DAUERHAFT, FEHLER_VORUEBERGEHEND))).order_by(_T.c.id).limit(grenze))
    return [GescheiterteMail(z.id, z.anlass, z.empfaenger_email, z.status, STATUS_BEZEICHNUNG[z.status],
                             z.letzter_fehler or "", z.versuche,
                             z.naechster_versuch if z.status == FEHLER_VORUEBERGEHEND else None)
            for z in verbindung.execute(abfrage)]


def _beanspruchte(verbindung, jetzt: datetime, grenze: int | None) -> list[BeanspruchteMail]:
    abfrage = (select(_T.c.id, _T.c.anlass, _T.c.beansprucht_von, _T.c.beansprucht_bis)
               .where(_T.c.status == IN_VERSAND).order_by(_T.c.id).limit(grenze))
    return [BeanspruchteMail(z.id, z.anlass, z.beansprucht_von or "unbekannt", z.beansprucht_bis,
                             z.beansprucht_bis is None or z.beansprucht_bis < jetzt)
            for z in verbindung.execute(abfrage)]
