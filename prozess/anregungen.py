"""Anregungen: was jemand über das öffentliche Formular an das Bildungsbüro schickt.

Das Konzept sagt, Anregungen und Vorschläge können jederzeit an das Bildungsbüro
herangetragen werden. Eine Anregung ist eine Zeile (``modelle.anregungen.Anregung``) und
wird in derselben Transaktion eine Aufgabe für das Bildungsmanagement (Frist
``frist_anregung_tage``), mit der üblichen Mail. Nichts Persönliches ist Pflicht: Name und
Adresse sind freiwillig und stehen, wenn angegeben, in der Aufgabe, damit das Büro antworten
kann. Geprüft werden Längen und Steuerzeichen wie bei jedem Titel.
"""

from __future__ import annotations

from prozess.arbeit import Arbeit
from prozess.eingaben import titel_pruefen
from prozess.fehler import Konfigurationsfehler

THEMA_LAENGE = 200
TEXT_LAENGE = 4000
NAME_LAENGE = 200
ADRESSE_LAENGE = 500


def anregung_einreichen(arbeit: Arbeit, thema: str, text: str, name: str = "", adresse: str = ""):
    """Speichert die Anregung und legt ihre Aufgabe für das Bildungsmanagement an; gibt die Zeile zurück."""
    from modelle.anregungen import Anregung
    from prozess.aufgaben import aufgabe_anlegen
    from prozess.rollen import zustaendige_person
    from prozess.zeit import frist_nach_tagen
    from prozess.zyklus import MANAGEMENT

    thema = titel_pruefen(thema, "Das Thema", beispiel="Ganztag an Grundschulen", laenge=THEMA_LAENGE)
    text = titel_pruefen(text, "Der Text der Anregung", mehrzeilig=True, laenge=TEXT_LAENGE)
    name = titel_pruefen(name, "Der Name", leer_erlaubt=True, laenge=NAME_LAENGE)
    adresse = titel_pruefen(adresse, "Die Adresse", leer_erlaubt=True, mehrzeilig=True, laenge=ADRESSE_LAENGE)
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    management = zustaendige_person(db, MANAGEMENT)
    if management is None:
        raise Konfigurationsfehler("Niemand hat die Rolle Bildungsmanagement; eine Anregung hätte keine Adresse. "
                                   "Tragen Sie sie in der Organisationsdatei ein.")
    anregung = Anregung(thema=thema, text=text, name=name or None, adresse=adresse or None, eingegangen_am=jetzt)
    db.add(anregung)
    db.flush()
    beschreibung = f"Anregung {anregung.id} aus dem Formular der Webseiten:\n\n{text}"
    if name or adresse:
        kontakt = ", ".join(t for t in (name, adresse.replace("\n", ", ")) if t)
        beschreibung += f"\n\nKontakt für eine Antwort (mit Einwilligung angegeben): {kontakt}"
    aufgabe = aufgabe_anlegen(arbeit, titel=f"Anregung sichten: {thema}", verantwortlich=management,
                              frist=frist_nach_tagen(jetzt, e.frist_anregung_tage, e.zeitzone),
                              beschreibung=beschreibung)
    anregung.aufgabe_id = aufgabe.id
    db.flush()
    return anregung
