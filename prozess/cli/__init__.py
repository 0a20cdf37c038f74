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

from prozess.cli import aufgaben, berichte, daten, einrichtung, handlungsfelder, sitzungen, statusberichte, versand, web, ziele


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def hauptbefehl():
    """Prozess-Engine des Bildungsbüros: Handlungsfelder, Aufgaben, Gremien.

    \b
    Erste Schritte:
      bildungsbuero init
      bildungsbuero organisation laden organisationen/landkreis-cloppenburg.toml
      bildungsbuero handlungsfeld anlegen "Schulabsentismus" --als anna.meyer@lkclp.example

    Die Datenbank und alle anderen Einstellungen: »bildungsbuero einstellungen«.
    """


for _befehl in (
    einrichtung.init, einrichtung.einstellungen, einrichtung.organisation, einrichtung.person,
    handlungsfelder.handlungsfeld, handlungsfelder.datengrundlage, ziele.ziel, ziele.massnahme,
    aufgaben.aufgabe, versand.versand, versand.takt, sitzungen.sitzung, sitzungen.beschluss,
    statusberichte.statusbericht, daten.daten, berichte.bericht, versand.dienst, web.web, einrichtung.demo,
):
    hauptbefehl.add_command(_befehl)


_UEBERSETZUNGEN = (
    (re.compile(r"^Missing argument '(.+)'\.$"), "Es fehlt die Angabe {0}."),
    (re.compile(r"^Missing option '(.+)'\.$"), "Es fehlt die Option {0}."),
    (re.compile(r"^No such option:? '?([^'\s]+)'?\.?\s*(?:Did you mean '?([^'?]+)'?\?)?$"), "Unbekannte Option {0}.{1}"),
    (re.compile(r"^No such command '([^']+)'\.\s*(?:Did you mean '([^']+)'\?)?$"), "Unbekannter Befehl »{0}«.{1}"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "Zu viele Angaben: {0}."),
    (re.compile(r"^Invalid value for '(.+)': '(.*)' is not a valid integer\.$"), "Ungültiger Wert für {0}: »{1}« ist keine ganze Zahl."),
    (re.compile(r"^Invalid value for '(.+)': (.+)$"), "Ungültiger Wert für {0}: {1}"),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), "Die Option {0} braucht einen Wert."),
)


_NEGATIVE_ZAHL = re.compile(r"^No such option:? '?(-\d+)'?")


def _auf_deutsch(meldung: str) -> str:
    """Übersetzt click's häufige Bedienfehler; Unbekanntes bleibt, wie es ist."""
    if treffer := _NEGATIVE_ZAHL.match(meldung):
        # click hält »-1« für eine Option; gemeint ist fast immer eine Nummer.
        return f"»{treffer.group(1)}« ist keine gültige Nummer; eine Nummer ist positiv (1, 2, 3, …)."
    for muster, vorlage in _UEBERSETZUNGEN:
        treffer = muster.match(meldung)
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
