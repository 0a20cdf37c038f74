"""Befehle zur Einrichtung: Datenbank, Einstellungen, Organisation, Personen, Demo."""

from __future__ import annotations

import click

from prozess.cli._basis import fachlich, umgebung


@click.command()
@fachlich
def init():
    """Legt die Datenbank an oder bringt sie auf den neuesten Stand.

    Beispiel: bildungsbuero init
    """
    vorher, nachher, sicherung = umgebung().einrichten()
    if vorher == nachher:
        click.echo(f"Datenbank ist schon auf dem neuesten Stand ({nachher}).")
    else:
        click.echo(f"Datenbank eingerichtet: Stand {vorher or 'leer'} → {nachher}.")
    if sicherung:
        click.echo(f"Sicherung des Stands {vorher} von vor dem Anheben: {sicherung}")


@click.command()
@fachlich
def einstellungen():
    """Zeigt alle Einstellungen mit Wert und Herkunft.

    Beispiel: BILDUNGSBUERO_TAKT_MINUTEN=10 bildungsbuero einstellungen
    """
    from prozess.einstellungen import erklaerungen

    e = umgebung().einstellungen
    for einstellung in erklaerungen():
        click.echo(f"{einstellung.name} = {e.anzeige(einstellung.name)}   ({e.quellen[einstellung.name]})")


@click.group()
def organisation():
    """Gremien, Personen und Rollen aus einer Datei."""


@organisation.command("laden")
@click.argument("datei", type=click.Path(dir_okay=False))
@fachlich
def organisation_laden(datei):
    """Lädt die Organisationsdatei (TOML); mehrfaches Laden ändert nichts Doppeltes.

    Beispiel: bildungsbuero organisation laden organisationen/landkreis-cloppenburg.toml
    """
    from prozess import organisation as org

    daten = org.datei_lesen(datei)
    with umgebung().arbeit() as arbeit:
        bericht = org.organisation_laden(arbeit, daten)
    if not bericht.aenderungen:
        click.echo(f"{daten.name}: keine Änderungen.")
    else:
        click.echo(f"{daten.name}: {len(bericht.aenderungen)} Änderungen.")
        for zeile in bericht.aenderungen:
            click.echo(f"  {zeile}")
    if bericht.nicht_in_datei:
        click.echo(
            f"Nicht in der Datei und unverändert: {len(bericht.nicht_in_datei)} Personen "
            "(entfernen mit »bildungsbuero person entfernen EMAIL«)."
        )


@click.group()
def person():
    """Personen (nur was der Versand braucht)."""


@person.command("entfernen")
@click.argument("email")
@fachlich
def person_entfernen(email):
    """Löscht Name, Adresse und Rollen einer Person; das Protokoll bleibt lückenlos.

    Beispiel: bildungsbuero person entfernen p.hoemmken@jobcenter-clp.example
    """
    from prozess.organisation import person_entfernen as entfernen

    with umgebung().arbeit() as arbeit:
        entfernen(arbeit, email)
    click.echo("Person entfernt: Name und Adresse gelöscht, Rollen entzogen.")


@click.command()
@click.option("--verzeichnis", default="demo-ausgabe", show_default=True, type=click.Path(file_okay=False),
              help="Wohin Datenbank und Maildir der Demo geschrieben werden (wird neu angelegt).")
@fachlich
def demo(verzeichnis):
    """Spielt »Schulabsentismus« mit simulierter Uhr durch den ganzen Zyklus.

    Beispiel: bildungsbuero demo --verzeichnis /tmp/demo
    """
    from prozess.demo import demo_ausfuehren

    demo_ausfuehren(verzeichnis, click.echo)
