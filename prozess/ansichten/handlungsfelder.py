"""Handlungsfelder lesen: die Liste und die ganze Ansicht eines Feldes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, func, select

from modelle.direkt import direkt
from modelle.tabellen import Aufgabe, Datengrundlage, Handlungsfeld, Person, Schrittprotokoll
from prozess.ansichten import STANDARD_GRENZE, Seite, gesamtzahl, seite_werte, seitenweise
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
    zeilen = direkt(_felder_anweisung(grenze is not None)).zeilen(v, seite_werte(grenze, versatz))
    if gesamt is None:
        gesamt = gesamtzahl(zeilen, grenze, versatz, lambda: direkt(_FELDER_ZAEHLEN).wert(v))
    return Seite([FeldZeile(i, t, z, ZUSTAND_BEZEICHNUNG[z], n) for i, t, z, n in zeilen], gesamt, versatz)


@lru_cache(maxsize=2)
def _felder_anweisung(mit_grenze: bool):
    """Eine Seite Felder nach Nummer mit der Zahl ihrer offenen Aufgaben, einmal gebaut.

    Gezählt wird je Feld der Seite über ix_aufgabe_feld_status (eine korrelierte Unterabfrage): auf
    SQLite ein Drittel der Zeit des früheren Joins mit gruppierter Zählung über IN (~0,2 statt ~0,6 ms
    für 50 Felder im Standard-Datensatz), der die Seite zweimal las und das Ergebnis neu sortierte.
    """
    offene = (select(func.count()).select_from(Aufgabe)
              .where(Aufgabe.handlungsfeld_id == Handlungsfeld.id, Aufgabe.status == "offen").scalar_subquery())
    return seitenweise(select(Handlungsfeld.id, Handlungsfeld.titel, Handlungsfeld.zustand, offene)
                       .order_by(Handlungsfeld.id), mit_grenze)


_FELDER_ZAEHLEN = select(func.count()).select_from(Handlungsfeld)
_FELD = Handlungsfeld.__table__
_FELD_LESEN = select(_FELD.c.id, _FELD.c.titel, _FELD.c.beschreibung, _FELD.c.zustand, _FELD.c.zustand_seit,
                     _FELD.c.runde, _FELD.c.version).where(_FELD.c.id == bindparam("feld_id"))
_VERLAUF = (select(Schrittprotokoll.zeitpunkt, Schrittprotokoll.schritt, Schrittprotokoll.von_zustand,
                   Schrittprotokoll.nach_zustand, Person.name, Schrittprotokoll.begruendung)
            .join(Person, Person.id == Schrittprotokoll.person_id)
            .where(Schrittprotokoll.handlungsfeld_id == bindparam("feld_id"))
            .order_by(Schrittprotokoll.id))
_DATENGRUNDLAGEN = (select(Datengrundlage.id, Datengrundlage.titel, Datengrundlage.quelle)
                    .where(Datengrundlage.handlungsfeld_id == bindparam("feld_id")).order_by(Datengrundlage.id))
_JE_ZUSTAND = select(Handlungsfeld.zustand, func.count()).group_by(Handlungsfeld.zustand)


def handlungsfeld_ansicht(arbeit: Arbeit, feld_id: int, *, person_id: int | None = None) -> FeldAnsicht:
    """Zustand, mögliche Schritte mit Gründen, Verlauf, offene Aufgaben, Datengrundlagen.

    Mit ``person_id`` sagen die Gründe auch, ob diese Person den Schritt darf.
    """
    from prozess.laden import nicht_gefunden
    from prozess.schritte import schritte_bewerten  # die Wächter braucht nur diese Ansicht

    v, werte = arbeit.verbindung(), {"feld_id": feld_id}
    feld = v.execute(_FELD_LESEN, werte).one_or_none()  # Core: die Ansicht braucht nur diese Spalten
    if feld is None:
        raise nicht_gefunden(Handlungsfeld, feld_id)
    verlauf = direkt(_VERLAUF).zeilen(v, werte)
    daten = direkt(_DATENGRUNDLAGEN).zeilen(v, werte)
    return FeldAnsicht(
        id=feld.id, titel=feld.titel, beschreibung=feld.beschreibung, zustand=feld.zustand,
        zustand_bezeichnung=ZUSTAND_BEZEICHNUNG[feld.zustand], zustand_seit=feld.zustand_seit, runde=feld.runde,
        version=feld.version,
        schritte=[SchrittMoeglichkeit(b.schritt.name, b.schritt.bezeichnung,
                                      " oder ".join(ROLLE_BEZEICHNUNG.get(r, r) for r in b.schritt.rollen),
                                      b.schritt.begruendung_noetig, tuple(b.gruende))
                  for b in schritte_bewerten(arbeit.db, feld, person_id, arbeit)],
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
    gezaehlt = dict(direkt(_JE_ZUSTAND).zeilen(arbeit.verbindung()))
    return [ZustandZahl(z, b, gezaehlt[z]) for z, b in ZUSTAND_BEZEICHNUNG.items() if gezaehlt.get(z)]
