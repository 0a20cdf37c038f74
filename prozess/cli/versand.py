"""Befehle zum Versand und zum Betrieb: Outbox, Takt von Hand, der Dienst."""

from __future__ import annotations

import click

from prozess.cli._basis import fachlich, grenze, lesen, liste_ausgeben, listenbefehl, umgebung, zone


@click.group()
def versand():
    """Die Outbox: was versandt ist, was wartet, was scheiterte."""


@listenbefehl(versand, "status")
def versand_status(alle_zeilen, versatz):
    """Zeigt die Outbox nach Status und die gescheiterten Mails mit Grund (50 je Seite).

    Beispiel: bildungsbuero versand status
    """
    from prozess.ansichten.versand import versand_uebersicht
    from prozess.zeit import zeitpunkt_de

    uebersicht = lesen(versand_uebersicht, grenze=grenze(alle_zeilen), versatz=versatz)
    for zahl in uebersicht.zahlen:
        click.echo(f"{zahl.bezeichnung:<28} {zahl.anzahl:>7}")

    def zeilen(m):
        weiter = f", nächster Versuch {zeitpunkt_de(m.naechster_versuch, zone())}" if m.naechster_versuch else ""
        return [f"  [{m.id}] {m.anlass} an {m.empfaenger}: {m.fehler} ({m.versuche} Versuche{weiter})"]

    liste_ausgeben(uebersicht.gescheitert, zeilen, "Keine gescheiterten Mails.", "bildungsbuero versand status")


@versand.command("senden")
@fachlich
def versand_senden():
    """Sendet jetzt alles Fällige aus der Outbox (Maildir oder SMTP, je nach Einstellung).

    Beispiel: BILDUNGSBUERO_VERSAND=maildir BILDUNGSBUERO_MAILDIR_PFAD=maildir bildungsbuero versand senden
    """
    import asyncio

    from prozess.takt import outbox_leeren

    u = umgebung()
    u.schema_pruefen()
    bericht = asyncio.run(outbox_leeren(u, u.uhr()))
    click.echo(f"Versand: {bericht}.")


@click.command()
@fachlich
def takt():
    """Ein Takt von Hand: fällige Erinnerungen und Eskalationen vormerken, dann senden.

    Beispiel: bildungsbuero takt
    """
    import asyncio

    from prozess.takt import takt_und_versand

    u = umgebung()
    u.schema_pruefen()
    bericht = asyncio.run(takt_und_versand(u, u.uhr()))
    mails = ", ".join(f"{n} × {art}" for art, n in sorted(bericht.erinnerungen.mails.items())) or "keine"
    click.echo(f"Erinnerungen: {bericht.erinnerungen.aufgaben} Aufgaben angesehen, Mails: {mails}.")
    click.echo(f"Versand: {bericht.versand}.")


@click.command()
@fachlich
def dienst():
    """Startet den Dienst: Takt (Erinnerungen, Einladungen, Berichte, Versand) und Sitzungsplaner.

    Läuft im Vordergrund und loggt nach stdout; SIGTERM beendet ihn nach dem laufenden Job.

    Beispiel: BILDUNGSBUERO_TAKT_MINUTEN=5 bildungsbuero dienst
    """
    from prozess.dienst import dienst_starten

    u = umgebung()
    u.schema_pruefen()  # prüft Verbindung und Schema, bevor der Dienst startet
    raise SystemExit(dienst_starten(u, u.uhr))
