"""Jeder Befehl von ``bildungsbuero``, wie click ihn kennt: für Tests, die über alle Befehle gehen."""

from __future__ import annotations

from collections.abc import Iterator

import click

from prozess.cli import hauptbefehl


def alle_befehle(gruppe: click.Group = hauptbefehl, pfad: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """(Pfad, Befehl) für jeden Befehl ohne Unterbefehle, Gruppen rekursiv.

    Über ``list_commands``/``get_command``, nicht ``commands``: die Hauptgruppe lädt ihre Befehle erst
    auf Nachfrage (``prozess.cli._Hauptgruppe``).
    """
    ctx = click.Context(gruppe)
    for name in gruppe.list_commands(ctx):
        befehl = gruppe.get_command(ctx, name)
        if isinstance(befehl, click.Group):
            yield from alle_befehle(befehl, pfad + (name,))
        else:
            yield pfad + (name,), befehl
