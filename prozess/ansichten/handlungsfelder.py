"""Handlungsfelder lesen: die Liste und die ganze Ansicht eines Feldes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from modelle.tabellen import Aufgabe, Datengrundlage, Handlungsfeld, Person, Schrittprotokoll
from prozess.ansichten import STANDARD_GRENZE, Seite, begrenzen, gesamtzahl
from prozess.ansichten.aufgaben import AufgabeZeile, aufgaben_liste
from prozess.arbeit import Arbeit
from prozess.zyklus import ROLLE_BEZEICHNUNG, ZUSTAND_BEZEICHNUNG


@dataclass(frozen=True)
class FeldZeile:
    id: int
    titel: str
    zustand: str
    zustand_bezeichnung: str
    offene_aufgaben: int


@dataclass(frozen=True)
class SchrittMoeglichkeit:
    """Ein im Zustand vorgesehener Schritt: wer ihn darf und was ihm (noch) fehlt."""

    name: str
    bezeichnung: str
    rollen: str
    begruendung_noetig: bool
    gruende: tuple[str, ...]

    @property
    def moeglich(self) -> bool:
        return not self.gruende


@dataclass(frozen=True)
class Verlaufseintrag:
    zeitpunkt: datetime
    schritt: str
    von: str | None
    nach: str
    person: str
    begruendung: str


@dataclass(frozen=True)
class DatengrundlageZeile:
    id: int
    titel: str
    quelle: str


@dataclass(frozen=True)
class FeldAnsicht:
    id: int
    titel: str
    beschreibung: str
    zustand: str
    zustand_bezeichnung: str
    zustand_seit: datetime
    runde: int
    version: int
    schritte: list[SchrittMoeglichkeit]
    verlauf: list[Verlaufseintrag]
    offene_aufgaben: Seite[AufgabeZeile]
    datengrundlagen: list[DatengrundlageZeile]


def handlungsfelder_liste(arbeit: Arbeit, *, grenze: int | None = STANDARD_GRENZE, versatz: int = 0,
                          gesamt: int | None = None) -> Seite[FeldZeile]:
    """Die Handlungsfelder nach Nummer, mit der Zahl ihrer offenen Aufgaben.

    ``gesamt``: die Zahl aller Felder, wenn der Aufrufer sie schon kennt (``felder_je_zustand``).
    """
    v = arbeit.verbindung()
    felder = begrenzen(select(Handlungsfeld.id, Handlungsfeld.titel, Handlungsfeld.zustand)
                       .order_by(Handlungsfeld.id), grenze, versatz).subquery()
    offene = (select(Aufgabe.handlungsfeld_id, func.count().label("n"))
              .where(Aufgabe.status == "offen", Aufgabe.handlungsfeld_id.in_(select(felder.c.id)))
              .group_by(Aufgabe.handlungsfeld_id).subquery())
    zeilen = v.execute(
        select(felder.c.id, felder.c.titel, felder.c.zustand, func.coalesce(offene.c.n, 0))
        .outerjoin(offene, offene.c.handlungsfeld_id == felder.c.id).order_by(felder.c.id)
    ).all()
    if gesamt is None:
        gesamt = gesamtzahl(zeilen, grenze, versatz,
                            lambda: v.execute(select(func.count()).select_from(Handlungsfeld)).scalar_one())
    return Seite([FeldZeile(i, t, z, ZUSTAND_BEZEICHNUNG[z], n) for i, t, z, n in zeilen], gesamt, versatz)


def handlungsfeld_ansicht(arbeit: Arbeit, feld_id: int, *, person_id: int | None = None) -> FeldAnsicht:
    """Zustand, mögliche Schritte mit Gründen, Verlauf, offene Aufgaben, Datengrundlagen.

    Mit ``person_id`` sagen die Gründe auch, ob diese Person den Schritt darf.
    """
    from prozess.schritte import feld_laden, schritte_bewerten  # die Wächter braucht nur diese Ansicht

    db, v = arbeit.db, arbeit.verbindung()
    feld = feld_laden(db, feld_id)
    verlauf = v.execute(
        select(Schrittprotokoll.zeitpunkt, Schrittprotokoll.schritt, Schrittprotokoll.von_zustand,
               Schrittprotokoll.nach_zustand, Person.name, Schrittprotokoll.begruendung)
        .join(Person, Person.id == Schrittprotokoll.person_id)
        .where(Schrittprotokoll.handlungsfeld_id == feld_id)
        .order_by(Schrittprotokoll.id)
    ).all()
    daten = v.execute(select(Datengrundlage.id, Datengrundlage.titel, Datengrundlage.quelle)
                       .where(Datengrundlage.handlungsfeld_id == feld_id).order_by(Datengrundlage.id)).all()
    return FeldAnsicht(
        id=feld.id, titel=feld.titel, beschreibung=feld.beschreibung, zustand=feld.zustand,
        zustand_bezeichnung=ZUSTAND_BEZEICHNUNG[feld.zustand], zustand_seit=feld.zustand_seit, runde=feld.runde,
        version=feld.version,
        schritte=[SchrittMoeglichkeit(b.schritt.name, b.schritt.bezeichnung,
                                      " oder ".join(ROLLE_BEZEICHNUNG.get(r, r) for r in b.schritt.rollen),
                                      b.schritt.begruendung_noetig, tuple(b.gruende))
                  for b in schritte_bewerten(db, feld, person_id, arbeit)],
        verlauf=[Verlaufseintrag(z, s, ZUSTAND_BEZEICHNUNG.get(v) if v else None, ZUSTAND_BEZEICHNUNG[n], p, b or "")
                 for z, s, v, n, p, b in verlauf],
        offene_aufgaben=aufgaben_liste(arbeit, handlungsfeld_id=feld_id, grenze=None),
        datengrundlagen=[DatengrundlageZeile(i, t, q or "") for i, t, q in daten],
    )


@dataclass(frozen=True)
class Feldseite:
    """Was die Webseite eines Feldes zeigt: die Ansicht, den Zielbaum und den Kennzahlenstand."""

    feld: FeldAnsicht
    ziele: list
    kennzahlen: object  # monitoring.feldstand.Feldstand


def feldseite(arbeit: Arbeit, feld_id: int, *, person_id: int | None = None) -> Feldseite:
    """``handlungsfeld_ansicht``, ``zielbaum`` und ``monitoring.feldstand.feldstand`` in einer Arbeit.

    Das Feld wird einmal geladen (der Zielbaum prüft es nicht noch einmal). Der Kennzahlenstand ist
    derselbe wie in ``daten stand``, im Statusbericht und in der Einladung: geheimgehalten, mit
    Bezugsgröße, Trend und Quellen.
    """
    from monitoring.feldstand import feldstand
    from prozess.ansichten.ziele import zielbaum_ohne_pruefung

    feld = handlungsfeld_ansicht(arbeit, feld_id, person_id=person_id)
    return Feldseite(feld, zielbaum_ohne_pruefung(arbeit, feld_id), feldstand(arbeit, feld_id))


@dataclass(frozen=True)
class ZustandZahl:
    zustand: str
    bezeichnung: str
    anzahl: int


def felder_je_zustand(arbeit: Arbeit) -> list[ZustandZahl]:
    """Wie viele Handlungsfelder in jedem Zustand stehen (nur Zustände mit Feldern), in der Reihenfolge des Zyklus."""
    gezaehlt = dict(arbeit.verbindung().execute(select(Handlungsfeld.zustand, func.count()).group_by(Handlungsfeld.zustand)).all())
    return [ZustandZahl(z, b, gezaehlt[z]) for z, b in ZUSTAND_BEZEICHNUNG.items() if gezaehlt.get(z)]
