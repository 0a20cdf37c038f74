"""Eine Zeile nach ihrer Nummer laden – oder ein ``NichtGefunden``, das den Weg zur Liste nennt."""

from __future__ import annotations

from prozess.fehler import NichtGefunden

# Welche Liste die vorhandenen Nummern zeigt, je Tabelle (für die Meldung).
_WO_NACHSEHEN = {
    "Handlungsfeld": ("Handlungsfeld", "bildungsbuero handlungsfeld liste"),
    "Aufgabe": ("Aufgabe", "bildungsbuero aufgabe liste"),
    "Massnahme": ("Maßnahme", "bildungsbuero massnahme liste FELD"),
    "Sitzung": ("Sitzung", "bildungsbuero sitzung liste --vergangene"),
    "Statusbericht": ("Statusbericht", "bildungsbuero statusbericht liste"),
}


def laden(db, tabelle, nummer: int):
    """Die Zeile von ``tabelle`` mit dieser Nummer; sonst ``NichtGefunden`` mit Ausweg."""
    zeile = db.get(tabelle, nummer)
    if zeile is None:
        raise nicht_gefunden(tabelle, nummer)
    return zeile


def nicht_gefunden(tabelle, nummer: int) -> NichtGefunden:
    """Der Fehler für eine fehlende Zeile (für Ansichten, die selbst mit Core lesen)."""
    name, liste = _WO_NACHSEHEN[tabelle.__name__]
    return NichtGefunden(f"{name} {nummer} gibt es nicht. Die vorhandenen zeigt »{liste}«.")
