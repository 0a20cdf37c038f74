"""Die Outbox: Mails als Zeilen, geschrieben in der Transaktion ihres Anlasses.

``vormerken`` fügt Zeilen ein und überspringt still jede, deren ``schluessel`` es schon
gibt (``INSERT … ON CONFLICT DO NOTHING`` auf SQLite und PostgreSQL): ein zweiter Takt, ein
zweiter Dienst oder ein Neustart schreiben dieselbe Mail nicht noch einmal. Die Message-ID
entsteht beim Einfügen und bleibt, auch über Wiederholungen hinweg.

Die Zeilen enthalten Name und Adresse der Empfänger (das braucht der Versand) und
werden nie auf INFO-Stufe geloggt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from typing import Any

from modelle.tabellen import Outbox

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
    verbindung.execute(_insert(dialekt(verbindung)), zeilen)


def outbox_zeilen(mails: list[Mail], jetzt: datetime, absender_domain: str) -> list[dict[str, Any]]:
    """Die Zeilen, die ``vormerken`` schriebe (für Anweisungen, die sie selbst mitschreiben)."""
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


def dialekt(verbindung) -> str:
    """Name des Datenbankdialekts einer ORM-Sitzung oder Core-Verbindung."""
    bindung = verbindung.get_bind() if hasattr(verbindung, "get_bind") else verbindung
    return bindung.dialect.name
