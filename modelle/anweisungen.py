"""Die benannten Core-Anweisungen des heißen Pfades, einmal gebaut, an einer Stelle.

Ein Schritt und der Takt schreiben mit SQLAlchemy Core statt über die ORM-Einheit der
Arbeit: ein Schritt kostet so etwa ein Drittel (``bench/schritte.py``). Die Anweisungen
werden einmal mit Platzhaltern gebaut; SQLAlchemy muss sie dann nicht bei jedem Aufruf neu
zusammensetzen und ihren Cache-Schlüssel neu berechnen.

Das Handlungsfeld wird *nur* hier versioniert geschrieben (``FELD_SCHREIBEN``: ``WHERE
version = gesehen``); das ORM-Modell hat keine eigene Versionsprüfung, damit nicht zwei
Mechanismen dieselbe Zeile bewachen.

Der Unterschied der Dialekte steht genau einmal in ``einfuegen_ohne_konflikt``.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, func, insert, or_, select, update

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
    select(_AUFGABE.c.id, _AUFGABE.c.frist, _AUFGABE.c.eskaliert_fuer_frist)
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
