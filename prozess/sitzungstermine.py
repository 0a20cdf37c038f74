"""Sitzungstermine aus dem Rhythmus eines Gremiums, mit Feiertagen und Schulferien.

Reine Rechnung, ohne Datenbank: ``termine(rhythmus, von, bis)`` liefert die geplanten
Termine (Ortszeit) zwischen zwei Tagen. Fällt ein Termin auf einen gesetzlichen Feiertag in
Niedersachsen (Paket ``holidays``, Land NI) oder – wo ``schulferien_meiden`` gesetzt ist – in
die Schulferien, rückt er auf den nächsten Arbeitstag (Montag bis Freitag; bei einem
Samstagstermin auch Samstag), der beides nicht ist. Reichen die Ferien-Daten des Pakets nicht
bis zum Termin, wird das gemeldet statt angenommen, es seien keine Ferien.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from prozess.organisation import WOCHENTAGE


@dataclass(frozen=True)
class Termin:
    beginn: datetime  # Ortszeit, zonenbewusst
    geplant_am: date  # der Tag, den der Rhythmus ergab (vor dem Verschieben)
    hinweis: str = ""  # warum verschoben, oder dass die Schulferien unbekannt sind


@lru_cache(maxsize=64)
def _feiertage(jahr: int):
    import holidays

    return holidays.Germany(subdiv="NI", years=jahr, language="de")


@lru_cache(maxsize=64)
def _schulferien(jahr: int):
    import holidays

    return holidays.Germany(subdiv="NI", years=jahr, categories=("school",), language="de")


@lru_cache(maxsize=1)
def schulferien_bekannt_bis() -> date:
    """Der letzte Tag, für den das Paket ``holidays`` Schulferien in Niedersachsen kennt."""
    import holidays

    # Ein fester Bereich statt "heute": die Uhr wird nirgends stillschweigend gelesen.
    alle = holidays.Germany(subdiv="NI", years=range(2020, 2061), categories=("school",))
    return max(alle.keys())


def _n_ter_wochentag(jahr: int, monat: int, wochentag: int, n: int) -> date:
    tage = [date(jahr, monat, t) for t in range(1, calendar.monthrange(jahr, monat)[1] + 1)
            if date(jahr, monat, t).weekday() == wochentag]
    return tage[n - 1] if n > 0 else tage[n]


def _sperrgrund(tag: date, schulferien_meiden: bool) -> str | None:
    feiertag = _feiertage(tag.year).get(tag)
    if feiertag:
        return f"Feiertag ({feiertag})"
    if schulferien_meiden and tag <= schulferien_bekannt_bis():
        ferien = _schulferien(tag.year).get(tag)
        if ferien:
            return f"Schulferien ({ferien})"
    return None


def verschieben(tag: date, schulferien_meiden: bool = False) -> tuple[date, str]:
    """Der Tag selbst oder der nächste Arbeitstag, der weder Feiertag noch (ggf.) Ferientag ist."""
    samstag_erlaubt = tag.weekday() == 5
    grund = _sperrgrund(tag, schulferien_meiden)
    if grund is None:
        hinweis = ""
        if schulferien_meiden and tag > schulferien_bekannt_bis():
            hinweis = (f"Schulferien für {tag:%d.%m.%Y} unbekannt (Daten reichen bis "
                       f"{schulferien_bekannt_bis():%d.%m.%Y}); bitte von Hand prüfen")
        return tag, hinweis
    kandidat = tag
    while True:
        kandidat += timedelta(days=1)
        if kandidat.weekday() == 6 or (kandidat.weekday() == 5 and not samstag_erlaubt):
            continue
        if _sperrgrund(kandidat, schulferien_meiden) is None:
            return kandidat, f"verschoben vom {tag:%d.%m.%Y}: {grund}"


def termine(rhythmus: dict, von: date, bis: date, zone: ZoneInfo) -> list[Termin]:
    """Alle Termine des Rhythmus mit geplantem Tag in [von, bis], aufsteigend."""
    ergebnis: list[Termin] = []
    if "termine" in rhythmus:
        for text in rhythmus["termine"]:
            start = datetime.strptime(text, "%Y-%m-%d %H:%M")
            if von <= start.date() <= bis:
                tag, hinweis = verschieben(start.date(), rhythmus.get("schulferien_meiden", False))
                ergebnis.append(Termin(datetime.combine(tag, start.time(), tzinfo=zone), start.date(), hinweis))
        return sorted(ergebnis, key=lambda t: t.beginn)
    uhrzeit = time.fromisoformat(rhythmus["uhrzeit"])
    wochentag = WOCHENTAGE.index(rhythmus["wochentag"])
    for jahr in range(von.year, bis.year + 1):
        if (jahr - rhythmus.get("ab_jahr", jahr)) % rhythmus.get("alle_jahre", 1) != 0 or jahr < rhythmus.get("ab_jahr", jahr):
            continue
        for monat in rhythmus["monate"]:
            geplant = _n_ter_wochentag(jahr, monat, wochentag, rhythmus["woche"])
            if not von <= geplant <= bis:
                continue
            tag, hinweis = verschieben(geplant, rhythmus.get("schulferien_meiden", False))
            # datetime.combine mit ZoneInfo: 17:00 bleibt 17:00 Ortszeit, ob Sommer- oder Winterzeit.
            ergebnis.append(Termin(datetime.combine(tag, uhrzeit, tzinfo=zone), geplant, hinweis))
    return sorted(ergebnis, key=lambda t: t.beginn)
