"""Hilfen für Tests: Personen der Beispielorganisation, ein Feld in einen Zustand bringen."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from modelle.tabellen import Handlungsfeld
from prozess.arbeit import arbeitseinheit
from prozess.handlungsfelder import datengrundlage_anlegen, handlungsfeld_anlegen
from prozess.rollen import person_per_email
from prozess.schritte import schritt_ausfuehren
from prozess.sitzungen import beschluss_erfassen, sitzung_anlegen
from prozess.ziele import massnahme_anlegen, ziel_anlegen

MANAGEMENT = "anna.meyer@lkclp.example"
MONITORING = "joerg.toebben@lkclp.example"
SG_VORSITZ = "hiltrud.schraeder@lkclp.example"
SG_MITGLIED = "bernd.wuebbolding@lkclp.example"
SCHULLEITUNG = "schulleitung@obs-loeningen.example"
BERLIN = ZoneInfo("Europe/Berlin")

# Der Weg vom Anlegen in jeden Zustand: (Schritt, Person, Begründung)
WEG = {
    "definiert": [],
    "daten_zusammengestellt": [("daten_zusammenstellen", MONITORING, "")],
    "steuerungspruefung": [("daten_zusammenstellen", MONITORING, ""), ("zur_pruefung_vorlegen", MANAGEMENT, "")],
}
WEG["massnahmen_beschlossen"] = WEG["steuerungspruefung"] + [("massnahmen_beschliessen", SG_VORSITZ, "")]
WEG["berichterstattung"] = WEG["massnahmen_beschlossen"] + [("bericht_erstatten", MANAGEMENT, "")]
WEG["abgeschlossen"] = WEG["berichterstattung"] + [("abschliessen", MANAGEMENT, "")]


def tun(s, jetzt: datetime, funktion, *args, **kwargs):
    """Ruft ``funktion(arbeit, *args, **kwargs)`` in einer Arbeitseinheit auf der Session ``s`` zu ``jetzt``.

    Wie eine Front-Tür: Commit, wenn die Funktion gelingt, Rollback bei jedem Fehler. Die
    Einstellungen legt das Fixture ``s`` in ``s.info`` ab.
    """
    with arbeitseinheit(s, lambda: jetzt, s.info["test_einstellungen"]) as arbeit:
        return funktion(arbeit, *args, **kwargs)


def pid(s, email: str) -> int:
    return person_per_email(s, email).id


def schritt(s, einstellungen, uhr, feld_id: int, name: str, email: str, begruendung: str = "", **kw):
    uhr.vorstellen(days=1)
    eintrag = tun(s, uhr.jetzt, schritt_ausfuehren, feld_id, name, pid(s, email), begruendung=begruendung, **kw)
    return eintrag


def feld_anlegen(s, einstellungen, uhr, titel: str = "Schulabsentismus") -> int:
    return tun(s, uhr.jetzt, handlungsfeld_anlegen, titel, pid(s, MANAGEMENT)).id


def vollstaendige_massnahme(s, feld_id: int, jetzt: datetime = datetime(2027, 1, 11, 9, tzinfo=BERLIN)) -> int:
    strategisch = tun(s, jetzt, ziel_anlegen, feld_id, "strategisches_ziel", "Schulpflicht erfüllen").id
    mittel = tun(s, jetzt, ziel_anlegen, feld_id, "mittlerziel", "Fehlzeiten früh erkennen", strategisch).id
    paket = tun(s, jetzt, ziel_anlegen, feld_id, "arbeitspaket", "Frühwarnsystem", mittel).id
    return tun(s, jetzt, massnahme_anlegen, paket, "Fehlzeiten-Ampel", person_per_email(s, SCHULLEITUNG),
               date(2027, 9, 30)).id


def beschluss_der_steuerungsgruppe(s, uhr, feld_id: int, gremium: str = "steuerungsgruppe") -> int:
    """Eine Sitzung, die nach der Vorlage stattfand (die Uhr rückt vor, sie wird nachgetragen), und ihr Beschluss."""
    uhr.vorstellen(hours=2)
    sitzung = tun(s, uhr.jetzt, sitzung_anlegen, gremium, uhr.jetzt - timedelta(hours=1), nachtragen=True)
    return tun(s, uhr.jetzt, beschluss_erfassen, sitzung.id, "Maßnahmen beschlossen.", feld_id)[0].id


def feld_im_zustand(s, einstellungen, uhr, zustand: str) -> int:
    """Ein neues Feld, auf dem regulären Weg in ``zustand`` gebracht (mit Daten, Maßnahme, Beschluss)."""
    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeitenquote 2025/26", "Schulamt")
    vollstaendige_massnahme(s, feld_id, uhr.jetzt)
    for name, email, begruendung in WEG.get(zustand, []):
        if name == "massnahmen_beschliessen":
            uhr.vorstellen(hours=1)
            beschluss_der_steuerungsgruppe(s, uhr, feld_id)
        schritt(s, einstellungen, uhr, feld_id, name, email, begruendung)
    if zustand == "zurueckgestellt":
        schritt(s, einstellungen, uhr, feld_id, "zurueckstellen", MANAGEMENT, "Pause")
    s.expire_all()
    assert s.get(Handlungsfeld, feld_id).zustand == zustand
    return feld_id


def abbild(s) -> dict:
    """Der Inhalt aller Tabellen, um zu prüfen, dass ein abgewiesener Schritt nichts änderte."""
    from sqlmodel import SQLModel
    import modelle.metadaten  # noqa: F401  (alle Tabellen)

    s.expire_all()
    return {
        tabelle.name: sorted(tuple(map(str, zeile)) for zeile in s.execute(select(tabelle)).all())
        for tabelle in SQLModel.metadata.sorted_tables
    }
