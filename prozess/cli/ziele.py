"""Befehle zum Zielbaum und zu Maßnahmen."""

from __future__ import annotations

import click

from prozess.cli._basis import (
    NUMMER, datum, fachlich, lesen, liste_ausgeben, listenbefehl, nummernbefehl, tun, umgebung,
)


def _frist_text(frist) -> str:
    from prozess.zeit import datum_de

    return datum_de(frist) if frist else "keine Frist"


@click.group()
def ziel():
    """Der Zielbaum: strategisches_ziel → mittlerziel → arbeitspaket."""


@ziel.command("anlegen")
@click.argument("feld_id", type=NUMMER, metavar="HANDLUNGSFELD")
@click.argument("ebene", type=click.Choice(["strategisches_ziel", "mittlerziel", "arbeitspaket"]))
@click.argument("titel")
@click.option("--ueber", "ueber_id", type=NUMMER, default=None, help="Nummer des übergeordneten Ziels.")
@fachlich
def ziel_anlegen(feld_id, ebene, titel, ueber_id):
    """Legt ein Ziel an; Mittlerziel und Arbeitspaket brauchen --ueber.

    Beispiel: bildungsbuero ziel anlegen 1 mittlerziel "Fehlzeiten früh erkennen" --ueber 1
    """
    from prozess.ziele import ziel_anlegen as anlegen

    z = tun(anlegen, feld_id, ebene, titel, ueber_id)
    click.echo(f"Ziel {z.id} ({z.ebene}) »{z.titel}« angelegt.")


@nummernbefehl(ziel, "liste", "feld_id", "HANDLUNGSFELD")
def ziel_liste(feld_id):
    """Zeigt den Zielbaum mit den Maßnahmen.

    Beispiel: bildungsbuero ziel liste 1
    """
    from prozess.ansichten.ziele import zielbaum

    baum = lesen(zielbaum, feld_id)
    if not baum:
        click.echo("Noch keine Ziele. Anlegen: bildungsbuero ziel anlegen FELD strategisches_ziel TITEL")
    for knoten in baum:
        einzug = "  " * knoten.tiefe
        if knoten.massnahme:
            m = knoten.massnahme
            click.echo(f"{einzug}[M{m.id}] Maßnahme: {m.titel} ({m.status_bezeichnung}, {_frist_text(m.frist)})")
        else:
            click.echo(f"{einzug}[{knoten.id}] {knoten.ebene_bezeichnung}: {knoten.titel}")


@click.group()
def massnahme():
    """Maßnahmen mit Zuständigkeit und Frist."""


@massnahme.command("anlegen")
@click.option("--arbeitspaket", "arbeitspaket_id", type=NUMMER, required=True, help="Nummer des Arbeitspakets.")
@click.argument("titel")
@click.option("--verantwortlich", metavar="EMAIL", default=None, help="Zuständige Person.")
@click.option("--frist", metavar="DATUM", default=None, help="Frist als JJJJ-MM-TT oder TT.MM.JJJJ.")
@fachlich
def massnahme_anlegen(arbeitspaket_id, titel, verantwortlich, frist):
    """Legt eine Maßnahme unter einem Arbeitspaket an.

    Beispiel: bildungsbuero massnahme anlegen --arbeitspaket 3 "Frühwarnsystem" --verantwortlich schulleitung@obs-loeningen.example --frist 2099-06-30
    """
    from prozess.ziele import massnahme_anlegen as anlegen

    with umgebung().arbeit() as arbeit:
        m = anlegen(arbeit, arbeitspaket_id, titel, verantwortlich, datum(frist, "--frist"))
    click.echo(f"Maßnahme {m.id} »{m.titel}« angelegt.")


@massnahme.command("aendern")
@click.argument("massnahme_id", type=NUMMER, metavar="ID")
@click.option("--verantwortlich", metavar="EMAIL", default=None, help="Neue zuständige Person.")
@click.option("--frist", metavar="DATUM", default=None, help="Neue Frist.")
@click.option("--status", type=click.Choice(["geplant", "laufend", "erledigt", "abgebrochen"]), default=None)
@fachlich
def massnahme_aendern(massnahme_id, verantwortlich, frist, status):
    """Ändert Zuständigkeit, Frist oder Status einer Maßnahme.

    Beispiel: bildungsbuero massnahme aendern 1 --frist 2099-09-30
    """
    from prozess.ziele import massnahme_aendern as aendern

    with umgebung().arbeit() as arbeit:
        m = aendern(arbeit, massnahme_id, verantwortlich=verantwortlich, frist=datum(frist, "--frist"), status=status)
    click.echo(f"Maßnahme {m.id} geändert.")


@listenbefehl(massnahme)
@click.argument("feld_id", type=NUMMER, metavar="HANDLUNGSFELD")
def massnahme_liste(feld_id, seite):
    """Die Maßnahmen eines Handlungsfeldes (50 je Seite).

    Beispiel: bildungsbuero massnahme liste 1
    """
    from prozess.ansichten.ziele import massnahmen_liste

    liste_ausgeben(seite(massnahmen_liste, feld_id),
                   lambda m: [f"{m.id:>4}  {m.titel:<40} {m.status_bezeichnung:<10} {_frist_text(m.frist):<12} "
                              f"{m.verantwortlich or 'niemand zuständig'}"],
                   "Keine Maßnahmen.")


@nummernbefehl(massnahme, "erledigt", "massnahme_id")
def massnahme_erledigt(massnahme_id):
    """Markiert eine Maßnahme als erledigt; ihre offenen Aufgaben werden geschlossen.

    Beispiel: bildungsbuero massnahme erledigt 1
    """
    from prozess.ziele import massnahme_erledigen

    m = tun(massnahme_erledigen, massnahme_id)
    click.echo(f"Maßnahme {m.id} »{m.titel}« erledigt.")
