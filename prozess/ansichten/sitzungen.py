"""Sitzungen lesen: die Liste der (kommenden) Sitzungen und ihre Tagesordnung."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime

from sqlalchemy import bindparam, func, select

from modelle.direkt import direkt
from modelle.tabellen import Gremium, Sitzung
from prozess.ansichten import STANDARD_GRENZE, Seite, gesamtzahl, seite_werte, seitenweise
from prozess.arbeit import Arbeit
from prozess.sitzungen import sitzung_laden
from prozess.tagesordnung import (
    Anwesenheit, Punkt, anwesenheitsliste, gespeicherte_tagesordnung, tagesordnung_entwerfen,
)

STATUS_BEZEICHNUNG = {"geplant": "geplant", "abgesagt": "abgesagt", "stattgefunden": "stattgefunden"}


@dataclass(frozen=True)
class SitzungZeile:
    id: int
    beginn: datetime
    gremium: str
    status: str
    status_bezeichnung: str
    ort: str
    eingeladen: bool
    hinweis: str


@dataclass(frozen=True)
class TagesordnungAnsicht:
    """Die Tagesordnung; ``vorschau``: noch nicht eingeladen, also nach heutigem Stand und ohne Nummern."""

    sitzung_id: int
    gremium: str
    beginn: datetime
    vorschau: bool
    punkte: list[Punkt]
    # Die Mitglieder mit ihrer Zu- oder Absage über den persönlichen Link.
    anwesenheit: list[Anwesenheit] = field(default_factory=list)


def sitzungen_liste(arbeit: Arbeit, *, alle: bool = False, grenze: int | None = STANDARD_GRENZE,
                    versatz: int = 0) -> Seite[SitzungZeile]:
    """Die kommenden geplanten Sitzungen nach Beginn; mit ``alle`` auch vergangene und abgesagte."""
    v = arbeit.verbindung()
    liste, zaehlen = _listen_anweisungen(alle, grenze is not None)
    werte = {} if alle else {"jetzt": arbeit.jetzt}
    zeilen = direkt(liste).zeilen(v, {**werte, **seite_werte(grenze, versatz)})
    gesamt = gesamtzahl(zeilen, grenze, versatz, lambda: direkt(zaehlen).wert(v, werte))
    return Seite([SitzungZeile(i, b, g, s, STATUS_BEZEICHNUNG.get(s, s), o or "", bool(e), h or "")
                  for i, b, g, s, o, e, h in zeilen], gesamt, versatz)


@lru_cache(maxsize=4)
def _listen_anweisungen(alle: bool, mit_grenze: bool):
    """(Liste, Zählung), einmal gebaut; Platzhalter ``jetzt``, ``grenze``, ``versatz``."""
    bedingungen = [] if alle else [Sitzung.beginn >= bindparam("jetzt", type_=Sitzung.__table__.c.beginn.type),
                                   Sitzung.status == "geplant"]
    abfrage = (select(Sitzung.id, Sitzung.beginn, Gremium.name, Sitzung.status, Sitzung.ort,
                      Sitzung.eingeladen_sequenz == Sitzung.sequenz, Sitzung.hinweis)
               .join(Gremium, Gremium.id == Sitzung.gremium_id).where(*bedingungen)
               .order_by(Sitzung.beginn, Sitzung.id))
    return seitenweise(abfrage, mit_grenze), select(func.count()).select_from(Sitzung).where(*bedingungen)


def tagesordnung_ansicht(arbeit: Arbeit, sitzung_id: int) -> TagesordnungAnsicht:
    """Die gespeicherte Tagesordnung, oder vor der Einladung ein Entwurf nach heutigem Stand (schreibt nichts)."""
    db = arbeit.db
    sitzung = sitzung_laden(db, sitzung_id)
    gremium = db.get(Gremium, sitzung.gremium_id)
    punkte = gespeicherte_tagesordnung(db, sitzung_id)
    vorschau = sitzung.eingeladen_sequenz is None or not punkte
    if vorschau:
        punkte = tagesordnung_entwerfen(db, sitzung)
    return TagesordnungAnsicht(sitzung.id, gremium.name, sitzung.beginn, vorschau, punkte,
                               anwesenheitsliste(db, sitzung))
