"""Die Outbox lesen: Zahlen je Status mit lesbaren Namen, die gescheiterten Mails mit Grund,
die Zeilen im Versand mit Halter und Ablauf, ein angehaltener Versand und was auf einen
späteren Versuch wartet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, literal_column, select

from benachrichtigungen.warteschlange import Pausenstand, Wartende, pause_lesen, statuszahlen, wartende
from modelle.direkt import direkt
from modelle.tabellen import Outbox
from prozess.ansichten import STANDARD_GRENZE, Seite, begrenzen, gesamtzahl, seite_werte, seitenweise
from prozess.arbeit import Arbeit

STATUS_BEZEICHNUNG = {
    "wartend": "wartend",
    "in_versand": "im Versand",
    "gesendet": "gesendet",
    "fehler_voruebergehend": "vorübergehend gescheitert",
    "fehler_dauerhaft": "dauerhaft gescheitert",
    "verworfen": "verworfen",
}
GESCHEITERT = ("fehler_dauerhaft", "fehler_voruebergehend")


@dataclass(frozen=True)
class Statuszahl:
    """Wie viele Mails in einem Status sind; ``bezeichnung`` ist der Name für Menschen."""

    status: str
    bezeichnung: str
    anzahl: int


@dataclass(frozen=True)
class GescheiterteMail:
    id: int
    anlass: str
    empfaenger: str
    fehler: str
    versuche: int
    dauerhaft: bool
    naechster_versuch: datetime | None


@dataclass(frozen=True)
class BeanspruchteMail:
    """Eine Zeile im Versand: wer sie hält und bis wann; ``abgelaufen``: ihr Halter meldet sich nicht mehr
    (ein anderer Versender übernimmt sie beim nächsten Versand)."""

    id: int
    anlass: str
    halter: str
    bis: datetime | None
    abgelaufen: bool


@dataclass(frozen=True)
class Versanduebersicht:
    """Zahlen je Status, Gescheiterte und Zeilen im Versand (je eine Seite), Pause, Wartende."""

    zahlen: list[Statuszahl]
    gescheitert: Seite[GescheiterteMail]
    beansprucht: Seite[BeanspruchteMail]
    pause: Pausenstand | None
    wartende: Wartende


def versand_uebersicht(arbeit: Arbeit, *, grenze: int | None = STANDARD_GRENZE, versatz: int = 0) -> Versanduebersicht:
    """Je Status die Zahl der Mails (alle Status, auch mit 0), die gescheiterten und die Zeilen im
    Versand (älteste zuerst), den angehaltenen Versand und die Mails, die auf einen späteren Versuch
    warten. Ob ein Anspruch abgelaufen ist, misst sich an ``arbeit.jetzt`` (der echten Zeit).

    Die Kosten wachsen mit den Mails, die unterwegs oder gescheitert sind, nicht mit der Geschichte:
    gesendete und verworfene zählt die Datenbank mit (``warteschlange.statuszahlen``)."""
    t = Outbox.__table__.c
    db = arbeit.db
    jetzt = arbeit.jetzt
    gezaehlt = statuszahlen(arbeit.verbindung())
    gesamt = sum(gezaehlt.get(s, 0) for s in GESCHEITERT)
    beansprucht = db.execute(begrenzen(
        select(t.id, t.anlass, t.beansprucht_von, t.beansprucht_bis).where(t.status == "in_versand").order_by(t.id),
        grenze, versatz)).all()
    return Versanduebersicht(
        zahlen=[Statuszahl(s, b, gezaehlt.get(s, 0)) for s, b in STATUS_BEZEICHNUNG.items()],
        gescheitert=gescheiterte_mails(arbeit, grenze=grenze, versatz=versatz, gesamt=gesamt),
        beansprucht=Seite([BeanspruchteMail(i, a, h or "unbekannt", b, b is None or b < jetzt)
                           for i, a, h, b in beansprucht], gezaehlt.get("in_versand", 0), versatz),
        pause=pause_lesen(arbeit.verbindung()),
        wartende=wartende(arbeit.verbindung(), jetzt),
    )


def gescheiterte_mails(arbeit: Arbeit, *, grenze: int | None = STANDARD_GRENZE, versatz: int = 0,
                       gesamt: int | None = None) -> Seite[GescheiterteMail]:
    """Nur die gescheiterten Mails (älteste zuerst), mit Grund: für die Übersicht, die nicht jede Zeile
    der Outbox zählen soll (gezählt wird über den Index auf ``status``)."""
    v = arbeit.verbindung()
    zeilen = direkt(_gescheiterte_anweisung(grenze is not None)).zeilen(v, seite_werte(grenze, versatz))
    if gesamt is None:
        gesamt = gesamtzahl(zeilen, grenze, versatz, lambda: direkt(_GESCHEITERTE_ZAEHLEN).wert(v))
    return Seite([GescheiterteMail(i, a, e, f or "", v, s == "fehler_dauerhaft", None if s == "fehler_dauerhaft" else n)
                  for i, a, e, f, v, s, n in zeilen], gesamt, versatz)


_T = Outbox.__table__.c
# Die Werte stehen in der SQL (feste Texte aus GESCHEITERT): ein IN mit Platzhaltern klappt SQLAlchemy
# bei jeder Ausführung neu auf, und modelle.direkt führt solche Anweisungen nicht aus.
_IST_GESCHEITERT = _T.status.in_([literal_column(f"'{s}'") for s in GESCHEITERT])
_GESCHEITERTE_ZAEHLEN = select(func.count()).select_from(Outbox.__table__).where(_IST_GESCHEITERT)


@lru_cache(maxsize=2)
def _gescheiterte_anweisung(mit_grenze: bool):
    """Die gescheiterten Mails nach Nummer, einmal gebaut; Platzhalter ``grenze``, ``versatz``."""
    return seitenweise(select(_T.id, _T.anlass, _T.empfaenger_email, _T.letzter_fehler, _T.versuche, _T.status,
                              _T.naechster_versuch).where(_IST_GESCHEITERT).order_by(_T.id), mit_grenze)
