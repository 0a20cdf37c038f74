"""Der Katalog: Kennzahlen für die Fragen des Konzepts, benannt wie im Kommunalen Bildungsmonitoring.

Zwei Arten:

- **Grundzahlen** (``art = "anzahl"``) werden importiert: je Gebiet, Zeitraum und Merkmal
  (``abschluss=ohne_ersten_schulabschluss``; ohne Merkmal heißt »Insgesamt«).
- **Anteile** (``art = "anteil"``) werden aus Zähler und Nenner berechnet, nie aus einem
  gerundeten Anteil. Zähler und Nenner sind Auswahlen aus Grundzahlen:
  ``absolventen_abgaenger[abschluss=ohne_ersten_schulabschluss]``; mehrere Merkmale mit
  Komma, Ausprägungen, die zusammengezählt werden, mit ``|``
  (``bevoelkerung[geschlecht=weiblich,altersgruppe=15-18|18-20]``). Der Nenner gehört zur
  Definition: der Anteil der Abgänger ohne Abschluss steht zweimal im Katalog, einmal über
  alle Abgänger, einmal über die gleichaltrige Bevölkerung; ``bezugsgroesse`` sagt, welcher
  Nenner gilt, und steht bei jeder Zahl, die gezeigt wird.

Die Zuordnungen unten sagen, wie amtliche Dateien auf Grundzahlen abgebildet werden:
GENESIS-Flatfiles über Statistik und Wertmerkmal, Tabellen-CSV über den Tabellencode,
Spalten und Merkmale über ihre Beschriftung (mit den Umbenennungen der Ämter, z. B.
»ohne Hauptschulabschluss« → »ohne Ersten Schulabschluss«).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

AMTLICH = ("deutschland", "land", "landkreis", "gemeinde")
KREIS_UND_LAND = ("deutschland", "land", "landkreis")


@dataclass(frozen=True)
class Definition:
    """Eine Kennzahl, wie sie der Katalog in die Tabelle ``kennzahl`` einträgt."""

    schluessel: str
    name: str
    art: str
    einheit: str
    quelle: str
    ebenen: tuple[str, ...]
    bezugszeitraum: str
    beschreibung: str
    zaehler: str | None = None
    nenner: str | None = None
    nenner_teiler: int = 1
    bezugsgroesse: str = ""
    formel: str = ""
    # Aus welchem Zeitraum der Nenner kommt, wenn nicht aus demselben (siehe nenner_zeitraum).
    nenner_stichtag: str = ""

    def als_zeile(self) -> dict:
        return {
            "schluessel": self.schluessel, "name": self.name, "art": self.art, "zaehler": self.zaehler,
            "nenner": self.nenner, "nenner_teiler": self.nenner_teiler, "bezugsgroesse": self.bezugsgroesse,
            "formel": self.formel, "einheit": self.einheit, "quelle": self.quelle, "ebenen": list(self.ebenen),
            "bezugszeitraum": self.bezugszeitraum, "beschreibung": self.beschreibung,
        }


QUELLE_SCHULSTATISTIK = "Statistische Ämter des Bundes und der Länder, Statistik der allgemeinbildenden Schulen (21111)"
QUELLE_BEVOELKERUNG = "Statistische Ämter des Bundes und der Länder, Fortschreibung des Bevölkerungsstandes (12411)"
QUELLE_BESCHAEFTIGUNG = ("Statistik der Bundesagentur für Arbeit, Beschäftigungsstatistik; Regionalstatistik (13111)")
QUELLE_IABE = "Statistische Ämter des Bundes und der Länder, Integrierte Ausbildungsberichterstattung (iABE)"
QUELLE_AUSBILDUNGSMARKT = "Statistik der Bundesagentur für Arbeit, Ausbildungsmarktstatistik"
QUELLE_SCHULAMT = "Schulamt des Landkreises (lokale Erhebung bei den Schulen)"

ALTER_15_BIS_65 = "15-18|18-20|20-25|25-30|30-35|35-40|40-45|45-50|50-55|55-60|60-65"

GRUNDZAHLEN: tuple[Definition, ...] = (
    Definition(
        "bevoelkerung", "Bevölkerung nach Altersgruppen und Geschlecht", "anzahl", "Personen",
        QUELLE_BEVOELKERUNG, AMTLICH, "Stichtag 31.12.",
        "Kommunales Bildungsmonitoring: »Bevölkerung nach Altersgruppen«. Merkmale: altersgruppe "
        "(z. B. 15-18 = 15 bis unter 18 Jahre, 75+), geschlecht.",
    ),
    Definition(
        "absolventen_abgaenger", "Absolventinnen/Absolventen und Abgängerinnen/Abgänger allgemeinbildender "
        "Schulen nach Abschlussart", "anzahl", "Personen", QUELLE_SCHULSTATISTIK + "; je Schule: " + QUELLE_SCHULAMT,
        AMTLICH + ("schule",), "Schuljahr (Abgangsjahr)",
        "Kommunales Bildungsmonitoring: »Absolventen/Abgänger allgemeinbildender Schulen nach "
        "Abschlussarten«. Merkmale: abschluss (ohne_ersten_schulabschluss, erster_schulabschluss, "
        "mittlerer_schulabschluss, fachhochschulreife, allgemeine_hochschulreife), geschlecht.",
    ),
    Definition(
        "schueler_allgemeinbildend", "Schülerinnen und Schüler an allgemeinbildenden Schulen", "anzahl", "Personen",
        QUELLE_SCHULSTATISTIK + "; je Schule: " + QUELLE_SCHULAMT, AMTLICH + ("schule",), "Schuljahr",
        "Kommunales Bildungsmonitoring: »Schülerinnen und Schüler an allgemeinbildenden Schulen«.",
    ),
    Definition(
        "schueler_erhebliche_fehlzeiten", "Schülerinnen und Schüler mit erheblichen unentschuldigten Fehlzeiten",
        "anzahl", "Personen", QUELLE_SCHULAMT, ("landkreis", "gemeinde", "schule"), "Schulhalbjahr",
        "Lokale Kennzahl (kein amtlicher Indikator): Schülerinnen und Schüler mit mehr als zehn "
        "unentschuldigten Fehltagen im Schulhalbjahr, gemeldet von den Schulen an das Schulamt.",
    ),
    Definition(
        "neuzugaenge_berufsbildung", "Neuzugänge in das berufliche Ausbildungssystem nach Sektoren", "anzahl",
        "Personen", QUELLE_IABE, KREIS_UND_LAND, "Kalenderjahr",
        "Kommunales Bildungsmonitoring / Bildung in Deutschland: »Neuzugänge in das berufliche "
        "Ausbildungssystem nach Sektoren«. Merkmal sektor: berufsausbildung, uebergangsbereich, "
        "erwerb_hzb (Erwerb der Hochschulzugangsberechtigung).",
    ),
    Definition(
        "ausbildungsstellen_gemeldet", "Gemeldete Berufsausbildungsstellen", "anzahl", "Stellen",
        QUELLE_AUSBILDUNGSMARKT, KREIS_UND_LAND, "Berichtsjahr (1. Oktober bis 30. September)",
        "Bei den Agenturen für Arbeit und Jobcentern gemeldete Ausbildungsstellen. Merkmal "
        "berufsbereich: mint (Mathematik, Informatik, Naturwissenschaft, Technik nach der "
        "MINT-Abgrenzung der Bundesagentur für Arbeit).",
    ),
    Definition(
        "sv_beschaeftigte_wohnort", "Sozialversicherungspflichtig Beschäftigte am Wohnort", "anzahl", "Personen",
        QUELLE_BESCHAEFTIGUNG, AMTLICH, "Stichtag 30.06.",
        "Merkmale: geschlecht, altersgruppe (15-65 = 15 bis unter 65 Jahre).",
    ),
)

ANTEILE: tuple[Definition, ...] = (
    Definition(
        "abgaenger_ohne_abschluss_anteil_abgaenger",
        "Abgängerinnen und Abgänger ohne Ersten Schulabschluss – Anteil an allen Absolventen und Abgängern",
        "anteil", "%", QUELLE_SCHULSTATISTIK, AMTLICH + ("schule",), "Schuljahr (Abgangsjahr)",
        "Kommunales Bildungsmonitoring: »Absolventen/Abgänger ohne Hauptschulabschluss (seit 2022: "
        "ohne Ersten Schulabschluss)«, bezogen auf alle Absolventen und Abgänger allgemeinbildender "
        "Schulen desselben Abgangsjahres. Auch je Schule berechenbar.",
        zaehler="absolventen_abgaenger[abschluss=ohne_ersten_schulabschluss]",
        nenner="absolventen_abgaenger",
        bezugsgroesse="alle Absolventinnen/Absolventen und Abgängerinnen/Abgänger allgemeinbildender Schulen",
        formel="Abgänger ohne Ersten Schulabschluss ÷ alle Absolventen und Abgänger × 100",
    ),
    Definition(
        "abgaenger_ohne_abschluss_anteil_bevoelkerung",
        "Abgängerinnen und Abgänger ohne Ersten Schulabschluss – Anteil an der gleichaltrigen Bevölkerung",
        "anteil", "%", QUELLE_SCHULSTATISTIK + "; " + QUELLE_BEVOELKERUNG, AMTLICH, "Schuljahr (Abgangsjahr)",
        "Bildung in Deutschland: Anteil an der gleichaltrigen Wohnbevölkerung. Der Nenner ist ein "
        "durchschnittlicher Altersjahrgang der 15- bis unter 18-Jährigen (ein Drittel der Altersgruppe). "
        "Nicht je Schule: eine Schule hat keine Wohnbevölkerung. Weicht vom Anteil an allen Abgängern ab.",
        zaehler="absolventen_abgaenger[abschluss=ohne_ersten_schulabschluss]",
        nenner="bevoelkerung[altersgruppe=15-18]",
        nenner_teiler=3,
        nenner_stichtag="31.12. im Schuljahr",
        bezugsgroesse="gleichaltrige Bevölkerung (durchschnittlicher Jahrgang der 15- bis unter 18-Jährigen)",
        formel="Abgänger ohne Ersten Schulabschluss ÷ (Bevölkerung 15 bis unter 18 Jahre ÷ 3) × 100",
    ),
    Definition(
        "schulabsentismus_anteil", "Schulabsentismus – Anteil der Schülerinnen und Schüler mit erheblichen "
        "unentschuldigten Fehlzeiten", "anteil", "%", QUELLE_SCHULAMT, ("landkreis", "gemeinde", "schule"),
        "Schulhalbjahr",
        "Lokale Kennzahl des Schulamts; der Nenner sind alle Schülerinnen und Schüler der meldenden Schulen.",
        zaehler="schueler_erhebliche_fehlzeiten", nenner="schueler_allgemeinbildend",
        bezugsgroesse="alle Schülerinnen und Schüler allgemeinbildender Schulen",
        formel="Schülerinnen und Schüler mit erheblichen Fehlzeiten ÷ alle Schülerinnen und Schüler × 100",
    ),
    Definition(
        "uebergang_berufsausbildung_anteil", "Übergänge in das berufliche Ausbildungssystem – Anteil der "
        "Neuzugänge in eine Berufsausbildung", "anteil", "%", QUELLE_IABE, KREIS_UND_LAND, "Kalenderjahr",
        "Bildung in Deutschland: Verteilung der Neuzugänge auf die Sektoren des beruflichen "
        "Ausbildungssystems; hier der Sektor Berufsausbildung (dual und schulisch).",
        zaehler="neuzugaenge_berufsbildung[sektor=berufsausbildung]", nenner="neuzugaenge_berufsbildung",
        bezugsgroesse="alle Neuzugänge in das berufliche Ausbildungssystem",
        formel="Neuzugänge Berufsausbildung ÷ alle Neuzugänge × 100",
    ),
    Definition(
        "uebergangsbereich_anteil", "Übergänge in das berufliche Ausbildungssystem – Anteil der Neuzugänge "
        "in den Übergangsbereich", "anteil", "%", QUELLE_IABE, KREIS_UND_LAND, "Kalenderjahr",
        "Bildung in Deutschland: Anteil des Übergangsbereichs (Integration in Ausbildung) an allen Neuzugängen.",
        zaehler="neuzugaenge_berufsbildung[sektor=uebergangsbereich]", nenner="neuzugaenge_berufsbildung",
        bezugsgroesse="alle Neuzugänge in das berufliche Ausbildungssystem",
        formel="Neuzugänge Übergangsbereich ÷ alle Neuzugänge × 100",
    ),
    Definition(
        "mint_ausbildungsstellen_anteil", "MINT-Ausbildungsstellen – Anteil an allen gemeldeten "
        "Berufsausbildungsstellen", "anteil", "%", QUELLE_AUSBILDUNGSMARKT, KREIS_UND_LAND,
        "Berichtsjahr (1. Oktober bis 30. September)",
        "Gemeldete Berufsausbildungsstellen in MINT-Berufen je 100 gemeldete Berufsausbildungsstellen.",
        zaehler="ausbildungsstellen_gemeldet[berufsbereich=mint]", nenner="ausbildungsstellen_gemeldet",
        bezugsgroesse="alle gemeldeten Berufsausbildungsstellen",
        formel="gemeldete MINT-Ausbildungsstellen ÷ alle gemeldeten Ausbildungsstellen × 100",
    ),
    Definition(
        "beschaeftigungsquote_frauen", "Beschäftigungsquote der Frauen (sozialversicherungspflichtig "
        "Beschäftigte am Wohnort)", "anteil", "%", QUELLE_BESCHAEFTIGUNG + "; " + QUELLE_BEVOELKERUNG, AMTLICH,
        "Stichtag 30.06. (Beschäftigte) und 31.12. des Vorjahres (Bevölkerung)",
        "Sozialversicherungspflichtig beschäftigte Frauen von 15 bis unter 65 Jahren am Wohnort je 100 "
        "Frauen derselben Altersgruppe.",
        zaehler="sv_beschaeftigte_wohnort[geschlecht=weiblich,altersgruppe=15-65]",
        nenner=f"bevoelkerung[geschlecht=weiblich,altersgruppe={ALTER_15_BIS_65}]",
        nenner_stichtag="31.12. des Vorjahres",
        bezugsgroesse="Frauen von 15 bis unter 65 Jahren (Bevölkerung am Wohnort)",
        formel="sozialversicherungspflichtig beschäftigte Frauen 15–65 ÷ Frauen 15–65 × 100",
    ),
)

KATALOG: dict[str, Definition] = {d.schluessel: d for d in GRUNDZAHLEN + ANTEILE}


# --- Merkmale: Namen und Ausprägungen ---------------------------------------------------------

# Merkmal (Variable) der Ämter → Name des Merkmals hier; zuerst über den Code, sonst über den
# Anfang der Beschriftung.
MERKMAL_NACH_CODE = {"GES": "geschlecht", "ALTX17": "altersgruppe", "ALTX20": "altersgruppe",
                     "ALT577": "altersgruppe", "SCHAB1": "abschluss", "SCHABS": "abschluss", "BILSKT": "sektor"}
MERKMAL_NACH_BESCHRIFTUNG = (("geschlecht", "geschlecht"), ("alter", "altersgruppe"), ("abschluss", "abschluss"),
                             ("schulabschl", "abschluss"), ("sektor", "sektor"), ("berufsbereich", "berufsbereich"))

# Umbenennungen der Ämter und gleichbedeutende Beschriftungen → eine Ausprägung.
AUSPRAEGUNGEN = {
    "abschluss": {
        "ohne hauptschulabschluss": "ohne_ersten_schulabschluss",
        "ohne ersten schulabschluss": "ohne_ersten_schulabschluss",
        "ohne abschluss": "ohne_ersten_schulabschluss",
        "hauptschulabschluss": "erster_schulabschluss",
        "erstem schulabschluss": "erster_schulabschluss",
        "ersten schulabschluss": "erster_schulabschluss",
        "erster schulabschluss": "erster_schulabschluss",
        "mittlerem abschluss": "mittlerer_schulabschluss",
        "mittlerem schulabschluss": "mittlerer_schulabschluss",
        "mittlerer abschluss": "mittlerer_schulabschluss",
        "mittlerer schulabschluss": "mittlerer_schulabschluss",
        "realschulabschluss": "mittlerer_schulabschluss",
        "fachhochschulreife": "fachhochschulreife",
        "allgemeiner hochschulreife": "allgemeine_hochschulreife",
        "allgemeine hochschulreife": "allgemeine_hochschulreife",
    },
    "sektor": {
        "berufsausbildung": "berufsausbildung",
        "integration in ausbildung (übergangsbereich)": "uebergangsbereich",
        "übergangsbereich": "uebergangsbereich",
        "erwerb der hochschulzugangsberechtigung": "erwerb_hzb",
    },
}

_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_ALTER_UNTER = re.compile(r"^unter (\d+) jahren?$")
_ALTER_BIS = re.compile(r"^(\d+) bis unter (\d+) jahren?$")
_ALTER_AB = re.compile(r"^(\d+) jahre? und (?:mehr|älter)$")


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().split())


def kurzform(text: str) -> str:
    """Ein Text als Bezeichner: klein, Umlaute umschrieben, alles andere zu ``_``."""
    return re.sub(r"[^a-z0-9+-]+", "_", _normal(text).translate(_UMLAUTE)).strip("_")


def merkmal_name(code: str, beschriftung: str) -> str:
    """Der Name eines Merkmals der Ämter hier (``GES`` → ``geschlecht``)."""
    if code in MERKMAL_NACH_CODE:
        return MERKMAL_NACH_CODE[code]
    normal = _normal(beschriftung)
    for anfang, name in MERKMAL_NACH_BESCHRIFTUNG:
        if normal.startswith(anfang):
            return name
    return kurzform(code or beschriftung)


def auspraegung(merkmal: str, beschriftung: str) -> str | None:
    """Die Ausprägung zu einer Beschriftung; ``None`` für »Insgesamt« (die Summe).

    Altersgruppen werden zu ``15-18`` (15 bis unter 18 Jahre), ``0-3`` (unter 3) und ``75+``.
    """
    normal = _normal(beschriftung)
    if normal in ("", "insgesamt", "zusammen"):
        return None
    if merkmal == "altersgruppe":
        if m := _ALTER_UNTER.match(normal):
            return f"0-{m[1]}"
        if m := _ALTER_BIS.match(normal):
            return f"{m[1]}-{m[2]}"
        if m := _ALTER_AB.match(normal):
            return f"{m[1]}+"
    ohne_mit = normal[4:] if normal.startswith("mit ") else normal
    bekannt = AUSPRAEGUNGEN.get(merkmal, {})
    return bekannt.get(normal) or bekannt.get(ohne_mit) or kurzform(normal)


def nenner_zeitraum(definition: Definition, zeitraum: str) -> str | None:
    """Der Zeitraum des Nenners zu einem Zeitraum des Zählers; ``None``, wenn er nicht passt.

    ``31.12. im Schuljahr``: Schuljahr 2022/23 → Bevölkerung am 2022-12-31.
    ``31.12. des Vorjahres``: Beschäftigte am 2023-06-30 → Bevölkerung am 2022-12-31.
    """
    regel = definition.nenner_stichtag
    if not regel:
        return zeitraum
    jahr = zeitraum[:4]
    if not jahr.isdigit():
        return None
    if regel == "31.12. im Schuljahr":
        return f"{jahr}-12-31" if "/" in zeitraum else None
    if regel == "31.12. des Vorjahres":
        return f"{int(jahr) - 1}-12-31"
    raise ValueError(f"unbekannte Regel für den Nenner: {regel}")


def merkmal_text(auspraegungen: dict[str, str]) -> str:
    """Die gespeicherte Form: ``abschluss=...;geschlecht=...``, sortiert; leer für »Insgesamt«."""
    return ";".join(f"{name}={wert}" for name, wert in sorted(auspraegungen.items()))


# --- Auswahlen für Zähler und Nenner -------------------------------------------------------------

_AUSWAHL = re.compile(r"^([a-z0-9_]+)(?:\[([^\]]*)\])?$")


@dataclass(frozen=True)
class Auswahl:
    """Eine Grundzahl und die Merkmale, deren Werte zusammengezählt werden."""

    kennzahl: str
    merkmale: tuple[str, ...] = field(default=("",))


def auswahl_lesen(text: str) -> Auswahl:
    """``bevoelkerung[geschlecht=weiblich,altersgruppe=15-18|18-20]`` → Grundzahl und Merkmalstexte."""
    treffer = _AUSWAHL.match(text.strip())
    if not treffer:
        raise ValueError(f"Auswahl »{text}« hat nicht die Form kennzahl[merkmal=wert,...].")
    bedingungen: list[tuple[str, list[str]]] = []
    for teil in filter(None, (treffer[2] or "").split(",")):
        name, _, werte = teil.partition("=")
        bedingungen.append((name.strip(), [w.strip() for w in werte.split("|")]))
    namen = [n for n, _ in bedingungen]
    kombinationen = product(*(werte for _, werte in bedingungen))
    return Auswahl(treffer[1], tuple(merkmal_text(dict(zip(namen, k))) for k in kombinationen))


# --- Zuordnung amtlicher Dateien -----------------------------------------------------------------

# GENESIS-Flatfile: (statistics_code, value_variable_code) → Grundzahl. Die Codes sind die der
# Beispieldateien in tests/monitoring/daten; eine andere Tabelle wird mit kennzahl=... zugeordnet.
GENESIS_WERTMERKMALE = {
    ("12411", "BEVSTD"): "bevoelkerung",
    ("21111", "BIL016"): "absolventen_abgaenger",
    ("21111", "BIL003"): "schueler_allgemeinbildend",
    ("13111", "ERW032"): "sv_beschaeftigte_wohnort",
}

# Tabellen-CSV: Tabellencode → Grundzahl (die Spalten tragen die Merkmale).
TABELLEN = {
    "12411-02-03-4": "bevoelkerung",
    "12411-02-03-5": "bevoelkerung",
    "21111-02-06-4": "absolventen_abgaenger",
    "21111-02-06-5": "absolventen_abgaenger",
    "21111-01-03-4": "schueler_allgemeinbildend",
    "13111-01-03-4": "sv_beschaeftigte_wohnort",
}

# Spaltenüberschriften einer Tabellen-CSV → Merkmal, wenn die Überschrift allein es nicht sagt.
SPALTEN_MERKMAL = {
    "bevoelkerung": "altersgruppe",
    "absolventen_abgaenger": "abschluss",
    "schueler_allgemeinbildend": "schulart",
    "sv_beschaeftigte_wohnort": "altersgruppe",
}
# Überschriften, die nur die Größe nennen, nicht eine Ausprägung (sie stehen über den Spalten).
NUR_GROESSE = {"absolventen und abgänger", "absolventen/abgänger", "absolventen und abgänger insgesamt",
               "bevölkerung", "bevölkerungsstand", "schüler", "schülerinnen und schüler", "anzahl",
               "sozialversicherungspflichtig beschäftigte am wohnort", "personen"}


def ist_nur_groesse(beschriftung: str) -> bool:
    return _normal(beschriftung) in NUR_GROESSE


def spalten_merkmal(kennzahl: str, beschriftung: str) -> str:
    """Zu welchem Merkmal eine Spaltenüberschrift gehört (Geschlecht erkennt man am Wort)."""
    if _normal(beschriftung) in ("männlich", "weiblich", "divers"):
        return "geschlecht"
    return SPALTEN_MERKMAL.get(kennzahl, "merkmal")


def katalog_eintragen(arbeit) -> dict[str, int]:
    """Trägt die Definitionen ein oder gleicht sie an (idempotent); gibt Schlüssel → id zurück."""
    from sqlalchemy import insert, select, update

    from modelle.kennzahlen import Kennzahl
    from monitoring.verbindung import verbindung_von

    verbindung = verbindung_von(arbeit)
    tabelle = Kennzahl.__table__
    vorhanden = {z.schluessel: z for z in verbindung.execute(select(tabelle)).mappings().all()}
    ids = {}
    for definition in KATALOG.values():
        zeile = definition.als_zeile()
        alt = vorhanden.get(definition.schluessel)
        if alt is None:
            ids[definition.schluessel] = verbindung.execute(insert(tabelle).values(**zeile)
                                                            .returning(tabelle.c.id)).scalar_one()
            continue
        ids[definition.schluessel] = alt["id"]
        if any(alt[k] != v for k, v in zeile.items()):
            verbindung.execute(update(tabelle).where(tabelle.c.id == alt["id"]).values(**zeile))
    return ids
