"""Die Outbox: Mails als Zeilen, geschrieben in der Transaktion ihres Anlasses.

``vormerken`` fügt Zeilen ein und überspringt still jede, deren ``schluessel`` es schon
gibt (``INSERT … ON CONFLICT DO NOTHING`` auf SQLite und PostgreSQL): ein zweiter Takt, ein
zweiter Dienst oder ein Neustart schreiben dieselbe Mail nicht noch einmal. Die Message-ID
entsteht beim Einfügen und bleibt, auch über Wiederholungen hinweg.

Die Zeilen enthalten Name und Adresse der Empfänger (das braucht der Versand) und
werden nie auf INFO-Stufe geloggt.

Dateien einer Mail (``Mail.dateien``: Bytes mit Name und MIME-Typ) stehen in ``mailanhang``,
geschrieben in derselben Transaktion; die eines Statusberichts einmal je Bericht
(``bericht_dateien_speichern``). So sendet jeder Versuch dieselben Bytes, und der Versand
rechnet nichts nach.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from typing import Any

from benachrichtigungen.nachricht import Datei
from modelle.tabellen import Mailanhang, Outbox

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


def message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


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


def vormerken(verbindung, mails: list[Mail], jetzt: datetime, absender_domain: str) -> None:
    """Schreibt die Mails in die Outbox (in der laufenden Transaktion von ``verbindung``).

    ``verbindung`` ist eine ORM-Sitzung oder eine Core-Verbindung; geschrieben wird erst mit
    deren Commit, zusammen mit dem Anlass.
    """
    if not mails:
        return
    zeilen = outbox_zeilen(mails, jetzt, absender_domain)
    from sqlalchemy.orm import Session

    if isinstance(verbindung, Session):  # Core-INSERT auf der Verbindung der Sitzung ist billiger
        verbindung = verbindung.connection()
    anweisung = _insert(dialekt(verbindung))
    if not any(m.dateien for m in mails):
        verbindung.execute(anweisung, zeilen)
        return
    # Nur neue Zeilen bekommen ihre Dateien: eine schon vorgemerkte Mail behält ihre.
    neu = dict(verbindung.execute(anweisung.returning(Outbox.__table__.c.schluessel, Outbox.__table__.c.id),
                                  zeilen).all())
    anhaenge = [_anhangzeile(d, i, outbox_id=neu[m.schluessel])
                for m in mails if m.schluessel in neu for i, d in enumerate(m.dateien)]
    if anhaenge:
        verbindung.execute(Mailanhang.__table__.insert(), anhaenge)


def outbox_zeilen(mails: list[Mail], jetzt: datetime, absender_domain: str) -> list[dict[str, Any]]:
    """Die Zeilen, die ``vormerken`` schriebe (für Anweisungen, die sie selbst mitschreiben; ohne ``dateien``)."""
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
            message_id=message_id(absender_domain),
            status=WARTEND,
            versuche=0,
            naechster_versuch=jetzt,
            erstellt_am=jetzt,
            **m.extra,
        )
        for m in mails
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
