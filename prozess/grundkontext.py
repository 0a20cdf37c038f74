"""Was jede Mail über den Absender wissen muss: Landkreis und Bildungsbüro (Name, Antwortadresse).

Je Session einmal gelesen (im Zwischenspeicher von ``prozess.rollen``): ein Takt schreibt
Tausende Mails mit demselben Grundkontext.
"""

from __future__ import annotations

from sqlmodel import Session, select

from modelle.tabellen import Gremium, Landkreis
from prozess.rollen import speicher


def grundkontext(db: Session) -> dict:
    """Landkreis und Bildungsbüro für jede Mail."""
    ablage = speicher(db)
    if "grundkontext" not in ablage:
        ablage["grundkontext"] = _grundkontext_laden(db)
    return ablage["grundkontext"]


def _grundkontext_laden(db: Session) -> dict:
    landkreis = db.exec(select(Landkreis.name).order_by(Landkreis.id)).first() or "Landkreis"
    buero = db.exec(select(Gremium).where(Gremium.kuerzel == "bildungsbuero")).first()
    return {
        "landkreis": landkreis,
        "buero": {
            "name": buero.name if buero else "Bildungsbüro",
            "email": (buero.email if buero and buero.email else ""),
        },
    }
