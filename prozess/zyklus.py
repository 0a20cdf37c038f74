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

Neben den Zuständen und Schritten steht hier, was jeder auslöst: die Folgeaufgabe eines
Zustands (Rolle, Titel, welche Einstellung die Frist hält), was ein Schritt mit den offenen
Aufgaben und den Erinnerungen tut, und auf welche Tagesordnung ein Zustand ein Feld setzt.
Der übrige Code fragt diese Erklärungen ab und verzweigt nie nach dem Namen eines Schritts
oder Zustands.

Die gespeicherten Werte der Zustände sind stabil: wer einen umbenennt, braucht eine
Migration und eine neue ``PROZESS_VERSION``.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine

from prozess.einstellungen import (
    FRIST_ABSCHLUSS,
    FRIST_BERICHT,
    FRIST_DATEN_ZUSAMMENSTELLEN,
    FRIST_MASSNAHMEN_BESCHLIESSEN,
    FRIST_PRUEFUNG_VORLEGEN,
    Verweis,
)

PROZESS_VERSION = 1

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

# Was aus den offenen Aufgaben des verlassenen Zustands wird.
ERLEDIGT = "erledigt"      # der Schritt erfüllt sie
HINFAELLIG = "hinfaellig"  # der Schritt überholt sie (zurückstellen, Daten nachfordern)

# Was ein Schritt mit den Erinnerungen aller offenen Aufgaben des Feldes (auch der Maßnahmen) tut.
RUHEN = "ruhen"                  # ein zurückgestelltes Feld erinnert niemanden
WIEDER_PLANEN = "wieder_planen"  # nach dem Wiederaufnehmen erinnern sie wieder, ab jetzt


@dataclass(frozen=True)
class Folgeaufgabe:
    """Die Aufgabe, die beim Eintritt in einen Zustand für die zuständige Rolle entsteht.

    ``frist`` ist die Einstellung, die ihre Frist in Tagen hält (ein ``Verweis`` aus
    ``prozess.einstellungen``, kein Text).
    """

    rolle: str
    titel: str
    frist: Verweis


@dataclass(frozen=True)
class Zustand:
    """Ein Zustand des Zyklus und was er auslöst.

    ``beauftragt_massnahmen``: beim Eintritt bekommt jede zuständige Person ihre beschlossene
    Maßnahme als Aufgabe. ``entscheidung``: was der Statusbericht als fällige Entscheidung nennt.
    """

    name: str
    bezeichnung: str
    aktiv: bool = True
    folgeaufgabe: Folgeaufgabe | None = None
    beauftragt_massnahmen: bool = False
    entscheidung: str = ""


ZUSTAENDE_ERKLAERT: tuple[Zustand, ...] = (
    Zustand("definiert", "definiert",
            folgeaufgabe=Folgeaufgabe(MONITORING, "Daten zum Handlungsfeld »{titel}« zusammenstellen",
                                      FRIST_DATEN_ZUSAMMENSTELLEN)),
    Zustand("daten_zusammengestellt", "Daten zusammengestellt",
            folgeaufgabe=Folgeaufgabe(MANAGEMENT, "Handlungsfeld »{titel}« der Steuerungsgruppe zur Prüfung vorlegen",
                                      FRIST_PRUEFUNG_VORLEGEN)),
    Zustand("steuerungspruefung", "in Prüfung der Steuerungsgruppe",
            folgeaufgabe=Folgeaufgabe(STEUERUNGSGRUPPE_VORSITZ,
                                      "Maßnahmen zum Handlungsfeld »{titel}« prüfen und beschließen",
                                      FRIST_MASSNAHMEN_BESCHLIESSEN),
            entscheidung="Steuerungsgruppe: Maßnahmen beschließen oder weitere Daten anfordern"),
    Zustand("massnahmen_beschlossen", "Maßnahmen beschlossen",
            folgeaufgabe=Folgeaufgabe(MANAGEMENT, "Umsetzung im Handlungsfeld »{titel}« begleiten und berichten",
                                      FRIST_BERICHT),
            beauftragt_massnahmen=True),
    Zustand("berichterstattung", "in Berichterstattung",
            folgeaufgabe=Folgeaufgabe(MANAGEMENT, "Nach dem Bericht zu »{titel}«: abschließen oder neue Runde beginnen",
                                      FRIST_ABSCHLUSS),
            entscheidung="Bildungsmanagement, nach Beratung im Bildungsbeirat: abschließen oder neue Runde"),
    Zustand("zurueckgestellt", "zurückgestellt", aktiv=False),
    Zustand("abgeschlossen", "abgeschlossen", aktiv=False),
)
ZUSTAND_NACH_NAME = {z.name: z for z in ZUSTAENDE_ERKLAERT}
ZUSTAENDE = tuple(z.name for z in ZUSTAENDE_ERKLAERT)
AKTIVE_ZUSTAENDE = tuple(z.name for z in ZUSTAENDE_ERKLAERT if z.aktiv)
ZUSTAND_BEZEICHNUNG = {z.name: z.bezeichnung for z in ZUSTAENDE_ERKLAERT}
FOLGEAUFGABEN = {z.name: z.folgeaufgabe for z in ZUSTAENDE_ERKLAERT if z.folgeaufgabe}

ZURUECK_WOHER = "(Zustand vor dem Zurückstellen)"


@dataclass(frozen=True)
class Schritt:
    """Ein Schritt: von wo nach wo, wer darf, was muss erfüllt sein, was er nebenbei tut.

    ``merkt_herkunft``: das Feld merkt sich, aus welchem Zustand es kam (zurückstellen);
    ``nach = ZURUECK_WOHER`` führt dorthin zurück. ``zaehlt_runde``: eine neue Runde beginnt.
    """

    name: str
    bezeichnung: str
    von: tuple[str, ...]
    nach: str
    rollen: tuple[str, ...]
    waechter: tuple[str, ...] = ()
    begruendung_noetig: bool = False
    offene_aufgaben: str = ERLEDIGT
    erinnerungen: str | None = None
    merkt_herkunft: bool = False
    zaehlt_runde: bool = False


SCHRITTE: tuple[Schritt, ...] = (
    Schritt("daten_zusammenstellen", "Daten als zusammengestellt melden", ("definiert",),
            "daten_zusammengestellt", (MONITORING,), ("datengrundlage_vorhanden", "kennzahlen_aktuell")),
    Schritt("zur_pruefung_vorlegen", "Der Steuerungsgruppe zur Prüfung vorlegen",
            ("daten_zusammengestellt",), "steuerungspruefung", (MANAGEMENT,)),
    Schritt("daten_nachfordern", "Weitere Daten anfordern", ("steuerungspruefung",),
            "definiert", (STEUERUNGSGRUPPE, MANAGEMENT), begruendung_noetig=True,
            offene_aufgaben=HINFAELLIG),
    Schritt("massnahmen_beschliessen", "Beschlossene Maßnahmen festhalten",
            ("steuerungspruefung",), "massnahmen_beschlossen",
            (STEUERUNGSGRUPPE_VORSITZ, MANAGEMENT),
            ("beschluss_der_steuerungsgruppe", "massnahmen_vollstaendig")),
    Schritt("bericht_erstatten", "Bericht erstatten", ("massnahmen_beschlossen",),
            "berichterstattung", (MANAGEMENT,)),
    Schritt("abschliessen", "Handlungsfeld abschließen", ("berichterstattung",),
            "abgeschlossen", (MANAGEMENT,)),
    Schritt("neue_runde_beginnen", "Neue Runde beginnen (frische Daten, erneute Prüfung)",
            ("berichterstattung",), "definiert", (MANAGEMENT,), zaehlt_runde=True),
    Schritt("zurueckstellen", "Zurückstellen", AKTIVE_ZUSTAENDE, "zurueckgestellt",
            (MANAGEMENT,), begruendung_noetig=True, offene_aufgaben=HINFAELLIG, erinnerungen=RUHEN,
            merkt_herkunft=True),
    Schritt("wiederaufnehmen", "Wieder aufnehmen", ("zurueckgestellt",), ZURUECK_WOHER,
            (MANAGEMENT,), erinnerungen=WIEDER_PLANEN),
)
SCHRITT_NACH_NAME = {s.name: s for s in SCHRITTE}


@dataclass(frozen=True)
class Beratung:
    """Ein Punkt auf der Tagesordnung eines Gremiums: je Feld in ``zustaende`` einer.

    Ohne ``zustaende`` ist es ein ständiger Punkt ohne Feld (der Statusbericht im
    Schulausschuss). ``titel`` und ``beschreibung`` dürfen ``{titel}`` und ``{zustand}`` nennen.
    Die Reihenfolge in ``TAGESORDNUNG`` ist die Reihenfolge auf der Tagesordnung.
    """

    gremium: str
    titel: str
    beschreibung: str = ""
    zustaende: tuple[str, ...] = ()
    nur_erste_runde: bool = False


# Was ein Gremium entscheiden oder wissen muss, steht auf seiner Tagesordnung. Dazu kommen bei
# jedem Gremium Eröffnung, die offenen Aufgaben seiner Mitglieder und Verschiedenes.
TAGESORDNUNG: tuple[Beratung, ...] = (
    Beratung("steuerungsgruppe", "Steuerungsprüfung: {titel}",
             "Maßnahmen beschließen (massnahmen_beschliessen) oder weitere Daten anfordern (daten_nachfordern).",
             ("steuerungspruefung",)),
    Beratung("bildungsbeirat", "Neues Handlungsfeld: {titel}", "Strategisches Ziel festlegen.",
             ("definiert",), nur_erste_runde=True),
    Beratung("bildungsbeirat", "Bericht: {titel}", "Abschließen oder eine neue Runde beginnen.",
             ("berichterstattung",)),
    Beratung("schulausschuss", "Statusbericht des Bildungsbüros",
             "Zur Kenntnis; der Bericht liegt der Einladung bei bzw. ging vorab per Mail."),
    Beratung("schulausschuss", "Bericht zur Kenntnis: {titel}", "", ("berichterstattung",)),
    Beratung("bildungskonferenz", "Handlungsfeld {titel}", "Stand: {zustand}.", AKTIVE_ZUSTAENDE),
)


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
        if schritt.merkt_herkunft:
            eintrag["before"] = [_merken_woher]
        if schritt.zaehlt_runde:
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
        if schritt.von == AKTIVE_ZUSTAENDE:
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
