"""Was alle Befehlsgruppen teilen: Fehler in Meldungen übersetzen, die Umgebung, Eingaben lesen.

Hier wird nichts Teures importiert: ``bildungsbuero --help`` lädt weder SQLModel noch
SQLAlchemy. Fachliche Fehler (``prozess.fehler``) werden zu ``Fehlermeldung`` (»Fehler: …«,
Exit-Code 1); Datenbankfehler werden nach ihrer Klasse erkannt (importiert erst, wenn
einer auftrat).
"""

from __future__ import annotations

import functools
import sys

import click

from prozess.fehler import Fachfehler

GROESSTE_NUMMER = 2**63 - 1  # BIGINT auf PostgreSQL, INTEGER auf SQLite


class Fehlermeldung(click.ClickException):
    """Eine Meldung für Menschen: »Fehler: …« statt click's englischem »Error: …«, Exit-Code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fehler: {self.format_message()}", file=file or sys.stderr, err=file is None)


class Nummer(click.ParamType):
    """Die Nummer eines Objekts: eine positive ganze Zahl, die in eine Datenbankspalte passt."""

    name = "nummer"

    def convert(self, wert, param, ctx):
        if isinstance(wert, int):
            zahl = wert
        else:
            try:
                zahl = int(str(wert).strip())
            except ValueError:
                self.fail(f"»{wert}« ist keine ganze Zahl.", param, ctx)
        if zahl < 1:
            self.fail(f"»{wert}« ist keine gültige Nummer; eine Nummer ist positiv (1, 2, 3, …).", param, ctx)
        if zahl > GROESSTE_NUMMER:
            self.fail(f"»{wert}« ist zu groß für eine Nummer; die vorhandenen zeigen die »liste«-Befehle.", param, ctx)
        return zahl


NUMMER = Nummer()


def _datenbankfehler(fehler: Exception) -> Fehlermeldung | None:
    """Übersetzt einen Fehler von SQLAlchemy nach seiner Klasse; ``None`` für alles andere."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

    if isinstance(fehler, IntegrityError):
        return Fehlermeldung(
            "Die Datenbank hat die Änderung abgelehnt, weil sie einer anderen Angabe widerspricht "
            "(z. B. eine Nummer, die es nicht gibt). Es wurde nichts geändert; prüfen Sie die Nummern "
            "mit den »liste«-Befehlen."
        )
    if isinstance(fehler, OperationalError):
        return Fehlermeldung(
            "Die Datenbank ist nicht erreichbar oder nicht benutzbar "
            f"({str(fehler.orig).splitlines()[0] if fehler.orig else type(fehler).__name__}). Prüfen Sie die "
            "Einstellung datenbank_url (»bildungsbuero einstellungen«)."
        )
    if isinstance(fehler, ArgumentError):
        return Fehlermeldung(f"Die Einstellung datenbank_url ist keine gültige Datenbank-URL ({fehler}). "
                             "Beispiel: sqlite:///bildungsbuero.db")
    if isinstance(fehler, DBAPIError):
        return Fehlermeldung(
            "Die Datenbank hat die Anweisung abgelehnt; es wurde nichts geändert "
            f"({str(fehler.orig).splitlines()[0] if fehler.orig else type(fehler).__name__})."
        )
    return None


def fachlich(befehl):
    """Übersetzt fachliche Fehler und Datenbankfehler in verständliche Meldungen."""

    @functools.wraps(befehl)
    def huelle(*args, **kwargs):
        try:
            return befehl(*args, **kwargs)
        except Fachfehler as fehler:
            raise Fehlermeldung(str(fehler)) from None
        except click.ClickException:
            raise
        except Exception as fehler:
            meldung = _datenbankfehler(fehler)
            if meldung is None:
                raise
            raise meldung from None

    return huelle


def umgebung():
    """Die Umgebung dieses Aufrufs (einmal je Prozess gebaut, am Ende geschlossen)."""
    from prozess.einstellungen import laden
    from prozess.umgebung import Umgebung

    ctx = click.get_current_context()
    obj = ctx.find_root().ensure_object(dict)
    if "umgebung" not in obj:
        obj["umgebung"] = Umgebung(laden())
        ctx.find_root().call_on_close(obj["umgebung"].schliessen)
    return obj["umgebung"]


def zone():
    return umgebung().einstellungen.zeitzone


def datum(text: str | None, wo: str):
    if text is None:
        return None
    from prozess.zeit import datum_lesen

    return datum_lesen(text, wo)


def lokalzeit(text: str, wo: str):
    """Liest »JJJJ-MM-TT HH:MM« als Ortszeit des Landkreises."""
    from datetime import datetime

    from prozess.fehler import Eingabefehler
    from prozess.zeit import ortszeit

    try:
        naiv = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise Eingabefehler(f"{wo}: »{text}« hat nicht die Form JJJJ-MM-TT HH:MM, z. B. 2027-02-02 10:00.") from None
    return ortszeit(naiv, zone(), wo)


SEITENPARAMETER = ("alle_zeilen", "versatz")


def seitenoptionen(befehl):
    """``--alle`` und ``--ab``: Listen zeigen standardmäßig 50 Einträge, mit der Gesamtzahl."""
    befehl = click.option("--ab", "versatz", type=click.IntRange(min=0), default=0, metavar="N",
                          help="Die ersten N Einträge überspringen (nächste Seite).")(befehl)
    return click.option("--alle", "alle_zeilen", is_flag=True, help="Alle Einträge statt der ersten 50.")(befehl)


def grenze(alle_zeilen: bool):
    from prozess.ansichten import STANDARD_GRENZE

    return None if alle_zeilen else STANDARD_GRENZE


def dieser_aufruf() -> str:
    """Der laufende Befehl mit seinen Argumenten und Optionen, ohne ``--ab`` und ``--alle``.

    So nennt der Seitenfuß die nächste Seite genau der Liste, die gezeigt wird (``aufgabe liste
    --handlungsfeld 3 --ab 50``), ohne dass jeder Befehl seinen Aufruf noch einmal hinschreibt.
    """
    import shlex

    ctx = click.get_current_context()
    worte = ["bildungsbuero", *ctx.command_path.split()[1:]]
    optionen = []
    for param in ctx.command.params:
        wert = ctx.params.get(param.name)
        if param.name in SEITENPARAMETER or wert is None or wert is False:
            continue
        if isinstance(param, click.Argument):
            worte.append(shlex.quote(str(wert)))
        elif wert is True:
            optionen.append(param.opts[0])
        elif wert != param.default:
            optionen += [param.opts[0], shlex.quote(str(wert))]
    return " ".join(worte + optionen)


def seitenfuss(seite) -> None:
    """Sagt, wie viele Einträge die Liste insgesamt hat und wie man weitere sieht."""
    if seite.weitere:
        befehl = dieser_aufruf()
        naechste = seite.versatz + len(seite.eintraege)
        click.echo(f"… {len(seite.eintraege)} von {seite.gesamt} gezeigt; weitere mit »{befehl} --ab {naechste}« "
                   f"oder alle mit »{befehl} --alle«.")


def tun(funktion, *args, **kwargs):
    """Ruft ``funktion(arbeit, …)`` in einer schreibenden Arbeitseinheit auf und gibt ihr Ergebnis zurück."""
    with umgebung().arbeit() as arbeit:
        return funktion(arbeit, *args, **kwargs)


def lesen(funktion, *args, **kwargs):
    """Ruft eine Ansicht ``funktion(arbeit, …)`` in einer lesenden Arbeitseinheit auf."""
    with umgebung().lesen() as arbeit:
        return funktion(arbeit, *args, **kwargs)


def liste_ausgeben(seite, zeilen, leer: str) -> None:
    """Gibt je Eintrag die Zeilen aus ``zeilen(eintrag)`` aus, ``leer`` ohne Einträge, dann den Seitenfuß."""
    for eintrag in seite.eintraege:
        for zeile in zeilen(eintrag):
            click.echo(zeile)
    if not seite.gesamt:
        click.echo(leer)
    seitenfuss(seite)


def listenbefehl(gruppe, name: str = "liste"):
    """Ein Befehl, der eine Liste seitenweise zeigt, Fehler übersetzt.

    ``--alle`` und ``--ab`` wählen die Seite; der Befehl bekommt statt ihrer ``seite``:
    ``seite(ansicht, …)`` liest die Ansicht ``ansicht(arbeit, …, grenze=…, versatz=…)`` für
    diese Seite in einer lesenden Arbeitseinheit.
    """

    def anwenden(funktion):
        @functools.wraps(funktion)
        def mit_seite(*args, alle_zeilen: bool, versatz: int, **kwargs):
            def seite(ansicht, *a, **kw):
                return lesen(ansicht, *a, grenze=grenze(alle_zeilen), versatz=versatz, **kw)

            return funktion(*args, seite=seite, **kwargs)

        return gruppe.command(name)(seitenoptionen(fachlich(mit_seite)))

    return anwenden


def nummernbefehl(gruppe, name: str, parameter: str, metavar: str = "ID"):
    """Ein Befehl über ein Objekt, das seine Nummer nennt (``zeige 1``, ``erledigt 7``), Fehler übersetzt."""

    def anwenden(funktion):
        return gruppe.command(name)(click.argument(parameter, type=NUMMER, metavar=metavar)(fachlich(funktion)))

    return anwenden
