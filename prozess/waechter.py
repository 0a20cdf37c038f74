"""Wächter: was wahr sein muss, bevor ein Schritt gelingt.

Jeder Wächter gibt eine Liste von Gründen zurück, warum der Schritt *nicht* geht (leer:
alles erfüllt). Die Gründe sind deutsche Sätze mit dem Weg, sie zu beheben; ``zeige``
nutzt sie, um zu erklären, warum ein Schritt gerade nicht möglich ist. Jeder Wächter
fragt über einen Index ab, damit ein Schritt bei 100 wie bei 100.000 Feldern gleich kostet,
und alle Wächter eines Schritts stehen mit dem Stand des Feldes in *einer* Abfrage.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import bindparam, exists
from sqlmodel import Session, func, select

from modelle.tabellen import Beschluss, Datengrundlage, Gremium, Handlungsfeld, Massnahme, Sitzung


def _sql(db: Session):
    """Spaltenabfragen direkt auf der Verbindung der Session (ohne ORM-Aufwand)."""
    return db.connection()


@dataclass
class Pruefkontext:
    """Was ein Schritt mitbringt; ein Wächter darf ``beschluss_id`` setzen, wenn er einen findet.

    ``jetzt`` und ``einstellungen`` kommen aus der Arbeitseinheit (für Wächter, die nach dem
    Alter fragen); fehlen sie, gelten die Uhr des Rechners und die Standardwerte.
    """

    beschluss_id: int | None = None
    jetzt: datetime | None = None
    einstellungen: Any = None


# Jeder Wächter besteht aus Ausdrücken (korrelierte Unterabfragen auf die Zeile ``handlungsfeld``)
# und einer Auswertung ihrer Werte. So fragt ein Schritt den Stand des Feldes und alle seine
# Wächter in *einer* Abfrage ab (``prozess.schritte``); ``WAECHTER[name](db, feld, kontext)`` fragt
# einen Wächter einzeln (für ``zeige``). Die Auswertung darf bei einem Mangel nachfragen (die
# Liste unvollständiger Maßnahmen): das kostet nur, wenn der Schritt ohnehin scheitert.
_FELD = Handlungsfeld.__table__


@functools.cache
def _kennzahl_verknuepft():
    """Hat das Feld eine verknüpfte Kennzahl? Erst gebaut, wenn ein Schritt mit diesem Wächter geprüft wird:
    ``modelle.kennzahlen`` kostet beim Import fünf Tabellenklassen, die Befehle ohne Kennzahlen nicht brauchen."""
    from modelle.kennzahlen import HandlungsfeldKennzahl

    return exists(select(HandlungsfeldKennzahl.kennzahl_id).where(HandlungsfeldKennzahl.handlungsfeld_id == _FELD.c.id))


def _datengrundlage_ausdruecke(mit_beschluss: bool) -> dict:
    return {"datengrundlage": exists(select(Datengrundlage.id).where(Datengrundlage.handlungsfeld_id == _FELD.c.id)),
            "kennzahl_verknuepft": _kennzahl_verknuepft()}


def _datengrundlage_auswerten(db, feld_id: int, werte: dict, kontext: Pruefkontext) -> list[str]:
    """Eine erfasste Datengrundlage – oder eine verknüpfte Kennzahl (dann prüft ``kennzahlen_aktuell``)."""
    if werte["datengrundlage"] or werte["kennzahl_verknuepft"]:
        return []
    return [
        "Es ist noch keine Datengrundlage erfasst. Erfassen Sie eine mit "
        f"»bildungsbuero datengrundlage anlegen {feld_id} TITEL --quelle QUELLE«, oder verknüpfen Sie eine "
        f"Kennzahl mit »bildungsbuero daten verknuepfen {feld_id} KENNZAHL«."
    ]


def _kennzahlen_ausdruecke(mit_beschluss: bool) -> dict:
    return {"kennzahl_verknuepft": _kennzahl_verknuepft()}


def _kennzahlen_auswerten(db, feld_id: int, werte: dict, kontext: Pruefkontext) -> list[str]:
    """Jede verknüpfte Kennzahl hat für den Landkreis einen Wert, nicht älter als ``kennzahlen_hoechstalter_tage``.

    Das Alter zählt ab dem Ende des Bezugszeitraums des neuesten Werts (``monitoring.feldstand``);
    ohne verknüpfte Kennzahl ist nichts zu prüfen (dann gilt ``datengrundlage_vorhanden``). Nur
    ein Feld mit verknüpften Kennzahlen fragt hier nach (deren Stand).
    """
    if not werte["kennzahl_verknuepft"]:
        return []
    from datetime import timezone

    from monitoring.feldstand import feldstand
    from prozess.einstellungen import KENNZAHLEN_HOECHSTALTER

    # Ohne Arbeitseinheit (eine Ansicht ohne Uhr): die Uhr des Rechners, der Standardwert, UTC.
    e = kontext.einstellungen
    hoechstalter = e.wert(KENNZAHLEN_HOECHSTALTER) if e else KENNZAHLEN_HOECHSTALTER.erklaerung.standard
    heute = (kontext.jetzt or datetime.now(timezone.utc)).astimezone(e.zeitzone if e else timezone.utc).date()
    stand = feldstand(_sql(db), feld_id)
    if stand.gebiet is None:
        return ["Es ist kein Landkreis als Gebiet eingetragen; laden Sie die Organisationsdatei mit "
                "»bildungsbuero organisation laden DATEI« (Abschnitt [landkreis] mit ags)."]
    gruende = []
    for k in stand.kennzahlen:
        name = f"»{k.kennzahl.name}« ({k.kennzahl.schluessel})"
        if not k.hat_wert:
            gruende.append(f"Für die Kennzahl {name} liegt für {k.gebiet_name} noch kein Wert vor. Importieren "
                           "Sie ihn mit »bildungsbuero daten import DATEI«.")
        elif k.aktuell.zahl is None and not k.aktuell.verborgen:
            gruende.append(f"Der neueste Wert der Kennzahl {name} für {k.gebiet_name} ({k.aktuell.zeitraum}) ist keine "
                           f"Zahl, sondern »{k.aktuell.text}« (ein Zeichen der Statistik). Importieren Sie eine Datei "
                           "mit dem Wert mit »bildungsbuero daten import DATEI«.")
        elif k.zeitraum_ende is not None and (heute - k.zeitraum_ende).days > hoechstalter:
            alter = (heute - k.zeitraum_ende).days
            gruende.append(f"Der neueste Wert der Kennzahl {name} für {k.gebiet_name} stammt aus {k.aktuell.zeitraum} "
                           f"(Ende {k.zeitraum_ende:%d.%m.%Y}, {alter} Tage alt; erlaubt sind höchstens {hoechstalter} "
                           "Tage, Einstellung kennzahlen_hoechstalter_tage). Importieren Sie neuere Daten mit "
                           "»bildungsbuero daten import DATEI«.")
    return gruende


def _beschluss_ausdruecke(mit_beschluss: bool) -> dict:
    """Ein Beschluss der Steuerungsgruppe zu diesem Feld, aus einer Sitzung seit Beginn der Prüfung.

    Maßgeblich ist der Beginn der Sitzung, nicht der Zeitpunkt der Erfassung: ein Beschluss
    aus einer früheren Sitzung, der erst später eingetragen wird, zählt nicht.
    """
    abfrage = (
        select(Beschluss.id)
        .join(Sitzung, Sitzung.id == Beschluss.sitzung_id)
        .join(Gremium, Gremium.id == Sitzung.gremium_id)
        .where(
            Beschluss.handlungsfeld_id == _FELD.c.id,
            Gremium.kuerzel == "steuerungsgruppe",
            Sitzung.beginn >= _FELD.c.zustand_seit,
        )
    )
    if mit_beschluss:
        abfrage = abfrage.where(Beschluss.id == bindparam("beschluss_id"))
    else:
        abfrage = abfrage.order_by(Beschluss.gefasst_am.desc())
    return {"beschluss": abfrage.limit(1).scalar_subquery()}


def _beschluss_auswerten(db, feld_id: int, werte: dict, kontext: Pruefkontext) -> list[str]:
    gefunden = werte["beschluss"]
    if kontext.beschluss_id is not None:
        if gefunden is None:
            return [
                f"Beschluss {kontext.beschluss_id} ist kein Beschluss der Steuerungsgruppe zu "
                "diesem Handlungsfeld aus der laufenden Prüfung. Nennen Sie den richtigen "
                "Beschluss oder erfassen Sie ihn mit »bildungsbuero beschluss erfassen«."
            ]
        return []
    if gefunden is None:
        return [
            "Es liegt kein Beschluss der Steuerungsgruppe zu diesem Handlungsfeld vor, gefasst "
            "seit es zur Prüfung vorgelegt wurde. Erfassen Sie ihn mit »bildungsbuero beschluss "
            f"erfassen --sitzung SITZUNG --handlungsfeld {feld_id} TEXT«."
        ]
    kontext.beschluss_id = gefunden
    return []


_AKTIV = Massnahme.status != "abgebrochen"


def _massnahmen_ausdruecke(mit_beschluss: bool) -> dict:
    """Mindestens eine Maßnahme, und jede hat eine zuständige Person und eine Frist."""
    des_feldes = select(func.count()).select_from(Massnahme).where(Massnahme.handlungsfeld_id == _FELD.c.id, _AKTIV)
    return {
        "massnahmen": des_feldes.scalar_subquery(),
        "massnahmen_unvollstaendig": des_feldes.where(
            (Massnahme.verantwortlich_id.is_(None)) | (Massnahme.frist.is_(None))).scalar_subquery(),
    }


def _massnahmen_auswerten(db, feld_id: int, werte: dict, kontext: Pruefkontext) -> list[str]:
    if werte["massnahmen"] == 0:
        return [
            "Es ist noch keine Maßnahme erfasst. Legen Sie eine an mit »bildungsbuero massnahme "
            "anlegen --arbeitspaket ID TITEL --verantwortlich EMAIL --frist JJJJ-MM-TT«."
        ]
    if not werte["massnahmen_unvollstaendig"]:
        return []
    unvollstaendig = _sql(db).execute(
        select(Massnahme.id, Massnahme.titel)
        .where(
            Massnahme.handlungsfeld_id == feld_id,
            _AKTIV,
            (Massnahme.verantwortlich_id.is_(None)) | (Massnahme.frist.is_(None)),
        )
        .order_by(Massnahme.id)
    ).all()
    return [
        f"Maßnahme {mid} »{titel}« hat keine zuständige Person oder keine Frist. Ergänzen Sie "
        f"sie mit »bildungsbuero massnahme aendern {mid} --verantwortlich EMAIL --frist JJJJ-MM-TT«."
        for mid, titel in unvollstaendig
    ]


@dataclass(frozen=True)
class Waechter:
    """Ein Wächter: ``ausdruecke(mit_beschluss)`` gibt benannte SQL-Ausdrücke über der Zeile
    ``handlungsfeld``, ``auswerten(db, feld_id, werte, kontext)`` die Gründe aus ihren Werten."""

    name: str
    ausdruecke: Callable[[bool], dict]
    auswerten: Callable[..., list[str]]

    def __call__(self, db: Session, feld, kontext: Pruefkontext) -> list[str]:
        """Den Wächter einzeln fragen (eine Abfrage)."""
        werte = {"feld_id": feld.id}
        if kontext.beschluss_id is not None:
            werte["beschluss_id"] = kontext.beschluss_id
        from modelle.direkt import direkt

        # direkt: die Feldseite fragt jeden Wächter ihrer Schritte, Connection.execute kostete ein Vielfaches
        zeile = direkt(_einzeln(self.name, kontext.beschluss_id is not None)).zeile(_sql(db), werte)
        if zeile is None:  # wie .one(): ohne Zeile gibt es das Feld nicht
            from sqlalchemy.exc import NoResultFound

            raise NoResultFound(f"Handlungsfeld {feld.id} gibt es nicht")
        return self.auswerten(db, feld.id, zeile, kontext)


@lru_cache(maxsize=16)
def _einzeln(name: str, mit_beschluss: bool):
    """Die Abfrage eines Wächters allein, einmal gebaut (die Feldseite fragt jeden Wächter ihrer Schritte)."""
    ausdruecke = WAECHTER[name].ausdruecke(mit_beschluss)
    return (select(*(a.label(n) for n, a in ausdruecke.items())).select_from(_FELD)
            .where(_FELD.c.id == bindparam("feld_id")))


WAECHTER = {
    w.name: w
    for w in (
        Waechter("datengrundlage_vorhanden", _datengrundlage_ausdruecke, _datengrundlage_auswerten),
        Waechter("kennzahlen_aktuell", _kennzahlen_ausdruecke, _kennzahlen_auswerten),
        Waechter("beschluss_der_steuerungsgruppe", _beschluss_ausdruecke, _beschluss_auswerten),
        Waechter("massnahmen_vollstaendig", _massnahmen_ausdruecke, _massnahmen_auswerten),
    )
}
