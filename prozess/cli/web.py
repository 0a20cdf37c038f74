"""Der Befehl ``bildungsbuero web``: die Webseiten für das Büro."""

from __future__ import annotations

import click

from prozess.cli._basis import fachlich, umgebung


@click.command()
@fachlich
def web():
    """Startet die Webseiten (Anmeldung per Link, Übersicht, Handlungsfelder, Aufgaben).

    Läuft im Vordergrund und loggt nach stdout (ohne Tokens, Namen und Adressen); Adresse
    und Port aus web_host und web_port, Links in Mails aus basis_url. SIGTERM beendet ihn.

    Beispiel: BILDUNGSBUERO_WEB_PORT=8000 bildungsbuero web
    """
    from web.server import web_starten

    u = umgebung()
    u.schema_pruefen()  # prüft Verbindung und Schema, bevor der Server lauscht
    raise SystemExit(web_starten(u))
