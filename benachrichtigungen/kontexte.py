"""Die Werte, mit denen eine Mail-Vorlage dargestellt wird, zum Zeitpunkt ihres Anlasses.

Alles ist schon deutsch formatiert (Daten, Wochentage, Zustände), damit die Outbox-Zeile
für sich allein steht: was gesendet wird, hängt nicht davon ab, was sich danach ändert.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from modelle.tabellen import Gremium, Landkreis
from prozess.zeit import datum_de, heute
from prozess.zyklus import ZUSTAND_BEZEICHNUNG

WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def grundkontext(session) -> dict:
    """Landkreis und Bildungsbüro (Name, Antwortadresse) für jede Mail (je Sitzung einmal gelesen)."""
    from prozess.rollen import speicher

    ablage = speicher(session)
    if "grundkontext" not in ablage:
        ablage["grundkontext"] = _grundkontext_laden(session)
    return ablage["grundkontext"]


def _grundkontext_laden(session) -> dict:
    landkreis = session.exec(select(Landkreis.name).order_by(Landkreis.id)).first() or "Landkreis"
    buero = session.exec(select(Gremium).where(Gremium.kuerzel == "bildungsbuero")).first()
    return {
        "landkreis": landkreis,
        "buero": {
            "name": buero.name if buero else "Bildungsbüro",
            "email": (buero.email if buero and buero.email else ""),
        },
    }


def aufgabe_kontext(
    *,
    aufgabe_id: int,
    titel: str,
    beschreibung: str,
    frist: date,
    jetzt: datetime,
    zone: ZoneInfo,
) -> dict:
    tage = (frist - heute(jetzt, zone)).days
    return {
        "id": aufgabe_id,
        "titel": titel,
        "beschreibung": beschreibung or "",
        "frist": datum_de(frist),
        "frist_wochentag": WOCHENTAGE[frist.weekday()],
        "tage_bis_frist": tage,
        "tage_ueberfaellig": max(0, -tage),
    }


def feld_kontext(feld_id: int | None, titel: str | None, zustand: str | None) -> dict | None:
    if feld_id is None:
        return None
    return {"id": feld_id, "titel": titel, "zustand": ZUSTAND_BEZEICHNUNG.get(zustand, zustand or "")}


def mail_kontext(grund: dict, empfaenger_name: str, **teile) -> dict:
    return {**grund, "empfaenger": {"name": empfaenger_name}, **teile}
