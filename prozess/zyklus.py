"""Der Zyklus eines Handlungsfeldes: Zustände, Schritte, Rollen, Wächter, Folgeaufgaben.

Diese Datei ist die ganze Prozessdefinition; sie soll auf einen Blick lesbar sein.

    definiert → daten_zusammengestellt → steuerungspruefung → massnahmen_beschlossen
              → berichterstattung → abgeschlossen | (neue Runde) definiert

Wege zurück: die Steuerungsgruppe fordert weitere Daten an (→ definiert); jedes aktive
Handlungsfeld kann zurückgestellt und dort wieder aufgenommen werden, wo es stand.

Es gibt genau eine ``transitions.Machine`` für alle Handlungsfelder (``model=None``); ein
Schritt wird je Zeile mit ``MASCHINE.events[name].trigger(feld)`` ausgelöst. So kostet ein
Schritt gleich viel, egal wie viele Felder es gibt, und keine Zeile wird an die Maschine
gebunden (SQLModel-Zeilen lehnen die Attribute ab, die ``add_model`` anhängt).

Die gespeicherten Werte der Zustände sind stabil: wer einen umbenennt, braucht eine
Migration und eine neue ``PROZESS_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine

PROZESS_VERSION = 1

AKTIVE_ZUSTAENDE = (
    "definiert",
    "daten_zusammengestellt",
    "steuerungspruefung",
    "massnahmen_beschlossen",
    "berichterstattung",
)
ZUSTAENDE = AKTIVE_ZUSTAENDE + ("zurueckgestellt", "abgeschlossen")

ZUSTAND_BEZEICHNUNG = {
    "definiert": "definiert",
    "daten_zusammengestellt": "Daten zusammengestellt",
    "steuerungspruefung": "in Prüfung der Steuerungsgruppe",
    "massnahmen_beschlossen": "Maßnahmen beschlossen",
    "berichterstattung": "in Berichterstattung",
    "zurueckgestellt": "zurückgestellt",
    "abgeschlossen": "abgeschlossen",
}

# Rollen als "gremium:rolle"; "*" steht für jede Rolle in diesem Gremium.
MANAGEMENT = "bildungsbuero:bildungsmanagement"
MONITORING = "bildungsbuero:bildungsmonitoring"
STEUERUNGSGRUPPE = "steuerungsgruppe:*"
STEUERUNGSGRUPPE_VORSITZ = "steuerungsgruppe:vorsitz"

ROLLE_BEZEICHNUNG = {
    MANAGEMENT: "Bildungsmanagement",
    MONITORING: "Bildungsmonitoring",
    STEUERUNGSGRUPPE: "Mitglied der Steuerungsgruppe",
    STEUERUNGSGRUPPE_VORSITZ: "Vorsitz der Steuerungsgruppe",
}

ZURUECK_WOHER = "(Zustand vor dem Zurückstellen)"


@dataclass(frozen=True)
class Schritt:
    name: str
    bezeichnung: str
    von: tuple[str, ...]
    nach: str
    rollen: tuple[str, ...]
    waechter: tuple[str, ...] = ()
    begruendung_noetig: bool = False
    # Was aus den offenen Aufgaben des verlassenen Zustands wird: erledigt, wenn der Schritt
    # sie erfüllt; hinfällig, wenn er sie überholt (zurückstellen, Daten nachfordern).
    offene_aufgaben: str = "erledigt"


SCHRITTE: tuple[Schritt, ...] = (
    Schritt("daten_zusammenstellen", "Daten als zusammengestellt melden", ("definiert",),
            "daten_zusammengestellt", (MONITORING,), ("datengrundlage_vorhanden",)),
    Schritt("zur_pruefung_vorlegen", "Der Steuerungsgruppe zur Prüfung vorlegen",
            ("daten_zusammengestellt",), "steuerungspruefung", (MANAGEMENT,)),
    Schritt("daten_nachfordern", "Weitere Daten anfordern", ("steuerungspruefung",),
            "definiert", (STEUERUNGSGRUPPE, MANAGEMENT), begruendung_noetig=True,
            offene_aufgaben="hinfaellig"),
    Schritt("massnahmen_beschliessen", "Beschlossene Maßnahmen festhalten",
            ("steuerungspruefung",), "massnahmen_beschlossen",
            (STEUERUNGSGRUPPE_VORSITZ, MANAGEMENT),
            ("beschluss_der_steuerungsgruppe", "massnahmen_vollstaendig")),
    Schritt("bericht_erstatten", "Bericht erstatten", ("massnahmen_beschlossen",),
            "berichterstattung", (MANAGEMENT,)),
    Schritt("abschliessen", "Handlungsfeld abschließen", ("berichterstattung",),
            "abgeschlossen", (MANAGEMENT,)),
    Schritt("neue_runde_beginnen", "Neue Runde beginnen (frische Daten, erneute Prüfung)",
            ("berichterstattung",), "definiert", (MANAGEMENT,)),
    Schritt("zurueckstellen", "Zurückstellen", AKTIVE_ZUSTAENDE, "zurueckgestellt",
            (MANAGEMENT,), begruendung_noetig=True, offene_aufgaben="hinfaellig"),
    Schritt("wiederaufnehmen", "Wieder aufnehmen", ("zurueckgestellt",), ZURUECK_WOHER,
            (MANAGEMENT,)),
)
SCHRITT_NACH_NAME = {s.name: s for s in SCHRITTE}


@dataclass(frozen=True)
class Folgeaufgabe:
    """Die Aufgabe, die beim Eintritt in ``zustand`` für die zuständige Rolle entsteht."""

    zustand: str
    rolle: str
    titel: str
    frist_einstellung: str


FOLGEAUFGABEN: dict[str, Folgeaufgabe] = {
    f.zustand: f
    for f in (
        Folgeaufgabe("definiert", MONITORING,
                     "Daten zum Handlungsfeld »{titel}« zusammenstellen",
                     "frist_daten_zusammenstellen_tage"),
        Folgeaufgabe("daten_zusammengestellt", MANAGEMENT,
                     "Handlungsfeld »{titel}« der Steuerungsgruppe zur Prüfung vorlegen",
                     "frist_pruefung_vorlegen_tage"),
        Folgeaufgabe("steuerungspruefung", STEUERUNGSGRUPPE_VORSITZ,
                     "Maßnahmen zum Handlungsfeld »{titel}« prüfen und beschließen",
                     "frist_massnahmen_beschliessen_tage"),
        Folgeaufgabe("massnahmen_beschlossen", MANAGEMENT,
                     "Umsetzung im Handlungsfeld »{titel}« begleiten und berichten",
                     "frist_bericht_tage"),
        Folgeaufgabe("berichterstattung", MANAGEMENT,
                     "Nach dem Bericht zu »{titel}«: abschließen oder neue Runde beginnen",
                     "frist_abschluss_tage"),
    )
}


# --- Änderungen, die ein Schritt an der eigenen Zeile vornimmt (nur im Speicher; ---------
# --- geschrieben wird alles zusammen in der Transaktion des Schritts). -------------------

def _merken_woher(ereignis) -> None:
    ereignis.model.zurueckgestellt_aus = ereignis.state.name


def _vergessen_woher(ereignis) -> None:
    ereignis.model.zurueckgestellt_aus = None


def _runde_zaehlen(ereignis) -> None:
    ereignis.model.runde += 1


def _war_in(zustand: str):
    def bedingung(ereignis) -> bool:
        return ereignis.model.zurueckgestellt_aus == zustand

    bedingung.__name__ = f"war_in_{zustand}"
    return bedingung


def _uebergaenge() -> list[dict]:
    uebergaenge = []
    for schritt in SCHRITTE:
        if schritt.nach == ZURUECK_WOHER:
            # Ein Übergang je möglichem Ziel; die Bedingung wählt den, aus dem zurückgestellt wurde.
            for ziel in AKTIVE_ZUSTAENDE:
                uebergaenge.append(dict(trigger=schritt.name, source=list(schritt.von), dest=ziel,
                                        conditions=[_war_in(ziel)], after=[_vergessen_woher]))
            continue
        eintrag = dict(trigger=schritt.name, source=list(schritt.von), dest=schritt.nach)
        if schritt.name == "zurueckstellen":
            eintrag["before"] = [_merken_woher]
        if schritt.name == "neue_runde_beginnen":
            eintrag["after"] = [_runde_zaehlen]
        uebergaenge.append(eintrag)
    return uebergaenge


MASCHINE = Machine(
    model=None,
    states=list(ZUSTAENDE),
    transitions=_uebergaenge(),
    initial=None,
    auto_transitions=False,
    send_event=True,
    model_attribute="zustand",
)


def schritte_im_zustand(zustand: str) -> list[Schritt]:
    """Die Schritte, die der Zyklus im ``zustand`` kennt (ohne Rollen und Wächter)."""
    namen = set(MASCHINE.get_triggers(zustand))
    return [s for s in SCHRITTE if s.name in namen]


def mermaid() -> str:
    """Das Zustandsdiagramm als Mermaid-Text (für die README)."""
    zeilen = ["stateDiagram-v2", "    [*] --> definiert: anlegen"]
    for schritt in SCHRITTE:
        if schritt.name == "zurueckstellen":
            zeilen.append("    state \"jeder aktive Zustand\" as aktiv")
            zeilen.append(f"    aktiv --> zurueckgestellt: {schritt.name}")
            continue
        if schritt.nach == ZURUECK_WOHER:
            zeilen.append(f"    zurueckgestellt --> aktiv: {schritt.name}")
            continue
        for quelle in schritt.von:
            zeilen.append(f"    {quelle} --> {schritt.nach}: {schritt.name}")
    zeilen.append("    abgeschlossen --> [*]")
    return "\n".join(zeilen)
