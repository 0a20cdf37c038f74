"""Die Tagesordnung einer Sitzung, gebaut aus dem Stand der Handlungsfelder.

Was auf die Tagesordnung welches Gremiums kommt, erklärt ``prozess.zyklus.TAGESORDNUNG``
(je Zustand und Gremium). Dazu bei jedem Gremium Eröffnung, als ständiger Punkt die offenen
Entscheidungen und Aufgaben seiner Mitglieder mit zuständiger Person und Frist, und
Verschiedenes.

``tagesordnung_entwerfen`` schreibt nichts (die Vorschau vor der Einladung);
``tagesordnung_festschreiben`` legt sie einmal an, mit der ersten Einladung.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from modelle.tabellen import Aufgabe, Gremium, Handlungsfeld, Mitgliedschaft, Person, Sitzung, Tagesordnungspunkt
from prozess.zeit import datum_de
from prozess.zyklus import TAGESORDNUNG, ZUSTAND_BEZEICHNUNG


@dataclass(frozen=True)
class Punkt:
    """Ein Tagesordnungspunkt; ``id`` ist gesetzt, sobald er gespeichert ist (für »--top«)."""

    nummer: int
    titel: str
    beschreibung: str
    handlungsfeld_id: int | None = None
    id: int | None = None


def _felder(db: Session, zustaende: tuple[str, ...]) -> list[Handlungsfeld]:
    return list(db.exec(select(Handlungsfeld).where(Handlungsfeld.zustand.in_(zustaende))
                        .order_by(Handlungsfeld.id)).all())


def _punkte_aus_dem_prozess(db: Session, kuerzel: str) -> list[tuple[str, str, int | None]]:
    punkte: list[tuple[str, str, int | None]] = []
    for beratung in TAGESORDNUNG:
        if beratung.gremium != kuerzel:
            continue
        if not beratung.zustaende:
            punkte.append((beratung.titel, beratung.beschreibung, None))
            continue
        for f in _felder(db, beratung.zustaende):
            if beratung.nur_erste_runde and f.runde != 1:
                continue
            werte = {"titel": f.titel, "zustand": ZUSTAND_BEZEICHNUNG[f.zustand]}
            punkte.append((beratung.titel.format(**werte), beratung.beschreibung.format(**werte), f.id))
    return punkte


def offene_entscheidungen(db: Session, gremium_id: int) -> list[str]:
    """Offene Aufgaben der Mitglieder dieses Gremiums: »Titel – Person, Frist TT.MM.JJJJ«."""
    mitglieder = select(Mitgliedschaft.person_id).where(Mitgliedschaft.gremium_id == gremium_id)
    zeilen = db.exec(
        select(Aufgabe, Person).join(Person, Person.id == Aufgabe.verantwortlich_id)
        .where(Aufgabe.status == "offen", Aufgabe.verantwortlich_id.in_(mitglieder))
        .order_by(Aufgabe.frist, Aufgabe.id)
    ).all()
    return [f"{a.titel} – {p.name}, Frist {datum_de(a.frist)}" for a, p in zeilen]


def gespeicherte_tagesordnung(db: Session, sitzung_id: int) -> list[Punkt]:
    """Die mit der Einladung gespeicherte Tagesordnung (leer, wenn noch nicht eingeladen)."""
    tops = db.exec(select(Tagesordnungspunkt).where(Tagesordnungspunkt.sitzung_id == sitzung_id)
                   .order_by(Tagesordnungspunkt.nummer)).all()
    return [Punkt(t.nummer, t.titel, t.beschreibung, t.handlungsfeld_id, t.id) for t in tops]


def tagesordnung_entwerfen(db: Session, sitzung: Sitzung) -> list[Punkt]:
    """Die Tagesordnung nach heutigem Stand, ohne etwas zu schreiben."""
    gremium = db.get(Gremium, sitzung.gremium_id)
    punkte = [("Eröffnung und Feststellung der Tagesordnung", "", None)]
    punkte += _punkte_aus_dem_prozess(db, gremium.kuerzel)
    offen = offene_entscheidungen(db, gremium.id)
    punkte.append(("Offene Entscheidungen und Aufgaben", "\n".join(offen) if offen else "keine", None))
    punkte.append(("Verschiedenes", "", None))
    return [Punkt(i, titel, beschreibung, feld_id) for i, (titel, beschreibung, feld_id) in enumerate(punkte, 1)]


def tagesordnung_festschreiben(db: Session, sitzung: Sitzung) -> list[Punkt]:
    """Legt die Tagesordnung an, falls es noch keine gibt, und gibt sie zurück (in der laufenden Arbeit)."""
    vorhanden = gespeicherte_tagesordnung(db, sitzung.id)
    if vorhanden:
        return vorhanden
    entwurf = tagesordnung_entwerfen(db, sitzung)
    tops = [Tagesordnungspunkt(sitzung_id=sitzung.id, nummer=p.nummer, titel=p.titel, beschreibung=p.beschreibung,
                               handlungsfeld_id=p.handlungsfeld_id) for p in entwurf]
    db.add_all(tops)
    db.flush()
    return [Punkt(t.nummer, t.titel, t.beschreibung, t.handlungsfeld_id, t.id) for t in tops]


@dataclass(frozen=True)
class Anwesenheit:
    """Ein Mitglied des Gremiums und seine Antwort über den persönlichen Link (``None``: keine)."""

    person_id: int
    name: str
    antwort: str | None

    @property
    def bezeichnung(self) -> str:
        return {"zusage": "zugesagt", "absage": "abgesagt"}.get(self.antwort or "", "keine Antwort")


def anwesenheitsliste(db: Session, sitzung: Sitzung) -> list[Anwesenheit]:
    """Die Mitglieder des Gremiums (nicht entfernt) mit Zu- oder Absage, nach Name. Liest nur."""
    from sqlalchemy import and_

    from modelle.teilnahme import Sitzungsantwort  # erst hier: die CLI lädt die Tabellen der Webseiten sonst nicht

    zeilen = db.exec(
        select(Person.id, Person.name, Sitzungsantwort.antwort)
        .join(Mitgliedschaft, Mitgliedschaft.person_id == Person.id)
        .outerjoin(Sitzungsantwort, and_(Sitzungsantwort.sitzung_id == sitzung.id,
                                         Sitzungsantwort.person_id == Person.id))
        .where(Mitgliedschaft.gremium_id == sitzung.gremium_id, Person.entfernt_am.is_(None))
        .distinct().order_by(Person.name, Person.id)
    ).all()
    return [Anwesenheit(i, n, a) for i, n, a in zeilen]


def anwesenheit_als_text(liste: list[Anwesenheit]) -> str:
    return "\n".join(f"    {a.name}: {a.bezeichnung}" for a in liste) or "    (keine Mitglieder)"


def als_text(punkte: list[Punkt], mit_nummern: bool = False) -> str:
    """Die Tagesordnung als Text; ``mit_nummern`` zeigt die Zeilennummer für »--top«."""
    zeilen = []
    for p in punkte:
        zeilen.append(f"TOP {p.nummer}: {p.titel}" + (f"   [{p.id}]" if mit_nummern and p.id else ""))
        zeilen += [f"    {z}" for z in p.beschreibung.splitlines() if z]
    return "\n".join(zeilen)
