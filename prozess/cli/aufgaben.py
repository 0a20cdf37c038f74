"""Befehle zu Aufgaben."""

from __future__ import annotations

import click

from prozess.cli._basis import (
    NUMMER, datum, fachlich, liste_ausgeben, listenbefehl, nummernbefehl, tun, umgebung, zone,
)


@click.group()
def aufgabe():
    """Aufgaben mit Frist und zuständiger Person."""


@aufgabe.command("anlegen")
@click.argument("titel")
@click.option("--verantwortlich", metavar="EMAIL", required=True, help="Zuständige Person.")
@click.option("--frist", metavar="DATUM", required=True, help="Frist als JJJJ-MM-TT oder TT.MM.JJJJ.")
@click.option("--handlungsfeld", "feld_id", type=NUMMER, default=None, help="Zugehöriges Handlungsfeld.")
@click.option("--massnahme", "massnahme_id", type=NUMMER, default=None, help="Zugehörige Maßnahme.")
@fachlich
def aufgabe_anlegen(titel, verantwortlich, frist, feld_id, massnahme_id):
    """Legt eine Aufgabe von Hand an; die zuständige Person bekommt eine Mail.

    Beispiel: bildungsbuero aufgabe anlegen "Schulen zur Fehlzeitenerhebung anschreiben" --verantwortlich joerg.toebben@lkclp.example --frist 2099-01-15 --handlungsfeld 1
    """
    from prozess.aufgaben import aufgabe_anlegen as anlegen

    with umgebung().arbeit() as arbeit:
        a = anlegen(arbeit, titel=titel, verantwortlich=verantwortlich,
                    frist=datum(frist, "--frist"), handlungsfeld_id=feld_id, massnahme_id=massnahme_id)
    click.echo(f"Aufgabe {a.id} »{a.titel}« angelegt.")


@listenbefehl(aufgabe)
@click.option("--handlungsfeld", "feld_id", type=NUMMER, default=None, help="Nur Aufgaben dieses Handlungsfeldes.")
@click.option("--erledigte", is_flag=True, help="Auch erledigte und hinfällige Aufgaben.")
def aufgabe_liste(feld_id, erledigte, seite):
    """Offene Aufgaben nach Frist, mit dem Stand ihrer Erinnerungen (50 je Seite).

    Beispiel: bildungsbuero aufgabe liste --handlungsfeld 1
    """
    from prozess.ansichten.aufgaben import aufgaben_liste, erinnerungsstand_text
    from prozess.zeit import datum_de

    liste_ausgeben(seite(aufgaben_liste, handlungsfeld_id=feld_id, nur_offene=not erledigte),
                   lambda a: [f"{a.id:>5}  {datum_de(a.frist)}  {a.status_bezeichnung:<10} {a.titel} – {a.person}",
                              f"       Erinnerungen: {erinnerungsstand_text(a.erinnerungen, zone())}"],
                   "Keine Aufgaben.")


@aufgabe.command("verschieben")
@click.argument("aufgabe_id", type=NUMMER, metavar="ID")
@click.argument("frist", metavar="DATUM")
@fachlich
def aufgabe_verschieben(aufgabe_id, frist):
    """Setzt eine neue Frist; die Erinnerungen werden neu geplant.

    Beispiel: bildungsbuero aufgabe verschieben 3 2099-03-31
    """
    from prozess.aufgaben import aufgabe_verschieben as verschieben
    from prozess.zeit import datum_de, zeitpunkt_de

    a = tun(verschieben, aufgabe_id, datum(frist, "DATUM"))
    click.echo(f"Aufgabe {a.id}: neue Frist {datum_de(a.frist)}; nächste Erinnerung "
               f"{zeitpunkt_de(a.naechste_erinnerung_am, zone())}.")


@aufgabe.command("zuweisen")
@click.argument("aufgabe_id", type=NUMMER, metavar="ID")
@click.argument("email", metavar="EMAIL")
@fachlich
def aufgabe_zuweisen(aufgabe_id, email):
    """Gibt eine offene Aufgabe einer anderen Person; sie bekommt eine Mail, Frist und Erinnerungen bleiben.

    Beispiel: bildungsbuero aufgabe zuweisen 3 anna.meyer@lkclp.example
    """
    from prozess.aufgaben import aufgabe_zuweisen as zuweisen

    a = tun(zuweisen, aufgabe_id, email)
    click.echo(f"Aufgabe {a.aufgabe_id} »{a.titel}« liegt jetzt bei {a.person_name}.")


@nummernbefehl(aufgabe, "erledigt", "aufgabe_id")
def aufgabe_erledigt(aufgabe_id):
    """Markiert eine Aufgabe als erledigt.

    Beispiel: bildungsbuero aufgabe erledigt 3
    """
    from prozess.aufgaben import aufgabe_erledigen

    a = tun(aufgabe_erledigen, aufgabe_id)
    click.echo(f"Aufgabe {a.id} »{a.titel}« erledigt.")


@listenbefehl(aufgabe, "frist-antraege")
@click.option("--entschiedene", is_flag=True, help="Auch gewährte und abgelehnte Anträge.")
def aufgabe_frist_antraege(entschiedene, seite):
    """Fristanträge, die Personen über ihren persönlichen Link gestellt haben (offene zuerst nach Alter).

    Beispiel: bildungsbuero aufgabe frist-antraege
    """
    from prozess.ansichten.fristantraege import fristantraege_liste
    from prozess.zeit import datum_de

    liste_ausgeben(seite(fristantraege_liste, alle=entschiedene),
                   lambda a: [f"{a.id:>5}  {a.status_bezeichnung:<10} Aufgabe {a.aufgabe_id} »{a.aufgabe}« – "
                              f"{a.person}: {datum_de(a.alte_frist)} → {datum_de(a.frist)}"]
                   + ([f"       Begründung: {a.begruendung}"] if a.begruendung else [])
                   + ([f"       Antwort: {a.antwort}"] if a.antwort else []),
                   "Keine offenen Fristanträge.")


def _entscheiden(funktion, antrag_id, als, antwort):
    return tun(funktion, antrag_id, als, antwort)


def _entscheidungsbefehl(name: str):
    """Ein Befehl, mit dem das Bildungsmanagement über einen Fristantrag entscheidet (gleiche Angaben)."""

    def anwenden(funktion):
        for option in (
            click.option("--antwort", default="", help="Antwort an die Person (sieht sie auf ihrer Seite)."),
            click.option("--als", metavar="EMAIL", required=True, help="Wer entscheidet (Bildungsmanagement)."),
            click.argument("antrag_id", type=NUMMER, metavar="ANTRAG"),
        ):
            funktion = option(funktion)
        return aufgabe.command(name)(funktion)

    return anwenden


@_entscheidungsbefehl("frist-gewaehren")
@fachlich
def aufgabe_frist_gewaehren(antrag_id, als, antwort):
    """Gewährt einen Fristantrag: die Aufgabe bekommt die beantragte Frist, die Person eine Mail.

    Beispiel: bildungsbuero aufgabe frist-gewaehren 1 --als anna.meyer@lkclp.example
    """
    from prozess.teilnahme import frist_gewaehren
    from prozess.zeit import datum_de

    a = _entscheiden(frist_gewaehren, antrag_id, als, antwort)
    click.echo(f"Fristantrag {a.id} gewährt: Aufgabe {a.aufgabe_id} hat die Frist {datum_de(a.frist)}.")


@_entscheidungsbefehl("frist-ablehnen")
@fachlich
def aufgabe_frist_ablehnen(antrag_id, als, antwort):
    """Lehnt einen Fristantrag ab; die Frist bleibt, die Person sieht die Antwort auf ihrer Seite.

    Beispiel: bildungsbuero aufgabe frist-ablehnen 2 --als anna.meyer@lkclp.example --antwort "Die Frist ist gesetzlich."
    """
    from prozess.teilnahme import frist_ablehnen

    a = _entscheiden(frist_ablehnen, antrag_id, als, antwort)
    click.echo(f"Fristantrag {a.id} abgelehnt: Aufgabe {a.aufgabe_id} behält ihre Frist.")
