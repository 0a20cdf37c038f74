"""Befehle des Bildungsmonitorings: Dateien importieren, den Katalog, Zeitreihen und Vergleiche zeigen.

Alle Zahlen kommen geheimgehalten und fertig als Text aus ``monitoring`` (``vergleiche``,
``feldstand``); hier wird nur gerendert. Jede Zahl eines Anteils steht mit ihrer
Bezugsgröße (welcher Nenner gilt), jede Sicht mit ihren Quellen (Datei, Stand, Importzeit).
"""

from __future__ import annotations

import sys

import click

from prozess.cli._basis import NUMMER, fachlich, lesen, tun, zone


@click.group()
def daten():
    """Bildungsmonitoring: Kennzahlen importieren, zeigen, mit Handlungsfeldern verknüpfen."""


class _Fortschritt:
    """Fortschrittsbalken je Phase (lesen, schreiben) – nur, wenn die Ausgabe ein Terminal ist."""

    NAMEN = {"lesen": "Lesen    ", "schreiben": "Schreiben"}

    def __init__(self):
        self.balken = None
        self.phase = None
        self.erledigt = 0

    def __call__(self, phase: str, erledigt: int, gesamt: int) -> None:
        if phase != self.phase:
            self.ende()
            self.phase, self.erledigt = phase, 0
            self.balken = click.progressbar(length=max(gesamt, 1), label=self.NAMEN.get(phase, phase),
                                            file=sys.stderr)
            self.balken.__enter__()
        self.balken.update(max(erledigt - self.erledigt, 0))
        self.erledigt = erledigt

    def ende(self) -> None:
        if self.balken is not None:
            self.balken.__exit__(None, None, None)
            self.balken = None


@daten.command("import")
@click.argument("datei", type=click.Path())
@click.option("--format", "format_", type=click.Choice(["ffcsv", "tabelle", "lang"]), default=None,
              help="Format der Datei; sonst erkannt: ffcsv (GENESIS-Flatfile), tabelle (Tabellen-CSV der Ämter), "
                   "lang (gebiet;zeitraum;kennzahl;wert).")
@click.option("--kennzahl", default=None, metavar="KEY",
              help="Grundzahl, zu der eine amtliche Datei gehört, wenn der Katalog ihre Tabelle nicht kennt.")
@fachlich
def daten_import(datei, format_, kennzahl):
    """Importiert eine Datei mit Kennzahlwerten: ganz oder gar nicht, dieselbe Datei nur einmal.

    Ein Fehler nennt Datei, Zeile und Spalte; dann wird nichts geschrieben. Auf einem Terminal
    zeigt ein Balken den Fortschritt langer Dateien.

    Beispiel: bildungsbuero daten import monitoring/demodaten/21111_abgaenger_landkreis_cloppenburg.csv
    """
    from monitoring.importieren import kennzahlen_importieren

    fortschritt = _Fortschritt() if sys.stderr.isatty() else None
    try:
        bericht = tun(kennzahlen_importieren, datei, format=format_, kennzahl=kennzahl, fortschritt=fortschritt)
    finally:
        if fortschritt is not None:
            fortschritt.ende()
    for satz in bericht.zusammenfassung():
        click.echo(satz)


@daten.command("kennzahlen")
def daten_kennzahlen():
    """Der Katalog: jede Kennzahl mit Art, Einheit, Bezugsgröße (Nenner), Quelle und Ebenen.

    Beispiel: bildungsbuero daten kennzahlen
    """
    from monitoring.importieren import EBENEN_NAMEN
    from monitoring.katalog import KATALOG

    for d in KATALOG.values():
        click.echo(f"{d.schluessel}")
        click.echo(f"    {d.name}")
        art = "Anteil" if d.art == "anteil" else "Anzahl (Grundzahl, wird importiert)"
        click.echo(f"    {art}, Einheit {d.einheit}; Bezugszeitraum: {d.bezugszeitraum}")
        if d.art == "anteil":
            click.echo(f"    Bezugsgröße: {d.bezugsgroesse}")
            click.echo(f"    Formel: {d.formel}")
        click.echo(f"    Quelle: {d.quelle}")
        click.echo(f"    Ebenen: {', '.join(EBENEN_NAMEN[e] for e in d.ebenen)}")


def _sicht_ausgeben(sicht, spalte: str) -> None:
    """Eine Zeitreihe oder einen Vergleich: Kennzahl, Bezugsgröße, je Zahl eine Zeile, Quellen, Legende."""
    from monitoring.darstellung import VERBORGEN, zahl_text
    from prozess.zeit import zeitpunkt_de

    k = sicht.kennzahl
    click.echo(f"{k.name} ({k.schluessel})" + (f", Merkmal {sicht.merkmal}" if sicht.merkmal else ""))
    if sicht.bezug:
        click.echo(sicht.bezug)
        click.echo(f"Formel: {k.formel}")
    breite = max((len(getattr(w, spalte)) for w in sicht.werte), default=10)
    for w in sicht.werte:
        zusatz = []
        if w.kennzeichen:
            zusatz.append(f"Kennzeichen {w.kennzeichen}")
        if k.art == "anteil" and w.zaehler is not None and w.nenner is not None:
            zusatz.append(f"{zahl_text(w.zaehler)} von {zahl_text(w.nenner)}")
        click.echo(f"  {getattr(w, spalte):<{breite}}  {w.text:>10}" + (f"   ({'; '.join(zusatz)})" if zusatz else ""))
    if not sicht.werte:
        click.echo("  keine Werte")
    for q in sicht.quellen:
        stand = f", Stand {q.stand}" if q.stand else ""
        click.echo(f"Quelle: {q.quelle} – {q.datei}{stand}, importiert {zeitpunkt_de(q.importiert_am, zone())}")
    if any(w.verborgen for w in sicht.werte):
        click.echo(f"{VERBORGEN} = verborgen (kleine Fallzahl, Geheimhaltung)")


@daten.command("zeitreihe")
@click.argument("kennzahl")
@click.argument("gebiet")
@click.option("--merkmal", default="", help="Bei einer Grundzahl: das Merkmal, z. B. abschluss=ohne_ersten_schulabschluss.")
@fachlich
def daten_zeitreihe(kennzahl, gebiet, merkmal):
    """Eine Kennzahl für ein Gebiet über alle Zeiträume (geheimgehalten, mit Bezugsgröße und Quelle).

    GEBIET ist ein amtlicher Schlüssel (03453 Landkreis, 03 Land, DG Deutschland) oder schule:NUMMER.

    Beispiel: bildungsbuero daten zeitreihe abgaenger_ohne_abschluss_anteil_abgaenger 03453
    """
    from monitoring.vergleiche import zeitreihe

    sicht = lesen(zeitreihe, kennzahl, gebiet, merkmal=merkmal)
    if sicht.werte:
        click.echo(f"Gebiet: {sicht.werte[0].gebiet_name} ({gebiet})")
    _sicht_ausgeben(sicht, "zeitraum")


@daten.command("vergleich")
@click.argument("kennzahl")
@click.argument("zeitraum")
@click.argument("gebiete", nargs=-1, required=True, metavar="GEBIET...")
@click.option("--merkmal", default="", help="Bei einer Grundzahl: das Merkmal, z. B. abschluss=ohne_ersten_schulabschluss.")
@fachlich
def daten_vergleich(kennzahl, zeitraum, gebiete, merkmal):
    """Eine Kennzahl in einem Zeitraum für mehrere Gebiete, z. B. Kreis, Land, Deutschland, Nachbarkreise.

    Beispiel: bildungsbuero daten vergleich abgaenger_ohne_abschluss_anteil_abgaenger 2024/25 03453 03
    """
    from monitoring.vergleiche import vergleich

    sicht = lesen(vergleich, kennzahl, zeitraum, list(gebiete), merkmal=merkmal)
    click.echo(f"Zeitraum: {zeitraum}")
    _sicht_ausgeben(sicht, "gebiet_name")


@daten.command("verknuepfen")
@click.argument("feld_id", type=NUMMER, metavar="HANDLUNGSFELD")
@click.argument("kennzahl")
@fachlich
def daten_verknuepfen(feld_id, kennzahl):
    """Verknüpft ein Handlungsfeld mit einer Kennzahl, auf die es sich stützt.

    Danach verlangt der Schritt daten_zusammenstellen einen aktuellen Wert dieser Kennzahl,
    und Statusbericht und Einladung zeigen sie.

    Beispiel: bildungsbuero daten verknuepfen 1 abgaenger_ohne_abschluss_anteil_abgaenger
    """
    from monitoring.verknuepfung import kennzahl_verknuepfen

    if tun(kennzahl_verknuepfen, feld_id, kennzahl):
        click.echo(f"Handlungsfeld {feld_id} ist mit der Kennzahl {kennzahl} verknüpft.")
    else:
        click.echo(f"Handlungsfeld {feld_id} war schon mit der Kennzahl {kennzahl} verknüpft; nichts geändert.")


@daten.command("stand")
@click.argument("feld_id", type=NUMMER, metavar="HANDLUNGSFELD")
@fachlich
def daten_stand(feld_id):
    """Der Kennzahlenstand eines Handlungsfeldes: neuester Wert im Kreis und Land, Trend, Quelle.

    Beispiel: bildungsbuero daten stand 1
    """
    from monitoring.feldstand import feldstand

    stand = lesen(feldstand, feld_id)
    if not stand.kennzahlen:
        click.echo(f"Handlungsfeld {feld_id} ist mit keiner Kennzahl verknüpft. Verknüpfen: "
                   f"bildungsbuero daten verknuepfen {feld_id} KENNZAHL")
        return
    for zeile in kennzahlstand_zeilen(stand):
        click.echo(zeile)


def kennzahlstand_zeilen(stand) -> list[str]:
    """Der Feldstand als Textzeilen (auch für Tests und andere Befehle)."""
    from prozess.zeit import zeitpunkt_de

    zeilen = []
    for k in stand.kennzahlen:
        zeilen.append(f"{k.kennzahl.name} ({k.kennzahl.schluessel})")
        if k.bezug:
            zeilen.append(f"  {k.bezug}")
        if k.aktuell is None:
            zeilen.append(f"  {k.gebiet_name}: noch kein Wert importiert")
            continue
        zeile = f"  {k.gebiet_name} {k.aktuell.zeitraum}: {k.aktuell.text}"
        if k.land is not None:
            zeile += f" (Land {k.land.gebiet_name}: {k.land.text})"
        zeilen.append(zeile)
        if k.vergleich_text:
            zeilen.append(f"  Trend: {k.trend}, {k.vergleich_text}")
        if k.quellen:
            zeilen.append(f"  Quelle: {k.quellen_text}; zuletzt importiert {zeitpunkt_de(k.importiert_am, zone())}")
    return zeilen
