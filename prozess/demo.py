"""Die Demo: »Schulabsentismus« läuft mit simulierter Uhr durch den ganzen Zyklus.

Alles läuft über dieselben Bibliotheksfunktionen wie die CLI, auf einer frischen
SQLite-Datei im Demo-Verzeichnis, und wird als deutsche Zeitleiste ausgegeben. Auch zwei
abgewiesene Schritte gehören dazu: so sieht eine Nutzerin, was ein Wächter sagt. Das Feld
stützt sich auf zwei Kennzahlen; ihre Werte kommen aus einem kleinen Datensatz im Paket
(``DEMODATEN``), der importiert wird, bevor die Daten als zusammengestellt gelten.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from prozess.fehler import Eingabefehler, SchrittNichtMoeglich

ORGANISATION = Path(__file__).resolve().parent.parent / "organisationen" / "landkreis-cloppenburg.toml"
# Ein kleiner Datensatz im Paket monitoring (package-data): Abgänger ohne Abschluss als
# GENESIS-Flatfile (Land, Kreis, 13 Gemeinden, vier Schuljahre) und Schulabsentismus aus der
# Erhebung des Schulamts (Kreis und Schulen, fünf Halbjahre) als lange CSV.
DEMODATEN = Path(__file__).resolve().parent.parent / "monitoring" / "demodaten"
DEMODATEIEN = ("21111_abgaenger_landkreis_cloppenburg.csv", "schulamt_schulabsentismus.csv")
# Im März liefert das Schulamt das nächste Halbjahr nach (vorläufig): der Statusbericht zeigt den Trend.
NACHLIEFERUNG = "schulamt_schulabsentismus_2026-27-1.csv"
KENNZAHLEN = ("schulabsentismus_anteil", "abgaenger_ohne_abschluss_anteil_abgaenger")
BERLIN = ZoneInfo("Europe/Berlin")
MARKE = ".bildungsbuero-demo"

ANNA = "anna.meyer@lkclp.example"          # Bildungsmanagement
JOERG = "joerg.toebben@lkclp.example"      # Bildungsmonitoring
HILTRUD = "hiltrud.schraeder@lkclp.example"  # Vorsitz der Steuerungsgruppe
SCHULLEITUNG = "schulleitung@obs-loeningen.example"
JOBCENTER = "p.hoemmken@jobcenter-clp.example"


class Demo:
    """Hält Umgebung, Uhr und Ausgabe zusammen; jede Methode ist ein Ereignis der Zeitleiste."""

    def __init__(self, verzeichnis: Path, ausgabe: Callable[[str], None]):
        from prozess.einstellungen import laden
        from prozess.umgebung import Umgebung
        from prozess.zeit import SimulierteUhr

        einstellungen = laden().mit(
            datenbank_url=f"sqlite:///{verzeichnis / 'bildungsbuero.db'}",
            versand="maildir",
            maildir_pfad=str(verzeichnis / "maildir"),
            absender="bildungsbuero@lkclp.example",
        )
        self.uhr = SimulierteUhr(datetime(2027, 1, 11, 9, 0, tzinfo=BERLIN))
        self.umgebung = Umgebung(einstellungen, uhr=self.uhr)
        self.ausgabe = ausgabe
        self.mails = 0

    def am(self, tag: date, stunde: int = 9) -> None:
        """Spult bis ``tag`` vor; an jedem Tag dazwischen läuft um 7:30 Uhr der Takt."""
        ziel = datetime(tag.year, tag.month, tag.day, stunde, 0, tzinfo=BERLIN)
        tageszeit = datetime.combine(self.uhr.jetzt.date(), datetime.min.time(), tzinfo=BERLIN).replace(hour=7, minute=30)
        while True:
            tageszeit += timedelta(days=1)
            if tageszeit > ziel:
                break
            self.uhr.jetzt = tageszeit
            self.takt()
        self.uhr.jetzt = ziel
        self.takt()

    def takt(self) -> None:
        """Ein Takt des Dienstes: Erinnerungen vormerken, Outbox ins Maildir leeren, Mails zeigen."""
        import asyncio

        from sqlmodel import select

        from benachrichtigungen.darstellung import darstellen
        from modelle.tabellen import Outbox
        from prozess.takt import takt_und_versand

        from modelle.tabellen import Statusbericht
        from prozess.takt import planen

        planen(self.umgebung, self.uhr.jetzt)  # wie der Dienst um 04:10 Uhr
        asyncio.run(takt_und_versand(self.umgebung, self.uhr.jetzt))
        with self.umgebung.lesen() as a:
            s = a.db
            neu = s.exec(select(Outbox).where(Outbox.id > self.mails).order_by(Outbox.id)).all()
            betreffe: dict[str, list[str]] = {}
            for zeile in neu:
                if zeile.statusbericht_id:
                    betreff = s.get(Statusbericht, zeile.statusbericht_id).betreff
                else:
                    betreff = darstellen(zeile.vorlage, zeile.kontext).betreff
                anhang = " [mit .ics]" if zeile.kalender else ""
                betreffe.setdefault(betreff + anhang, []).append(zeile.empfaenger_name)
                self.mails = zeile.id
        for betreff, namen in betreffe.items():
            self.sagen(f"✉ {betreff} → {', '.join(namen)}")

    def sagen(self, text: str) -> None:
        from prozess.zeit import zeitpunkt_de

        self.ausgabe(f"{zeitpunkt_de(self.uhr.jetzt, BERLIN):<22} {text}")

    def person(self, s, email: str):
        from prozess.rollen import person_per_email

        return person_per_email(s, email)

    def spaeter(self, **dauer) -> None:
        ziel = self.uhr.jetzt + timedelta(**dauer)
        self.am(ziel.date(), ziel.hour)

    def schritt(self, feld_id: int, name: str, email: str, **kw) -> None:
        from prozess.schritte import schritt_ausfuehren
        from prozess.zyklus import ZUSTAND_BEZEICHNUNG

        with self.umgebung.arbeit() as a:
            s = a.db
            person = self.person(s, email)
            eintrag = schritt_ausfuehren(a, feld_id, name, person.id, **kw)
            self.sagen(
                f"{person.name}: {name} – {ZUSTAND_BEZEICHNUNG[eintrag.von_zustand]} → "
                f"{ZUSTAND_BEZEICHNUNG[eintrag.nach_zustand]}" + (f" ({kw['begruendung']})" if kw.get("begruendung") else "")
            )
            self.neue_aufgaben(s, eintrag.zeitpunkt)
        self.takt()

    def abgewiesen(self, feld_id: int, name: str, email: str) -> None:
        from prozess.schritte import schritt_ausfuehren

        with self.umgebung.lesen() as a:
            person = self.person(a.db, email)
            try:
                schritt_ausfuehren(a, feld_id, name, person.id)
            except SchrittNichtMoeglich as fehler:
                self.sagen(f"{person.name} versucht »{name}« – abgewiesen:")
                for zeile in str(fehler).splitlines()[1:] or [str(fehler)]:
                    self.ausgabe(f"{'':<22}   {zeile}")
            else:  # pragma: no cover - die Demo verlässt sich darauf, dass der Wächter greift
                raise AssertionError(f"Schritt {name} hätte abgewiesen werden müssen")

    def neue_aufgaben(self, s, seit: datetime) -> None:
        from sqlmodel import select

        from modelle.tabellen import Aufgabe, Person
        from prozess.zeit import datum_de

        for aufgabe, person in s.exec(
            select(Aufgabe, Person).join(Person, Person.id == Aufgabe.verantwortlich_id)
            .where(Aufgabe.angelegt_am == seit, Aufgabe.status == "offen").order_by(Aufgabe.id)
        ):
            self.ausgabe(f"{'':<22}   → Aufgabe an {person.name}: {aufgabe.titel} (Frist {datum_de(aufgabe.frist)})")

    def importieren(self, datei: str) -> None:
        """Wie »bildungsbuero daten import«: eine Datei aus dem Demodatensatz, ganz oder gar nicht."""
        from monitoring.importieren import kennzahlen_importieren

        with self.umgebung.arbeit() as a:
            bericht = kennzahlen_importieren(a, DEMODATEN / datei)
        self.sagen(f"Jörg Többen: daten import {datei}")
        for satz in bericht.zusammenfassung()[1:]:
            self.ausgabe(f"{'':<22}   {satz}")

    def ablauf(self) -> None:
        from prozess import organisation as org
        from monitoring.feldstand import feldstand
        from monitoring.verknuepfung import kennzahl_verknuepfen
        from prozess.handlungsfelder import datengrundlage_anlegen, handlungsfeld_anlegen
        from sqlmodel import select

        from modelle.tabellen import Sitzung, Tagesordnungspunkt
        from prozess.sitzungen import beschluss_erfassen
        from prozess.ziele import massnahme_aendern, massnahme_anlegen, massnahme_erledigen, ziel_anlegen

        u = self.umgebung
        u.einrichten()
        with u.arbeit() as a:
            bericht = org.organisation_laden(a, org.datei_lesen(ORGANISATION))
        self.sagen(f"Organisation Landkreis Cloppenburg geladen ({len(bericht.aenderungen)} Einträge).")

        with u.arbeit() as a:
            s = a.db
            feld = handlungsfeld_anlegen(
                a, "Schulabsentismus", self.person(s, ANNA).id,
                "Schulpflichterfüllung sichern; Schulabgänge ohne qualifizierten Abschluss senken.",
            )
            fid = feld.id
            self.sagen("Anna Meyer: Handlungsfeld »Schulabsentismus« angelegt – definiert")
            self.neue_aufgaben(s, self.uhr.jetzt)
        self.takt()

        with u.arbeit() as a:
            for kennzahl in KENNZAHLEN:
                kennzahl_verknuepfen(a, fid, kennzahl)
        self.sagen(f"Jörg Többen: Kennzahlen verknüpft ({', '.join(KENNZAHLEN)})")

        self.spaeter(days=7)
        self.abgewiesen(fid, "daten_zusammenstellen", JOERG)

        self.spaeter(days=3)
        for datei in DEMODATEIEN:
            self.importieren(datei)
        with u.lesen() as a:
            stand = feldstand(a, fid)
        for k in stand.kennzahlen:
            land = f" (Land {k.land.gebiet_name}: {k.land.text})" if k.land else ""
            self.ausgabe(f"{'':<22}   {k.kennzahl.name}: {k.gebiet_name} {k.aktuell.zeitraum} {k.aktuell.text}{land}; "
                         f"{k.trend} {k.vergleich_text}")
        self.schritt(fid, "daten_zusammenstellen", JOERG)

        self.spaeter(days=5)
        self.schritt(fid, "zur_pruefung_vorlegen", ANNA)

        self.am(date(2027, 2, 2), 11)
        self.sagen("Sitzung der Steuerungsgruppe (TOP 2: Steuerungsprüfung Schulabsentismus)")
        self.schritt(fid, "daten_nachfordern", HILTRUD,
                     begruendung="Fehlzeiten bitte nach Schulform und Jahrgang aufschlüsseln")

        self.am(date(2027, 3, 1))
        with u.arbeit() as a:
            datengrundlage_anlegen(a, fid, "Fehlzeiten nach Schulform und Jahrgang", "Schulamt")
        self.sagen("Jörg Többen: Datengrundlage nach Schulform ergänzt")
        self.importieren(NACHLIEFERUNG)
        with u.lesen() as a:
            k = next(k for k in feldstand(a, fid).kennzahlen if k.kennzahl.schluessel == "schulabsentismus_anteil")
        self.ausgabe(f"{'':<22}   {k.kennzahl.name}: {k.gebiet_name} {k.aktuell.zeitraum} {k.aktuell.text}; "
                     f"{k.trend} {k.vergleich_text}")
        self.schritt(fid, "daten_zusammenstellen", JOERG)
        self.spaeter(days=2)
        self.schritt(fid, "zur_pruefung_vorlegen", ANNA)

        self.spaeter(days=10)
        with u.arbeit() as a:
            s = a.db
            strategisch = ziel_anlegen(a, fid, "strategisches_ziel", "Jedes Kind erfüllt seine Schulpflicht").id
            mittel = ziel_anlegen(a, fid, "mittlerziel", "Fehlzeiten früh erkennen und handeln", strategisch).id
            paket = ziel_anlegen(a, fid, "arbeitspaket", "Frühwarnsystem an Oberschulen", mittel).id
            m1 = massnahme_anlegen(a, paket, "Fehlzeiten-Ampel an der Oberschule Löningen erproben",
                                   self.person(s, SCHULLEITUNG), date(2027, 9, 30)).id
            m2 = massnahme_anlegen(a, paket, "Beratungskette Schule – Jugendamt – Jobcenter vereinbaren").id
        self.sagen("Anna Meyer: Zielbaum mit zwei Maßnahmen angelegt (eine noch ohne Zuständigkeit)")

        self.am(date(2027, 5, 4), 11)
        self.sagen("Sitzung der Steuerungsgruppe (TOP 2: Steuerungsprüfung Schulabsentismus)")
        self.abgewiesen(fid, "massnahmen_beschliessen", HILTRUD)
        with u.arbeit() as a:
            massnahme_aendern(a, m2, verantwortlich=self.person(a.db, JOBCENTER), frist=date(2027, 10, 31))
        self.sagen("Steuerungsgruppe: Maßnahme 2 dem Jobcenter zugeordnet, Frist 31.10.2027")
        with u.arbeit() as a:
            s = a.db
            sitzung_mai = s.exec(select(Sitzung).where(Sitzung.beginn == datetime(2027, 5, 4, 10, tzinfo=BERLIN))).one()
            top = s.exec(select(Tagesordnungspunkt).where(Tagesordnungspunkt.sitzung_id == sitzung_mai.id,
                                                          Tagesordnungspunkt.handlungsfeld_id == fid)).one()
            beschluss, eintrag = beschluss_erfassen(
                a, sitzung_mai.id, "Die Steuerungsgruppe beschließt die Maßnahmen zum Schulabsentismus.",
                fid, tagesordnungspunkt_id=top.id, schritt="massnahmen_beschliessen",
                person_id=self.person(s, HILTRUD).id)
            self.sagen(f"Steuerungsgruppe beschließt zu TOP {top.nummer} (Beschluss {beschluss.id}) – "
                       f"Maßnahmen beschlossen; der Beschluss löst den Schritt aus")
            self.neue_aufgaben(s, self.uhr.jetzt)
        self.takt()

        self.am(date(2027, 7, 1))
        self.schritt(fid, "zurueckstellen", ANNA, begruendung="Sommerferien: Schulen nicht erreichbar")
        self.am(date(2027, 8, 16))
        self.schritt(fid, "wiederaufnehmen", ANNA)

        self.am(date(2027, 9, 28))
        with u.arbeit() as a:
            massnahme_erledigen(a, m1)
        self.sagen("Oberschule Löningen: Maßnahme »Fehlzeiten-Ampel« erledigt")
        self.am(date(2027, 10, 29))
        with u.arbeit() as a:
            massnahme_erledigen(a, m2)
        self.sagen("Jobcenter: Maßnahme »Beratungskette« erledigt")

        self.am(date(2027, 11, 8))
        self.schritt(fid, "bericht_erstatten", ANNA)
        self.am(date(2028, 3, 8), 19)
        self.schritt(fid, "abschliessen", ANNA)


def bildungsbericht_schreiben(demo: Demo, verzeichnis: Path) -> None:
    """Der Bildungsbericht zum Feld »Schulabsentismus« als HTML und PDF neben dem Maildir.

    Geht auch ohne Kennzahlen (dann sagt der Bericht das); fehlen WeasyPrints
    Systembibliotheken, bleibt es beim HTML und die Demo sagt, wie man sie installiert.
    """
    from monitoring.bericht import bericht_schreiben

    with demo.umgebung.lesen() as a:
        dateien = bericht_schreiben(a, "feld", verzeichnis / "berichte", feld_id=1)
    demo.ausgabe(f"\nBildungsbericht: {dateien.html}" + (f" und {dateien.pdf.name}" if dateien.pdf else ""))
    if dateien.pdf_fehlt:
        demo.ausgabe(dateien.pdf_fehlt)


def demo_ausfuehren(verzeichnis: str | Path, ausgabe: Callable[[str], None] = print) -> Path:
    """Legt ``verzeichnis`` neu an und spielt die Demo hinein; gibt das Verzeichnis zurück."""
    verzeichnis = Path(verzeichnis).resolve()
    if verzeichnis.exists() and any(verzeichnis.iterdir()):
        if not (verzeichnis / MARKE).exists():
            # Nie ein fremdes Verzeichnis leeren: nur eines, das eine frühere Demo angelegt hat.
            raise Eingabefehler(
                f"{verzeichnis} ist nicht leer und stammt nicht von einer Demo. Wählen Sie mit "
                "--verzeichnis ein neues oder leeres Verzeichnis."
            )
        shutil.rmtree(verzeichnis)
    verzeichnis.mkdir(parents=True, exist_ok=True)
    (verzeichnis / MARKE).write_text("Von »bildungsbuero demo« angelegt; wird bei der nächsten Demo neu geschrieben.\n")
    demo = Demo(verzeichnis, ausgabe)
    ausgabe("Demo: Handlungsfeld »Schulabsentismus« im Landkreis Cloppenburg (simulierte Uhr)\n")
    try:
        demo.ablauf()
        bildungsbericht_schreiben(demo, verzeichnis)
        link = anmeldelink_ins_maildir(demo.umgebung.einstellungen)
    finally:
        demo.umgebung.schliessen()
    maildir = verzeichnis / "maildir"
    anzahl = sum(1 for _ in (maildir / "new").iterdir()) if (maildir / "new").exists() else 0
    ausgabe(f"\nMaildir: {maildir} ({anzahl} Mails; öffnen z. B. mit »mutt -f {maildir}«)")
    ausgabe(f"Datenbank: {verzeichnis / 'bildungsbuero.db'}")
    ausgabe(f"Nachsehen: BILDUNGSBUERO_DATENBANK_URL=sqlite:///{verzeichnis / 'bildungsbuero.db'} bildungsbuero handlungsfeld zeige 1")
    anmeldelink_ausgeben(verzeichnis, link, demo.umgebung.einstellungen, ausgabe)
    return verzeichnis


def anmeldelink_ins_maildir(einstellungen) -> str:
    """Fordert für Anna Meyer (Bildungsmanagement) einen Anmeldelink an, zur echten Zeit (er soll jetzt
    gelten, nicht in der simulierten Zukunft), versendet ihn ins Maildir und liest ihn aus der Mail."""
    import asyncio
    import email
    import email.policy
    import re

    from prozess.anmeldung import anmeldelink_anfordern
    from prozess.takt import outbox_leeren
    from prozess.umgebung import Umgebung

    echt = Umgebung(einstellungen)
    try:
        with echt.arbeit() as arbeit:
            anmeldelink_anfordern(arbeit, ANNA)
        asyncio.run(outbox_leeren(echt, echt.uhr()))
    finally:
        echt.schliessen()
    neu = Path(einstellungen.maildir_pfad) / "new"
    for pfad in sorted(neu.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        mail = email.message_from_bytes(pfad.read_bytes(), policy=email.policy.default)
        if treffer := re.search(r"https?://\S+/anmelden/[\w-]+", mail.get_body(("plain",)).get_content()):
            return treffer.group(0)
    raise RuntimeError("Die Mail mit dem Anmeldelink fehlt im Maildir der Demo.")


def anmeldelink_ausgeben(verzeichnis: Path, link: str, einstellungen, ausgabe: Callable[[str], None]) -> None:
    ausgabe(f"\nWebseiten: cd {verzeichnis} && BILDUNGSBUERO_DATENBANK_URL=sqlite:///bildungsbuero.db "
            "bildungsbuero web   (Mails wie neue Anmeldelinks landen im Maildir dort)")
    ausgabe(f"Anmelden als Anna Meyer (Bildungsmanagement) mit dem Link aus dem Maildir, gültig "
            f"{einstellungen.anmeldelink_minuten} Minuten und einmal: {link}")
    ausgabe("Später einen neuen Link anfordern: auf /anmelden die Adresse anna.meyer@lkclp.example eingeben; "
            "die Mail landet im Maildir.")
