"""Befehle zu den Statusberichten an den Schulausschuss."""

from __future__ import annotations

import click

from prozess.cli._basis import lesen, liste_ausgeben, listenbefehl, nummernbefehl, zone


@click.group()
def statusbericht():
    """Statusberichte an den Schulausschuss."""


@nummernbefehl(statusbericht, "zeige", "bericht_id")
def statusbericht_zeige(bericht_id):
    """Zeigt genau den Text, der versandt wurde.

    Beispiel: bildungsbuero statusbericht zeige 1
    """
    from prozess.ansichten.statusberichte import statusbericht_ansicht

    b = lesen(statusbericht_ansicht, bericht_id)
    click.echo(b.betreff)
    click.echo()
    click.echo(b.text)


@listenbefehl(statusbericht)
def statusbericht_liste(seite):
    """Die versandten Statusberichte (50 je Seite).

    Beispiel: bildungsbuero statusbericht liste
    """
    from prozess.ansichten.statusberichte import statusberichte_liste
    from prozess.zeit import zeitpunkt_de

    liste_ausgeben(seite(statusberichte_liste),
                   lambda b: [f"{b.id:>4}  {zeitpunkt_de(b.erstellt_am, zone())}  {b.anlass}"],
                   "Noch keine Statusberichte; sie entstehen mit dem Takt vor den Sitzungen des Schulausschusses.")
