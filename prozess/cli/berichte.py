"""Befehle zum Bildungsbericht (HTML und PDF) – nicht zu verwechseln mit dem Statusbericht an den Ausschuss.

matplotlib und WeasyPrint werden erst geladen, wenn ein Bericht entsteht (``monitoring.bericht``
importiert sie beim Zeichnen und Setzen), nie beim Start der CLI.
"""

from __future__ import annotations

import inspect

import click

from prozess.cli._basis import NUMMER, Fehlermeldung, fachlich, umgebung

PDF_FEHLT = 3  # Exit-Code: HTML geschrieben, PDF nicht (WeasyPrint oder seine Systembibliotheken fehlen)

_EXIT_CODES = """

\b
Exit-Codes: 0 HTML und PDF (mit --nur-html: das HTML) geschrieben;
  1 Fehler, nichts geschrieben (z. B. eine unbekannte Nummer); 2 Bedienfehler;
  3 HTML geschrieben, PDF nicht: WeasyPrint fehlen Systembibliotheken
    (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0).
"""


class PdfFehlt(Fehlermeldung):
    exit_code = PDF_FEHLT


@click.group()
def bericht():
    """Bildungsberichte als HTML und PDF: für ein Handlungsfeld, den Kreis, eine Gemeinde."""


def _ausgabeoptionen(befehl):
    befehl = click.option("--nur-html", is_flag=True, help="Nur das HTML schreiben, kein PDF.")(befehl)
    return click.option("--ziel", default=".",
                        show_default=True, metavar="VERZEICHNIS",
                        help="Verzeichnis für die Dateien (wird angelegt).")(befehl)


def _vergleichsoption(befehl):
    return click.option("--vergleich", "vergleich_kreise", multiple=True, metavar="AGS",
                        help="Weiterer Kreis für die Zeitreihen (mehrfach möglich), z. B. --vergleich 03454.")(befehl)


def _schreiben(art: str, ziel: str, nur_html: bool, **angaben) -> None:
    from monitoring.bericht import bericht_schreiben

    with umgebung().lesen() as arbeit:
        dateien = bericht_schreiben(arbeit, art, ziel, nur_html=nur_html, **angaben)
    click.echo(f"{dateien.titel}")
    click.echo(f"HTML: {dateien.html}")
    if dateien.pdf is not None:
        click.echo(f"PDF:  {dateien.pdf}")
    if dateien.pdf_fehlt:
        raise PdfFehlt(dateien.pdf_fehlt)


@bericht.command("feld")
@click.argument("feld_id", type=NUMMER, metavar="FELD_ID")
@_vergleichsoption
@_ausgabeoptionen
@fachlich
def bericht_feld(feld_id, vergleich_kreise, ziel, nur_html):
    """Bericht zu einem Handlungsfeld: Zustand, Verlauf, Ziele und Maßnahmen, Kennzahlen mit Diagrammen.

    Schreibt bildungsbericht-feld-FELD_ID.html und .pdf in das Zielverzeichnis.

    Beispiel: bildungsbuero bericht feld 1 --ziel /tmp/berichte
    """
    _schreiben("feld", ziel, nur_html, feld_id=feld_id, vergleich_kreise=list(vergleich_kreise))


@bericht.command("kreis")
@_vergleichsoption
@_ausgabeoptionen
@fachlich
def bericht_kreis(vergleich_kreise, ziel, nur_html):
    """Bericht über den ganzen Kreis: alle Handlungsfelder und alle Kennzahlen mit Werten.

    Schreibt bildungsbericht-kreis.html und .pdf in das Zielverzeichnis.

    Beispiel: bildungsbuero bericht kreis --nur-html --ziel /tmp/berichte
    """
    _schreiben("kreis", ziel, nur_html, vergleich_kreise=list(vergleich_kreise))


@bericht.command("gemeinde")
@click.argument("ags", metavar="AGS")
@_ausgabeoptionen
@fachlich
def bericht_gemeinde(ags, ziel, nur_html):
    """Gemeindeprofil: die Kennzahlen einer Gemeinde gegen Kreis und Land, ihre Schulen.

    AGS ist der achtstellige Gemeindeschlüssel (die Gemeinden stehen in der Organisationsdatei).
    Schreibt gemeindeprofil-AGS.html und .pdf in das Zielverzeichnis.

    Beispiel: bildungsbuero bericht gemeinde 03453011 --nur-html --ziel /tmp/berichte
    """
    _schreiben("gemeinde", ziel, nur_html, ags=ags)


for _befehl in (bericht_feld, bericht_kreis, bericht_gemeinde):
    _befehl.help = inspect.cleandoc(_befehl.help) + _EXIT_CODES
