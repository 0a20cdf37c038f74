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


def _ganzzahl(kleinste: int, groesste: int, einheit: str = ""):
    """Liest eine ganze Zahl aus TOML (Zahl) oder Umgebung (Ziffern); 1.5 oder true sind keine."""
    erwartet = f"erwartet eine ganze Zahl{f' ({einheit})' if einheit else ''} von {kleinste} bis {groesste}"

    def lesen(wert: Any) -> int:
        if isinstance(wert, str) and re.fullmatch(r"\s*[+-]?\d{1,10}\s*", wert):
            zahl = int(wert)
        elif isinstance(wert, int) and not isinstance(wert, bool):
            zahl = wert
        else:
            raise ValueError(erwartet)
        if not kleinste <= zahl <= groesste:
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
    from prozess.organisation import email_pruefen

    try:
        return email_pruefen(wert, "Adresse")
    except Exception:
        raise ValueError("erwartet eine E-Mail-Adresse wie bildungsbuero@landkreis.de") from None


def _auswahl(*erlaubt: str):
    def lesen(wert: Any) -> str:
        if wert not in erlaubt:
            raise ValueError(f"erwartet einen von: {', '.join(erlaubt)}")
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
    name: str
    lesen: Callable[[Any], Any]
    standard: Any
    beschreibung: str

    @property
    def variable(self) -> str:
        return PRAEFIX + self.name.upper()


# Die Fristen der Folgeaufgaben, als Namen: prozess.zyklus verweist auf sie (statt auf einen Text).
FRIST_DATEN_ZUSAMMENSTELLEN = Einstellung(
    "frist_daten_zusammenstellen_tage",
    _tage,
    42,
    "Frist der Aufgabe an das Bildungsmonitoring, die Daten zu einem Handlungsfeld "
    "zusammenzustellen (Zustand `definiert`).",
)

# Der Wächter kennzahlen_aktuell (prozess.waechter) verweist auf sie.
KENNZAHLEN_HOECHSTALTER = Einstellung(
    "kennzahlen_hoechstalter_tage",
    _ganzzahl(30, 3650, "Tage"),
    730,
    "So alt darf der neueste Wert jeder mit einem Handlungsfeld verknüpften Kennzahl höchstens "
    "sein (gezählt ab dem Ende seines Bezugszeitraums, z. B. 31.07. nach einem Schuljahr), "
    "damit der Schritt daten_zusammenstellen gelingt.",
)

FRIST_PRUEFUNG_VORLEGEN = Einstellung(
    "frist_pruefung_vorlegen_tage",
    _tage,
    14,
    "Frist der Aufgabe an das Bildungsmanagement, das Handlungsfeld der Steuerungsgruppe "
    "vorzulegen (Zustand `daten_zusammengestellt`).",
)

FRIST_MASSNAHMEN_BESCHLIESSEN = Einstellung(
    "frist_massnahmen_beschliessen_tage",
    _tage,
    90,
    "Frist der Aufgabe an den Vorsitz der Steuerungsgruppe, Maßnahmen zu prüfen und zu "
    "beschließen (Zustand `steuerungspruefung`).",
)

FRIST_BERICHT = Einstellung(
    "frist_bericht_tage",
    _tage,
    180,
    "Frist der Aufgabe an das Bildungsmanagement, über die Umsetzung der Maßnahmen zu "
    "berichten (Zustand `massnahmen_beschlossen`).",
)

FRIST_ABSCHLUSS = Einstellung(
    "frist_abschluss_tage",
    _tage,
    60,
    "Frist der Aufgabe an das Bildungsmanagement, nach dem Bericht abzuschließen oder "
    "eine neue Runde zu beginnen (Zustand `berichterstattung`).",
)

EINSTELLUNGEN: tuple[Einstellung, ...] = (
    Einstellung(
        "datenbank_url",
        _datenbank_url,
        "sqlite:///bildungsbuero.db",
        "Datenbank als SQLAlchemy-URL: SQLite-Datei (Standard) oder "
        "`postgresql+psycopg://benutzer@host:5432/datenbank`; andere Datenbanken und Treiber werden abgewiesen.",
    ),
    Einstellung(
        "zeitzone", _zeitzone, "Europe/Berlin", "Zeitzone für Fristen und Anzeige (IANA-Name)."
    ),
    FRIST_DATEN_ZUSAMMENSTELLEN,
    FRIST_PRUEFUNG_VORLEGEN,
    FRIST_MASSNAHMEN_BESCHLIESSEN,
    FRIST_BERICHT,
    FRIST_ABSCHLUSS,
    Einstellung("erinnerung_tage_vor_frist", _tageliste, "7,1,0",
                "Wann vor der Frist erinnert wird, in Tagen; 0 ist der Tag der Frist selbst."),
    Einstellung("erinnerung_uhrzeit", _uhrzeit, "07:00",
                "Uhrzeit (Ortszeit), zu der Erinnerungen eines Tages fällig werden."),
    Einstellung("ueberfaellig_alle_tage", _ganzzahl(1, 90), 7,
                "Nach der Frist wird alle so viele Tage erneut erinnert, bis die Aufgabe erledigt ist."),
    Einstellung("eskalation_nach_tagen", _ganzzahl(1, 365), 14,
                "So viele Tage nach der Frist gehen Bildungsmanagement und Vorsitz des zuständigen "
                "Gremiums eine Eskalation (einmal je Frist)."),
    Einstellung("versand", _auswahl("maildir", "smtp"), "maildir",
                "Wie Mails das Haus verlassen: `maildir` (Dateien, Standard) oder `smtp`."),
    Einstellung("maildir_pfad", _pfad, "maildir",
                "Verzeichnis des Maildir bei `versand = maildir`; jedes Mailprogramm kann es öffnen."),
    Einstellung("absender", _email, "bildungsbuero@localhost.localdomain",
                "Absenderadresse (From) aller Mails; Antworten gehen an die Adresse des Gremiums "
                "`bildungsbuero` aus der Organisationsdatei."),
    Einstellung("smtp_host", _text, "localhost", "SMTP-Server."),
    Einstellung("smtp_port", _ganzzahl(1, 65535), 587, "Port des SMTP-Servers (587 STARTTLS, 465 TLS)."),
    Einstellung("smtp_tls", _auswahl("starttls", "tls", "keine"), "starttls",
                "Verschlüsselung: `starttls`, `tls` (implizit, Port 465) oder `keine` (nur lokal)."),
    Einstellung("smtp_benutzer", _optional_text, "", "Benutzername für SMTP AUTH (leer: keine Anmeldung)."),
    Einstellung("smtp_passwort", _geheimnis, "",
                "Passwort für SMTP AUTH; erscheint nie in Ausgaben oder Meldungen. Besser: `smtp_passwort_datei`."),
    Einstellung("smtp_passwort_datei", _optional_text, "",
                "Datei, deren erste Zeile das SMTP-Passwort ist (z. B. ein systemd- oder Docker-Secret)."),
    Einstellung("smtp_ehlo_name", _ehlo_name, "",
                "Name, mit dem sich der Versand beim SMTP-Server meldet (EHLO): ein vollständiger Rechnername "
                "oder ein Adressliteral wie `[192.0.2.1]`; leer: die Domain von `absender`."),
    Einstellung("smtp_timeout_sekunden", _ganzzahl(1, 600), 30, "Zeitlimit je SMTP-Vorgang."),
    Einstellung("versand_parallel", _ganzzahl(1, 64), 8,
                "So viele SMTP-Verbindungen werden gleichzeitig genutzt (und wiederverwendet)."),
    Einstellung("versand_anspruch_sekunden", _ganzzahl(5, 600), 30,
                "So lange gehört eine Mail im Versand ihrem Versender, ohne dass er sich meldet; er "
                "verlängert alle Viertel dieser Zeit. Stirbt er, übernimmt ein anderer (oder der "
                "neu gestartete) Versender die Mail danach."),
    Einstellung("sitzungen_vorausplanen_monate", _ganzzahl(1, 36), 12,
                "So weit im Voraus legt der Planer die Sitzungen aus dem Rhythmus der Gremien an."),
    Einstellung("einladung_vorlauf_tage", _ganzzahl(0, 60), 7,
                "So viele Tage vor Beginn der Ladungsfrist geht die Einladung hinaus (Puffer für die Post)."),
    Einstellung("statusbericht_gremium", _text, "schulausschuss",
                "Kürzel des Gremiums, das den Statusbericht vor jeder seiner Sitzungen bekommt."),
    Einstellung("statusbericht_rhythmus_monate", _teiler_von_12, 0,
                "Zusätzlich ein Statusbericht alle so viele Monate (1, 2, 3, 4, 6 oder 12; ab Januar, am "
                "1. des Monats); 0: nur vor Sitzungen."),
    Einstellung("takt_minuten", _ganzzahl(1, 60), 5,
                "Wie oft der Dienst den Takt ausführt (Erinnerungen, Einladungen, Berichte, Versand)."),
    Einstellung("geheimhaltung_schwelle", _ganzzahl(2, 100), 3,
                "Anzahlen über null und unter dieser Schwelle werden in jeder Ausgabe des Monitorings "
                "unterdrückt (dazu sekundär, wo eine Summe sie verriete); mindestens 2."),
    KENNZAHLEN_HOECHSTALTER,
    Einstellung("versand_aufgeben_nach_stunden", _ganzzahl(1, 24 * 30), 120,
                "Vorübergehende Fehler (4xx, Verbindungsabbruch) werden mit wachsendem Abstand "
                "wiederholt, bis zu dieser Zeit nach dem Anlass (RFC 5321 rät zu 4–5 Tagen)."),
    Einstellung("versand_aufbewahrung_tage", _ganzzahl(7, 3650), 180,
                "So lange nach dem Senden (oder Verwerfen) bleibt eine Mail ganz in der Outbox; danach leert "
                "der Takt ihren Inhalt (Werte der Vorlage, Name und Adresse, Einladung, Anhänge). Die Zeile bleibt mit "
                "Schlüssel gegen Doppelversand, Anlass, Zeitpunkten und Message-ID, und sie bleibt gezählt; "
                "gescheiterte und wartende Mails bleiben ganz."),
    Einstellung("basis_url", _basis_url, "http://127.0.0.1:8000",
                "Die Adresse der Webseiten, wie Menschen sie aufrufen; daraus entstehen die Links in Mails. "
                "Mit `https://` bekommt das Anmelde-Cookie das Attribut Secure."),
    Einstellung("web_host", _text, "127.0.0.1",
                "Adresse, auf der `bildungsbuero web` lauscht (hinter einem Proxy: 127.0.0.1)."),
    Einstellung("web_port", _ganzzahl(1, 65535), 8000, "Port, auf dem `bildungsbuero web` lauscht."),
    Einstellung("web_prozesse", _ganzzahl(1, 16), 1,
                "So viele Prozesse (uvicorn-Worker) beantworten die Webseiten; sie teilen sich einen Port. Mehr als "
                "einer nutzt mehrere Kerne. Die Ratenbegrenzungen zählen dann je Prozess einen gleichen Anteil "
                "(aufgerundet): zusammen nie mehr als eingestellt plus ein Ereignis je weiterem Prozess, doch ein "
                "Absender, dessen Verbindung immer beim selben Prozess landet, bekommt nur dessen Anteil."),
    Einstellung("web_proxies", _adressliste, "",
                "Proxies, deren Forwarded-Kopfzeilen (X-Forwarded-For, X-Forwarded-Proto) gelten, als IP-Adressen "
                "oder Netze mit Komma; leer: keinem Proxy wird geglaubt."),
    Einstellung("anmeldelink_minuten", _ganzzahl(1, 60), 15,
                "So lange gilt ein Anmeldelink aus der Mail; er gilt nur einmal."),
    Einstellung("anmeldung_stunden", _ganzzahl(1, 24 * 7), 8,
                "So lange bleibt man nach der Anmeldung angemeldet (danach: neuer Link)."),
    Einstellung("anmeldelinks_je_stunde", _ganzzahl(1, 100), 5,
                "Höchstens so viele Anmeldelinks je Adresse und Stunde; weitere Anfragen werden still übergangen "
                "(die Antwort bleibt dieselbe)."),
    Einstellung("teilnahmelink_tage", _ganzzahl(1, 365), 30,
                "So viele Tage gilt ein persönlicher Link aus einer Auftragsmail oder Einladung noch, wenn bei der "
                "Person nichts mehr offen ist; gerechnet ab dem Spätesten von: Ausstellung des Links, Schließen "
                "ihrer letzten Aufgabe, Beginn der letzten Sitzung, zu der sie eingeladen war."),
    Einstellung("anmeldeanfragen_je_stunde", _ganzzahl(1, 10000), 30,
                "Höchstens so viele Anmeldeanfragen je Absender-IP und Stunde; danach antwortet die Seite mit 429."),
    Einstellung("anregungen_je_stunde", _ganzzahl(1, 10000), 10,
                "Höchstens so viele Anregungen über das öffentliche Formular je Absender-IP und Stunde; danach "
                "antwortet die Seite mit 429."),
    Einstellung("frist_anregung_tage", _ganzzahl(1, 365), 14,
                "Tage, in denen das Bildungsmanagement eine Anregung aus dem Formular sichten soll (Frist ihrer "
                "Aufgabe)."),
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

    def wert(self, einstellung: Einstellung) -> Any:
        """Der Wert einer Einstellung, benannt durch ihre Erklärung (nicht durch einen Text)."""
        return self.werte[einstellung.name]

    def anzeige(self, name: str) -> str:
        """Der Wert für Ausgaben: Passwörter, auch in ``datenbank_url``, stehen dort als ``***``."""
        return _ohne_passwort(str(self.werte[name]))

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
    werte = {e.name: e.standard for e in EINSTELLUNGEN}
    quellen = {e.name: "Standard" for e in EINSTELLUNGEN}

    if DATEI_VARIABLE in umgebung:
        pfad: Path | None = Path(umgebung[DATEI_VARIABLE])
    else:
        kandidat = (arbeitsverzeichnis or Path.cwd()) / STANDARD_DATEI
        pfad = kandidat if kandidat.exists() else None
    if pfad is not None:
        for name, roh in _datei_lesen(pfad, DATEI_VARIABLE in umgebung).items():
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
