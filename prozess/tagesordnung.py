"""Die Tagesordnung einer Sitzung, gebaut aus dem Stand der Handlungsfelder.

Was ein Gremium entscheiden oder wissen muss, steht auf seiner Tagesordnung:

- Steuerungsgruppe: jedes Handlungsfeld in der Steuerungsprüfung (Maßnahmen beschließen
  oder weitere Daten anfordern).
- Bildungsbeirat: neue Handlungsfelder (strategisches Ziel festlegen) und Berichte
  (abschließen oder neue Runde).
- Schulausschuss: Berichte zur Kenntnis und der Statusbericht des Bildungsbüros.
- Bildungskonferenz: alle laufenden Handlungsfelder im Überblick.

Dazu bei jedem Gremium als ständiger Punkt die offenen Entscheidungen und Aufgaben seiner
Mitglieder mit zuständiger Person und Frist. Gebaut wird einmal, mit der ersten Einladung.
"""

from __future__ import annotations

from sqlmodel import Session, select

from modelle.tabellen import Aufgabe, Gremium, Handlungsfeld, Mitgliedschaft, Person, Sitzung, Tagesordnungspunkt
from prozess.zeit import datum_de
from prozess.zyklus import AKTIVE_ZUSTAENDE, ZUSTAND_BEZEICHNUNG


def _felder(session: Session, *zustaende: str) -> list[Handlungsfeld]:
    return list(session.exec(select(Handlungsfeld).where(Handlungsfeld.zustand.in_(zustaende))
                             .order_by(Handlungsfeld.id)).all())


def _punkte_aus_dem_prozess(session: Session, kuerzel: str) -> list[tuple[str, str, int | None]]:
    punkte: list[tuple[str, str, int | None]] = []
    if kuerzel == "steuerungsgruppe":
        for f in _felder(session, "steuerungspruefung"):
            punkte.append((f"Steuerungsprüfung: {f.titel}",
                           "Maßnahmen beschließen (massnahmen_beschliessen) oder weitere Daten anfordern "
                           "(daten_nachfordern).", f.id))
    elif kuerzel == "bildungsbeirat":
        for f in _felder(session, "definiert"):
            if f.runde == 1:
                punkte.append((f"Neues Handlungsfeld: {f.titel}", "Strategisches Ziel festlegen.", f.id))
        for f in _felder(session, "berichterstattung"):
            punkte.append((f"Bericht: {f.titel}", "Abschließen oder eine neue Runde beginnen.", f.id))
    elif kuerzel == "schulausschuss":
        punkte.append(("Statusbericht des Bildungsbüros", "Zur Kenntnis; der Bericht liegt der Einladung bei bzw. "
                       "ging vorab per Mail.", None))
        for f in _felder(session, "berichterstattung"):
            punkte.append((f"Bericht zur Kenntnis: {f.titel}", "", f.id))
    elif kuerzel == "bildungskonferenz":
        for f in _felder(session, *AKTIVE_ZUSTAENDE):
            punkte.append((f"Handlungsfeld {f.titel}", f"Stand: {ZUSTAND_BEZEICHNUNG[f.zustand]}.", f.id))
    return punkte


def offene_entscheidungen(session: Session, gremium_id: int) -> list[str]:
    """Offene Aufgaben der Mitglieder dieses Gremiums: »Titel – Person, Frist TT.MM.JJJJ«."""
    mitglieder = select(Mitgliedschaft.person_id).where(Mitgliedschaft.gremium_id == gremium_id)
    zeilen = session.exec(
        select(Aufgabe, Person).join(Person, Person.id == Aufgabe.verantwortlich_id)
        .where(Aufgabe.status == "offen", Aufgabe.verantwortlich_id.in_(mitglieder))
        .order_by(Aufgabe.frist, Aufgabe.id)
    ).all()
    return [f"{a.titel} – {p.name}, Frist {datum_de(a.frist)}" for a, p in zeilen]


def tagesordnung_bauen(session: Session, sitzung: Sitzung) -> list[Tagesordnungspunkt]:
    """Legt die Tagesordnung an, falls es noch keine gibt, und gibt sie zurück (ohne Commit)."""
    vorhanden = list(session.exec(select(Tagesordnungspunkt).where(Tagesordnungspunkt.sitzung_id == sitzung.id)
                                  .order_by(Tagesordnungspunkt.nummer)).all())
    if vorhanden:
        return vorhanden
    gremium = session.get(Gremium, sitzung.gremium_id)
    punkte = [("Eröffnung und Feststellung der Tagesordnung", "", None)]
    punkte += _punkte_aus_dem_prozess(session, gremium.kuerzel)
    offen = offene_entscheidungen(session, gremium.id)
    punkte.append(("Offene Entscheidungen und Aufgaben", "\n".join(offen) if offen else "keine", None))
    punkte.append(("Verschiedenes", "", None))
    tops = [Tagesordnungspunkt(sitzung_id=sitzung.id, nummer=i, titel=titel, beschreibung=beschreibung,
                               handlungsfeld_id=feld_id)
            for i, (titel, beschreibung, feld_id) in enumerate(punkte, 1)]
    session.add_all(tops)
    session.flush()
    return tops


def als_text(tops: list[Tagesordnungspunkt], mit_nummern: bool = False) -> str:
    """Die Tagesordnung als Text; ``mit_nummern`` zeigt die Zeilennummer für »--top«."""
    zeilen = []
    for top in tops:
        zeilen.append(f"TOP {top.nummer}: {top.titel}" + (f"   [{top.id}]" if mit_nummern else ""))
        zeilen += [f"    {z}" for z in top.beschreibung.splitlines() if z]
    return "\n".join(zeilen)

