"""Was ein Leser aus einer Datei holt, bevor etwas geschrieben wird, und wie er Fehler meldet."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from prozess.fehler import Eingabefehler

# fortschritt(phase, erledigt, gesamt): phase "lesen" (Bytes) oder "schreiben" (Werte).
Fortschritt = Callable[[str, int, int], None]
FORTSCHRITT_ALLE_ZEILEN = 100_000

# Ein gelesener Wert: (kennzahl, gebiet, zeitraum, merkmal, wert, zeichen, kennzeichen, zeile, spalte).
Rohwert = tuple[str, str, str, str, "float | None", "str | None", "str | None", int, int]


@dataclass
class Gelesen:
    """Alle Werte einer Datei, geprüft, noch nicht geschrieben."""

    format: str
    quelle: str
    werte: list[Rohwert] = field(default_factory=list)
    # Namen der Gebiete, wie die Datei sie nennt (ohne Einrückung); für neue amtliche Gebiete.
    gebietsnamen: dict[str, str] = field(default_factory=dict)
    tabelle: str = ""
    stand: str = ""
    zeilen: int = 0
    # Amtliche Dateien dürfen Gebiete mitbringen (andere Kreise, das Land); lokale Quellen nicht.
    gebiete_anlegen: bool = True


def ort(pfad: Path, zeile: int | None = None, spalte: int | None = None, name: str | None = None) -> str:
    """»Datei x.csv, Zeile 5, Spalte 12 (value)« – Zeilen und Spalten ab 1, wie ein Editor zählt."""
    teile = [f"Datei {Path(pfad).name}"]
    if zeile is not None:
        teile.append(f"Zeile {zeile}")
    if spalte is not None:
        teile.append(f"Spalte {spalte}" + (f" ({name})" if name else ""))
    return ", ".join(teile)


def fehler(pfad: Path, grund: str, zeile: int | None = None, spalte: int | None = None,
           name: str | None = None) -> Eingabefehler:
    """Ein Eingabefehler, der Datei, Zeile und Spalte nennt und sagt, dass nichts importiert wurde."""
    return Eingabefehler(f"{ort(pfad, zeile, spalte, name)}: {grund}. Es wurde nichts importiert; "
                         "berichtigen Sie die Datei und importieren Sie sie erneut.")


def text_lesen(pfad: Path) -> str:
    """Der Text einer kleinen Datei: UTF-8 (mit oder ohne BOM), sonst cp1252; sonst ein Fehler mit Ort."""
    roh = Path(pfad).read_bytes()
    if roh.startswith(b"\xef\xbb\xbf"):
        roh = roh[3:]
    try:
        return roh.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return roh.decode("cp1252")
    except UnicodeDecodeError:
        raise fehler(pfad, "die Datei ist weder UTF-8 noch Windows-1252 (cp1252)") from None
