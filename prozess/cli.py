"""Die Befehlszeile ``bildungsbuero`` (click): eine dünne Schicht über der Bibliothek.

Jeder Befehl lädt seine Bibliotheksmodule erst, wenn er läuft: ``bildungsbuero --help``
importiert weder SQLModel noch SQLAlchemy. Fachliche Fehler (``prozess.fehler``) werden zu
``click.ClickException``: deutsche Meldung, Exit-Code 1, die Datenbank bleibt unverändert.
"""

from __future__ import annotations

import functools
import re
import sys

import click

from prozess.fehler import Fachfehler


class Fehlermeldung(click.ClickException):
    """Eine Meldung für Menschen: »Fehler: …« statt click's englischem »Error: …«, Exit-Code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fehler: {self.format_message()}", file=file or sys.stderr, err=file is None)


def _fachlich(befehl):
    """Übersetzt fachliche Fehler und Datenbankfehler in verständliche Meldungen."""

    @functools.wraps(befehl)
    def huelle(*args, **kwargs):
        try:
            return befehl(*args, **kwargs)
        except Fachfehler as fehler:
            raise Fehlermeldung(str(fehler)) from None
        except Exception as fehler:
            if type(fehler).__name__ == "IntegrityError":
                raise Fehlermeldung(
                    "Die Datenbank hat die Änderung abgelehnt, weil sie einer anderen Angabe widerspricht "
                    "(z. B. eine Nummer, die es nicht gibt). Es wurde nichts geändert; prüfen Sie die Nummern "
                    "mit den »liste«-Befehlen."
                ) from None
            if type(fehler).__name__ == "OperationalError":
                raise Fehlermeldung(
                    "Die Datenbank ist nicht erreichbar oder nicht benutzbar "
                    f"({str(fehler).splitlines()[0]}). Prüfen Sie die Einstellung datenbank_url "
                    "(»bildungsbuero einstellungen«)."
                ) from None
            raise

    return huelle


def _umgebung():
    from prozess.einstellungen import laden
    from prozess.umgebung import Umgebung

    ctx = click.get_current_context()
    obj = ctx.find_root().ensure_object(dict)
    if "umgebung" not in obj:
        obj["umgebung"] = Umgebung(laden())
        ctx.find_root().call_on_close(obj["umgebung"].schliessen)
    return obj["umgebung"]


def _jetzt():
    from prozess.zeit import systemzeit

    return systemzeit()


def _person(sitzung, email: str):
    from prozess.rollen import person_per_email

    return person_per_email(sitzung, email)


def _datum(text: str | None, wo: str):
    if text is None:
        return None
    from prozess.zeit import datum_lesen

    return datum_lesen(text, wo)


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


# --- Einrichtung ---------------------------------------------------------------------------


@hauptbefehl.command()
@_fachlich
def init():
    """Legt die Datenbank an oder bringt sie auf den neuesten Stand.

    Beispiel: bildungsbuero init
    """
    vorher, nachher = _umgebung().einrichten()
    if vorher == nachher:
        click.echo(f"Datenbank ist schon auf dem neuesten Stand ({nachher}).")
    else:
        click.echo(f"Datenbank eingerichtet: Stand {vorher or 'leer'} → {nachher}.")


@hauptbefehl.command()
@_fachlich
def einstellungen():
    """Zeigt alle Einstellungen mit Wert und Herkunft.

    Beispiel: BILDUNGSBUERO_DATENBANK_URL=sqlite:///test.db bildungsbuero einstellungen
    """
    from prozess.einstellungen import EINSTELLUNGEN

    umgebung = _umgebung()
    for e in EINSTELLUNGEN:
        click.echo(f"{e.name} = {umgebung.einstellungen.werte[e.name]}   ({umgebung.einstellungen.quellen[e.name]})")


@hauptbefehl.group()
def organisation():
    """Gremien, Personen und Rollen aus einer Datei."""


@organisation.command("laden")
@click.argument("datei", type=click.Path(dir_okay=False))
@_fachlich
def organisation_laden(datei):
    """Lädt die Organisationsdatei (TOML); mehrfaches Laden ändert nichts Doppeltes.

    Beispiel: bildungsbuero organisation laden organisationen/landkreis-cloppenburg.toml
    """
    from prozess import organisation as org

    daten = org.datei_lesen(datei)
    with _umgebung().sitzung() as s:
        bericht = org.organisation_laden(s, daten)
    if not bericht.aenderungen:
        click.echo(f"{daten.name}: keine Änderungen.")
    else:
        click.echo(f"{daten.name}: {len(bericht.aenderungen)} Änderungen.")
        for zeile in bericht.aenderungen:
            click.echo(f"  {zeile}")
    if bericht.nicht_in_datei:
        click.echo(
            f"Nicht in der Datei und unverändert: {len(bericht.nicht_in_datei)} Personen "
            "(entfernen mit »bildungsbuero person entfernen EMAIL«)."
        )


@hauptbefehl.group()
def person():
    """Personen (nur was der Versand braucht)."""


@person.command("entfernen")
@click.argument("email")
@_fachlich
def person_entfernen(email):
    """Löscht Name, Adresse und Rollen einer Person; das Protokoll bleibt lückenlos.

    Beispiel: bildungsbuero person entfernen p.hoemmken@jobcenter-clp.example
    """
    from prozess.organisation import person_entfernen as entfernen

    with _umgebung().sitzung() as s:
        entfernen(s, email, _jetzt())
    click.echo("Person entfernt: Name und Adresse gelöscht, Rollen entzogen.")


# --- Handlungsfelder -----------------------------------------------------------------------


@hauptbefehl.group()
def handlungsfeld():
    """Handlungsfelder anlegen, zeigen und durch den Zyklus bewegen."""


@handlungsfeld.command("anlegen")
@click.argument("titel")
@click.option("--als", "als", required=True, metavar="EMAIL", help="Wer anlegt (Bildungsmanagement).")
@click.option("--beschreibung", default="", help="Worum es geht.")
@_fachlich
def handlungsfeld_anlegen(titel, als, beschreibung):
    """Legt ein Handlungsfeld an (Zustand »definiert«) und beauftragt das Bildungsmonitoring.

    Beispiel: bildungsbuero handlungsfeld anlegen "Schulabsentismus" --als anna.meyer@lkclp.example
    """
    from prozess.handlungsfelder import handlungsfeld_anlegen as anlegen

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        feld = anlegen(s, titel, _person(s, als).id, _jetzt(), umgebung.einstellungen, beschreibung)
    click.echo(f"Handlungsfeld {feld.id} »{feld.titel}« angelegt (definiert).")


@handlungsfeld.command("liste")
@_fachlich
def handlungsfeld_liste():
    """Alle Handlungsfelder mit Zustand und Zahl offener Aufgaben.

    Beispiel: bildungsbuero handlungsfeld liste
    """
    from prozess.handlungsfelder import handlungsfelder_liste
    from prozess.zyklus import ZUSTAND_BEZEICHNUNG

    with _umgebung().sitzung() as s:
        zeilen = handlungsfelder_liste(s)
    if not zeilen:
        click.echo("Noch keine Handlungsfelder. Anlegen: bildungsbuero handlungsfeld anlegen TITEL --als EMAIL")
    for feld, offen in zeilen:
        click.echo(f"{feld.id:>4}  {feld.titel:<40} {ZUSTAND_BEZEICHNUNG[feld.zustand]:<32} {offen} offene Aufgaben")


@handlungsfeld.command("zeige")
@click.argument("feld_id", type=int, metavar="ID")
@_fachlich
def handlungsfeld_zeige(feld_id):
    """Zustand, mögliche Schritte (und warum andere nicht), Verlauf, offene Aufgaben.

    Beispiel: bildungsbuero handlungsfeld zeige 1
    """
    from prozess.handlungsfelder import handlungsfeld_ansicht
    from prozess.zeit import datum_de, zeitpunkt_de
    from prozess.zyklus import ROLLE_BEZEICHNUNG, ZUSTAND_BEZEICHNUNG

    umgebung = _umgebung()
    zone = umgebung.einstellungen.zeitzone
    with umgebung.sitzung() as s:
        a = handlungsfeld_ansicht(s, feld_id)
    f = a.feld
    click.echo(f"Handlungsfeld {f.id}: {f.titel}")
    if f.beschreibung:
        click.echo(f"  {f.beschreibung}")
    click.echo(f"Zustand: {ZUSTAND_BEZEICHNUNG[f.zustand]} (seit {zeitpunkt_de(f.zustand_seit, zone)}), Runde {f.runde}")
    click.echo("\nSchritte jetzt:")
    if not a.bewertungen:
        click.echo("  keine – das Handlungsfeld ist abgeschlossen.")
    for b in a.bewertungen:
        rollen = " oder ".join(ROLLE_BEZEICHNUNG.get(r, r) for r in b.schritt.rollen)
        status = "möglich" if b.moeglich else "noch nicht möglich"
        click.echo(f"  {b.schritt.name:<24} {b.schritt.bezeichnung} – {status} (durch {rollen})")
        for grund in b.gruende:
            click.echo(f"      · {grund}")
    click.echo("\nDatengrundlagen:")
    for d in a.datengrundlagen:
        click.echo(f"  {d.titel}" + (f" ({d.quelle})" if d.quelle else ""))
    if not a.datengrundlagen:
        click.echo("  keine")
    click.echo("\nOffene Aufgaben:")
    for aufgabe, person in a.offene_aufgaben:
        click.echo(f"  [{aufgabe.id}] {aufgabe.titel} – {person.name}, Frist {datum_de(aufgabe.frist)}")
    if not a.offene_aufgaben:
        click.echo("  keine")
    click.echo("\nVerlauf:")
    for eintrag, person in a.verlauf:
        von = ZUSTAND_BEZEICHNUNG.get(eintrag.von_zustand, "–") if eintrag.von_zustand else "–"
        zeile = f"  {zeitpunkt_de(eintrag.zeitpunkt, zone)}  {eintrag.schritt}: {von} → {ZUSTAND_BEZEICHNUNG[eintrag.nach_zustand]}  ({person.name})"
        if eintrag.begruendung:
            zeile += f" – {eintrag.begruendung}"
        click.echo(zeile)


@handlungsfeld.command("schritt")
@click.argument("feld_id", type=int, metavar="ID")
@click.argument("schritt")
@click.option("--als", "als", required=True, metavar="EMAIL", help="Wer den Schritt auslöst.")
@click.option("--begruendung", default="", help="Warum (Pflicht beim Zurückstellen und Nachfordern).")
@click.option("--beschluss", "beschluss_id", type=int, default=None, help="Nummer des Beschlusses, auf den sich der Schritt stützt.")
@_fachlich
def handlungsfeld_schritt(feld_id, schritt, als, begruendung, beschluss_id):
    """Löst einen Schritt aus, z. B. daten_zusammenstellen oder zur_pruefung_vorlegen.

    Welche Schritte gerade möglich sind, zeigt »bildungsbuero handlungsfeld zeige ID«.

    Beispiel: bildungsbuero handlungsfeld schritt 1 daten_zusammenstellen --als joerg.toebben@lkclp.example
    """
    from prozess.schritte import schritt_ausfuehren
    from prozess.zyklus import ZUSTAND_BEZEICHNUNG

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        eintrag = schritt_ausfuehren(
            s, feld_id, schritt, _person(s, als).id, _jetzt(), umgebung.einstellungen,
            begruendung=begruendung, beschluss_id=beschluss_id,
        )
    click.echo(
        f"Handlungsfeld {feld_id}: {ZUSTAND_BEZEICHNUNG[eintrag.von_zustand]} → "
        f"{ZUSTAND_BEZEICHNUNG[eintrag.nach_zustand]}."
    )


@handlungsfeld.command("diagramm")
def handlungsfeld_diagramm():
    """Gibt den Zyklus als Mermaid-Diagramm aus.

    Beispiel: bildungsbuero handlungsfeld diagramm
    """
    from prozess.zyklus import mermaid

    click.echo(mermaid())


@hauptbefehl.group()
def datengrundlage():
    """Datengrundlagen (aggregierte Kennzahlen, nie Personendaten)."""


@datengrundlage.command("anlegen")
@click.argument("feld_id", type=int, metavar="HANDLUNGSFELD")
@click.argument("titel")
@click.option("--quelle", default="", help="Woher die Daten stammen.")
@_fachlich
def datengrundlage_anlegen(feld_id, titel, quelle):
    """Hängt eine Datengrundlage an ein Handlungsfeld.

    Beispiel: bildungsbuero datengrundlage anlegen 1 "Fehlzeitenquote 2025/26" --quelle "Landesamt für Statistik"
    """
    from prozess.handlungsfelder import datengrundlage_anlegen as anlegen

    with _umgebung().sitzung() as s:
        d = anlegen(s, feld_id, titel, quelle, _jetzt())
    click.echo(f"Datengrundlage {d.id} »{d.titel}« angelegt.")


# --- Ziele und Maßnahmen ------------------------------------------------------------------


@hauptbefehl.group()
def ziel():
    """Der Zielbaum: strategisches_ziel → mittlerziel → arbeitspaket."""


@ziel.command("anlegen")
@click.argument("feld_id", type=int, metavar="HANDLUNGSFELD")
@click.argument("ebene", type=click.Choice(["strategisches_ziel", "mittlerziel", "arbeitspaket"]))
@click.argument("titel")
@click.option("--ueber", "ueber_id", type=int, default=None, help="Nummer des übergeordneten Ziels.")
@_fachlich
def ziel_anlegen(feld_id, ebene, titel, ueber_id):
    """Legt ein Ziel an; Mittlerziel und Arbeitspaket brauchen --ueber.

    Beispiel: bildungsbuero ziel anlegen 1 mittlerziel "Fehlzeiten früh erkennen" --ueber 1
    """
    from prozess.ziele import ziel_anlegen as anlegen

    with _umgebung().sitzung() as s:
        z = anlegen(s, feld_id, ebene, titel, ueber_id)
    click.echo(f"Ziel {z.id} ({z.ebene}) »{z.titel}« angelegt.")


@ziel.command("liste")
@click.argument("feld_id", type=int, metavar="HANDLUNGSFELD")
@_fachlich
def ziel_liste(feld_id):
    """Zeigt den Zielbaum mit den Maßnahmen.

    Beispiel: bildungsbuero ziel liste 1
    """
    from modelle.tabellen import Massnahme
    from prozess.zeit import datum_de
    from prozess.ziele import EBENE_BEZEICHNUNG, zielbaum

    with _umgebung().sitzung() as s:
        baum = zielbaum(s, feld_id)
    if not baum:
        click.echo("Noch keine Ziele. Anlegen: bildungsbuero ziel anlegen FELD strategisches_ziel TITEL")
    for tiefe, knoten in baum:
        einzug = "  " * tiefe
        if isinstance(knoten, Massnahme):
            frist = datum_de(knoten.frist) if knoten.frist else "keine Frist"
            click.echo(f"{einzug}[M{knoten.id}] Maßnahme: {knoten.titel} ({knoten.status}, {frist})")
        else:
            click.echo(f"{einzug}[{knoten.id}] {EBENE_BEZEICHNUNG[knoten.ebene]}: {knoten.titel}")


@hauptbefehl.group()
def massnahme():
    """Maßnahmen mit Zuständigkeit und Frist."""


@massnahme.command("anlegen")
@click.option("--arbeitspaket", "arbeitspaket_id", type=int, required=True, help="Nummer des Arbeitspakets.")
@click.argument("titel")
@click.option("--verantwortlich", metavar="EMAIL", default=None, help="Zuständige Person.")
@click.option("--frist", metavar="DATUM", default=None, help="Frist als JJJJ-MM-TT oder TT.MM.JJJJ.")
@_fachlich
def massnahme_anlegen(arbeitspaket_id, titel, verantwortlich, frist):
    """Legt eine Maßnahme unter einem Arbeitspaket an.

    Beispiel: bildungsbuero massnahme anlegen --arbeitspaket 3 "Frühwarnsystem" --verantwortlich schulleitung@obs-loeningen.example --frist 2027-06-30
    """
    from prozess.ziele import massnahme_anlegen as anlegen

    with _umgebung().sitzung() as s:
        person = _person(s, verantwortlich) if verantwortlich else None
        m = anlegen(s, arbeitspaket_id, titel, person, _datum(frist, "--frist"))
    click.echo(f"Maßnahme {m.id} »{m.titel}« angelegt.")


@massnahme.command("aendern")
@click.argument("massnahme_id", type=int, metavar="ID")
@click.option("--verantwortlich", metavar="EMAIL", default=None, help="Neue zuständige Person.")
@click.option("--frist", metavar="DATUM", default=None, help="Neue Frist.")
@click.option("--status", type=click.Choice(["geplant", "laufend", "erledigt", "abgebrochen"]), default=None)
@_fachlich
def massnahme_aendern(massnahme_id, verantwortlich, frist, status):
    """Ändert Zuständigkeit, Frist oder Status einer Maßnahme.

    Beispiel: bildungsbuero massnahme aendern 2 --frist 2027-09-30
    """
    from prozess.ziele import massnahme_aendern as aendern

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        person = _person(s, verantwortlich) if verantwortlich else None
        m = aendern(s, massnahme_id, _jetzt(), umgebung.einstellungen, verantwortlich=person,
                    frist=_datum(frist, "--frist"), status=status)
    click.echo(f"Maßnahme {m.id} geändert.")


@massnahme.command("liste")
@click.argument("feld_id", type=int, metavar="HANDLUNGSFELD")
@_fachlich
def massnahme_liste(feld_id):
    """Alle Maßnahmen eines Handlungsfeldes.

    Beispiel: bildungsbuero massnahme liste 1
    """
    from sqlmodel import select

    from modelle.tabellen import Massnahme, Person
    from prozess.zeit import datum_de

    with _umgebung().sitzung() as s:
        zeilen = s.exec(
            select(Massnahme, Person)
            .outerjoin(Person, Person.id == Massnahme.verantwortlich_id)
            .where(Massnahme.handlungsfeld_id == feld_id)
            .order_by(Massnahme.id)
        ).all()
    for m, p in zeilen:
        frist = datum_de(m.frist) if m.frist else "keine Frist"
        click.echo(f"{m.id:>4}  {m.titel:<40} {m.status:<10} {frist:<12} {p.name if p else 'niemand zuständig'}")
    if not zeilen:
        click.echo("Keine Maßnahmen.")


@massnahme.command("erledigt")
@click.argument("massnahme_id", type=int, metavar="ID")
@_fachlich
def massnahme_erledigt(massnahme_id):
    """Markiert eine Maßnahme als erledigt; ihre offenen Aufgaben werden geschlossen.

    Beispiel: bildungsbuero massnahme erledigt 2
    """
    from prozess.ziele import massnahme_erledigen

    with _umgebung().sitzung() as s:
        m = massnahme_erledigen(s, massnahme_id, _jetzt())
    click.echo(f"Maßnahme {m.id} »{m.titel}« erledigt.")


# --- Aufgaben ------------------------------------------------------------------------------


@hauptbefehl.group()
def aufgabe():
    """Aufgaben mit Frist und zuständiger Person."""


@aufgabe.command("anlegen")
@click.argument("titel")
@click.option("--verantwortlich", metavar="EMAIL", required=True, help="Zuständige Person.")
@click.option("--frist", metavar="DATUM", required=True, help="Frist als JJJJ-MM-TT oder TT.MM.JJJJ.")
@click.option("--handlungsfeld", "feld_id", type=int, default=None, help="Zugehöriges Handlungsfeld.")
@click.option("--massnahme", "massnahme_id", type=int, default=None, help="Zugehörige Maßnahme.")
@_fachlich
def aufgabe_anlegen(titel, verantwortlich, frist, feld_id, massnahme_id):
    """Legt eine Aufgabe von Hand an.

    Beispiel: bildungsbuero aufgabe anlegen "Schulen zur Fehlzeitenerhebung anschreiben" --verantwortlich joerg.toebben@lkclp.example --frist 2027-01-15 --handlungsfeld 1
    """
    from prozess.aufgaben import aufgabe_anlegen as anlegen

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        a = anlegen(s, titel=titel, verantwortlich=_person(s, verantwortlich), frist=_datum(frist, "--frist"),
                    jetzt=_jetzt(), einstellungen=umgebung.einstellungen, handlungsfeld_id=feld_id,
                    massnahme_id=massnahme_id)
    click.echo(f"Aufgabe {a.id} »{a.titel}« angelegt.")


@aufgabe.command("liste")
@click.option("--handlungsfeld", "feld_id", type=int, default=None, help="Nur Aufgaben dieses Handlungsfeldes.")
@click.option("--alle", is_flag=True, help="Auch erledigte Aufgaben.")
@_fachlich
def aufgabe_liste(feld_id, alle):
    """Offene Aufgaben, nach Frist sortiert.

    Beispiel: bildungsbuero aufgabe liste --handlungsfeld 1
    """
    from prozess.aufgaben import aufgaben_liste
    from prozess.zeit import datum_de

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        zeilen = aufgaben_liste(s, handlungsfeld_id=feld_id, nur_offene=not alle)
    for a, p in zeilen:
        click.echo(f"{a.id:>5}  {datum_de(a.frist)}  {a.status:<10} {a.titel} – {p.name}")
        click.echo(f"       Erinnerungen: {_erinnerungsstand(a, umgebung.einstellungen.zeitzone)}")
    if not zeilen:
        click.echo("Keine Aufgaben.")


@aufgabe.command("verschieben")
@click.argument("aufgabe_id", type=int, metavar="ID")
@click.argument("frist", metavar="DATUM")
@_fachlich
def aufgabe_verschieben(aufgabe_id, frist):
    """Setzt eine neue Frist; die Erinnerungen werden neu geplant.

    Beispiel: bildungsbuero aufgabe verschieben 7 2027-03-31
    """
    from prozess.aufgaben import aufgabe_verschieben as verschieben
    from prozess.zeit import datum_de, zeitpunkt_de

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        a = verschieben(s, aufgabe_id, _datum(frist, "DATUM"), _jetzt(), umgebung.einstellungen)
    click.echo(f"Aufgabe {a.id}: neue Frist {datum_de(a.frist)}; nächste Erinnerung "
               f"{zeitpunkt_de(a.naechste_erinnerung_am, umgebung.einstellungen.zeitzone)}.")


@aufgabe.command("erledigt")
@click.argument("aufgabe_id", type=int, metavar="ID")
@_fachlich
def aufgabe_erledigt(aufgabe_id):
    """Markiert eine Aufgabe als erledigt.

    Beispiel: bildungsbuero aufgabe erledigt 7
    """
    from prozess.aufgaben import aufgabe_erledigen

    with _umgebung().sitzung() as s:
        a = aufgabe_erledigen(s, aufgabe_id, _jetzt())
    click.echo(f"Aufgabe {a.id} »{a.titel}« erledigt.")


def _erinnerungsstand(a, zone) -> str:
    from prozess.zeit import zeitpunkt_de

    teile = []
    if a.letzte_erinnerung:
        teile.append(f"zuletzt {a.letzte_erinnerung} am {zeitpunkt_de(a.letzte_erinnerung_am, zone)}")
    if a.eskaliert_fuer_frist == a.frist:
        teile.append("eskaliert")
    if a.naechste_erinnerung_am:
        teile.append(f"nächste am {zeitpunkt_de(a.naechste_erinnerung_am, zone)}")
    elif a.status == "offen":
        teile.append("keine geplant")
    else:
        teile.append("beendet")
    return "; ".join(teile)


# --- Versand -------------------------------------------------------------------------------


@hauptbefehl.group()
def versand():
    """Die Outbox: was versandt ist, was wartet, was scheiterte."""


@versand.command("status")
@_fachlich
def versand_status():
    """Zeigt die Outbox nach Status und die gescheiterten Mails mit Grund.

    Beispiel: bildungsbuero versand status
    """
    from sqlmodel import select

    from benachrichtigungen.versand import versand_status as zaehlen
    from modelle.tabellen import Outbox
    from prozess.zeit import zeitpunkt_de

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        zahlen = zaehlen(s.connection())
        gescheitert = s.exec(select(Outbox).where(Outbox.status.in_(("fehler_dauerhaft", "fehler_voruebergehend")))
                             .order_by(Outbox.id)).all()
    namen = {"wartend": "wartend", "in_versand": "im Versand", "gesendet": "gesendet",
             "fehler_voruebergehend": "vorübergehend gescheitert", "fehler_dauerhaft": "dauerhaft gescheitert",
             "verworfen": "verworfen"}
    for status, name in namen.items():
        click.echo(f"{name:<28} {zahlen.get(status, 0):>7}")
    for z in gescheitert:
        wann = zeitpunkt_de(z.naechster_versuch, umgebung.einstellungen.zeitzone)
        weiter = f", nächster Versuch {wann}" if z.status == "fehler_voruebergehend" else ""
        click.echo(f"  [{z.id}] {z.anlass} an {z.empfaenger_email}: {z.letzter_fehler} ({z.versuche} Versuche{weiter})")


@versand.command("senden")
@_fachlich
def versand_senden():
    """Sendet jetzt alles Fällige aus der Outbox (Maildir oder SMTP, je nach Einstellung).

    Beispiel: BILDUNGSBUERO_VERSAND=smtp BILDUNGSBUERO_SMTP_HOST=mail.landkreis.de bildungsbuero versand senden
    """
    import asyncio

    from prozess.takt import outbox_leeren

    umgebung = _umgebung()
    umgebung.sitzung().close()  # prüft, dass das Schema stimmt
    bericht = asyncio.run(outbox_leeren(umgebung, _jetzt()))
    click.echo(f"Versand: {bericht}.")


@hauptbefehl.command()
@_fachlich
def takt():
    """Ein Takt von Hand: fällige Erinnerungen und Eskalationen vormerken, dann senden.

    Beispiel: bildungsbuero takt
    """
    import asyncio

    from prozess.takt import takt_und_versand

    umgebung = _umgebung()
    bericht = asyncio.run(takt_und_versand(umgebung, _jetzt()))
    mails = ", ".join(f"{n} × {art}" for art, n in sorted(bericht.erinnerungen.mails.items())) or "keine"
    click.echo(f"Erinnerungen: {bericht.erinnerungen.aufgaben} Aufgaben angesehen, Mails: {mails}.")
    click.echo(f"Versand: {bericht.versand}.")


# --- Sitzungen und Beschlüsse --------------------------------------------------------------


@hauptbefehl.group()
def sitzung():
    """Sitzungen der Gremien."""


@sitzung.command("anlegen")
@click.argument("gremium")
@click.argument("beginn", metavar="'JJJJ-MM-TT HH:MM'")
@click.option("--ort", default="", help="Sitzungsort.")
@click.option("--kurzfristig", is_flag=True, help="Auch wenn die Ladungsfrist des Gremiums nicht mehr reicht.")
@_fachlich
def sitzung_anlegen(gremium, beginn, ort, kurzfristig):
    """Legt eine Sitzung an (Ortszeit des Landkreises).

    Beispiel: bildungsbuero sitzung anlegen steuerungsgruppe "2027-02-02 10:00" --ort "Raum 214"
    """
    from prozess.sitzungen import sitzung_anlegen as anlegen

    umgebung = _umgebung()
    lokal = _lokalzeit(beginn, "BEGINN")
    with umgebung.sitzung() as s:
        sz = anlegen(s, gremium, lokal, ort, jetzt=_jetzt(), kurzfristig=kurzfristig)
    click.echo(f"Sitzung {sz.id} angelegt.")


@sitzung.command("planen")
@_fachlich
def sitzung_planen():
    """Legt die Sitzungen aller Gremien aus ihrem Rhythmus an (Feiertage verschoben).

    Beispiel: bildungsbuero sitzung planen
    """
    from prozess.takt import planen

    click.echo(f"{planen(_umgebung(), _jetzt())} Sitzungen neu angelegt.")


@sitzung.command("liste")
@click.option("--alle", is_flag=True, help="Auch vergangene und abgesagte Sitzungen.")
@_fachlich
def sitzung_liste(alle):
    """Die kommenden Sitzungen mit Gremium, Ort, Einladungsstand und Hinweisen.

    Beispiel: bildungsbuero sitzung liste
    """
    from sqlmodel import select

    from modelle.tabellen import Gremium, Sitzung
    from prozess.zeit import zeitpunkt_de

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        abfrage = select(Sitzung, Gremium).join(Gremium, Gremium.id == Sitzung.gremium_id).order_by(Sitzung.beginn)
        if not alle:
            abfrage = abfrage.where(Sitzung.beginn >= _jetzt(), Sitzung.status == "geplant")
        zeilen = s.exec(abfrage).all()
    for sz, g in zeilen:
        eingeladen = "eingeladen" if sz.eingeladen_sequenz == sz.sequenz else "noch nicht eingeladen"
        zeile = f"{sz.id:>4}  {zeitpunkt_de(sz.beginn, umgebung.einstellungen.zeitzone)}  {g.name:<36} {sz.status:<10} {eingeladen}"
        click.echo(zeile + (f"  ({sz.hinweis})" if sz.hinweis else ""))
    if not zeilen:
        click.echo("Keine Sitzungen. Planen: bildungsbuero sitzung planen")


def _lokalzeit(text: str, wo: str):
    from datetime import datetime

    from prozess.fehler import Eingabefehler

    from prozess.zeit import ortszeit

    try:
        naiv = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        raise Eingabefehler(f"{wo}: »{text}« hat nicht die Form JJJJ-MM-TT HH:MM, z. B. 2027-02-02 10:00.") from None
    return ortszeit(naiv, _umgebung().einstellungen.zeitzone, wo)


@sitzung.command("verschieben")
@click.argument("sitzung_id", type=int, metavar="ID")
@click.argument("beginn", metavar="'JJJJ-MM-TT HH:MM'")
@click.option("--ort", default=None, help="Neuer Ort.")
@click.option("--kurzfristig", is_flag=True, help="Auch wenn die Ladungsfrist nicht mehr reicht.")
@_fachlich
def sitzung_verschieben(sitzung_id, beginn, ort, kurzfristig):
    """Verschiebt eine Sitzung; Eingeladene bekommen eine geänderte Einladung.

    Beispiel: bildungsbuero sitzung verschieben 4 "2027-05-11 10:00"
    """
    from prozess.sitzungen import sitzung_verschieben as verschieben

    with _umgebung().sitzung() as s:
        sz = verschieben(s, sitzung_id, _lokalzeit(beginn, "BEGINN"), _jetzt(), ort=ort, kurzfristig=kurzfristig)
    click.echo(f"Sitzung {sz.id} verschoben; die geänderte Einladung geht mit dem nächsten Takt hinaus.")


@sitzung.command("absagen")
@click.argument("sitzung_id", type=int, metavar="ID")
@click.option("--grund", default="", help="Grund der Absage (steht in der Mail).")
@_fachlich
def sitzung_absagen(sitzung_id, grund):
    """Sagt eine Sitzung ab; wer eingeladen war, bekommt eine Absage für den Kalender.

    Beispiel: bildungsbuero sitzung absagen 4 --grund "Beschlussunfähig"
    """
    from prozess.sitzungen import sitzung_absagen as absagen

    with _umgebung().sitzung() as s:
        absagen(s, sitzung_id, _jetzt(), grund)
    click.echo(f"Sitzung {sitzung_id} abgesagt.")


@sitzung.command("tagesordnung")
@click.argument("sitzung_id", type=int, metavar="ID")
@_fachlich
def sitzung_tagesordnung(sitzung_id):
    """Zeigt die Tagesordnung einer Sitzung; vor der Einladung als Vorschau nach heutigem Stand.

    Gespeichert wird die Tagesordnung erst mit der Einladung; die Zeilennummern für
    »beschluss erfassen --top« stehen in eckigen Klammern.

    Beispiel: bildungsbuero sitzung tagesordnung 4
    """
    from prozess.sitzungen import sitzung_laden
    from prozess.tagesordnung import als_text, tagesordnung_bauen

    with _umgebung().sitzung() as s:
        sitzung = sitzung_laden(s, sitzung_id)
        tops = tagesordnung_bauen(s, sitzung)
        if sitzung.eingeladen_sequenz is None:
            click.echo("Vorschau (noch nicht eingeladen; die Tagesordnung entsteht mit der Einladung):")
        click.echo(als_text(tops, mit_nummern=sitzung.eingeladen_sequenz is not None))
        s.rollback()  # nur zeigen: nichts festschreiben


@hauptbefehl.group()
def statusbericht():
    """Statusberichte an den Schulausschuss."""


@statusbericht.command("liste")
@_fachlich
def statusbericht_liste():
    """Alle versandten Statusberichte.

    Beispiel: bildungsbuero statusbericht liste
    """
    from sqlmodel import select

    from modelle.tabellen import Statusbericht
    from prozess.zeit import zeitpunkt_de

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        for b in s.exec(select(Statusbericht).order_by(Statusbericht.id)):
            click.echo(f"{b.id:>4}  {zeitpunkt_de(b.erstellt_am, umgebung.einstellungen.zeitzone)}  {b.anlass}")


@statusbericht.command("zeige")
@click.argument("bericht_id", type=int, metavar="ID")
@_fachlich
def statusbericht_zeige(bericht_id):
    """Zeigt genau den Text, der versandt wurde.

    Beispiel: bildungsbuero statusbericht zeige 1
    """
    from modelle.tabellen import Statusbericht
    from prozess.fehler import NichtGefunden

    with _umgebung().sitzung() as s:
        b = s.get(Statusbericht, bericht_id)
        if b is None:
            raise NichtGefunden(f"Statusbericht {bericht_id} gibt es nicht (»bildungsbuero statusbericht liste«).")
        click.echo(b.betreff)
        click.echo()
        click.echo(b.text)


@hauptbefehl.command()
@_fachlich
def dienst():
    """Startet den Dienst: Takt (Erinnerungen, Einladungen, Berichte, Versand) und Sitzungsplaner.

    Läuft im Vordergrund und loggt nach stdout; SIGTERM beendet ihn nach dem laufenden Job.

    Beispiel: BILDUNGSBUERO_DATENBANK_URL=postgresql+psycopg://bb@db/bildung bildungsbuero dienst
    """
    from prozess.dienst import dienst_starten
    from prozess.zeit import systemzeit

    umgebung = _umgebung()
    umgebung.sitzung().close()  # prüft Verbindung und Schema, bevor der Dienst startet
    raise SystemExit(dienst_starten(umgebung, systemzeit))


@hauptbefehl.group()
def beschluss():
    """Beschlüsse der Gremien."""


@beschluss.command("erfassen")
@click.option("--sitzung", "sitzung_id", type=int, required=True, help="Nummer der Sitzung.")
@click.option("--handlungsfeld", "feld_id", type=int, default=None, help="Betroffenes Handlungsfeld.")
@click.option("--top", "top_id", type=int, default=None, help="Nummer des Tagesordnungspunkts (Zeile), zu dem beschlossen wurde.")
@click.option("--schritt", default=None, help="Schritt, den der Beschluss auslöst, z. B. massnahmen_beschliessen.")
@click.option("--als", default=None, metavar="EMAIL", help="Wer den Beschluss festhält (nötig mit --schritt).")
@click.argument("text")
@_fachlich
def beschluss_erfassen(sitzung_id, feld_id, top_id, schritt, als, text):
    """Hält einen Beschluss fest; mit --schritt löst er den Schritt aus (beides oder nichts).

    Beispiel: bildungsbuero beschluss erfassen --sitzung 4 --handlungsfeld 1 --schritt massnahmen_beschliessen --als hiltrud.schraeder@lkclp.example "Die Maßnahmen werden beschlossen."
    """
    from prozess.sitzungen import beschluss_erfassen as erfassen

    umgebung = _umgebung()
    with umgebung.sitzung() as s:
        person = _person(s, als).id if als else None
        b, eintrag = erfassen(s, sitzung_id, text, _jetzt(), feld_id, tagesordnungspunkt_id=top_id, schritt=schritt,
                              person_id=person, einstellungen=umgebung.einstellungen)
    click.echo(f"Beschluss {b.id} erfasst.")
    if eintrag is not None:
        from prozess.zyklus import ZUSTAND_BEZEICHNUNG

        click.echo(f"Handlungsfeld {eintrag.handlungsfeld_id}: {ZUSTAND_BEZEICHNUNG[eintrag.von_zustand]} → "
                   f"{ZUSTAND_BEZEICHNUNG[eintrag.nach_zustand]}.")


# --- Demo ----------------------------------------------------------------------------------


@hauptbefehl.command()
@click.option("--verzeichnis", default="demo-ausgabe", show_default=True, type=click.Path(file_okay=False),
              help="Wohin Datenbank und Maildir der Demo geschrieben werden (wird neu angelegt).")
@_fachlich
def demo(verzeichnis):
    """Spielt »Schulabsentismus« mit simulierter Uhr durch den ganzen Zyklus.

    Beispiel: bildungsbuero demo --verzeichnis /tmp/demo
    """
    from prozess.demo import demo_ausfuehren

    demo_ausfuehren(verzeichnis, click.echo)


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


def _auf_deutsch(meldung: str) -> str:
    """Übersetzt click's häufige Bedienfehler; Unbekanntes bleibt, wie es ist."""
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
