"""Befehle zu Handlungsfeldern und ihren Datengrundlagen."""

from __future__ import annotations

import click

from prozess.cli._basis import (
    NUMMER, fachlich, lesen, liste_ausgeben, listenbefehl, nummernbefehl, tun, umgebung, zone,
)


@click.group()
def handlungsfeld():
    """Handlungsfelder anlegen, zeigen und durch den Zyklus bewegen."""


@handlungsfeld.command("anlegen")
@click.argument("titel")
@click.option("--als", "als", required=True, metavar="EMAIL", help="Wer anlegt (Bildungsmanagement).")
@click.option("--beschreibung", default="", help="Worum es geht.")
@fachlich
def handlungsfeld_anlegen(titel, als, beschreibung):
    """Legt ein Handlungsfeld an (Zustand »definiert«) und beauftragt das Bildungsmonitoring.

    Beispiel: bildungsbuero handlungsfeld anlegen "Schulabsentismus" --als anna.meyer@lkclp.example
    """
    from prozess.handlungsfelder import handlungsfeld_anlegen as anlegen

    with umgebung().arbeit() as arbeit:
        feld = anlegen(arbeit, titel, als, beschreibung)
    click.echo(f"Handlungsfeld {feld.id} »{feld.titel}« angelegt (definiert).")


@listenbefehl(handlungsfeld)
def handlungsfeld_liste(seite):
    """Die Handlungsfelder mit Zustand und Zahl offener Aufgaben (50 je Seite).

    Beispiel: bildungsbuero handlungsfeld liste
    """
    from prozess.ansichten.handlungsfelder import handlungsfelder_liste

    liste_ausgeben(seite(handlungsfelder_liste),
                   lambda f: [f"{f.id:>4}  {f.titel:<40} {f.zustand_bezeichnung:<32} {f.offene_aufgaben} offene Aufgaben"],
                   "Noch keine Handlungsfelder. Anlegen: bildungsbuero handlungsfeld anlegen TITEL --als EMAIL")


@nummernbefehl(handlungsfeld, "zeige", "feld_id")
def handlungsfeld_zeige(feld_id):
    """Zustand, mögliche Schritte (und warum andere nicht), Verlauf, offene Aufgaben.

    Beispiel: bildungsbuero handlungsfeld zeige 1
    """
    from prozess.ansichten.handlungsfelder import handlungsfeld_ansicht
    from prozess.zeit import datum_de, zeitpunkt_de

    f = lesen(handlungsfeld_ansicht, feld_id)
    z = zone()
    click.echo(f"Handlungsfeld {f.id}: {f.titel}")
    if f.beschreibung:
        click.echo(f"  {f.beschreibung}")
    click.echo(f"Zustand: {f.zustand_bezeichnung} (seit {zeitpunkt_de(f.zustand_seit, z)}), Runde {f.runde}")
    click.echo("\nSchritte jetzt:")
    if not f.schritte:
        click.echo("  keine – das Handlungsfeld ist abgeschlossen.")
    for s in f.schritte:
        status = "möglich" if s.moeglich else "noch nicht möglich"
        click.echo(f"  {s.name:<24} {s.bezeichnung} – {status} (durch {s.rollen})")
        for grund in s.gruende:
            click.echo(f"      · {grund}")
    click.echo("\nDatengrundlagen:")
    for d in f.datengrundlagen:
        click.echo(f"  {d.titel}" + (f" ({d.quelle})" if d.quelle else ""))
    if not f.datengrundlagen:
        click.echo("  keine")
    click.echo("\nOffene Aufgaben:")
    for a in f.offene_aufgaben.eintraege:
        click.echo(f"  [{a.id}] {a.titel} – {a.person}, Frist {datum_de(a.frist)}")
    if not f.offene_aufgaben.eintraege:
        click.echo("  keine")
    click.echo("\nVerlauf:")
    for v in f.verlauf:
        zeile = f"  {zeitpunkt_de(v.zeitpunkt, z)}  {v.schritt}: {v.von or '–'} → {v.nach}  ({v.person})"
        click.echo(zeile + (f" – {v.begruendung}" if v.begruendung else ""))


@handlungsfeld.command("schritt")
@click.argument("feld_id", type=NUMMER, metavar="ID")
@click.argument("schritt")
@click.option("--als", "als", required=True, metavar="EMAIL", help="Wer den Schritt auslöst.")
@click.option("--begruendung", default="", help="Warum (Pflicht beim Zurückstellen und Nachfordern).")
@click.option("--beschluss", "beschluss_id", type=NUMMER, default=None,
              help="Nummer des Beschlusses, auf den sich der Schritt stützt.")
@fachlich
def handlungsfeld_schritt(feld_id, schritt, als, begruendung, beschluss_id):
    """Löst einen Schritt aus, z. B. daten_zusammenstellen oder zur_pruefung_vorlegen.

    Welche Schritte gerade möglich sind, zeigt »bildungsbuero handlungsfeld zeige ID«.

    Beispiel: bildungsbuero handlungsfeld schritt 1 daten_zusammenstellen --als joerg.toebben@lkclp.example
    """
    from prozess.schritte import schritt_ausfuehren
    from prozess.zyklus import ZUSTAND_BEZEICHNUNG

    with umgebung().arbeit() as arbeit:
        eintrag = schritt_ausfuehren(arbeit, feld_id, schritt, als,
                                     begruendung=begruendung, beschluss_id=beschluss_id)
    click.echo(f"Handlungsfeld {feld_id}: {ZUSTAND_BEZEICHNUNG[eintrag.von_zustand]} → "
               f"{ZUSTAND_BEZEICHNUNG[eintrag.nach_zustand]}.")


@handlungsfeld.command("diagramm")
def handlungsfeld_diagramm():
    """Gibt den Zyklus als Mermaid-Diagramm aus.

    Beispiel: bildungsbuero handlungsfeld diagramm
    """
    from prozess.zyklus import mermaid

    click.echo(mermaid())


@click.group()
def datengrundlage():
    """Datengrundlagen (aggregierte Kennzahlen, nie Personendaten)."""


@datengrundlage.command("anlegen")
@click.argument("feld_id", type=NUMMER, metavar="HANDLUNGSFELD")
@click.argument("titel")
@click.option("--quelle", default="", help="Woher die Daten stammen.")
@fachlich
def datengrundlage_anlegen(feld_id, titel, quelle):
    """Hängt eine Datengrundlage an ein Handlungsfeld.

    Beispiel: bildungsbuero datengrundlage anlegen 1 "Fehlzeitenquote 2025/26" --quelle "Landesamt für Statistik"
    """
    from prozess.handlungsfelder import datengrundlage_anlegen as anlegen

    d = tun(anlegen, feld_id, titel, quelle)
    click.echo(f"Datengrundlage {d.id} »{d.titel}« angelegt.")
