"""Die Befehlszeile ``bildungsbuero`` (click): eine dünne Schicht über der Bibliothek.

Ein Modul je Befehlsgruppe; jeder Befehl parst nur seine Angaben, öffnet eine
Arbeitseinheit (``umgebung().arbeit()`` oder ``.lesen()``), ruft die Bibliothek und
formatiert, was sie zurückgibt. Bibliotheksmodule werden erst geladen, wenn ein Befehl
läuft: ``bildungsbuero --help`` importiert weder SQLModel noch SQLAlchemy.
"""

from __future__ import annotations

import re
import sys

import click

# Befehl → Modul, das ihn erklärt. Geladen wird nur das Modul des aufgerufenen Befehls (click:
# »lazy loading of subcommands«); alle zu laden kostete jeden Befehl rund 3 % seiner Startzeit.
# Wer alle Befehle durchgeht, fragt click: ``list_commands`` und ``get_command``.
_BEFEHLE = {
    "init": "einrichtung", "einstellungen": "einrichtung", "organisation": "einrichtung", "person": "einrichtung",
    "demo": "einrichtung", "handlungsfeld": "handlungsfelder", "datengrundlage": "handlungsfelder",
    "ziel": "ziele", "massnahme": "ziele", "aufgabe": "aufgaben", "versand": "versand", "takt": "versand",
    "dienst": "versand", "sitzung": "sitzungen", "beschluss": "sitzungen", "statusbericht": "statusberichte",
    "daten": "daten", "bericht": "berichte", "web": "web",
}


class _Hauptgruppe(click.Group):
    """Die Befehlsgruppe ``bildungsbuero``: lädt das Modul eines Befehls erst, wenn er gebraucht wird."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_BEFEHLE)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _BEFEHLE:
            return None
        if name not in self.commands:
            import importlib

            modul = importlib.import_module(f"prozess.cli.{_BEFEHLE[name]}")
            self.add_command(getattr(modul, name), name)  # die Funktion heißt wie der Befehl
        return self.commands[name]

    def resolve_command(self, ctx: click.Context, args: list[str]):
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as fehler:
            # click schlägt nur aus den schon geladenen Befehlen vor; die Namen aller stehen in _BEFEHLE.
            raise click.exceptions.NoSuchCommand(fehler.command_name, possibilities=_BEFEHLE, ctx=ctx) from None


@click.group(cls=_Hauptgruppe, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def hauptbefehl():
    """Prozess-Engine des Bildungsbüros: Handlungsfelder, Aufgaben, Gremien.

    \b
    Erste Schritte:
      bildungsbuero init
      bildungsbuero organisation laden organisationen/landkreis-cloppenburg.toml
      bildungsbuero handlungsfeld anlegen "Schulabsentismus" --als anna.meyer@lkclp.example

    Die Datenbank und alle anderen Einstellungen: »bildungsbuero einstellungen«.
    """


# (Muster der englischen Meldung, deutsche Vorlage). Als Text: übersetzt (re.compile) wird ein Muster
# erst beim ersten Bedienfehler, ein Befehl ohne Fehler braucht keines.
_MUSTER_UND_VORLAGEN = (
    (r"^Missing argument '(.+)'\.$", "Es fehlt die Angabe {0}."),
    (r"^Missing option '(.+)'\.$", "Es fehlt die Option {0}."),
    (r"^No such option:? '?([^'\s]+)'?\.?\s*(?:Did you mean '?([^'?]+)'?\?)?$", "Unbekannte Option {0}.{1}"),
    (r"^No such command '([^']+)'\.\s*(?:Did you mean '([^']+)'\?)?$", "Unbekannter Befehl »{0}«.{1}"),
    (r"^Got unexpected extra arguments? \((.+)\)$", "Zu viele Angaben: {0}."),
    (r"^Invalid value for '(.+)': '(.*)' is not a valid integer\.$", "Ungültiger Wert für {0}: »{1}« ist keine ganze Zahl."),
    (r"^Invalid value for '(.+)': (.+)$", "Ungültiger Wert für {0}: {1}"),
    (r"^Option '(.+)' requires an argument\.$", "Die Option {0} braucht einen Wert."),
)


_NEGATIVE_ZAHL = r"^No such option:? '?(-\d+)'?"


def _auf_deutsch(meldung: str) -> str:
    """Übersetzt click's häufige Bedienfehler; Unbekanntes bleibt, wie es ist."""
    if treffer := re.match(_NEGATIVE_ZAHL, meldung):
        # click hält »-1« für eine Option; gemeint ist fast immer eine Nummer.
        return f"»{treffer.group(1)}« ist keine gültige Nummer; eine Nummer ist positiv (1, 2, 3, …)."
    for muster, vorlage in _MUSTER_UND_VORLAGEN:
        treffer = re.match(muster, meldung)
        if treffer:
            teile = list(treffer.groups())
            if vorlage.startswith(("Unbekannte Option", "Unbekannter Befehl")):
                teile[1] = f" Meinten Sie »{teile[1]}«?" if teile[1] else ""
            return vorlage.format(*teile)
    return meldung


def main() -> None:
    """Einstieg des Befehls: Bedienfehler (fehlende Angaben, unbekannte Optionen) auf Deutsch."""
    try:
        ergebnis = hauptbefehl.main(prog_name="bildungsbuero", standalone_mode=False)
    except click.UsageError as fehler:
        befehl = fehler.ctx.command_path if fehler.ctx else "bildungsbuero"
        if fehler.ctx is not None:
            click.echo(fehler.ctx.get_usage().replace("Usage:", "Aufruf:"), err=True)
        click.echo(f"Fehler: {_auf_deutsch(fehler.format_message())}", err=True)
        click.echo(f"Hilfe: {befehl} --help", err=True)
        sys.exit(2)
    except click.ClickException as fehler:
        fehler.show()
        sys.exit(fehler.exit_code)
    except click.exceptions.Abort:
        click.echo("Abgebrochen.", err=True)
        sys.exit(1)
    sys.exit(ergebnis if isinstance(ergebnis, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
