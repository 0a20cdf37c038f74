"""Die Outbox: Mails als Zeilen, geschrieben in der Transaktion ihres Anlasses.

``vormerken`` fügt Zeilen ein und überspringt still jede, deren ``schluessel`` es schon
gibt (``INSERT … ON CONFLICT DO NOTHING`` auf SQLite und PostgreSQL): ein zweiter Takt, ein
zweiter Dienst oder ein Neustart schreiben dieselbe Mail nicht noch einmal. Die Message-ID
entsteht beim Einfügen und bleibt, auch über Wiederholungen hinweg. Mails ohne Dateien gehen
als *ein* ``executemany`` über den Treiber (``modelle.direkt.Stapelanweisung``); wer Tausende auf einmal
schreibt (der Takt), gibt sie mit ``zeilen_vormerken`` als Tupel mit fertigem JSON-Kontext.

Die Zeilen enthalten Name und Adresse der Empfänger (das braucht der Versand) und
werden nie auf INFO-Stufe geloggt.

Dateien einer Mail (``Mail.dateien``: Bytes mit Name und MIME-Typ) stehen in ``mailanhang``,
geschrieben in derselben Transaktion; die eines Statusberichts einmal je Bericht
(``bericht_dateien_speichern``). So sendet jeder Versuch dieselben Bytes, und der Versand
rechnet nichts nach.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from typing import Any

from benachrichtigungen.nachricht import Datei
from modelle.tabellen import Mailanhang, Outbox
from modelle.direkt import Stapelanweisung

WARTEND = "wartend"
IN_VERSAND = "in_versand"
GESENDET = "gesendet"
FEHLER_VORUEBERGEHEND = "fehler_voruebergehend"
FEHLER_DAUERHAFT = "fehler_dauerhaft"
VERWORFEN = "verworfen"


@dataclass
class Mail:
    """Eine vorgemerkte Mail, bevor sie eine Zeile wird."""

    schluessel: str
    anlass: str
    vorlage: str
    kontext: dict[str, Any]
    empfaenger_email: str
    empfaenger_name: str
    person_id: int | None = None
    aufgabe_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    dateien: list[Datei] = field(default_factory=list)


def message_ids(domain: str, anzahl: int) -> list[str]:
    """``anzahl`` Message-IDs ``<32 Hex-Ziffern@domain>`` (128 Zufallsbits je ID), aus einem Aufruf des Zufalls."""
    zufall = os.urandom(16 * anzahl).hex()
    return [f"<{zufall[i:i + 32]}@{domain}>" for i in range(0, 32 * anzahl, 32)]


def schluessel(anlass: str, empfaenger: int | str, gegenstand: str, datum: object) -> str:
    """Der Idempotenzschlüssel: Anlass, Empfänger, Gegenstand, Datum des Anlasses."""
    return f"{anlass}:{empfaenger}:{gegenstand}:{datum}"


@lru_cache(maxsize=4)
def _insert(dialekt: str):
    """Das INSERT … ON CONFLICT DO NOTHING des Dialekts, einmal gebaut."""
    if dialekt == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Outbox.__table__).on_conflict_do_nothing(index_elements=["schluessel"])


# Die Werte einer Zeile, die ``zeilen_vormerken`` nimmt (danach die Zusatzspalten, siehe ``Mail.extra``).
ZEILE = ("schluessel", "anlass", "vorlage", "kontext", "person_id", "empfaenger_email", "empfaenger_name",
         "aufgabe_id")
_JE_STAPEL = ("message_id", "status", "versuche", "naechster_versuch", "erstellt_am")


@lru_cache(maxsize=16)
def _stapel(dialekt: str, extra: tuple[str, ...]) -> Stapelanweisung:
    """Das Einfügen ohne Dateien über den Treiber; ``kontext`` kommt schon als JSON-Text."""
    return Stapelanweisung(_insert(dialekt), parameter=ZEILE + extra, weitere=_JE_STAPEL, roh=["kontext"])


def zeilen_vormerken(verbindung, zeilen: list[tuple], jetzt: datetime, absender_domain: str,
                     extra: tuple[str, ...] = ()) -> None:
    """Wie ``vormerken``, für Tausende Mails ohne Dateien: je Mail ein Tupel statt eines ``Mail``.

    Jedes Tupel hält die Werte von ``ZEILE`` (``kontext`` schon als JSON-Text eines Objekts), dann
    die Werte der Zusatzspalten ``extra``. Eine Anweisung (ein ``executemany``), gleich wie viele.
    """
    if not zeilen:
        return
    from sqlalchemy.orm import Session

    if isinstance(verbindung, Session):
        verbindung = verbindung.connection()
    _stapel(dialekt(verbindung), extra).ausfuehren(
        verbindung, zeilen, fest=dict(status=WARTEND, versuche=0, naechster_versuch=jetzt, erstellt_am=jetzt),
        je_zeile={"message_id": message_ids(absender_domain, len(zeilen))})


def vormerken(verbindung, mails: list[Mail], jetzt: datetime, absender_domain: str) -> None:
    """Schreibt die Mails in die Outbox (in der laufenden Transaktion von ``verbindung``).

    ``verbindung`` ist eine ORM-Sitzung oder eine Core-Verbindung; geschrieben wird erst mit
    deren Commit, zusammen mit dem Anlass.
    """
    if not mails:
        return
    from sqlalchemy.orm import Session

    if isinstance(verbindung, Session):  # Core-INSERT auf der Verbindung der Sitzung ist billiger
        verbindung = verbindung.connection()
    if not any(m.dateien for m in mails):
        # Ohne Dateien braucht niemand die neuen Ids: ein executemany über den Treiber. Zusatzspalten,
        # die nur manche Mails haben, bekommen bei den anderen NULL – wie ohne Angabe: keine der
        # Spalten, die ``extra`` setzt (Kalender, Statusbericht), hat einen anderen Vorgabewert.
        als_json = getattr(verbindung.dialect, "_json_serializer", None) or json.dumps  # wie die JSON-Spalte
        extra = tuple(sorted({k for m in mails for k in m.extra}))
        zeilen_vormerken(verbindung, [
            (m.schluessel, m.anlass, m.vorlage, als_json(m.kontext), m.person_id, m.empfaenger_email,
             m.empfaenger_name, m.aufgabe_id, *(m.extra.get(k) for k in extra)) for m in mails],
            jetzt, absender_domain, extra)
        return
    zeilen = outbox_zeilen(mails, jetzt, absender_domain)
    anweisung = _insert(dialekt(verbindung))
    # Nur neue Zeilen bekommen ihre Dateien: eine schon vorgemerkte Mail behält ihre.
    neu = dict(verbindung.execute(anweisung.returning(Outbox.__table__.c.schluessel, Outbox.__table__.c.id),
                                  zeilen).all())
    anhaenge = [_anhangzeile(d, i, outbox_id=neu[m.schluessel])
                for m in mails if m.schluessel in neu for i, d in enumerate(m.dateien)]
    if anhaenge:
        verbindung.execute(Mailanhang.__table__.insert(), anhaenge)


def outbox_zeilen(mails: list[Mail], jetzt: datetime, absender_domain: str) -> list[dict[str, Any]]:
    """Die Zeilen, die ``vormerken`` schriebe (für Anweisungen, die sie selbst mitschreiben; ohne ``dateien``)."""
    ids = message_ids(absender_domain, len(mails))
    return [
        dict(
            schluessel=m.schluessel,
            anlass=m.anlass,
            vorlage=m.vorlage,
            kontext=m.kontext,
            person_id=m.person_id,
            empfaenger_email=m.empfaenger_email,
            empfaenger_name=m.empfaenger_name,
            aufgabe_id=m.aufgabe_id,
            message_id=mid,
            status=WARTEND,
            versuche=0,
            naechster_versuch=jetzt,
            erstellt_am=jetzt,
            **m.extra,
        )
        for m, mid in zip(mails, ids)
    ]


def _anhangzeile(datei: Datei, position: int, **besitzer) -> dict:
    return {"outbox_id": None, "statusbericht_id": None, **besitzer, "position": position,
            "dateiname": datei.dateiname, "mime_typ": datei.mime_typ, "content_id": datei.content_id,
            "inhalt": datei.inhalt}


def bericht_dateien_speichern(verbindung, statusbericht_id: int, dateien: list[Datei]) -> None:
    """Die Dateien eines Statusberichts (Diagramme): einmal gespeichert, in jeder seiner Mails."""
    from sqlalchemy.orm import Session

    if not dateien:
        return
    if isinstance(verbindung, Session):
        verbindung = verbindung.connection()
    verbindung.execute(Mailanhang.__table__.insert(),
                       [_anhangzeile(d, i, statusbericht_id=statusbericht_id) for i, d in enumerate(dateien)])


def dialekt(verbindung) -> str:
    """Name des Datenbankdialekts einer ORM-Sitzung oder Core-Verbindung."""
    bindung = verbindung.get_bind() if hasattr(verbindung, "get_bind") else verbindung
    return bindung.dialect.name
