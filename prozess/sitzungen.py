"""Sitzungen, Tagesordnungspunkte und Beschlüsse (so viel, wie ein Schritt braucht)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from modelle.tabellen import Beschluss, Gremium, Sitzung
from prozess.fehler import Eingabefehler, NichtGefunden
from prozess.schritte import feld_laden


def gremium_laden(session: Session, kuerzel: str) -> Gremium:
    gremium = session.exec(select(Gremium).where(Gremium.kuerzel == kuerzel)).first()
    if gremium is None:
        bekannt = ", ".join(session.exec(select(Gremium.kuerzel).order_by(Gremium.kuerzel)).all())
        raise NichtGefunden(f"Gremium »{kuerzel}« gibt es nicht. Bekannt: {bekannt or 'keine (Organisation laden)'}.")
    return gremium


def sitzung_anlegen(session: Session, gremium_kuerzel: str, beginn: datetime, ort: str = "") -> Sitzung:
    if beginn.tzinfo is None:
        raise Eingabefehler("Der Beginn der Sitzung braucht eine Zeitzone.")
    sitzung = Sitzung(gremium_id=gremium_laden(session, gremium_kuerzel).id, beginn=beginn, ort=ort)
    session.add(sitzung)
    session.commit()
    return sitzung


def beschluss_erfassen(
    session: Session, sitzung_id: int, text: str, gefasst_am: datetime, handlungsfeld_id: int | None = None
) -> Beschluss:
    """Hält einen Beschluss fest, den ein Gremium in einer Sitzung gefasst hat."""
    if session.get(Sitzung, sitzung_id) is None:
        raise NichtGefunden(f"Sitzung {sitzung_id} gibt es nicht.")
    if handlungsfeld_id is not None:
        feld_laden(session, handlungsfeld_id)
    if not text.strip():
        raise Eingabefehler("Der Text des Beschlusses ist leer; halten Sie fest, was beschlossen wurde.")
    beschluss = Beschluss(sitzung_id=sitzung_id, handlungsfeld_id=handlungsfeld_id, text=text.strip(), gefasst_am=gefasst_am)
    session.add(beschluss)
    session.commit()
    return beschluss
