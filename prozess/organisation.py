"""Die Organisation als Daten: Gremien mit Sitzungsrhythmus, Personen mit Rollen (TOML).

``organisation_laden`` ist idempotent: ein zweites Laden derselben Datei ändert nichts und
sagt das. Gremien werden am Kürzel erkannt, Personen an der E-Mail-Adresse. Die Rollen
einer Person in der Datei sind maßgeblich; Personen, die in der Datei fehlen, bleiben
unverändert und werden gemeldet (entfernen: ``bildungsbuero person entfernen``).

Die ganze Datei wird geprüft, bevor etwas geschrieben wird; jeder Fehler nennt die Stelle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from prozess.eingaben import email_pruefen, titel_pruefen
from prozess.fehler import Eingabefehler
from prozess.rollen import vergessen
from prozess.tomldatei import toml_lesen

WOCHENTAGE = ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag")
_UHRZEIT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_KUERZEL = re.compile(r"^[a-z][a-z0-9_]*$")


def zeile_pruefen(text: Any, wo: str, *, leer_erlaubt: bool = False) -> str:
    """Ein einzeiliger Text (Name, Ort) der Datei, geprüft wie jede Eingabe (``prozess.eingaben``).

    Zeilenumbrüche würden Mail-Kopfzeilen aufbrechen; die Länge ist die der Namensspalten.
    """
    if text is None:
        raise Eingabefehler(f"{wo}: fehlt. Tragen Sie einen Text in Anführungszeichen ein.")
    if not isinstance(text, str):
        raise Eingabefehler(f"{wo}: erwartet einen Text in Anführungszeichen, nicht {text!r}.")
    return titel_pruefen(text, f"{wo}: der Text", leer_erlaubt=leer_erlaubt)


@dataclass
class GremiumDaten:
    kuerzel: str
    name: str
    email: str | None
    ladungsfrist_tage: int
    rhythmus: dict | None


@dataclass
class PersonDaten:
    name: str
    email: str
    organisation: str | None
    rollen: list[tuple[str, str]]


@dataclass
class Organisation:
    name: str
    gremien: list[GremiumDaten]
    personen: list[PersonDaten]
    # Landkreis, Land, Gemeinden und Schulen als Gebiete des Bildungsmonitorings.
    gebiete: list = field(default_factory=list)


def _unbekannte(tabelle: dict, erlaubt: set[str], wo: str) -> None:
    fremd = sorted(set(tabelle) - erlaubt)
    if fremd:
        raise Eingabefehler(f"{wo}: unbekannte Angabe »{fremd[0]}«. Erlaubt: {', '.join(sorted(erlaubt))}.")


def _ganzzahl(wert: Any, wo: str, kleinste: int, groesste: int) -> int:
    if isinstance(wert, bool) or not isinstance(wert, int) or not kleinste <= wert <= groesste:
        raise Eingabefehler(f"{wo}: erwartet eine ganze Zahl von {kleinste} bis {groesste}, nicht {wert!r}.")
    return wert


def rhythmus_pruefen(roh: Any, wo: str) -> dict:
    """Prüft den Sitzungsrhythmus eines Gremiums (Bedeutung: README, »Organisationsdatei«)."""
    if not isinstance(roh, dict):
        raise Eingabefehler(f"{wo}: erwartet eine Tabelle [gremium.sitzungen].")
    erlaubt = {"monate", "wochentag", "woche", "uhrzeit", "dauer_minuten", "ort", "alle_jahre",
               "ab_jahr", "termine", "schulferien_meiden"}
    _unbekannte(roh, erlaubt, wo)
    r: dict[str, Any] = {}
    r["ort"] = zeile_pruefen(roh.get("ort", ""), f"{wo}.ort", leer_erlaubt=True)
    r["dauer_minuten"] = _ganzzahl(roh.get("dauer_minuten", 120), f"{wo}.dauer_minuten", 15, 24 * 60)
    r["schulferien_meiden"] = bool(roh.get("schulferien_meiden", False))
    if "termine" in roh:
        if not isinstance(roh["termine"], list):
            raise Eingabefehler(f"{wo}.termine: erwartet eine Liste wie [\"2027-02-18 16:00\"].")
        termine = []
        for i, t in enumerate(roh["termine"]):
            try:
                termine.append(datetime.strptime(str(t), "%Y-%m-%d %H:%M").strftime("%Y-%m-%d %H:%M"))
            except ValueError:
                raise Eingabefehler(f"{wo}.termine[{i + 1}]: »{t}« hat nicht die Form JJJJ-MM-TT HH:MM.") from None
        r["termine"] = termine
        return r
    fehlend = [k for k in ("monate", "wochentag", "woche", "uhrzeit") if k not in roh]
    if fehlend:
        raise Eingabefehler(
            f"{wo}: es fehlt »{fehlend[0]}«. Ein Rhythmus braucht monate, wochentag, woche und uhrzeit "
            "(oder eine Liste termine)."
        )
    monate = roh["monate"]
    if not isinstance(monate, list) or not monate:
        raise Eingabefehler(f"{wo}.monate: erwartet eine Liste von Monaten, z. B. [3, 9].")
    r["monate"] = sorted({_ganzzahl(m, f"{wo}.monate", 1, 12) for m in monate})
    if roh["wochentag"] not in WOCHENTAGE:
        raise Eingabefehler(f"{wo}.wochentag: »{roh['wochentag']}«; möglich: {', '.join(WOCHENTAGE)}.")
    r["wochentag"] = roh["wochentag"]
    woche = roh["woche"]
    if woche != -1:
        _ganzzahl(woche, f"{wo}.woche", 1, 4)
    r["woche"] = woche
    if not isinstance(roh["uhrzeit"], str) or not _UHRZEIT.match(roh["uhrzeit"]):
        raise Eingabefehler(f"{wo}.uhrzeit: »{roh['uhrzeit']}« hat nicht die Form HH:MM, z. B. 17:00.")
    r["uhrzeit"] = roh["uhrzeit"]
    r["alle_jahre"] = _ganzzahl(roh.get("alle_jahre", 1), f"{wo}.alle_jahre", 1, 10)
    if "ab_jahr" in roh:
        r["ab_jahr"] = _ganzzahl(roh["ab_jahr"], f"{wo}.ab_jahr", 2000, 2100)
    elif r["alle_jahre"] > 1:
        raise Eingabefehler(f"{wo}: bei alle_jahre = {r['alle_jahre']} fehlt ab_jahr (das erste Sitzungsjahr).")
    return r


def datei_lesen(pfad: Path) -> Organisation:
    """Liest und prüft die Organisationsdatei ganz; schreibt nichts."""
    roh = toml_lesen(pfad, "Organisationsdatei", "Prüfen Sie den Pfad der Datei.")
    _unbekannte(roh, {"landkreis", "gremium", "person", "gemeinde", "schule"}, str(pfad))
    landkreis = roh.get("landkreis", {})
    name = zeile_pruefen(landkreis.get("name", ""), f"{pfad}: [landkreis] name")

    gremien: list[GremiumDaten] = []
    for i, g in enumerate(roh.get("gremium", []), 1):
        wo = f"{pfad}: [[gremium]] Nr. {i}"
        _unbekannte(g, {"kuerzel", "name", "email", "ladungsfrist_tage", "sitzungen"}, wo)
        kuerzel = g.get("kuerzel")
        if not isinstance(kuerzel, str) or not _KUERZEL.match(kuerzel):
            raise Eingabefehler(f"{wo}: kuerzel »{kuerzel}« muss aus Kleinbuchstaben, Ziffern und _ bestehen.")
        wo = f"{pfad}: Gremium »{kuerzel}«"
        gremien.append(
            GremiumDaten(
                kuerzel=kuerzel,
                name=zeile_pruefen(g.get("name"), f"{wo}, name"),
                email=email_pruefen(g["email"], f"{wo}, email") if "email" in g else None,
                ladungsfrist_tage=_ganzzahl(g.get("ladungsfrist_tage", 14), f"{wo}, ladungsfrist_tage", 1, 120),
                rhythmus=rhythmus_pruefen(g["sitzungen"], f"{wo}, sitzungen") if "sitzungen" in g else None,
            )
        )
    kuerzel_bekannt = {g.kuerzel for g in gremien}
    if len(kuerzel_bekannt) != len(gremien):
        raise Eingabefehler(f"{pfad}: ein Gremium-Kürzel kommt doppelt vor.")
    if "bildungsbuero" not in kuerzel_bekannt:
        raise Eingabefehler(f"{pfad}: das Gremium mit kuerzel = \"bildungsbuero\" fehlt; es trägt die Rollen des Büros.")

    personen: list[PersonDaten] = []
    adressen: set[str] = set()
    for i, p in enumerate(roh.get("person", []), 1):
        wo = f"{pfad}: [[person]] Nr. {i}"
        _unbekannte(p, {"name", "email", "organisation", "rollen"}, wo)
        email = email_pruefen(p.get("email"), f"{wo}, email")
        if email in adressen:
            raise Eingabefehler(f"{wo}: die Adresse {email} steht schon bei einer anderen Person.")
        adressen.add(email)
        rollen = []
        for rolle in p.get("rollen", []):
            gremium, _, name_der_rolle = str(rolle).partition(":")
            if gremium not in kuerzel_bekannt or not name_der_rolle:
                raise Eingabefehler(
                    f"{wo}, rollen: »{rolle}« muss »gremium:rolle« sein, mit einem Gremium dieser Datei "
                    f"({', '.join(sorted(kuerzel_bekannt))})."
                )
            rollen.append((gremium, name_der_rolle))
        personen.append(
            PersonDaten(
                name=zeile_pruefen(p.get("name"), f"{wo}, name"),
                email=email,
                organisation=zeile_pruefen(p["organisation"], f"{wo}, organisation") if "organisation" in p else None,
                rollen=rollen,
            )
        )
    from monitoring.gebiete import gebiete_lesen

    return Organisation(name=name, gremien=gremien, personen=personen, gebiete=gebiete_lesen(roh, pfad))


@dataclass
class Ladebericht:
    aenderungen: list[str] = field(default_factory=list)
    nicht_in_datei: list[str] = field(default_factory=list)


def organisation_laden(arbeit, organisation: Organisation) -> Ladebericht:
    """Gleicht die Datenbank mit der Organisation ab (in der Arbeit) und sagt, was sich änderte."""
    from sqlmodel import select

    from modelle.tabellen import Gremium, Landkreis, Person

    bericht = Ladebericht()
    db = arbeit.db
    landkreis = db.exec(select(Landkreis).order_by(Landkreis.id)).first()
    if landkreis is None:
        db.add(Landkreis(name=organisation.name))
        bericht.aenderungen.append(f"Landkreis eingetragen: {organisation.name}")
    elif landkreis.name != organisation.name:
        landkreis.name = organisation.name
        bericht.aenderungen.append(f"Landkreis umbenannt: {organisation.name}")
    gremien: dict[str, Gremium] = {g.kuerzel: g for g in db.exec(select(Gremium)).all()}
    for daten in organisation.gremien:
        gremium = gremien.get(daten.kuerzel)
        werte = dict(name=daten.name, email=daten.email, ladungsfrist_tage=daten.ladungsfrist_tage,
                     rhythmus=daten.rhythmus)
        if gremium is None:
            gremium = gremien[daten.kuerzel] = Gremium(kuerzel=daten.kuerzel, **werte)
            db.add(gremium)
            bericht.aenderungen.append(f"Gremium angelegt: {daten.name} ({daten.kuerzel})")
        else:
            geaendert = [k for k, v in werte.items() if getattr(gremium, k) != v]
            for k in geaendert:
                setattr(gremium, k, werte[k])
            if geaendert:
                bericht.aenderungen.append(f"Gremium geändert: {daten.name} ({', '.join(geaendert)})")
    db.flush()

    personen = {p.email: p for p in db.exec(select(Person).where(Person.email.is_not(None))).all()}
    for daten in organisation.personen:
        person = personen.get(daten.email)
        if person is None:
            person = Person(name=daten.name, email=daten.email, organisation=daten.organisation)
            db.add(person)
            db.flush()
            bericht.aenderungen.append(f"Person angelegt: {daten.name}")
        elif (person.name, person.organisation) != (daten.name, daten.organisation):
            person.name, person.organisation = daten.name, daten.organisation
            bericht.aenderungen.append(f"Person geändert: {daten.name}")
        _rollen_abgleichen(db, person, daten, gremien, bericht)
    from monitoring.gebiete import gebiete_abgleichen

    bericht.aenderungen += gebiete_abgleichen(arbeit.verbindung(), organisation.gebiete)
    in_datei = {p.email for p in organisation.personen}
    bericht.nicht_in_datei = sorted(email for email in personen if email not in in_datei)
    db.flush()
    vergessen(db)
    return bericht


def _rollen_abgleichen(db, person, daten: PersonDaten, gremien: dict, bericht: Ladebericht) -> None:
    from sqlmodel import select

    from modelle.tabellen import Mitgliedschaft

    id_zu_kuerzel = {g.id: k for k, g in gremien.items()}
    vorhanden = {
        (id_zu_kuerzel.get(m.gremium_id), m.rolle): m
        for m in db.exec(select(Mitgliedschaft).where(Mitgliedschaft.person_id == person.id)).all()
    }
    gewuenscht = set(daten.rollen)
    for gremium, rolle in sorted(gewuenscht - set(vorhanden)):
        db.add(Mitgliedschaft(person_id=person.id, gremium_id=gremien[gremium].id, rolle=rolle))
        bericht.aenderungen.append(f"Rolle hinzugefügt: {daten.name} – {gremium}:{rolle}")
    for schluessel in sorted(set(vorhanden) - gewuenscht, key=str):
        db.delete(vorhanden[schluessel])
        bericht.aenderungen.append(f"Rolle entfernt: {daten.name} – {schluessel[0]}:{schluessel[1]}")


def person_entfernen(arbeit, email: str) -> None:
    """Entfernt Name, Adresse und Rollen einer Person; Protokoll und Aufgaben behalten ihre Nummer."""
    from sqlalchemy import delete, update

    from modelle.tabellen import Mitgliedschaft, Outbox
    from prozess.rollen import person_per_email

    db = arbeit.db
    person = person_per_email(db, email)
    db.execute(delete(Mitgliedschaft).where(Mitgliedschaft.person_id == person.id))
    # Noch nicht versandte Mails an die Person gehen nicht mehr hinaus; ihre Kopie der Adresse wird gelöscht.
    db.execute(update(Outbox).where(Outbox.person_id == person.id, Outbox.status.in_(("wartend", "fehler_voruebergehend")))
               .values(status="verworfen", empfaenger_email="entfernt@invalid", empfaenger_name="entfernt",
                       letzter_fehler="Person entfernt"))
    from prozess.teilnahme import teilnahmelinks_widerrufen

    teilnahmelinks_widerrufen(arbeit, person.id)  # persönliche Links aus früheren Mails öffnen nichts mehr
    person.name = f"entfernte Person {person.id}"
    person.email = None
    person.organisation = None
    person.entfernt_am = arbeit.jetzt
    db.flush()
    vergessen(db)
