"""Erinnerungen und Eskalationen: geplant als Zeilen, gefunden über einen Index.

Jede offene Aufgabe trägt ``naechste_erinnerung_am``: den nächsten Zeitpunkt, zu dem etwas
ansteht (Erinnerung vor der Frist, am Tag der Frist, wiederholt danach, einmal eine
Eskalation). Der Takt ``erinnerungen_versenden(jetzt)`` liest nur Aufgaben, deren Zeitpunkt
erreicht ist (Index auf der Spalte; keine Suche über alle offenen Aufgaben), schreibt die
Mails in die Outbox und plant den nächsten Zeitpunkt – alles in einer Transaktion.

Nach einer Pause (Dienst aus, Server down) geht je Aufgabe nur die dringendste fällige
Erinnerung hinaus, nie ein Schwall veralteter. Jede Mail hat einen Idempotenzschlüssel mit
dem Datum ihres Anlasses: zwei Takte oder zwei Dienste schreiben sie nur einmal.
Erledigen setzt ``naechste_erinnerung_am`` auf NULL; eine neue Frist plant neu.

Erinnerung, Fälligkeit und Überfälligkeit gehen an die zuständige Person und tragen wie die
Auftragsmail ihren persönlichen Link (``prozess.teilnahmelink``): ein Token je Person und
Stapel, alle in einer Anweisung. Die Eskalation geht an Bildungsmanagement und Vorsitz; sie
sollen nicht die Aufgabe erledigen, sondern klären, neu zuweisen oder die Frist ändern. Das
tun sie auf der Seite der Aufgabe im Bildungsbüro (nach der Anmeldung), also trägt die Mail
diesen Link – und nur für Empfänger, die sich anmelden dürfen; ein persönlicher Link zeigte
ihnen nur die eigenen Aufgaben, nicht die eskalierte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import aliased
from sqlmodel import select

from benachrichtigungen.kontexte import aufgabe_kontext, feld_kontext, mail_kontext
from benachrichtigungen.outbox import Mail, schluessel, vormerken
from modelle.anweisungen import ERINNERUNGEN_FORTSCHREIBEN
from modelle.tabellen import Aufgabe, Gremium, Handlungsfeld, Massnahme, Mitgliedschaft, Person
from prozess.arbeit import Arbeit
from prozess.einstellungen import Einstellungen
from prozess.grundkontext import grundkontext
from prozess.rollen import zustaendige_person
from prozess.teilnahmelink import teilnahmelinks_ausstellen
from prozess.zeit import heute
from prozess.zyklus import MANAGEMENT, ZUSTAND_BEZEICHNUNG

ERINNERUNG = "erinnerung"
HEUTE_FAELLIG = "heute_faellig"
UEBERFAELLIG = "ueberfaellig"
ESKALATION = "eskalation"


@dataclass(frozen=True)
class Regeln:
    tage_vor_frist: tuple[int, ...]
    uhrzeit: time
    ueberfaellig_alle_tage: int
    eskalation_nach_tagen: int
    zone: ZoneInfo

    @classmethod
    def aus(cls, e: Einstellungen) -> "Regeln":
        return cls(e.erinnerung_tage_vor_frist, e.erinnerung_uhrzeit, e.ueberfaellig_alle_tage,
                   e.eskalation_nach_tagen, e.zeitzone)

    def punkt(self, tag: date) -> datetime:
        """Der Zeitpunkt (UTC), zu dem eine Erinnerung des Tages ``tag`` fällig wird."""
        return _punkt(tag, self.uhrzeit, self.zone)


@lru_cache(maxsize=4096)
def _punkt(tag: date, uhrzeit: time, zone: ZoneInfo) -> datetime:
    # Zwischengespeichert: ein Takt rechnet für Tausende Aufgaben je rund 18 Tage um, meist
    # dieselben wenigen Fristtage; die Umrechnung in UTC (astimezone) war sein teuerster Teil.
    return datetime.combine(tag, uhrzeit, tzinfo=zone).astimezone(timezone.utc)


def _vor_frist(frist: date, r: Regeln) -> list[tuple[str, date]]:
    return [(ERINNERUNG if t > 0 else HEUTE_FAELLIG, frist - timedelta(days=t)) for t in r.tage_vor_frist]


def _ueberfaellig_um(frist: date, jetzt: datetime, r: Regeln) -> list[tuple[str, date]]:
    """Die Überfällig-Termine rund um ``jetzt`` (der letzte vergangene und der nächste)."""
    vergangen = max(0, (heute(jetzt, r.zone) - frist).days // r.ueberfaellig_alle_tage)
    return [(UEBERFAELLIG, frist + timedelta(days=k * r.ueberfaellig_alle_tage))
            for k in range(max(1, vergangen - 1), vergangen + 3)]


def dringendste_erinnerung(frist: date, jetzt: datetime, r: Regeln) -> tuple[str, date] | None:
    """Die späteste Erinnerung, deren Zeitpunkt erreicht ist (ohne Eskalation)."""
    erreicht = [(r.punkt(tag), art, tag) for art, tag in _vor_frist(frist, r) + _ueberfaellig_um(frist, jetzt, r)
                if r.punkt(tag) <= jetzt]
    if not erreicht:
        return None
    _, art, tag = max(erreicht)
    return art, tag


def _art_heute(tage_bis_frist: int, art: str) -> str:
    if tage_bis_frist < 0:
        return UEBERFAELLIG
    if tage_bis_frist == 0:
        return HEUTE_FAELLIG
    return art


def eskalationstag(frist: date, r: Regeln) -> date:
    return frist + timedelta(days=r.eskalation_nach_tagen)


def naechster_zeitpunkt(frist: date, jetzt: datetime, r: Regeln, eskaliert: bool) -> datetime:
    """Der früheste künftige Zeitpunkt, zu dem für diese Frist etwas ansteht."""
    kandidaten = [r.punkt(tag) for _, tag in _vor_frist(frist, r) + _ueberfaellig_um(frist, jetzt, r)]
    if not eskaliert:
        kandidaten.append(r.punkt(eskalationstag(frist, r)))
    return min(p for p in kandidaten if p > jetzt)


def erster_zeitpunkt(frist: date, jetzt: datetime, r: Regeln) -> datetime:
    """Die erste Erinnerung einer neuen Aufgabe oder Frist: frühestens am nächsten Tag.

    Am Tag des Auftrags hat die Person gerade ihre Mail bekommen; eine Erinnerung eine Stunde
    später (Auftrag um 6 Uhr, Frist in 7 Tagen) wäre nur Lärm.
    """
    return naechster_zeitpunkt(frist, max(jetzt, r.punkt(heute(jetzt, r.zone))), r, eskaliert=False)


def planen(aufgabe: Aufgabe, jetzt: datetime, r: Regeln) -> None:
    """Plant die erste Erinnerung einer neuen Aufgabe oder einer neuen Frist."""
    aufgabe.naechste_erinnerung_am = erster_zeitpunkt(aufgabe.frist, jetzt, r)


@dataclass
class Erinnerungsbericht:
    """Was ein Durchgang tat; ``mehr``: der Stapel war voll, ein weiterer Durchgang folgt."""

    aufgaben: int = 0
    mails: dict[str, int] = field(default_factory=dict)
    mehr: bool = False

    def dazu(self, anderer: "Erinnerungsbericht") -> None:
        self.aufgaben += anderer.aufgaben
        for art, n in anderer.mails.items():
            self.mails[art] = self.mails.get(art, 0) + n

    def zaehlen(self, art: str) -> None:
        self.mails[art] = self.mails.get(art, 0) + 1


def _eskalationsempfaenger(db, verantwortliche: set[int]) -> dict[int, list[Person]]:
    """Je zuständiger Person: Bildungsmanagement und der Vorsitz jedes ihrer Gremien (ohne sie selbst).

    Eine Abfrage für alle Eskalationen eines Stapels, nicht eine je Aufgabe: an einem Montag nach
    den Ferien eskalieren leicht Tausende Aufgaben zugleich (``bench/takt.py``).
    """
    if not verantwortliche:
        return {}
    eigene = aliased(Mitgliedschaft)
    zeilen = db.exec(
        select(eigene.person_id, Person)
        .join(Mitgliedschaft, Mitgliedschaft.gremium_id == eigene.gremium_id)
        .join(Person, Person.id == Mitgliedschaft.person_id)
        .join(Gremium, Gremium.id == Mitgliedschaft.gremium_id)
        .where(eigene.person_id.in_(verantwortliche), Mitgliedschaft.rolle == "vorsitz",
               Gremium.kuerzel != "bildungsbuero", Person.entfernt_am.is_(None))
        .order_by(eigene.person_id, Person.id)
    ).all()
    vorsitz: dict[int, list[Person]] = {}
    for verantwortlich_id, person in zeilen:
        vorsitz.setdefault(verantwortlich_id, []).append(person)
    management = zustaendige_person(db, MANAGEMENT)
    ergebnis = {}
    for verantwortlich_id in verantwortliche:
        empfaenger: dict[int, Person] = {}
        for person in ([management] if management else []) + vorsitz.get(verantwortlich_id, []):
            if person.id != verantwortlich_id and person.email:
                empfaenger[person.id] = person
        ergebnis[verantwortlich_id] = list(empfaenger.values())
    return ergebnis


def _duerfen_sich_anmelden(db, person_ids: set[int]) -> set[int]:
    """Welche dieser Personen sich an den Webseiten anmelden dürfen (eine Abfrage für den ganzen Stapel)."""
    if not person_ids:
        return set()
    from prozess.anmeldung import ANMELDEROLLEN
    from prozess.rollen import passt

    rollen: dict[int, set[str]] = {}
    for person_id, kuerzel, rolle in db.execute(
        select(Mitgliedschaft.person_id, Gremium.kuerzel, Mitgliedschaft.rolle)
        .join(Gremium, Gremium.id == Mitgliedschaft.gremium_id)
        .where(Mitgliedschaft.person_id.in_(person_ids))
    ):
        rollen.setdefault(person_id, set()).add(f"{kuerzel}:{rolle}")
    return {i for i, r in rollen.items() if any(passt(r, muster) for muster in ANMELDEROLLEN)}


def _erinnerung_faellig(frist: date, faellig_seit: datetime, jetzt: datetime, r: Regeln,
                        je_frist: dict[date, tuple[str, date] | None]) -> tuple[str, date] | None:
    """Die Erinnerung (Art, Tag), die dieser Durchgang für die Aufgabe schreibt, oder ``None``.

    ``je_frist`` merkt sich die dringendste Erinnerung je Frist: im Stapel teilen sich meist viele
    Aufgaben wenige Fristtage, und ``jetzt`` ist für den ganzen Stapel derselbe.
    """
    if frist not in je_frist:
        je_frist[frist] = dringendste_erinnerung(frist, jetzt, r)
    art_und_tag = je_frist[frist]
    if art_und_tag and r.punkt(art_und_tag[1]) >= faellig_seit:
        return art_und_tag
    return None


def erinnerungen_versenden(arbeit: Arbeit, stapel: int = 5000) -> Erinnerungsbericht:
    """Schreibt die fälligen Erinnerungen und Eskalationen eines Stapels in die Outbox und plant neu.

    Ein Stapel ist eine Arbeitseinheit; jeder rückt die Zeitpunkte seiner Aufgaben in die
    Zukunft. Ist er voll (``bericht.mehr``), ruft der Takt in einer neuen Arbeitseinheit erneut auf.
    """
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    r = Regeln.aus(e)
    bericht = Erinnerungsbericht()
    grund = grundkontext(db)
    domain = e.absender.split("@", 1)[1]
    zeilen = db.execute(
        select(
            Aufgabe.id, Aufgabe.titel, Aufgabe.beschreibung, Aufgabe.frist, Aufgabe.naechste_erinnerung_am,
            Aufgabe.eskaliert_fuer_frist, Aufgabe.verantwortlich_id, Aufgabe.handlungsfeld_id,
            Person.name, Person.email, Person.organisation, Handlungsfeld.titel, Handlungsfeld.zustand,
            Massnahme.titel,
        )
        .join(Person, Person.id == Aufgabe.verantwortlich_id)
        .outerjoin(Handlungsfeld, Handlungsfeld.id == Aufgabe.handlungsfeld_id)
        .outerjoin(Massnahme, Massnahme.id == Aufgabe.massnahme_id)
        .where(Aufgabe.naechste_erinnerung_am <= jetzt, Aufgabe.status == "offen")
        .order_by(Aufgabe.naechste_erinnerung_am, Aufgabe.id)
        .limit(stapel)
    ).all()
    if not zeilen:
        return bericht
    eskalierend = {z[6] for z in zeilen if z[5] != z[3] and r.punkt(eskalationstag(z[3], r)) <= jetzt}
    empfaenger_je_person = _eskalationsempfaenger(db, eskalierend)
    anmeldbar = _duerfen_sich_anmelden(db, {p.id for ps in empfaenger_je_person.values() for p in ps})
    # Je Person, die eine Erinnerung bekommt, ein Link für alle ihre Mails dieses Stapels (eine Anweisung).
    je_frist: dict[date, tuple[str, date] | None] = {}
    naechste: dict[tuple[date, bool], datetime] = {}
    faellig = [_erinnerung_faellig(z[3], z[4], jetzt, r, je_frist) for z in zeilen]
    links = teilnahmelinks_ausstellen(arbeit, [z[6] for z, f in zip(zeilen, faellig) if f and z[9]])
    seiten = f"{e.basis_url}/aufgaben/"
    mails: list[Mail] = []
    neu: list[dict] = []
    for (aid, titel, beschreibung, frist, _, eskaliert_fuer, vid, fid,
         name, email, organisation, ftitel, fzustand, mtitel), art_und_tag in zip(zeilen, faellig):
        teile = dict(
            aufgabe=aufgabe_kontext(aufgabe_id=aid, titel=titel, beschreibung=beschreibung, frist=frist,
                                    jetzt=jetzt, zone=r.zone),
            handlungsfeld=feld_kontext(fid, ftitel, ZUSTAND_BEZEICHNUNG.get(fzustand)),
            massnahme={"titel": mtitel} if mtitel else None,
        )
        letzte = None
        if art_und_tag and email:
            art, tag = art_und_tag
            # Der Schlüssel nennt den Anlass; die Mail sagt, was heute gilt: kommt eine
            # Fristtag-Erinnerung nach einer Pause erst am Tag danach, ist sie eine Überfällig-Mail.
            art = _art_heute(teile["aufgabe"]["tage_bis_frist"], art)
            letzte = art
            mails.append(Mail(schluessel(art_und_tag[0], vid, f"aufgabe{aid}-frist{frist}", tag), art, art,
                              mail_kontext(grund, name, teilnahme={"link": links[vid]}, **teile), email, name, vid, aid))
            bericht.zaehlen(art)
        eskaliert = eskaliert_fuer == frist
        if not eskaliert and r.punkt(eskalationstag(frist, r)) <= jetzt:
            eskaliert = True
            verantwortlich = {"name": name, "organisation": organisation or ""}
            for p in empfaenger_je_person[vid]:
                mails.append(Mail(schluessel(ESKALATION, p.id, f"aufgabe{aid}-frist{frist}", eskalationstag(frist, r)),
                                  ESKALATION, ESKALATION,
                                  mail_kontext(grund, p.name, verantwortlich=verantwortlich,
                                               aufgabenseite={"link": f"{seiten}{aid}"} if p.id in anmeldbar else None,
                                               **teile),
                                  p.email, p.name, p.id, aid))
                bericht.zaehlen(ESKALATION)
        neu.append(dict(
            b_id=aid,
            b_naechste=naechste.get((frist, eskaliert)) or naechste.setdefault(
                (frist, eskaliert), naechster_zeitpunkt(frist, jetzt, r, eskaliert)),
            b_eskaliert=frist if eskaliert else eskaliert_fuer,
            b_letzte=letzte,
            b_letzte_am=jetzt if letzte else None,
        ))
    bericht.aufgaben += len(zeilen)
    bericht.mehr = len(zeilen) == stapel
    verbindung = arbeit.verbindung()
    verbindung.execute(ERINNERUNGEN_FORTSCHREIBEN, neu)
    vormerken(verbindung, mails, jetzt, domain)
    return bericht
