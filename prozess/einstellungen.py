"""Einstellungen: einmal erklärt, streng geprüft, dokumentiert.

Quellen, die spätere gewinnt:

1. die Standardwerte unten,
2. die Datei ``bildungsbuero.toml`` im Arbeitsverzeichnis oder die Datei, die
   ``BILDUNGSBUERO_KONFIG`` nennt (flache Schlüssel, z. B. ``datenbank_url = "..."``),
3. Umgebungsvariablen ``BILDUNGSBUERO_<NAME>`` (z. B. ``BILDUNGSBUERO_DATENBANK_URL``).

Ein unbekannter Schlüssel oder ein ungültiger Wert bricht den Start mit einer Meldung ab,
die die Einstellung und ihre Quelle nennt.

Erklärt ist jede Einstellung einmal, als Daten in ``einstellungen.json``: je Name ``art`` (wie
der Wert geprüft wird), ``standard`` und ``bedeutung``; die Art ``ganzzahl`` dazu ``von``, ``bis``
und wahlweise ``einheit``, die Art ``auswahl`` dazu ``werte``. Die Prüfungen der Arten stehen
hier (``_ARTEN``). Die Datei wird beim ersten Gebrauch gelesen, nicht beim Import. Die Tabelle
der README ist aus ihr erzeugt (``python -m prozess.einstellungen``); ein Test prüft, dass sie
übereinstimmt.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from datetime import time
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prozess.fehler import Konfigurationsfehler

PRAEFIX = "BILDUNGSBUERO_"
DATEI_VARIABLE = "BILDUNGSBUERO_KONFIG"
STANDARD_DATEI = "bildungsbuero.toml"


_STEUERZEICHEN = re.compile(r"[\x00-\x1f\x7f]")


def _ohne_steuerzeichen(wert: str) -> str:
    treffer = _STEUERZEICHEN.search(wert)
    if treffer:
        raise ValueError(f"enthält ein Steuerzeichen ({treffer.group()!r} an Stelle {treffer.start() + 1}); "
                         "erlaubt sind nur druckbare Zeichen")
    return wert


def _text(wert: Any) -> str:
    if not isinstance(wert, str) or not wert.strip():
        raise ValueError("erwartet einen nicht leeren Text")
    return _ohne_steuerzeichen(wert.strip())


def _zeitzone(wert: Any) -> ZoneInfo:
    try:
        return ZoneInfo(_text(wert))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("erwartet eine IANA-Zeitzone wie Europe/Berlin") from None


def _ganzzahl(von: int, bis: int, einheit: str = ""):
    """Liest eine ganze Zahl aus TOML (Zahl) oder Umgebung (Ziffern); 1.5 oder true sind keine."""
    erwartet = f"erwartet eine ganze Zahl{f' ({einheit})' if einheit else ''} von {von} bis {bis}"

    def lesen(wert: Any) -> int:
        if isinstance(wert, str) and re.fullmatch(r"\s*[+-]?\d{1,10}\s*", wert):
            zahl = int(wert)
        elif isinstance(wert, int) and not isinstance(wert, bool):
            zahl = wert
        else:
            raise ValueError(erwartet)
        if not von <= zahl <= bis:
            raise ValueError(erwartet)
        return zahl

    return lesen


_tage = _ganzzahl(1, 3650, "Tage")


def _teiler_von_12(wert: Any) -> int:
    zahl = _ganzzahl(0, 12)(wert)
    if zahl and 12 % zahl:
        raise ValueError("erwartet 0, 1, 2, 3, 4, 6 oder 12 (ein Rhythmus, der jedes Jahr gleich im Januar beginnt)")
    return zahl


def _tageliste(wert: Any) -> tuple[int, ...]:
    teile = wert if isinstance(wert, list) else str(wert).split(",")
    try:
        tage = tuple(sorted({int(str(t).strip()) for t in teile if str(t).strip()}, reverse=True))
    except ValueError:
        raise ValueError("erwartet Tage vor der Frist als Liste, z. B. 7,1,0") from None
    if not tage or any(t < 0 or t > 365 for t in tage):
        raise ValueError("erwartet Tage vor der Frist von 0 bis 365, z. B. 7,1,0")
    return tage


def _uhrzeit(wert: Any) -> time:
    if isinstance(wert, time):  # TOML kennt Uhrzeiten: erinnerung_uhrzeit = 07:00:00
        return wert
    try:
        return time.fromisoformat(_text(wert))
    except ValueError:
        raise ValueError("erwartet eine Uhrzeit HH:MM, z. B. 07:00") from None


def _email(wert: Any) -> str:
    # aus eingaben, nicht aus organisation: das lüde TOML-Leser und Rollen bei jedem Start
    from prozess.eingaben import email_pruefen

    try:
        return email_pruefen(wert, "Adresse")
    except Exception:
        raise ValueError("erwartet eine E-Mail-Adresse wie bildungsbuero@landkreis.de") from None


def _auswahl(werte: list[str]):
    werte = tuple(werte)

    def lesen(wert: Any) -> str:
        if wert not in werte:
            raise ValueError(f"erwartet einen von: {', '.join(werte)}")
        return wert

    return lesen


def _optional_text(wert: Any) -> str:
    if wert is None or not isinstance(wert, str):
        raise ValueError("erwartet einen Text")
    return _ohne_steuerzeichen(wert.strip())


class Geheimnis(str):
    """Ein Text, der sich in Ausgaben und Fehlermeldungen nicht zeigt (Passwörter)."""

    def __repr__(self) -> str:
        return "'***'" if self else "''"

    def __str__(self) -> str:
        return "***" if self else ""

    @property
    def klartext(self) -> str:
        return str.__str__(self)


def _geheimnis(wert: Any) -> Geheimnis:
    if not isinstance(wert, str):
        raise ValueError("erwartet einen Text")
    return Geheimnis(wert)


_HOSTLABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _ehlo_name(wert: Any) -> str:
    """Ein Rechnername (RFC 1123) oder ein Adressliteral ``[192.0.2.1]`` / ``[IPv6:2001:db8::1]``; leer erlaubt."""
    fehler = ("erwartet einen vollständigen Rechnernamen wie mail.landkreis.de oder ein Adressliteral wie "
              "[192.0.2.1]; leer: die Domain der Einstellung absender")
    if not isinstance(wert, str):
        raise ValueError(fehler)
    name = wert.strip()
    if not name:
        return ""
    if name.startswith("[") and name.endswith("]"):
        innen = name[1:-1]
        try:
            if innen[:5].lower() == "ipv6:":
                ipaddress.IPv6Address(innen[5:])
            else:
                ipaddress.IPv4Address(innen)
        except ValueError:
            raise ValueError(fehler) from None
        return name
    if len(name) > 253 or not all(_HOSTLABEL.fullmatch(teil) for teil in name.split(".")):
        raise ValueError(fehler)
    return name


def _pfad(wert: Any) -> str:
    return _text(wert)


# Nur diese Treiber sind installiert und getestet; SQLAlchemy nähme auch andere an und scheiterte
# erst beim Verbinden (fehlendes Modul, unbekannter Dialekt).
_DATENBANKARTEN = ("sqlite", "postgresql+psycopg")
_DATENBANK_BEISPIEL = "sqlite:///bildungsbuero.db oder postgresql+psycopg://benutzer@host:5432/datenbank"


def _datenbank_url(wert: Any) -> str:
    url = _text(wert)
    art, trenner, rest = url.partition("://")
    if not trenner or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", art):
        raise ValueError(f"erwartet eine Datenbank-URL wie {_DATENBANK_BEISPIEL}")
    if art not in _DATENBANKARTEN:
        hinweis = " (für PostgreSQL mit Treiber: postgresql+psycopg://…)" if art.startswith("postgres") else ""
        raise ValueError(f"die Datenbankart »{art}« wird nicht unterstützt{hinweis}; unterstützt sind SQLite "
                         "(sqlite:///datei.db) und PostgreSQL mit psycopg 3 (postgresql+psycopg://benutzer@host:5432/datenbank)")
    if art == "sqlite":
        if rest and not rest.startswith("/"):
            raise ValueError("eine SQLite-URL hat drei Schrägstriche vor dem Pfad: sqlite:///relativ.db "
                             "oder sqlite:////absoluter/pfad.db")
        return url
    from urllib.parse import urlsplit

    try:
        teile = urlsplit(url)
        teile.port  # prüft die Portnummer
    except ValueError as fehler:
        raise ValueError(f"ist keine gültige URL ({fehler}); Beispiel: {_DATENBANK_BEISPIEL}") from None
    return url


def _basis_url(wert: Any) -> str:
    from urllib.parse import urlsplit

    text = _text(wert).rstrip("/")
    teile = urlsplit(text)
    if teile.scheme not in ("http", "https") or not teile.hostname or teile.query or teile.fragment:
        raise ValueError("erwartet eine Adresse wie https://bildungsbuero.landkreis.de (http oder https, "
                         "ohne ? und #)")
    return text


def _adressliste(wert: Any) -> tuple[str, ...]:
    import ipaddress

    teile = wert if isinstance(wert, list) else str(wert).split(",")
    adressen = tuple(str(t).strip() for t in teile if str(t).strip())
    for adresse in adressen:
        try:
            ipaddress.ip_network(adresse, strict=False)
        except ValueError:
            raise ValueError(f"erwartet IP-Adressen oder Netze, getrennt durch Komma (z. B. 127.0.0.1); "
                             f"»{adresse}« ist keine") from None
    return adressen


@dataclass(frozen=True)
class Einstellung:
    """Eine Einstellung, wie ``einstellungen.json`` sie erklärt: Name, Prüfung, Standardwert, Bedeutung."""

    name: str
    lesen: Callable[[Any], Any]
    standard: Any
    bedeutung: str

    @property
    def variable(self) -> str:
        return PRAEFIX + self.name.upper()


# JSON, nicht TOML: jeder Befehl liest die Datei beim Start, und tomllib braucht für sie rund 50-mal
# so lange wie json (gemessen 8 ms gegen 0,2 ms) – das hätte jeden Befehl langsamer gemacht.
DATEI_ERKLAERUNGEN = Path(__file__).with_name("einstellungen.json")

# Die Arten aus einstellungen.json: wie ein Wert geprüft und gelesen wird.
_ARTEN: dict[str, Callable[[Any], Any]] = {
    "text": _text, "optional_text": _optional_text, "geheimnis": _geheimnis, "zeitzone": _zeitzone,
    "tage": _tage, "teiler_von_12": _teiler_von_12, "tageliste": _tageliste, "uhrzeit": _uhrzeit,
    "email": _email, "ehlo_name": _ehlo_name, "datenbank_url": _datenbank_url, "basis_url": _basis_url,
    "adressliste": _adressliste,
}
# … und die Arten mit Parametern (weitere Schlüssel des Eintrags): die Prüfung entsteht aus ihnen.
_ARTEN_MIT_PARAMETERN: dict[str, Callable[..., Callable[[Any], Any]]] = {
    "ganzzahl": _ganzzahl, "auswahl": _auswahl,
}


class Verweis:
    """Eine Einstellung, die der Code beim Namen braucht (``prozess.zyklus``, ``prozess.waechter``).

    Ein Verweis liest nichts: die Erklärung (``erklaerung``) kommt beim ersten Gebrauch aus
    ``einstellungen.json``; ``Einstellungen.wert(verweis)`` gibt ihren Wert.
    """

    # Eine schlichte Klasse statt @dataclass: jeder Befehl importiert dieses Modul, und eine
    # Dataclass zu bauen kostet beim Import rund eine Millisekunde.
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Verweis({self.name!r})"

    @property
    def erklaerung(self) -> Einstellung:
        return _nach_name()[self.name]


# Die Fristen der Folgeaufgaben: prozess.zyklus verweist auf sie (statt auf einen Text).
FRIST_DATEN_ZUSAMMENSTELLEN = Verweis("frist_daten_zusammenstellen_tage")
FRIST_PRUEFUNG_VORLEGEN = Verweis("frist_pruefung_vorlegen_tage")
FRIST_MASSNAHMEN_BESCHLIESSEN = Verweis("frist_massnahmen_beschliessen_tage")
FRIST_BERICHT = Verweis("frist_bericht_tage")
FRIST_ABSCHLUSS = Verweis("frist_abschluss_tage")
# Der Wächter kennzahlen_aktuell (prozess.waechter) verweist auf sie.
KENNZAHLEN_HOECHSTALTER = Verweis("kennzahlen_hoechstalter_tage")
_VERWEISE = (FRIST_DATEN_ZUSAMMENSTELLEN, FRIST_PRUEFUNG_VORLEGEN, FRIST_MASSNAHMEN_BESCHLIESSEN, FRIST_BERICHT,
             FRIST_ABSCHLUSS, KENNZAHLEN_HOECHSTALTER)


@functools.cache
def erklaerungen() -> tuple[Einstellung, ...]:
    """Alle Einstellungen in der Reihenfolge von ``einstellungen.json`` (einmal je Prozess gelesen).

    Ein Fehler in der Datei (ein Name zweimal, unbekannte Art, fehlender oder überzähliger
    Schlüssel, ein Verweis ohne Erklärung) ist ein Fehler des Programms: ``RuntimeError`` mit
    Eintrag und Grund.
    """
    import json

    eintraege = json.loads(DATEI_ERKLAERUNGEN.read_text(encoding="utf-8"), object_pairs_hook=_ohne_doppelte)
    alle = tuple(_erklaerung(name, dict(eintrag)) for name, eintrag in eintraege.items())
    fehlend = [v.name for v in _VERWEISE if v.name not in eintraege]
    if fehlend:
        raise RuntimeError(f"{DATEI_ERKLAERUNGEN}: keine Erklärung für {', '.join(fehlend)}")
    return alle


def _ohne_doppelte(paare: list[tuple[str, Any]]) -> dict[str, Any]:
    """Ein JSON-Objekt als dict; ein Schlüssel zweimal wäre still überschrieben, daher ein Fehler."""
    eintrag = dict(paare)
    if len(eintrag) < len(paare):
        doppelt = sorted({k for k, _ in paare if sum(1 for j, _ in paare if j == k) > 1})
        raise RuntimeError(f"{DATEI_ERKLAERUNGEN}: {', '.join(doppelt)} zweimal erklärt")
    return eintrag


def _erklaerung(name: str, eintrag: dict[str, Any]) -> Einstellung:
    wo = f"{DATEI_ERKLAERUNGEN}, [{name}]"
    try:
        art, standard, bedeutung = eintrag.pop("art"), eintrag.pop("standard"), eintrag.pop("bedeutung")
    except KeyError as fehlt:
        raise RuntimeError(f"{wo}: es fehlt {fehlt}") from None
    if art in _ARTEN and not eintrag:
        return Einstellung(name, _ARTEN[art], standard, bedeutung)
    if art not in _ARTEN_MIT_PARAMETERN:
        grund = f"die Art »{art}« kennt keine Schlüssel {sorted(eintrag)}" if art in _ARTEN else f"unbekannte Art »{art}«"
        raise RuntimeError(f"{wo}: {grund}")
    try:
        return Einstellung(name, _ARTEN_MIT_PARAMETERN[art](**eintrag), standard, bedeutung)
    except TypeError as fehler:
        raise RuntimeError(f"{wo}: Parameter der Art »{art}« passen nicht ({fehler})") from None


@functools.cache
def _nach_name() -> dict[str, Einstellung]:
    return {e.name: e for e in erklaerungen()}


def readme_tabelle() -> str:
    """Die Tabelle des Abschnitts »Einstellungen« der README, erzeugt aus ``einstellungen.json``."""

    def standard(wert: Any) -> str:
        return "leer" if wert == "" else f"`{wert}`" if isinstance(wert, str) else str(wert)

    zeilen = ["| Einstellung | Umgebungsvariable | Standard | Bedeutung |", "|---|---|---|---|"]
    zeilen += [f"| `{e.name}` | `{e.variable}` | {standard(e.standard)} | {e.bedeutung} |" for e in erklaerungen()]
    return "\n".join(zeilen) + "\n"


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

    def wert(self, einstellung: Einstellung | Verweis) -> Any:
        """Der Wert einer Einstellung, benannt durch ihre Erklärung oder einen Verweis (nicht durch einen Text)."""
        return self.werte[einstellung.name]

    def anzeige(self, name: str) -> str:
        """Der Wert für Ausgaben: Passwörter, auch in ``datenbank_url``, stehen dort als ``***``."""
        return _ohne_passwort(str(self.werte[name]))

    def mit(self, **aenderungen: Any) -> "Einstellungen":
        """Eine Kopie mit geänderten (bereits gelesenen) Werten, für Tests und die Demo."""
        werte = dict(self.werte)
        for name, roh in aenderungen.items():
            werte[name] = _pruefen(_nach_name()[name], roh, "Programm")
        return Einstellungen(werte, {**self.quellen, **{n: "Programm" for n in aenderungen}})


def _pruefen(einstellung: Einstellung, roh: Any, quelle: str) -> Any:
    try:
        return einstellung.lesen(roh)
    except ValueError as fehler:
        wert = "***" if einstellung.lesen is _geheimnis else _ohne_passwort(repr(roh))
        raise Konfigurationsfehler(
            f"Einstellung »{einstellung.name}« (aus {quelle}): Wert {wert} ist ungültig, "
            f"{fehler}. Korrigieren Sie den Wert dort; Erklärung aller Einstellungen: README, "
            "Abschnitt »Einstellungen«."
        ) from None


def _ohne_passwort(text: str) -> str:
    """Verdeckt das Passwort einer URL (``benutzer:geheim@host``), damit es in keiner Meldung steht."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", text)


def _datei_lesen(pfad: Path, aus_variable: bool) -> dict[str, Any]:
    from prozess.tomldatei import toml_lesen

    ausweg = f"Prüfen Sie den Pfad in {DATEI_VARIABLE}." if aus_variable else "Prüfen Sie die Datei."
    return toml_lesen(pfad, "Einstellungsdatei", ausweg)


def laden(umgebung: Mapping[str, str] | None = None, arbeitsverzeichnis: Path | None = None) -> Einstellungen:
    """Liest Standardwerte, Datei und Umgebung; wirft ``Konfigurationsfehler`` beim ersten Fehler."""
    umgebung = os.environ if umgebung is None else umgebung
    werte = {e.name: e.standard for e in erklaerungen()}
    quellen = {e.name: "Standard" for e in erklaerungen()}

    if DATEI_VARIABLE in umgebung:
        pfad: Path | None = Path(umgebung[DATEI_VARIABLE])
    else:
        kandidat = (arbeitsverzeichnis or Path.cwd()) / STANDARD_DATEI
        pfad = kandidat if kandidat.exists() else None
    if pfad is not None:
        for name, roh in _datei_lesen(pfad, DATEI_VARIABLE in umgebung).items():
            if name not in _nach_name():
                raise Konfigurationsfehler(
                    f"Einstellungsdatei {pfad}: unbekannter Schlüssel »{name}«. Bekannt sind: "
                    + ", ".join(_nach_name())
                    + "."
                )
            werte[name] = _pruefen(_nach_name()[name], roh, str(pfad))
            quellen[name] = str(pfad)

    for variable, roh in umgebung.items():
        if not variable.startswith(PRAEFIX) or variable == DATEI_VARIABLE:
            continue
        name = variable[len(PRAEFIX) :].lower()
        if name not in _nach_name():
            # Andere Variablen mit unserem Präfix (z. B. für Tests) sind keine Einstellungen;
            # ein Tippfehler soll trotzdem auffallen, daher nur bekannte Ausnahmen zulassen.
            if name.startswith("test_"):
                continue
            raise Konfigurationsfehler(
                f"Umgebungsvariable {variable}: keine bekannte Einstellung. Bekannt sind: "
                + ", ".join(e.variable for e in erklaerungen())
                + "."
            )
        werte[name] = _pruefen(_nach_name()[name], roh, variable)
        quellen[name] = variable
    for name in werte:
        if quellen[name] == "Standard":
            werte[name] = _pruefen(_nach_name()[name], werte[name], "Standard")
    if werte["smtp_passwort_datei"]:
        werte["smtp_passwort"] = _passwort_aus_datei(werte["smtp_passwort_datei"])
        quellen["smtp_passwort"] = quellen["smtp_passwort_datei"]
    return Einstellungen(werte, quellen)


def _passwort_aus_datei(pfad: str) -> Geheimnis:
    wo = f"Einstellung »smtp_passwort_datei«: {pfad}"
    try:
        zeilen = Path(pfad).read_text(encoding="utf-8-sig").splitlines()
    except OSError as fehler:
        raise Konfigurationsfehler(f"{wo} kann nicht gelesen werden ({fehler.strerror}). Prüfen Sie den Pfad.") from None
    except UnicodeDecodeError:
        raise Konfigurationsfehler(f"{wo} ist keine UTF-8-Textdatei. Die erste Zeile muss das Passwort sein.") from None
    return Geheimnis(zeilen[0] if zeilen else "")



if __name__ == "__main__":
    print(readme_tabelle(), end="")
