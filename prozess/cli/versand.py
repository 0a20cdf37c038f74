"""Befehle zum Versand und zum Betrieb: Outbox, Takt von Hand, der Dienst.

``versand senden`` und ``takt`` geben ihre Zusammenfassung einmal aus und enden mit Exit-Code 1,
wenn Mails scheiterten oder der Versand angehalten ist.
"""

from __future__ import annotations

import click

from prozess.cli._basis import (
    NUMMER,
    fachlich,
    liste_ausgeben,
    listenbefehl,
    seitenfuss,
    tun,
    umgebung,
    zone,
)


@click.group()
def versand():
    """Die Outbox: was versandt ist, was wartet, was scheiterte."""


@listenbefehl(versand, "status")
def versand_status(seite):
    """Zeigt die Outbox nach Status, einen angehaltenen Versand, die gescheiterten Mails mit Grund
    und die Mails im Versand mit Halter und Ablauf (50 je Seite).

    Beispiel: bildungsbuero versand status
    """
    from prozess.ansichten.versand import versand_uebersicht
    from prozess.zeit import zeitpunkt_de

    uebersicht = seite(versand_uebersicht)
    for zahl in uebersicht.zahlen:
        click.echo(f"{zahl.bezeichnung:<28} {zahl.anzahl:>7}")
    if uebersicht.pause:
        _pause_ausgeben(uebersicht.pause)
    if uebersicht.wartende.anzahl:
        _wartende_ausgeben(uebersicht.wartende)

    def zeilen(m):
        weiter = f", nächster Versuch {zeitpunkt_de(m.naechster_versuch, zone())}" if m.naechster_versuch else ""
        return [f"  [{m.id}] {m.anlass} an {m.empfaenger}: {m.fehler} ({m.versuche} Versuche{weiter})"]

    liste_ausgeben(uebersicht.gescheitert, zeilen, "Keine gescheiterten Mails.")
    if uebersicht.beansprucht.gesamt:
        click.echo("Im Versand:")
        for b in uebersicht.beansprucht.eintraege:
            ablauf = "abgelaufen, ein anderer Versender übernimmt" if b.abgelaufen else "läuft"
            click.echo(f"  [{b.id}] {b.anlass} bei {b.halter} bis {_uhrzeit(b.bis)} ({ablauf})")
        seitenfuss(uebersicht.beansprucht)


@versand.command("senden")
@click.option("--sofort", is_flag=True,
              help="Auch Mails, die auf einen späteren Versuch warten, und die Prüfung eines angehaltenen Versands "
                   "jetzt (nach dem Beheben einer Ursache).")
@fachlich
def versand_senden(sofort):
    """Sendet jetzt alles Fällige aus der Outbox (Maildir oder SMTP, je nach Einstellung); mit --sofort
    auch, was auf einen späteren Versuch wartet. Exit-Code 1, wenn Mails scheiterten oder der Versand
    angehalten ist.

    Beispiel: BILDUNGSBUERO_VERSAND=maildir BILDUNGSBUERO_MAILDIR_PFAD=maildir bildungsbuero versand senden
    """
    import asyncio

    from prozess.takt import outbox_leeren
    from prozess.versand import sofort_versuchen

    u = umgebung()
    u.schema_pruefen()
    if sofort:
        tun(sofort_versuchen)
    bericht = asyncio.run(outbox_leeren(u, u.uhr()))
    _versand_ausgeben(bericht)


@versand.command("wiederholen")
@click.argument("nummern", nargs=-1, type=NUMMER, metavar="[NUMMER]...")
@click.option("--grund", default=None, metavar="TEXT",
              help="Alle, deren Grund diesen Text enthält (groß oder klein geschrieben), z. B. Relay.")
@click.option("--alle", is_flag=True, help="Alle dauerhaft gescheiterten Mails.")
@fachlich
def versand_wiederholen(nummern, grund, alle):
    """Reiht dauerhaft gescheiterte Mails nach dem Beheben der Ursache erneut ein: nach Nummer, nach
    einem Teil des Grundes oder alle. Sie gehen beim nächsten Versand hinaus.

    Beispiel: bildungsbuero versand wiederholen --alle
    """
    from prozess.versand import versand_wiederholen as wiederholen

    anzahl = tun(wiederholen, ids=list(nummern) or None, grund=grund, alle=alle)
    if anzahl:
        click.echo(f"{anzahl} {'Mail' if anzahl == 1 else 'Mails'} erneut eingereiht; sie gehen beim nächsten "
                   "Versand hinaus (sofort: »bildungsbuero versand senden«).")
    else:
        click.echo("Keine dauerhaft gescheiterten Mails.")


@click.command()
@fachlich
def takt():
    """Ein Takt von Hand: fällige Erinnerungen und Eskalationen vormerken, dann senden. Exit-Code 1,
    wenn Mails scheiterten oder der Versand angehalten ist.

    Beispiel: bildungsbuero takt
    """
    import asyncio

    from prozess.takt import takt_und_versand

    u = umgebung()
    u.schema_pruefen()
    bericht = asyncio.run(takt_und_versand(u, u.uhr()))
    mails = ", ".join(f"{n} × {art}" for art, n in sorted(bericht.erinnerungen.mails.items())) or "keine"
    click.echo(f"Erinnerungen: {bericht.erinnerungen.aufgaben} Aufgaben angesehen, Mails: {mails}.")
    _versand_ausgeben(bericht.versand)


def _versand_ausgeben(bericht) -> None:
    """Die Zusammenfassung eines Versands, einmal; Exit-Code 1, wenn etwas nicht zugestellt wurde."""
    click.echo(f"Versand: {bericht}.")
    if bericht.pause:
        _pause_ausgeben(bericht.pause)
    if bericht.wartend and bericht.wartend.anzahl:
        _wartende_ausgeben(bericht.wartend)
    if bericht.fremd and bericht.fremd.anzahl:
        n = bericht.fremd.anzahl
        click.echo(f"{n} {'Mail ist' if n == 1 else 'Mails sind'} gerade bei einem anderen Versender im Versand; "
                   f"läuft dessen Anspruch ab (ab {_uhrzeit(bericht.fremd.frei_ab)}), sendet sie der nächste Versand.")
    if bericht.fehlgeschlagen:
        raise SystemExit(1)


def _pause_ausgeben(pause) -> None:
    from prozess.zeit import zeitpunkt_de

    click.echo(f"Versand angehalten seit {zeitpunkt_de(pause.seit, zone())}: {pause.grund}")
    click.echo(f"  Die Mails bleiben in der Outbox. Nach dem Beheben: »bildungsbuero versand senden --sofort«; "
               f"von selbst prüft der Versand wieder am {zeitpunkt_de(pause.naechster_versuch, zone())}.")


def _wartende_ausgeben(wartende) -> None:
    from prozess.zeit import zeitpunkt_de

    click.echo(f"{_mails(wartende.anzahl)} auf einen neuen Versuch, der erste am "
               f"{zeitpunkt_de(wartende.erster_versuch, zone())}; sofort: »bildungsbuero versand senden --sofort«.")


def _mails(anzahl: int) -> str:
    return "1 Mail wartet" if anzahl == 1 else f"{anzahl} Mails warten"


def _uhrzeit(zeitpunkt) -> str:
    return zeitpunkt.astimezone(zone()).strftime("%H:%M:%S Uhr") if zeitpunkt else "unbekannt"


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
