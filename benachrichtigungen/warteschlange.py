"""Die Warteschlange der Outbox: beanspruchen, verlängern, freigeben, anhalten, erneut einreihen.

Jede Funktion ist eine Anweisung in der Transaktion des Aufrufers (``verbindung``: eine
Core-Verbindung); keine committet selbst.

Ein Anspruch gehört einem Halter (``halter_kennung()``: Rechner, Prozess, Zufall) und gilt
bis ``beansprucht_bis``. Der lebende Versender verlängert ihn laufend (``verlaengern``);
stirbt er, läuft der Anspruch nach ``versand_anspruch_sekunden`` ab und ein anderer
Versender übernimmt die Zeilen. Zeiten der Ansprüche sind echte Zeit (``uhr_jetzt``), die
Fälligkeit einer Mail dagegen die Zeit des Takts (``jetzt``, in Tests simuliert).

Beanspruchen ist *eine* Anweisung (``UPDATE … WHERE id IN (Auswahl)``): von zwei Versendern
bekommt jede Zeile genau einer. Auf SQLite schreibt ohnehin nur einer zur Zeit; auf
PostgreSQL sperrt die Auswahl ihre Zeilen und überspringt gesperrte (``FOR UPDATE SKIP
LOCKED``), damit sich zwei Dienste nicht gegenseitig aufhalten. Die Auswahl liest drei
Bereiche des Index ``(status, naechster_versuch)`` und hört nach einem Stapel auf; sie
sortiert nie alle fälligen Zeilen (``_auswahlen``).

Die Pause (Tabelle ``versandpause``, höchstens eine Zeile) hält den Versand an, wenn der
Server jede Mail gleich abweist; die Mails bleiben, wie sie waren.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, literal, or_, select, union_all, update

from benachrichtigungen.outbox import (FEHLER_DAUERHAFT, FEHLER_VORUEBERGEHEND, GESENDET, IN_VERSAND, VERWORFEN, WARTEND,
                                      dialekt)
from modelle.tabellen import Mailanhang, Outbox, Person, Versandpause, Versandstand

ERSTER_ABSTAND = timedelta(minutes=5)
LAENGSTER_ABSTAND = timedelta(hours=4)

_T = Outbox.__table__
_P = Versandpause.__table__
_S = Versandstand.__table__
_A = Mailanhang.__table__

OFFENE_STATUS = (WARTEND, IN_VERSAND, FEHLER_VORUEBERGEHEND, FEHLER_DAUERHAFT)
"""Die Status, aus denen eine Mail noch weiterkommt; ``gesendet`` und ``verworfen`` sind Endzustände."""


def abstand(versuche: int) -> timedelta:
    """Wartezeit vor dem nächsten Versuch nach ``versuche`` Versuchen (verdoppelt, gedeckelt)."""
    return min(ERSTER_ABSTAND * (2 ** max(0, versuche - 1)), LAENGSTER_ABSTAND)


def halter_kennung() -> str:
    """Wer beansprucht: Rechner und Prozess (für Menschen lesbar) und ein Zufallsteil (eindeutig)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _fremd(halter: str):
    """Nicht vom Halter selbst: die eigenen Zeilen nimmt ein Versender nie ein zweites Mal, auch wenn
    sein Anspruch (etwa nach einer Stockung) abgelaufen ist; er hält sie noch und sendet sie selbst."""
    return or_(_T.c.beansprucht_von != halter, _T.c.beansprucht_von.is_(None))


def _auswahlen(jetzt: datetime, uhr_jetzt: datetime, anzahl: int, halter: str):
    """Die fälligen Zeilen als drei Auswahlen, je eine Bereichssuche im Index ``(status, naechster_versuch)``.

    Eine einzige Auswahl mit ``ODER`` über die drei Fälle bräuchte auf SQLite ein ``MULTI-INDEX OR``
    und eine Sortierung *aller* fälligen Zeilen je Stapel (bei einem Rückstau nach einem Ausfall
    wurde das Leeren so quadratisch langsam). Jede dieser Auswahlen liest dagegen im Index genau
    einen Status in der Reihenfolge von ``naechster_versuch`` und hört nach ``anzahl`` Zeilen auf;
    zusammen ergeben sie den Stapel: zuerst Zeilen toter Versender (sie warten am längsten), dann
    erneute Versuche, dann neue Mails, jeweils die am längsten fälligen zuerst.
    """
    return [
        select(_T.c.id).where(_T.c.status == IN_VERSAND, _T.c.beansprucht_bis < uhr_jetzt, _fremd(halter))
        .order_by(_T.c.naechster_versuch).limit(anzahl),
        select(_T.c.id).where(_T.c.status == FEHLER_VORUEBERGEHEND, _T.c.naechster_versuch <= jetzt)
        .order_by(_T.c.naechster_versuch).limit(anzahl),
        select(_T.c.id).where(_T.c.status == WARTEND, _T.c.naechster_versuch <= jetzt)
        .order_by(_T.c.naechster_versuch).limit(anzahl),
    ]


def beanspruchen(verbindung, jetzt: datetime, uhr_jetzt: datetime, anzahl: int, halter: str,
                 anspruch: timedelta) -> list:
    """Beansprucht bis zu ``anzahl`` fällige Zeilen für ``halter`` bis ``uhr_jetzt + anspruch``.

    Fällig ist eine Zeile, die wartet oder vorübergehend scheiterte und deren ``naechster_versuch``
    erreicht ist, oder eine im Versand bei einem anderen Halter, dessen Anspruch abgelaufen ist (er
    starb). Gibt die beanspruchten Zeilen (alle Spalten) nach Id geordnet zurück; jeder Anspruch
    zählt als Versuch.
    Der Plan braucht keine Sortierung über alle fälligen Zeilen (``_auswahlen``; die Pläne
    prüft ``tests/modelle/test_abfrageplaene.py`` auf SQLite und PostgreSQL).
    """
    auswahlen = _auswahlen(jetzt, uhr_jetzt, anzahl, halter)
    werte = dict(status=IN_VERSAND, beansprucht_bis=uhr_jetzt + anspruch, beansprucht_von=halter,
                 versuche=_T.c.versuche + 1)
    if dialekt(verbindung) == "postgresql":
        # Jede Auswahl als CTE wird genau einmal ausgewertet, und nur so weit, wie das LIMIT der
        # Vereinigung liest. Sie sperrt ihre Zeilen und überspringt gesperrte, damit sich zwei Dienste
        # nicht aufhalten; hat ein anderer Versender eine Zeile vor der Sperre geändert, prüft
        # PostgreSQL die Bedingung an ihrem neuen Stand (READ COMMITTED). Gesperrt ändert sie bis zum
        # Commit niemand: das UPDATE braucht keine zweite Fälligkeitsprüfung, die den Planer über
        # alle fälligen Zeilen suchen lassen könnte statt über die gewählten Ids.
        teile = [a.with_for_update(skip_locked=True).cte(f"auswahl_{i}") for i, a in enumerate(auswahlen)]
        gewaehlt = union_all(*(select(t.c.id) for t in teile)).limit(anzahl).subquery("gewaehlt")
        anweisung = update(_T).where(_T.c.id == gewaehlt.c.id)
    else:
        # SQLite: ein Schreiber zur Zeit; Auswahl und UPDATE sind eine Anweisung, dazwischen schreibt
        # niemand. Eine zweite Fälligkeitsprüfung im UPDATE ließe SQLite über alle fälligen Zeilen
        # suchen (MULTI-INDEX OR) statt über die gewählten Ids.
        teile = [a.subquery(f"auswahl_{i}") for i, a in enumerate(auswahlen)]
        gewaehlt = union_all(*(select(t.c.id) for t in teile)).limit(anzahl)
        anweisung = update(_T).where(_T.c.id.in_(gewaehlt.scalar_subquery()))
    return sorted(verbindung.execute(anweisung.values(**werte).returning(*_T.c)).all(), key=lambda z: z.id)


def _gehalten(ids, halter: str):
    return and_(_T.c.id.in_(list(ids)), _T.c.status == IN_VERSAND, _T.c.beansprucht_von == halter)


def verlaengern(verbindung, ids, halter: str, bis: datetime) -> int:
    """Verlängert den Anspruch von ``halter`` auf diese Zeilen bis ``bis``; Zahl der Zeilen."""
    if not ids:
        return 0
    return verbindung.execute(update(_T).where(_gehalten(ids, halter)).values(beansprucht_bis=bis)).rowcount


def freigeben(verbindung, ids, halter: str) -> int:
    """Gibt beanspruchte, nicht zugestellte Zeilen unverändert zurück (der Anspruch zählt nicht als Versuch).

    Eine Zeile mit einem früheren Fehler steht danach wieder als vorübergehend gescheitert da,
    sonst als wartend; ihr nächster Versuch bleibt, wie er war (also sofort fällig).
    """
    if not ids:
        return 0
    return verbindung.execute(
        update(_T).where(_gehalten(ids, halter)).values(
            status=case((_T.c.letzter_fehler.is_(None), WARTEND), else_=FEHLER_VORUEBERGEHEND),
            versuche=_T.c.versuche - 1, beansprucht_bis=None, beansprucht_von=None)
    ).rowcount


@dataclass(frozen=True)
class FremdeAnsprueche:
    """Zeilen, die gerade andere Versender halten, und wann der erste Anspruch abläuft."""

    anzahl: int
    frei_ab: datetime | None


def fremde_ansprueche(verbindung, halter: str | None = None) -> FremdeAnsprueche:
    """Beanspruchte Zeilen anderer Halter (ohne ``halter``: aller)."""
    bedingung = _T.c.status == IN_VERSAND
    if halter is not None:
        bedingung = and_(bedingung, _fremd(halter))
    anzahl, frei_ab = verbindung.execute(select(func.count(), func.min(_T.c.beansprucht_bis)).where(bedingung)).one()
    return FremdeAnsprueche(anzahl, frei_ab)


# --- Pause ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pausenstand:
    """Der angehaltene Versand: seit wann, warum, wie oft geprüft, wann die nächste Prüfung ist."""

    seit: datetime
    grund: str
    versuche: int
    naechster_versuch: datetime


def pause_lesen(verbindung) -> Pausenstand | None:
    zeile = verbindung.execute(select(_P.c.seit, _P.c.grund, _P.c.versuche, _P.c.naechster_versuch)).first()
    return Pausenstand(*zeile) if zeile else None


def anhalten(verbindung, jetzt: datetime, grund: str) -> bool:
    """Hält den Versand an; ``True``, wenn er bis eben lief (dann ist das zu melden, sonst nicht).

    Von zwei Versendern, die zugleich anhalten, schreibt genau einer die Zeile (Primärschlüssel).
    """
    if dialekt(verbindung) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as einfuegen
    else:
        from sqlalchemy.dialects.sqlite import insert as einfuegen
    anweisung = einfuegen(_P).values(id=1, seit=jetzt, grund=grund, versuche=1,
                                     naechster_versuch=jetzt + abstand(1)).on_conflict_do_nothing()
    return verbindung.execute(anweisung.returning(_P.c.id)).first() is not None


def weiter_angehalten(verbindung, jetzt: datetime, grund: str) -> None:
    """Die Prüfung nach einer Pause scheiterte wieder: nächste Prüfung mit wachsendem Abstand."""
    versuche = (verbindung.execute(select(_P.c.versuche)).scalar() or 0) + 1
    verbindung.execute(update(_P).values(grund=grund, versuche=versuche, naechster_versuch=jetzt + abstand(versuche)))


def fortsetzen(verbindung) -> bool:
    """Beendet die Pause; ``True``, wenn der Versand angehalten war."""
    return verbindung.execute(delete(_P)).rowcount > 0


# --- Von Hand: erneut einreihen, jetzt versuchen ---------------------------------------------


def wiederholen(verbindung, jetzt: datetime, *, ids: list[int] | None = None, grund: str | None = None,
                alle: bool = False) -> int:
    """Reiht dauerhaft gescheiterte Mails erneut ein (nach dem Beheben der Ursache); Zahl der Mails.

    Genau eine Auswahl: ``ids`` (diese Nummern), ``grund`` (Teiltext des Fehlers, ohne
    Unterschied von Groß- und Kleinschreibung) oder ``alle``. Die Mails sind sofort fällig,
    zählen ihre Versuche von vorn und geben frühestens ``versand_aufgeben_nach_stunden`` nach
    jetzt auf. Mails entfernter Personen bleiben, wo sie sind.
    """
    if sum((ids is not None, grund is not None, alle)) != 1:
        raise ValueError("genau eine Auswahl: ids, grund oder alle")
    bedingung = and_(_T.c.status == FEHLER_DAUERHAFT, _nicht_entfernt())
    if ids is not None:
        bedingung = and_(bedingung, _T.c.id.in_(ids))
    elif grund is not None:
        bedingung = and_(bedingung, func.lower(_T.c.letzter_fehler).contains(grund.lower(), autoescape=True))
    return verbindung.execute(
        update(_T).where(bedingung).values(status=WARTEND, versuche=0, naechster_versuch=jetzt, eingereiht_am=jetzt,
                                           beansprucht_bis=None, beansprucht_von=None)
    ).rowcount


def dauerhaft_gescheiterte(verbindung, ids: list[int]) -> list[int]:
    """Welche dieser Nummern dauerhaft gescheitert sind (und erneut eingereiht werden können)."""
    return list(verbindung.execute(select(_T.c.id).where(_T.c.id.in_(ids), _T.c.status == FEHLER_DAUERHAFT,
                                                         _nicht_entfernt())).scalars())


def _nicht_entfernt():
    entfernt = select(Person.__table__.c.id).where(Person.__table__.c.entfernt_am.is_not(None))
    return or_(_T.c.person_id.is_(None), _T.c.person_id.not_in(entfernt.scalar_subquery()))


@dataclass(frozen=True)
class Wartende:
    """Mails, die auf einen späteren Versuch warten: wie viele, ab wann die erste, bis wann die letzte."""

    anzahl: int
    erster_versuch: datetime | None
    letzter_versuch: datetime | None


def wartende(verbindung, jetzt: datetime) -> Wartende:
    """Vorübergehend gescheiterte oder wartende Mails, die erst nach ``jetzt`` wieder dran sind."""
    anzahl, erster, letzter = verbindung.execute(
        select(func.count(), func.min(_T.c.naechster_versuch), func.max(_T.c.naechster_versuch)).where(
            _T.c.status.in_((WARTEND, FEHLER_VORUEBERGEHEND)), _T.c.naechster_versuch > jetzt)
    ).one()
    return Wartende(anzahl, erster, letzter)


def jetzt_versuchen(verbindung, jetzt: datetime) -> int:
    """Macht alle wartenden Mails und die Prüfung einer Pause sofort fällig; Zahl der Mails."""
    verbindung.execute(update(_P).values(naechster_versuch=jetzt))
    return verbindung.execute(
        update(_T).where(_T.c.status.in_((WARTEND, FEHLER_VORUEBERGEHEND)), _T.c.naechster_versuch > jetzt)
        .values(naechster_versuch=jetzt)
    ).rowcount


def statuszahlen(verbindung) -> dict[str, int]:
    """Anzahl der Outbox-Zeilen je Status, ohne die Geschichte zu zählen (eine Anweisung).

    Die offenen Status zählt eine Suche im Index ``(status, naechster_versuch)``: sie kostet so
    viel, wie Mails unterwegs oder gescheitert sind. Die Endzustände ``gesendet`` und ``verworfen``
    wachsen mit jeder Mail; ihre Zahlen schreiben Trigger in ``versandstand`` fort (Migration 0007).
    """
    offen = select(_T.c.status, func.count()).where(_T.c.status.in_(OFFENE_STATUS)).group_by(_T.c.status)
    ende = [select(literal(status), _S.c[status]).where(_S.c.id == 1) for status in (GESENDET, VERWORFEN)]
    zahlen = {status: 0 for status in (*OFFENE_STATUS, GESENDET, VERWORFEN)}
    zahlen.update(dict(verbindung.execute(union_all(offen, *ende)).all()))
    return zahlen


# --- Aufbewahrung ----------------------------------------------------------------------------

LEERER_INHALT = dict(kontext={}, empfaenger_name="", empfaenger_email="", kalender=None)
"""Was die Aufbewahrung einer abgeschlossenen Mail nimmt: Werte der Vorlage, Name und Adresse, Einladung;
dazu löscht sie ihre Anhänge (``mailanhang`` mit ``outbox_id``). Die Diagramme eines Statusberichts
gehören dem Bericht und bleiben mit seinem Text."""


def inhalte_leeren(verbindung, bis: datetime, *, hoechstens: timedelta = timedelta(days=1)) -> int:
    """Leert den Inhalt gesendeter und verworfener Mails, deren letzter Versuch vor ``bis`` liegt.

    Geleert werden ``LEERER_INHALT`` und gelöscht die Anhänge der Zeile; die Zeile bleibt mit Schlüssel (gegen Doppelversand: ein
    späterer Takt schreibt dieselbe Mail nicht neu), Anlass, Status, Zeitpunkten, Message-ID und
    den Verweisen auf Aufgabe, Person und Statusbericht, und sie bleibt gezählt. Gescheiterte
    und wartende Mails bleiben, wie sie sind (sie werden noch gesendet oder erneut eingereiht).

    Für abgeschlossene Mails ist ``naechster_versuch`` der letzte Versuch (der Versender setzt
    ihn beim Senden oder Verwerfen); so sucht die Aufbewahrung im Index ``(status,
    naechster_versuch)`` von ``versandstand.geleert_bis`` an, und nie dieselben Zeilen zweimal.
    Ein Aufruf nimmt höchstens ``hoechstens`` Geschichte (Standard: einen Tag), damit der erste
    Lauf auf einer Datenbank mit Jahren von Mails keine riesige Transaktion wird; der nächste
    Takt macht weiter. Gibt die Zahl der geleerten Zeilen zurück.
    """
    von = verbindung.execute(select(_S.c.geleert_bis).where(_S.c.id == 1)).scalar()
    if von is None:  # noch nie geleert: ab der ältesten abgeschlossenen Mail
        aelteste = [verbindung.execute(select(func.min(_T.c.naechster_versuch)).where(_T.c.status == s)).scalar()
                    for s in (GESENDET, VERWORFEN)]
        aelteste = [z for z in aelteste if z is not None]
        if not aelteste:
            return 0
        von = min(aelteste)
    if von >= bis:
        return 0
    ende = min(bis, von + hoechstens)
    anzahl = 0
    for status in (GESENDET, VERWORFEN):  # je eine Bereichssuche im Index
        im_bereich = and_(_T.c.status == status, _T.c.naechster_versuch >= von, _T.c.naechster_versuch < ende)
        verbindung.execute(delete(_A).where(_A.c.outbox_id.in_(select(_T.c.id).where(im_bereich).scalar_subquery())))
        anzahl += verbindung.execute(
            update(_T).where(_T.c.status == status, _T.c.naechster_versuch >= von, _T.c.naechster_versuch < ende)
            .values(**LEERER_INHALT)).rowcount
    if verbindung.execute(update(_S).where(_S.c.id == 1).values(geleert_bis=ende)).rowcount == 0:
        verbindung.execute(_S.insert().values(id=1, gesendet=0, verworfen=0, geleert_bis=ende))
    return anzahl
