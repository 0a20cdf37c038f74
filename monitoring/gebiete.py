"""Gebiete: Deutschland, Land, Landkreis, Gemeinde (amtlicher Schlüssel AGS) und Schulen.

Die Organisationsdatei nennt den Landkreis mit seinem AGS, seine Gemeinden und Schulen
(``gebiete_lesen``); ``gebiete_abgleichen`` trägt sie ein, ohne Vorhandenes zu verdoppeln.
Importierte amtliche Dateien bringen weitere Gebiete mit (andere Kreise, das Land); deren
Ebene folgt aus der Länge des Schlüssels (``ebene_aus_schluessel``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from prozess.fehler import Eingabefehler

DEUTSCHLAND = "DG"
EBENEN = ("deutschland", "land", "landkreis", "gemeinde", "schule")
SCHULE_PRAEFIX = "schule:"
_AGS = re.compile(r"^\d{2}(\d{3})?(\d{3})?$")
_SCHULNUMMER = re.compile(r"^[0-9A-Za-z-]{1,20}$")


def ebene_aus_schluessel(schluessel: str) -> str | None:
    """Die Ebene eines amtlichen Schlüssels; ``None`` für Ebenen, die hier nicht geführt werden.

    ``DG`` Deutschland, 2 Stellen Land, 5 Stellen Kreis oder kreisfreie Stadt, 8 Stellen
    Gemeinde. Regierungsbezirke/Statistische Regionen (3 Stellen) und Gemeindeverbände
    (9 Stellen) kennt das Monitoring nicht.
    """
    if schluessel == DEUTSCHLAND:
        return "deutschland"
    if schluessel.startswith(SCHULE_PRAEFIX):
        return "schule"
    if not schluessel.isdigit():
        return None
    return {2: "land", 5: "landkreis", 8: "gemeinde"}.get(len(schluessel))


def uebergeordneter_schluessel(schluessel: str) -> str | None:
    """Der Schlüssel des umfassenden amtlichen Gebiets (Gemeinde → Kreis → Land → Deutschland)."""
    ebene = ebene_aus_schluessel(schluessel)
    return {"land": DEUTSCHLAND, "landkreis": schluessel[:2], "gemeinde": schluessel[:5]}.get(ebene or "")


@dataclass(frozen=True)
class GebietDaten:
    schluessel: str
    ebene: str
    name: str
    ueber: str | None


def _ags(wert: Any, stellen: int, wo: str) -> str:
    if not isinstance(wert, str) or not wert.isdigit() or len(wert) != stellen:
        raise Eingabefehler(
            f"{wo}: »{wert}« ist kein amtlicher Gemeindeschlüssel mit {stellen} Stellen; schreiben Sie "
            f"ihn als Text in Anführungszeichen, mit führender Null (z. B. \"{'03453011'[:stellen]}\")."
        )
    return wert


def _name(wert: Any, wo: str) -> str:
    if not isinstance(wert, str) or not wert.strip() or any(z in wert for z in "\r\n\x00"):
        raise Eingabefehler(f"{wo}: erwartet einen einzeiligen, nicht leeren Namen.")
    return wert.strip()


def _nur(tabelle: dict, erlaubt: set[str], wo: str) -> None:
    fremd = sorted(set(tabelle) - erlaubt)
    if fremd:
        raise Eingabefehler(f"{wo}: unbekannte Angabe »{fremd[0]}«. Erlaubt: {', '.join(sorted(erlaubt))}.")


def gebiete_lesen(roh: dict, pfad: Any) -> list[GebietDaten]:
    """Liest ``[landkreis] ags/land``, ``[[gemeinde]]`` und ``[[schule]]`` der Organisationsdatei.

    Ohne ``ags`` am Landkreis gibt es keine Gebiete (ältere Dateien bleiben gültig); dann
    sind auch Gemeinden und Schulen ein Fehler, weil sie keinem Kreis zuzuordnen wären.
    """
    landkreis = roh.get("landkreis", {})
    gemeinden, schulen = roh.get("gemeinde", []), roh.get("schule", [])
    if "ags" not in landkreis:
        if gemeinden or schulen:
            raise Eingabefehler(f"{pfad}: [landkreis] braucht ags (z. B. ags = \"03453\"), wenn Gemeinden "
                                "oder Schulen eingetragen sind.")
        return []
    kreis = _ags(landkreis["ags"], 5, f"{pfad}: [landkreis] ags")
    land = _name(landkreis.get("land", ""), f"{pfad}: [landkreis] land (Name des Landes, z. B. \"Niedersachsen\")")
    gebiete = [
        GebietDaten(DEUTSCHLAND, "deutschland", "Deutschland", None),
        GebietDaten(kreis[:2], "land", land, DEUTSCHLAND),
        GebietDaten(kreis, "landkreis", _name(landkreis.get("name", ""), f"{pfad}: [landkreis] name"), kreis[:2]),
    ]
    for i, g in enumerate(gemeinden, 1):
        wo = f"{pfad}: [[gemeinde]] Nr. {i}"
        _nur(g, {"ags", "name"}, wo)
        ags = _ags(g.get("ags"), 8, f"{wo}, ags")
        if not ags.startswith(kreis):
            raise Eingabefehler(f"{wo}, ags: {ags} liegt nicht im Landkreis {kreis} (die ersten fünf Stellen).")
        gebiete.append(GebietDaten(ags, "gemeinde", _name(g.get("name"), f"{wo}, name"), kreis))
    gemeinde_schluessel = {g.schluessel for g in gebiete if g.ebene == "gemeinde"}
    for i, s in enumerate(schulen, 1):
        wo = f"{pfad}: [[schule]] Nr. {i}"
        _nur(s, {"nummer", "name", "gemeinde"}, wo)
        nummer = s.get("nummer")
        if not isinstance(nummer, str) or not _SCHULNUMMER.match(nummer):
            raise Eingabefehler(f"{wo}, nummer: erwartet die Schulnummer als Text, z. B. nummer = \"75321\".")
        gemeinde = s.get("gemeinde")
        if gemeinde not in gemeinde_schluessel:
            raise Eingabefehler(f"{wo}, gemeinde: »{gemeinde}« ist keine Gemeinde dieser Datei; nennen Sie den "
                                "AGS einer [[gemeinde]].")
        gebiete.append(GebietDaten(SCHULE_PRAEFIX + nummer, "schule", _name(s.get("name"), f"{wo}, name"), gemeinde))
    gesehen: set[str] = set()
    for g in gebiete:
        if g.schluessel in gesehen:
            raise Eingabefehler(f"{pfad}: das Gebiet {g.schluessel} ({g.name}) steht doppelt in der Datei.")
        gesehen.add(g.schluessel)
    return gebiete


def gebiete_abgleichen(verbindung, gebiete: list[GebietDaten]) -> list[str]:
    """Trägt die Gebiete ein oder berichtigt Name, Ebene und Zugehörigkeit; gibt die Änderungen zurück.

    Gebiete, die nicht (mehr) in der Datei stehen, bleiben: an ihnen hängen Werte.
    """
    from sqlalchemy import insert, select, update

    from modelle.kennzahlen import Gebiet

    tabelle = Gebiet.__table__
    vorhanden = {z.schluessel: z for z in verbindung.execute(select(tabelle)).all()}
    ids = {schluessel: z.id for schluessel, z in vorhanden.items()}
    aenderungen: list[str] = []
    for g in gebiete:  # die Reihenfolge der Datei: jedes Gebiet nach dem, das es umfasst
        ueber_id = ids.get(g.ueber) if g.ueber else None
        alt = vorhanden.get(g.schluessel)
        if alt is None:
            ids[g.schluessel] = verbindung.execute(
                insert(tabelle).values(schluessel=g.schluessel, ebene=g.ebene, name=g.name, ueber_id=ueber_id)
                .returning(tabelle.c.id)
            ).scalar_one()
            aenderungen.append(f"Gebiet angelegt: {g.name} ({g.schluessel})")
        elif (alt.ebene, alt.name, alt.ueber_id) != (g.ebene, g.name, ueber_id):
            verbindung.execute(update(tabelle).where(tabelle.c.id == alt.id)
                               .values(ebene=g.ebene, name=g.name, ueber_id=ueber_id))
            aenderungen.append(f"Gebiet geändert: {g.name} ({g.schluessel})")
    return aenderungen
