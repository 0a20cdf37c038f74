"""Einstellungen: einmal erklärt, streng geprüft, dokumentiert.

Quellen, die spätere gewinnt:

1. die Standardwerte unten,
2. die Datei ``bildungsbuero.toml`` im Arbeitsverzeichnis oder die Datei, die
   ``BILDUNGSBUERO_KONFIG`` nennt (flache Schlüssel, z. B. ``datenbank_url = "..."``),
3. Umgebungsvariablen ``BILDUNGSBUERO_<NAME>`` (z. B. ``BILDUNGSBUERO_DATENBANK_URL``).

Ein unbekannter Schlüssel oder ein ungültiger Wert bricht den Start mit einer Meldung ab,
die die Einstellung und ihre Quelle nennt. Jede Einstellung steht in der README
(ein Test prüft das).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prozess.fehler import Konfigurationsfehler

PRAEFIX = "BILDUNGSBUERO_"
DATEI_VARIABLE = "BILDUNGSBUERO_KONFIG"
STANDARD_DATEI = "bildungsbuero.toml"


def _text(wert: Any) -> str:
    if not isinstance(wert, str) or not wert.strip():
        raise ValueError("erwartet einen nicht leeren Text")
    return wert.strip()


def _zeitzone(wert: Any) -> ZoneInfo:
    try:
        return ZoneInfo(_text(wert))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("erwartet eine IANA-Zeitzone wie Europe/Berlin") from None


def _tage(wert: Any) -> int:
    try:
        zahl = int(wert)
    except (TypeError, ValueError):
        raise ValueError("erwartet eine ganze Zahl von Tagen") from None
    if isinstance(wert, bool) or zahl < 1 or zahl > 3650:
        raise ValueError("erwartet eine ganze Zahl von Tagen zwischen 1 und 3650")
    return zahl


@dataclass(frozen=True)
class Einstellung:
    name: str
    lesen: Callable[[Any], Any]
    standard: Any
    beschreibung: str

    @property
    def variable(self) -> str:
        return PRAEFIX + self.name.upper()


EINSTELLUNGEN: tuple[Einstellung, ...] = (
    Einstellung(
        "datenbank_url",
        _text,
        "sqlite:///bildungsbuero.db",
        "Datenbank als SQLAlchemy-URL: SQLite-Datei (Standard) oder "
        "`postgresql+psycopg://benutzer@host:5432/datenbank`.",
    ),
    Einstellung(
        "zeitzone", _zeitzone, "Europe/Berlin", "Zeitzone für Fristen und Anzeige (IANA-Name)."
    ),
    Einstellung(
        "frist_daten_zusammenstellen_tage",
        _tage,
        42,
        "Frist der Aufgabe an das Bildungsmonitoring, die Daten zu einem Handlungsfeld "
        "zusammenzustellen (Zustand `definiert`).",
    ),
    Einstellung(
        "frist_pruefung_vorlegen_tage",
        _tage,
        14,
        "Frist der Aufgabe an das Bildungsmanagement, das Handlungsfeld der Steuerungsgruppe "
        "vorzulegen (Zustand `daten_zusammengestellt`).",
    ),
    Einstellung(
        "frist_massnahmen_beschliessen_tage",
        _tage,
        90,
        "Frist der Aufgabe an den Vorsitz der Steuerungsgruppe, Maßnahmen zu prüfen und zu "
        "beschließen (Zustand `steuerungspruefung`).",
    ),
    Einstellung(
        "frist_bericht_tage",
        _tage,
        180,
        "Frist der Aufgabe an das Bildungsmanagement, über die Umsetzung der Maßnahmen zu "
        "berichten (Zustand `massnahmen_beschlossen`).",
    ),
    Einstellung(
        "frist_abschluss_tage",
        _tage,
        60,
        "Frist der Aufgabe an das Bildungsmanagement, nach dem Bericht abzuschließen oder "
        "eine neue Runde zu beginnen (Zustand `berichterstattung`).",
    ),
)

_NACH_NAME = {e.name: e for e in EINSTELLUNGEN}


@dataclass(frozen=True)
class Einstellungen:
    """Die geprüften Werte; ``quellen`` sagt je Einstellung, woher der Wert kam."""

    werte: Mapping[str, Any]
    quellen: Mapping[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.werte[name]
        except KeyError:
            raise AttributeError(name) from None

    def mit(self, **aenderungen: Any) -> "Einstellungen":
        """Eine Kopie mit geänderten (bereits gelesenen) Werten, für Tests und die Demo."""
        werte = dict(self.werte)
        for name, roh in aenderungen.items():
            werte[name] = _pruefen(_NACH_NAME[name], roh, "Programm")
        return Einstellungen(werte, {**self.quellen, **{n: "Programm" for n in aenderungen}})


def _pruefen(einstellung: Einstellung, roh: Any, quelle: str) -> Any:
    try:
        return einstellung.lesen(roh)
    except ValueError as fehler:
        raise Konfigurationsfehler(
            f"Einstellung »{einstellung.name}« (aus {quelle}): Wert {roh!r} ist ungültig, "
            f"{fehler}. Korrigieren Sie den Wert dort; Erklärung aller Einstellungen: README, "
            "Abschnitt »Einstellungen«."
        ) from None


def _datei_lesen(pfad: Path) -> dict[str, Any]:
    try:
        with pfad.open("rb") as datei:
            return tomllib.load(datei)
    except OSError as fehler:
        raise Konfigurationsfehler(
            f"Einstellungsdatei {pfad} kann nicht gelesen werden ({fehler.strerror}). "
            f"Prüfen Sie den Pfad in {DATEI_VARIABLE}."
        ) from None
    except tomllib.TOMLDecodeError as fehler:
        raise Konfigurationsfehler(f"Einstellungsdatei {pfad}: kein gültiges TOML ({fehler}).") from None


def laden(umgebung: Mapping[str, str] | None = None, arbeitsverzeichnis: Path | None = None) -> Einstellungen:
    """Liest Standardwerte, Datei und Umgebung; wirft ``Konfigurationsfehler`` beim ersten Fehler."""
    umgebung = os.environ if umgebung is None else umgebung
    werte = {e.name: e.standard for e in EINSTELLUNGEN}
    quellen = {e.name: "Standard" for e in EINSTELLUNGEN}

    if DATEI_VARIABLE in umgebung:
        pfad: Path | None = Path(umgebung[DATEI_VARIABLE])
    else:
        kandidat = (arbeitsverzeichnis or Path.cwd()) / STANDARD_DATEI
        pfad = kandidat if kandidat.exists() else None
    if pfad is not None:
        for name, roh in _datei_lesen(pfad).items():
            if name not in _NACH_NAME:
                raise Konfigurationsfehler(
                    f"Einstellungsdatei {pfad}: unbekannter Schlüssel »{name}«. Bekannt sind: "
                    + ", ".join(_NACH_NAME)
                    + "."
                )
            werte[name] = _pruefen(_NACH_NAME[name], roh, str(pfad))
            quellen[name] = str(pfad)

    for variable, roh in umgebung.items():
        if not variable.startswith(PRAEFIX) or variable == DATEI_VARIABLE:
            continue
        name = variable[len(PRAEFIX) :].lower()
        if name not in _NACH_NAME:
            # Andere Variablen mit unserem Präfix (z. B. für Tests) sind keine Einstellungen;
            # ein Tippfehler soll trotzdem auffallen, daher nur bekannte Ausnahmen zulassen.
            if name.startswith("test_"):
                continue
            raise Konfigurationsfehler(
                f"Umgebungsvariable {variable}: keine bekannte Einstellung. Bekannt sind: "
                + ", ".join(e.variable for e in EINSTELLUNGEN)
                + "."
            )
        werte[name] = _pruefen(_NACH_NAME[name], roh, variable)
        quellen[name] = variable
    for name in werte:
        if quellen[name] == "Standard":
            werte[name] = _pruefen(_NACH_NAME[name], werte[name], "Standard")
    return Einstellungen(werte, quellen)
