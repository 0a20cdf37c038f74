"""Wächter: was wahr sein muss, bevor ein Schritt gelingt.

Jeder Wächter gibt eine Liste von Gründen zurück, warum der Schritt *nicht* geht (leer:
alles erfüllt). Die Gründe sind deutsche Sätze mit dem Weg, sie zu beheben; ``zeige``
nutzt sie, um zu erklären, warum ein Schritt gerade nicht möglich ist. Jeder Wächter
fragt über einen Index ab, damit ein Schritt bei 100 wie bei 100.000 Feldern gleich kostet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, func, select

from modelle.kennzahlen import HandlungsfeldKennzahl
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


_DATENGRUNDLAGE = select(Datengrundlage.id).where(Datengrundlage.handlungsfeld_id == bindparam("feld_id")).limit(1)


_KENNZAHL_VERKNUEPFT = (select(HandlungsfeldKennzahl.kennzahl_id)
                        .where(HandlungsfeldKennzahl.handlungsfeld_id == bindparam("feld_id")).limit(1))


def datengrundlage_vorhanden(db: Session, feld: Handlungsfeld, kontext: Pruefkontext) -> list[str]:
    """Eine erfasste Datengrundlage – oder eine verknüpfte Kennzahl (dann prüft ``kennzahlen_aktuell``)."""
    vorhanden = _sql(db).execute(_DATENGRUNDLAGE, {"feld_id": feld.id}).first()
    if vorhanden is not None:
        return []
    if _sql(db).execute(_KENNZAHL_VERKNUEPFT, {"feld_id": feld.id}).first() is not None:
        return []
    return [
        "Es ist noch keine Datengrundlage erfasst. Erfassen Sie eine mit "
        f"»bildungsbuero datengrundlage anlegen {feld.id} TITEL --quelle QUELLE«, oder verknüpfen Sie eine "
        f"Kennzahl mit »bildungsbuero daten verknuepfen {feld.id} KENNZAHL«."
    ]


def beschluss_der_steuerungsgruppe(db: Session, feld: Handlungsfeld, kontext: Pruefkontext) -> list[str]:
    """Ein Beschluss der Steuerungsgruppe zu diesem Feld, aus einer Sitzung seit Beginn der Prüfung.

    Maßgeblich ist der Beginn der Sitzung, nicht der Zeitpunkt der Erfassung: ein Beschluss
    aus einer früheren Sitzung, der erst später eingetragen wird, zählt nicht.
    """
    abfrage = (
        select(Beschluss.id)
        .join(Sitzung, Sitzung.id == Beschluss.sitzung_id)
        .join(Gremium, Gremium.id == Sitzung.gremium_id)
        .where(
            Beschluss.handlungsfeld_id == feld.id,
            Gremium.kuerzel == "steuerungsgruppe",
            Sitzung.beginn >= feld.zustand_seit,
        )
    )
    if kontext.beschluss_id is not None:
        gefunden = _sql(db).execute(abfrage.where(Beschluss.id == kontext.beschluss_id)).scalar()
        if gefunden is None:
            return [
                f"Beschluss {kontext.beschluss_id} ist kein Beschluss der Steuerungsgruppe zu "
                "diesem Handlungsfeld aus der laufenden Prüfung. Nennen Sie den richtigen "
                "Beschluss oder erfassen Sie ihn mit »bildungsbuero beschluss erfassen«."
            ]
        return []
    gefunden = _sql(db).execute(abfrage.order_by(Beschluss.gefasst_am.desc()).limit(1)).scalar()
    if gefunden is None:
        return [
            "Es liegt kein Beschluss der Steuerungsgruppe zu diesem Handlungsfeld vor, gefasst "
            "seit es zur Prüfung vorgelegt wurde. Erfassen Sie ihn mit »bildungsbuero beschluss "
            f"erfassen --sitzung SITZUNG --handlungsfeld {feld.id} TEXT«."
        ]
    kontext.beschluss_id = gefunden
    return []


def massnahmen_vollstaendig(db: Session, feld: Handlungsfeld, kontext: Pruefkontext) -> list[str]:
    """Mindestens eine Maßnahme, und jede hat eine zuständige Person und eine Frist."""
    aktiv = Massnahme.status != "abgebrochen"
    anzahl = _sql(db).execute(
        select(func.count()).select_from(Massnahme).where(Massnahme.handlungsfeld_id == feld.id, aktiv)
    ).scalar_one()
    if anzahl == 0:
        return [
            "Es ist noch keine Maßnahme erfasst. Legen Sie eine an mit »bildungsbuero massnahme "
            "anlegen --arbeitspaket ID TITEL --verantwortlich EMAIL --frist JJJJ-MM-TT«."
        ]
    unvollstaendig = _sql(db).execute(
        select(Massnahme.id, Massnahme.titel)
        .where(
            Massnahme.handlungsfeld_id == feld.id,
            aktiv,
            (Massnahme.verantwortlich_id.is_(None)) | (Massnahme.frist.is_(None)),
        )
        .order_by(Massnahme.id)
    ).all()
    return [
        f"Maßnahme {mid} »{titel}« hat keine zuständige Person oder keine Frist. Ergänzen Sie "
        f"sie mit »bildungsbuero massnahme aendern {mid} --verantwortlich EMAIL --frist JJJJ-MM-TT«."
        for mid, titel in unvollstaendig
    ]


def kennzahlen_aktuell(db: Session, feld: Handlungsfeld, kontext: Pruefkontext) -> list[str]:
    """Jede verknüpfte Kennzahl hat für den Landkreis einen Wert, nicht älter als ``kennzahlen_hoechstalter_tage``.

    Das Alter zählt ab dem Ende des Bezugszeitraums des neuesten Werts (``monitoring.feldstand``);
    ohne verknüpfte Kennzahl ist nichts zu prüfen (dann gilt ``datengrundlage_vorhanden``).
    """
    if _sql(db).execute(_KENNZAHL_VERKNUEPFT, {"feld_id": feld.id}).first() is None:
        return []
    from datetime import timezone

    from monitoring.feldstand import feldstand
    from prozess.einstellungen import KENNZAHLEN_HOECHSTALTER

    # Ohne Arbeitseinheit (eine Ansicht ohne Uhr): die Uhr des Rechners, der Standardwert, UTC.
    e = kontext.einstellungen
    hoechstalter = e.wert(KENNZAHLEN_HOECHSTALTER) if e else KENNZAHLEN_HOECHSTALTER.standard
    heute = (kontext.jetzt or datetime.now(timezone.utc)).astimezone(e.zeitzone if e else timezone.utc).date()
    stand = feldstand(_sql(db), feld.id)
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


WAECHTER = {
    "datengrundlage_vorhanden": datengrundlage_vorhanden,
    "kennzahlen_aktuell": kennzahlen_aktuell,
    "beschluss_der_steuerungsgruppe": beschluss_der_steuerungsgruppe,
    "massnahmen_vollstaendig": massnahmen_vollstaendig,
}
