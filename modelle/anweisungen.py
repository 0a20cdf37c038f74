"""Die benannten Core-Anweisungen des heißen Pfades, einmal gebaut, an einer Stelle.

Ein Schritt und der Takt schreiben mit SQLAlchemy Core statt über die ORM-Einheit der
Arbeit: ein Schritt kostet so etwa ein Drittel (``bench/schritte.py``). Die Anweisungen
werden einmal mit Platzhaltern gebaut; SQLAlchemy muss sie dann nicht bei jedem Aufruf neu
zusammensetzen und ihren Cache-Schlüssel neu berechnen.

Das Handlungsfeld wird *nur* hier versioniert geschrieben (``FELD_SCHREIBEN``: ``WHERE
version = gesehen``); das ORM-Modell hat keine eigene Versionsprüfung, damit nicht zwei
Mechanismen dieselbe Zeile bewachen.

Der Unterschied der Dialekte steht in ``einfuegen_ohne_konflikt`` und im Schreiben eines
Schritts: auf SQLite (im Prozess, eine Anweisung kostet Mikrosekunden) schreibt ein Schritt
mit den einzelnen Anweisungen unten; auf PostgreSQL kostet jede Anweisung eine Rundreise zum
Server, dort schreibt ``schritt_schreiben_pg`` alles in *einer* Anweisung (CTEs mit
``RETURNING``), und die Nummern der neuen Aufgaben zieht der Schritt vorab
(``AUFGABE_NUMMER_VORAB``) in den Abfragen, die er ohnehin stellt.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from functools import lru_cache

from sqlalchemy import bindparam, func, insert, or_, select, text, update

from modelle.tabellen import Aufgabe, Handlungsfeld, Outbox, Schrittprotokoll, Sitzung

_FELD = Handlungsfeld.__table__
_PROTOKOLL = Schrittprotokoll.__table__
_AUFGABE = Aufgabe.__table__
_SITZUNG = Sitzung.__table__

OFFEN = "offen"

FELD_LESEN = select(
    _FELD.c.id, _FELD.c.titel, _FELD.c.zustand, _FELD.c.version, _FELD.c.runde,
    _FELD.c.zurueckgestellt_aus, _FELD.c.zustand_seit,
).where(_FELD.c.id == bindparam("feld_id"))

FELD_SCHREIBEN = (
    update(_FELD)
    .where(_FELD.c.id == bindparam("feld_id"), _FELD.c.version == bindparam("gesehen"))
    .values(zustand=bindparam("zustand"), zustand_seit=bindparam("jetzt"), version=bindparam("neu"),
            runde=bindparam("runde"), zurueckgestellt_aus=bindparam("aus"))
)

PROTOKOLL_SCHREIBEN = insert(_PROTOKOLL).returning(_PROTOKOLL.c.id)

ZUSTANDSAUFGABEN_SCHLIESSEN = (
    update(_AUFGABE)
    .where(_AUFGABE.c.handlungsfeld_id == bindparam("feld_id"), _AUFGABE.c.status == OFFEN,
           _AUFGABE.c.anlass_zustand == bindparam("zustand"))
    .values(status=bindparam("status"), erledigt_am=bindparam("jetzt"), naechste_erinnerung_am=None)
)

AUFGABEN_EINFUEGEN = insert(_AUFGABE).returning(_AUFGABE.c.id, sort_by_parameter_order=True)

ERINNERUNGEN_DES_FELDES_RUHEN = (
    update(_AUFGABE)
    .where(_AUFGABE.c.handlungsfeld_id == bindparam("feld_id"), _AUFGABE.c.status == OFFEN)
    .values(naechste_erinnerung_am=None)
)

RUHENDE_AUFGABEN_DES_FELDES = (
    select(_AUFGABE.c.id, _AUFGABE.c.frist, _AUFGABE.c.eskaliert_fuer_frist, _AUFGABE.c.anlass_zustand)
    .where(_AUFGABE.c.handlungsfeld_id == bindparam("feld_id"), _AUFGABE.c.status == OFFEN,
           _AUFGABE.c.naechste_erinnerung_am.is_(None))
)

ERINNERUNG_PLANEN = (
    update(_AUFGABE).where(_AUFGABE.c.id == bindparam("b_id"))
    .values(naechste_erinnerung_am=bindparam("b_naechste", type_=_AUFGABE.c.naechste_erinnerung_am.type))
)

ERINNERUNGEN_FORTSCHREIBEN = (
    # Nach einem Durchgang des Takts: nächster Zeitpunkt, Eskalation, letzte Erinnerung. Nur offene
    # Aufgaben: wer sie inzwischen erledigt hat, bekommt keinen Plan zurück.
    update(_AUFGABE)
    .where(_AUFGABE.c.id == bindparam("b_id"), _AUFGABE.c.status == OFFEN)
    .values(
        naechste_erinnerung_am=bindparam("b_naechste", type_=_AUFGABE.c.naechste_erinnerung_am.type),
        eskaliert_fuer_frist=bindparam("b_eskaliert", type_=_AUFGABE.c.eskaliert_fuer_frist.type),
        # Ein Aufwachen nur für die Eskalation lässt die letzte Erinnerung stehen.
        letzte_erinnerung=func.coalesce(bindparam("b_letzte", type_=_AUFGABE.c.letzte_erinnerung.type),
                                        _AUFGABE.c.letzte_erinnerung),
        letzte_erinnerung_am=func.coalesce(bindparam("b_letzte_am", type_=_AUFGABE.c.letzte_erinnerung_am.type),
                                           _AUFGABE.c.letzte_erinnerung_am),
    )
)

AUFGABEN_DER_MASSNAHME_SCHLIESSEN = (
    update(_AUFGABE)
    .where(_AUFGABE.c.massnahme_id == bindparam("b_massnahme_id"), _AUFGABE.c.status == OFFEN)
    .values(status=bindparam("status"), erledigt_am=bindparam("jetzt"), naechste_erinnerung_am=None)
)

EINLADUNG_BEANSPRUCHEN = (
    # Nur ein Dienst lädt zu einem Stand (Sequenz) einer Sitzung ein (siehe prozess.einladungen).
    update(_SITZUNG)
    .where(_SITZUNG.c.id == bindparam("sitzung_id"), _SITZUNG.c.sequenz == bindparam("b_sequenz"),
           or_(_SITZUNG.c.eingeladen_sequenz.is_(None), _SITZUNG.c.eingeladen_sequenz < bindparam("b_sequenz")))
    .values(eingeladen_sequenz=bindparam("b_sequenz"))
)


@lru_cache(maxsize=16)
def einfuegen_ohne_konflikt(dialekt: str, tabelle: str, eindeutig: tuple[str, ...], zurueck: str | None = None):
    """``INSERT … ON CONFLICT (eindeutig) DO NOTHING [RETURNING zurueck]`` für SQLite oder PostgreSQL."""
    if dialekt == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialekt_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialekt_insert
    t = _TABELLEN[tabelle]
    anweisung = dialekt_insert(t).on_conflict_do_nothing(index_elements=list(eindeutig))
    return anweisung.returning(t.c[zurueck]) if zurueck else anweisung


_TABELLEN = {"outbox": Outbox.__table__, "sitzung": _SITZUNG}

# PostgreSQL: die Nummer der nächsten Aufgabe, vorab gezogen (Lücken in der Folge sind harmlos).
AUFGABE_NUMMER_VORAB = func.nextval(func.pg_get_serial_sequence("aufgabe", "id"))


@lru_cache(maxsize=64)
def schritt_schreiben_pg(aufgabe_spalten: tuple[str, ...], outbox_spalten: tuple[str, ...], *, ruhen: bool = True,
                         planen: bool = True, links: bool = True):
    """Alles, was ein Schritt schreibt, als *eine* Anweisung für PostgreSQL (eine Rundreise).

    Dieselben Zeilen wie die einzelnen Anweisungen: das versionierte UPDATE des Feldes
    (``WHERE version = :gesehen``, wie ``FELD_SCHREIBEN``), der Protokolleintrag, das Schließen
    der Aufgaben des verlassenen Zustands, Ruhen oder neues Planen der Erinnerungen, die neuen
    Aufgaben (mit vorab gezogenen Nummern), ihre Mails (``ON CONFLICT (schluessel) DO
    NOTHING`` wie ``vormerken``) und die Hashes der persönlichen Links in diesen Mails. Jeder
    Teil hängt am UPDATE des Feldes (``FROM feld`` oder
    ``EXISTS (SELECT FROM feld)``): trifft es nicht (jemand war schneller), schreibt keiner,
    und die Anweisung gibt keine Zeile zurück – der Schritt meldet ``Konflikt``.

    Ruhen und Planen betreffen nie die Aufgaben, die das Schließen trifft (``anlass_zustand``
    des verlassenen Zustands): zwei Teile einer Anweisung dürfen nicht dieselbe Zeile ändern.
    Die Zeilen der Aufgaben, Pläne und Mails kommen als JSON-Felder (``zeilen_json``) und werden
    mit ``json_populate_recordset`` zu Zeilen der Tabelle: die Anweisung hat dieselbe Gestalt,
    egal wie viele es sind.

    Ein Teil, der nichts schreiben kann, fehlt (der Server müsste ihn sonst doch planen und
    starten, samt Indexen und Anweisungstrigger): ohne Spalten keine neuen Aufgaben bzw. Mails
    (``()``), ohne ``ruhen`` kein Ruhen, ohne ``planen`` kein Planen, ohne ``links`` keine Links.
    """
    teile = ["""
WITH feld AS (
    UPDATE handlungsfeld SET zustand = :zustand, zustand_seit = :jetzt, version = :neu, runde = :runde,
           zurueckgestellt_aus = :aus
    WHERE id = :feld_id AND version = :gesehen
    RETURNING id
), protokoll AS (
    INSERT INTO schrittprotokoll (handlungsfeld_id, schritt, von_zustand, nach_zustand, person_id, zeitpunkt,
                                  begruendung, beschluss_id, prozess_version)
    SELECT id, CAST(:schritt AS text), CAST(:von_zustand AS text), CAST(:nach_zustand AS text),
           CAST(:person_id AS integer), :jetzt, CAST(:begruendung AS text), CAST(:beschluss_id AS integer),
           CAST(:prozess_version AS integer) FROM feld
    RETURNING id
), geschlossen AS (
    UPDATE aufgabe SET status = :status, erledigt_am = :jetzt, naechste_erinnerung_am = NULL
    WHERE handlungsfeld_id = :feld_id AND status = 'offen' AND anlass_zustand = :von_zustand
      AND EXISTS (SELECT FROM feld)
)"""]
    if ruhen:
        teile.append(""", geruht AS (
    UPDATE aufgabe SET naechste_erinnerung_am = NULL
    WHERE handlungsfeld_id = :feld_id AND status = 'offen'
      AND anlass_zustand IS DISTINCT FROM :von_zustand AND EXISTS (SELECT FROM feld)
)""")
    if planen:
        teile.append(""", geplant AS (
    UPDATE aufgabe SET naechste_erinnerung_am = plan.naechste_erinnerung_am
    FROM json_populate_recordset(NULL::aufgabe, CAST(:planen AS json)) AS plan
    WHERE aufgabe.id = plan.id AND aufgabe.status = 'offen' AND EXISTS (SELECT FROM feld)
)""")
    if aufgabe_spalten:
        a = ", ".join(aufgabe_spalten)
        teile.append(f""", neu AS (
    INSERT INTO aufgabe ({a})
    SELECT {a} FROM json_populate_recordset(NULL::aufgabe, CAST(:aufgaben AS json))
    WHERE EXISTS (SELECT FROM feld)
)""")
    if outbox_spalten:
        o = ", ".join(outbox_spalten)
        teile.append(f""", post AS (
    INSERT INTO outbox ({o})
    SELECT {o} FROM json_populate_recordset(NULL::outbox, CAST(:mails AS json))
    WHERE EXISTS (SELECT FROM feld)
    ON CONFLICT (schluessel) DO NOTHING
)""")
    if links:
        teile.append(""", links AS (
    INSERT INTO teilnahmelink (token_hash, person_id, erstellt_am)
    SELECT token_hash, person_id, erstellt_am
    FROM json_populate_recordset(NULL::teilnahmelink, CAST(:links AS json))
    WHERE EXISTS (SELECT FROM feld)
)""")
    teile.append("\nSELECT id FROM protokoll\n")
    return text("".join(teile))


def _json_wert(wert):
    if isinstance(wert, datetime):
        if wert.tzinfo is None:
            raise ValueError(f"Zeitpunkt ohne Zeitzone: {wert!r}")  # wie modelle.typen.UTCZeit
        return wert.astimezone(timezone.utc).isoformat()
    if isinstance(wert, date):
        return wert.isoformat()
    raise TypeError(f"{type(wert).__name__} ist kein JSON-Wert")


def zeilen_json(zeilen: list[dict]) -> str:
    """Zeilen als JSON-Feld für ``json_populate_recordset`` (Zeitpunkte in UTC, Daten ISO)."""
    return json.dumps(zeilen, default=_json_wert, ensure_ascii=False)
