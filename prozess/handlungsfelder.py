"""Handlungsfelder anlegen und ihre Datengrundlagen erfassen.

Was man über Felder *liest* (Liste, ganze Ansicht), steht in ``prozess.ansichten.handlungsfelder``.
"""

from __future__ import annotations

from modelle.tabellen import Datengrundlage, Handlungsfeld, Schrittprotokoll
from prozess.arbeit import Arbeit
from prozess.aufgaben import folgeaufgaben_anlegen
from prozess.auftragsmails import mails_fuer_neue_aufgaben
from prozess.eingaben import titel_pruefen
from prozess.fehler import SchrittNichtMoeglich
from prozess.rollen import passt, rollen_der_person
from prozess.schritte import feld_laden
from prozess.zyklus import MANAGEMENT, PROZESS_VERSION


def handlungsfeld_anlegen(arbeit: Arbeit, titel: str, person_id: int | str, beschreibung: str = "") -> Handlungsfeld:
    """Legt ein Handlungsfeld im Zustand ``definiert`` an, mit Protokoll und erster Aufgabe.

    ``person_id`` ist die Id der handelnden Person oder ihre Adresse.
    """
    from prozess.rollen import person_id_von

    db, jetzt = arbeit.db, arbeit.jetzt
    person_id = person_id_von(arbeit, person_id)
    titel = titel_pruefen(titel, "Der Titel des Handlungsfeldes", beispiel="Schulabsentismus")
    beschreibung = titel_pruefen(beschreibung, "Die Beschreibung", leer_erlaubt=True, mehrzeilig=True, laenge=4000)
    if not passt(rollen_der_person(db, person_id), MANAGEMENT):
        raise SchrittNichtMoeglich("Ein Handlungsfeld anlegen darf nur das Bildungsmanagement.")
    feld = Handlungsfeld(titel=titel, beschreibung=beschreibung, zustand="definiert", zustand_seit=jetzt,
                         version=1, prozess_version=PROZESS_VERSION, angelegt_am=jetzt)
    db.add(feld)
    db.flush()
    db.add(Schrittprotokoll(handlungsfeld_id=feld.id, schritt="anlegen", von_zustand=None, nach_zustand="definiert",
                            person_id=person_id, zeitpunkt=jetzt, prozess_version=PROZESS_VERSION))
    neue = folgeaufgaben_anlegen(arbeit, feld)
    mails_fuer_neue_aufgaben(arbeit, neue, feld)
    db.flush()
    return feld


def datengrundlage_anlegen(arbeit: Arbeit, feld_id: int, titel: str, quelle: str = "") -> Datengrundlage:
    """Hängt eine Datengrundlage (aggregierte Kennzahlen, keine Personendaten) an ein Feld."""
    feld_laden(arbeit.db, feld_id)
    titel = titel_pruefen(titel, "Der Titel der Datengrundlage", beispiel="Fehlzeitenstatistik 2025/26")
    quelle = titel_pruefen(quelle, "Die Quelle", leer_erlaubt=True)
    eintrag = Datengrundlage(handlungsfeld_id=feld_id, titel=titel, quelle=quelle, angelegt_am=arbeit.jetzt)
    arbeit.db.add(eintrag)
    arbeit.db.flush()
    return eintrag
