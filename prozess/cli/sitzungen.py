"""Befehle zu Sitzungen der Gremien und ihren Beschlüssen."""

from __future__ import annotations

import click

from prozess.cli._basis import (
    NUMMER, fachlich, lesen, liste_ausgeben, listenbefehl, lokalzeit, nummernbefehl, tun, umgebung, zone,
)


@click.group()
def sitzung():
    """Sitzungen der Gremien."""


@sitzung.command("anlegen")
@click.argument("gremium")
@click.argument("beginn", metavar="'JJJJ-MM-TT HH:MM'")
@click.option("--ort", default="", help="Sitzungsort.")
@click.option("--kurzfristig", is_flag=True, help="Auch wenn die Ladungsfrist des Gremiums nicht mehr reicht.")
@click.option("--nachtragen", is_flag=True, help="Eine Sitzung, die schon stattfand, nachträglich erfassen "
                                                 "(um ihre Beschlüsse festzuhalten); es wird niemand eingeladen.")
@fachlich
def sitzung_anlegen(gremium, beginn, ort, kurzfristig, nachtragen):
    """Legt eine Sitzung an (Ortszeit des Landkreises).

    Beispiel: bildungsbuero sitzung anlegen steuerungsgruppe "2099-02-02 10:00" --ort "Raum 214"
    """
    from prozess.sitzungen import sitzung_anlegen as anlegen

    lokal = lokalzeit(beginn, "BEGINN")
    sz = tun(anlegen, gremium, lokal, ort, kurzfristig=kurzfristig, nachtragen=nachtragen)
    click.echo(f"Sitzung {sz.id} angelegt.")


@sitzung.command("planen")
@fachlich
def sitzung_planen():
    """Legt die Sitzungen aller Gremien aus ihrem Rhythmus an (Feiertage verschoben).

    Beispiel: bildungsbuero sitzung planen
    """
    from prozess.takt import planen

    u = umgebung()
    click.echo(f"{planen(u, u.uhr())} Sitzungen neu angelegt.")


@listenbefehl(sitzung)
@click.option("--vergangene", is_flag=True, help="Auch vergangene und abgesagte Sitzungen.")
def sitzung_liste(vergangene, seite):
    """Die kommenden Sitzungen mit Gremium, Einladungsstand und Hinweisen (50 je Seite).

    Beispiel: bildungsbuero sitzung liste --vergangene
    """
    from prozess.ansichten.sitzungen import sitzungen_liste
    from prozess.zeit import zeitpunkt_de

    def zeilen(sz):
        eingeladen = "eingeladen" if sz.eingeladen else "noch nicht eingeladen"
        zeile = f"{sz.id:>4}  {zeitpunkt_de(sz.beginn, zone())}  {sz.gremium:<36} {sz.status_bezeichnung:<10} {eingeladen}"
        return [zeile + (f"  ({sz.hinweis})" if sz.hinweis else "")]

    liste_ausgeben(seite(sitzungen_liste, alle=vergangene), zeilen, "Keine Sitzungen. Planen: bildungsbuero sitzung planen")


@sitzung.command("verschieben")
@click.argument("sitzung_id", type=NUMMER, metavar="ID")
@click.argument("beginn", metavar="'JJJJ-MM-TT HH:MM'")
@click.option("--ort", default=None, help="Neuer Ort.")
@click.option("--kurzfristig", is_flag=True, help="Auch wenn die Ladungsfrist nicht mehr reicht.")
@fachlich
def sitzung_verschieben(sitzung_id, beginn, ort, kurzfristig):
    """Verschiebt eine Sitzung; Eingeladene bekommen eine geänderte Einladung.

    Beispiel: bildungsbuero sitzung verschieben 1 "2099-05-11 10:00"
    """
    from prozess.sitzungen import sitzung_verschieben as verschieben

    lokal = lokalzeit(beginn, "BEGINN")
    sz = tun(verschieben, sitzung_id, lokal, ort=ort, kurzfristig=kurzfristig)
    click.echo(f"Sitzung {sz.id} verschoben; die geänderte Einladung geht mit dem nächsten Takt hinaus.")


@sitzung.command("absagen")
@click.argument("sitzung_id", type=NUMMER, metavar="ID")
@click.option("--grund", default="", help="Grund der Absage (steht in der Mail).")
@fachlich
def sitzung_absagen(sitzung_id, grund):
    """Sagt eine Sitzung ab; wer eingeladen war, bekommt eine Absage für den Kalender.

    Beispiel: bildungsbuero sitzung absagen 1 --grund "Beschlussunfähig"
    """
    from prozess.sitzungen import sitzung_absagen as absagen

    tun(absagen, sitzung_id, grund)
    click.echo(f"Sitzung {sitzung_id} abgesagt.")


@nummernbefehl(sitzung, "tagesordnung", "sitzung_id")
def sitzung_tagesordnung(sitzung_id):
    """Zeigt die Tagesordnung einer Sitzung; vor der Einladung als Vorschau nach heutigem Stand.

    Gespeichert wird die Tagesordnung erst mit der Einladung; die Zeilennummern für
    »beschluss erfassen --top« stehen in eckigen Klammern.

    Beispiel: bildungsbuero sitzung tagesordnung 1
    """
    from prozess.ansichten.sitzungen import tagesordnung_ansicht
    from prozess.tagesordnung import als_text, anwesenheit_als_text

    ansicht = lesen(tagesordnung_ansicht, sitzung_id)
    if ansicht.vorschau:
        click.echo("Vorschau (noch nicht eingeladen; die Tagesordnung entsteht mit der Einladung):")
    click.echo(als_text(ansicht.punkte, mit_nummern=not ansicht.vorschau))
    click.echo("Anwesenheit (Zu- und Absagen über den persönlichen Link):")
    click.echo(anwesenheit_als_text(ansicht.anwesenheit))


@click.group()
def beschluss():
    """Beschlüsse der Gremien."""


@beschluss.command("erfassen")
@click.option("--sitzung", "sitzung_id", type=NUMMER, required=True, help="Nummer der Sitzung.")
@click.option("--handlungsfeld", "feld_id", type=NUMMER, default=None, help="Betroffenes Handlungsfeld.")
@click.option("--top", "top_id", type=NUMMER, default=None,
              help="Nummer des Tagesordnungspunkts (Zeile), zu dem beschlossen wurde.")
@click.option("--schritt", default=None, help="Schritt, den der Beschluss auslöst, z. B. massnahmen_beschliessen.")
@click.option("--als", default=None, metavar="EMAIL", help="Wer den Beschluss festhält (nötig mit --schritt).")
@click.argument("text")
@fachlich
def beschluss_erfassen(sitzung_id, feld_id, top_id, schritt, als, text):
    """Hält einen Beschluss fest; mit --schritt löst er den Schritt aus (beides oder nichts).

    Beispiel: bildungsbuero beschluss erfassen --sitzung 1 --handlungsfeld 1 --schritt massnahmen_beschliessen --als hiltrud.schraeder@lkclp.example "Die Maßnahmen werden beschlossen."
    """
    from prozess.sitzungen import beschluss_erfassen as erfassen
    from prozess.zyklus import ZUSTAND_BEZEICHNUNG

    with umgebung().arbeit() as arbeit:
        b, eintrag = erfassen(arbeit, sitzung_id, text, feld_id, tagesordnungspunkt_id=top_id, schritt=schritt,
                              person_id=als)
    click.echo(f"Beschluss {b.id} erfasst.")
    if eintrag is not None:
        click.echo(f"Handlungsfeld {eintrag.handlungsfeld_id}: {ZUSTAND_BEZEICHNUNG[eintrag.von_zustand]} → "
                   f"{ZUSTAND_BEZEICHNUNG[eintrag.nach_zustand]}.")
