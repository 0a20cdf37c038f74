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

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from benachrichtigungen.deutsch import WOCHENTAGE, datum_de
from benachrichtigungen.kontexte import feld_kontext
from benachrichtigungen.outbox import schluessel, zeilen_vormerken
from modelle.anweisungen import ERINNERUNGEN_FORTSCHREIBEN
from modelle.tabellen import Aufgabe, Gremium, Handlungsfeld, Massnahme, Mitgliedschaft, Person
from modelle.direkt import Stapelanweisung
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

_AUFGABE, _PERSON, _FELD = Aufgabe.__table__, Person.__table__, Handlungsfeld.__table__
_MASSNAHME, _MITGLIEDSCHAFT, _GREMIUM = Massnahme.__table__, Mitgliedschaft.__table__, Gremium.__table__
_PLUS = operators.custom_op("+")
_FORTSCHREIBEN = Stapelanweisung(ERINNERUNGEN_FORTSCHREIBEN,
                                 parameter=("b_id", "b_naechste", "b_eskaliert", "b_letzte", "b_letzte_am"))
_text = json.encoder.encode_basestring_ascii  # ein JSON-String wie json.dumps (ensure_ascii)


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


class Empfaenger(NamedTuple):
    """Wer eine Mail bekommt, so viel wie der Versand braucht (wie ``Person``: ``id``, ``name``, ``email``);
    Eskalationen und Auftragsmails lesen ihn als Spalten, ohne ORM-Objekt."""

    id: int
    name: str
    email: str | None
    entfernt_am: datetime | None = None


def _eskalationsempfaenger(db, verbindung, verantwortliche: set[int]) -> dict[int, list[Empfaenger]]:
    """Je zuständiger Person: Bildungsmanagement und der Vorsitz jedes ihrer Gremien (ohne sie selbst).

    Eine Abfrage für alle Eskalationen eines Stapels, nicht eine je Aufgabe: an einem Montag nach
    den Ferien eskalieren leicht Tausende Aufgaben zugleich (``bench/takt.py``).
    """
    if not verantwortliche:
        return {}
    eigene = _MITGLIEDSCHAFT.alias()
    m, p, g = _MITGLIEDSCHAFT, _PERSON, _GREMIUM
    zeilen = verbindung.execute(
        select(eigene.c.person_id, p.c.id, p.c.name, p.c.email)
        .select_from(eigene)
        # Das unäre Plus hält SQLite davon ab, je Mitgliedschaft der Verantwortlichen alle Mitglieder
        # ihres Gremiums über ix_mitgliedschaft_gremium_id zu lesen (ein Gremium mit 1.000 Mitgliedern
        # und 1.000 Eskalationen: 1 Mio. Zeilen, 0,6 s); so liest es die wenigen Vorsitze und sucht
        # die Verantwortlichen dazu im Index (person_id, gremium_id, rolle).
        .join(m, UnaryExpression(m.c.gremium_id, operator=_PLUS, type_=Integer) == eigene.c.gremium_id)
        .join(p, p.c.id == m.c.person_id)
        .join(g, g.c.id == m.c.gremium_id)
        .where(eigene.c.person_id.in_(verantwortliche), m.c.rolle == "vorsitz",
               g.c.kuerzel != "bildungsbuero", p.c.entfernt_am.is_(None))
        .order_by(eigene.c.person_id, p.c.id)
    ).all()
    vorsitz: dict[int, list[Empfaenger]] = {}
    for verantwortlich_id, *person in zeilen:
        vorsitz.setdefault(verantwortlich_id, []).append(Empfaenger(*person))
    management = zustaendige_person(db, MANAGEMENT)
    vorne = [Empfaenger(management.id, management.name, management.email)] if management else []
    ergebnis = {}
    for verantwortlich_id in verantwortliche:
        empfaenger: dict[int, Empfaenger] = {}
        for person in vorne + vorsitz.get(verantwortlich_id, []):
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


def _auswahl(jetzt: datetime, stapel: int):
    a, p, f, m = _AUFGABE, _PERSON, _FELD, _MASSNAHME
    return (
        select(a.c.id, a.c.titel, a.c.beschreibung, a.c.frist, a.c.naechste_erinnerung_am, a.c.eskaliert_fuer_frist,
               a.c.verantwortlich_id, a.c.handlungsfeld_id, p.c.name, p.c.email, p.c.organisation, f.c.titel,
               f.c.zustand, m.c.titel)
        .select_from(a)
        .join(p, p.c.id == a.c.verantwortlich_id)
        .outerjoin(f, f.c.id == a.c.handlungsfeld_id)
        .outerjoin(m, m.c.id == a.c.massnahme_id)
        .where(a.c.naechste_erinnerung_am <= jetzt, a.c.status == "offen")
        .order_by(a.c.naechste_erinnerung_am, a.c.id)
        .limit(stapel)
    )


def erinnerungen_versenden(arbeit: Arbeit, stapel: int = 5000) -> Erinnerungsbericht:
    """Schreibt die fälligen Erinnerungen und Eskalationen eines Stapels in die Outbox und plant neu.

    Ein Stapel ist eine Arbeitseinheit; jeder rückt die Zeitpunkte seiner Aufgaben in die
    Zukunft. Ist er voll (``bericht.mehr``), ruft der Takt in einer neuen Arbeitseinheit erneut auf.

    Die Zahl der Anweisungen hängt nicht von der Zahl der fälligen Aufgaben ab: eine Auswahl, eine
    Abfrage der Eskalationsempfänger, eine ihrer Rollen, je ein ``executemany`` für Links, Planung
    und Outbox. Den Kontext jeder Mail baut der Lauf als JSON-Text aus Teilen, die er je Stapel,
    Aufgabe oder Person einmal serialisiert (Grundkontext, Aufgabe mit Feld und Maßnahme, Link):
    dieselben Werte wie ``mail_kontext``, nur nicht Tausende Male dieselben Teile neu kodiert.
    """
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    r = Regeln.aus(e)
    bericht = Erinnerungsbericht()
    grund = grundkontext(db)
    domain = e.absender.split("@", 1)[1]
    db.flush()  # die Auswahl geht an der Sitzung vorbei über Core: Ausstehendes vorher schreiben
    verbindung = arbeit.verbindung()
    zeilen = verbindung.execute(_auswahl(jetzt, stapel)).all()
    if not zeilen:
        return bericht
    # Je Fristtag einmal gerechnet: im Stapel teilen sich viele Aufgaben wenige Fristen.
    eskaliert_ab = {frist: r.punkt(eskalationstag(frist, r)) for frist in {z[3] for z in zeilen}}
    eskalierend = {z[6] for z in zeilen if z[5] != z[3] and eskaliert_ab[z[3]] <= jetzt}
    empfaenger_je_person = _eskalationsempfaenger(db, verbindung, eskalierend)
    anmeldbar = _duerfen_sich_anmelden(db, {p.id for ps in empfaenger_je_person.values() for p in ps})
    # Je Person, die eine Erinnerung bekommt, ein Link für alle ihre Mails dieses Stapels (eine Anweisung).
    je_frist: dict[date, tuple[str, date] | None] = {}
    naechste: dict[tuple[date, bool], datetime] = {}
    faellig = [_erinnerung_faellig(z[3], z[4], jetzt, r, je_frist) for z in zeilen]
    links = teilnahmelinks_ausstellen(arbeit, [z[6] for z, f in zip(zeilen, faellig) if f and z[9]])

    # Die Kontexte als JSON-Text aus Teilen, jeder Teil einmal serialisiert; Schlüssel und ihre
    # Reihenfolge wie mail_kontext(grund, name, <Anlass>, aufgabe=…, handlungsfeld=…, massnahme=…).
    grund_json = json.dumps(grund)
    kopf_je_name: dict[str, str] = {}  # '{<grund>, "empfaenger": {"name": …}'

    def kopf(name: str) -> str:
        if name not in kopf_je_name:
            kopf_je_name[name] = f'{grund_json[:-1]}, "empfaenger": {{"name": {_text(name)}}}'
        return kopf_je_name[name]

    teilnahme_json = {vid: f', "teilnahme": {{"link": {_text(link)}}}, ' for vid, link in links.items()}
    seiten = f"{e.basis_url}/aufgaben/"
    heute_tag = heute(jetzt, r.zone)
    frist_teile: dict[date, tuple[str, int, date]] = {}
    felder: dict[int | None, str] = {}
    massnahmen: dict[str | None, str] = {}
    mails: list[tuple] = []  # Zeilen für zeilen_vormerken (outbox.ZEILE)
    neu: list[tuple] = []  # Parameter von _FORTSCHREIBEN
    for (aid, titel, beschreibung, frist, _, eskaliert_fuer, vid, fid,
         name, email, organisation, ftitel, fzustand, mtitel), art_und_tag in zip(zeilen, faellig):
        if frist not in frist_teile:
            tage = (frist - heute_tag).days
            frist_teile[frist] = (f'"frist": {_text(datum_de(frist))}, '
                                  f'"frist_wochentag": {_text(WOCHENTAGE[frist.weekday()])}, '
                                  f'"tage_bis_frist": {tage}, "tage_ueberfaellig": {max(0, -tage)}}}',
                                  tage, eskalationstag(frist, r))
        frist_json, tage_bis_frist, eskalation_am = frist_teile[frist]
        if fid not in felder:
            felder[fid] = json.dumps(feld_kontext(fid, ftitel, ZUSTAND_BEZEICHNUNG.get(fzustand)))
        if mtitel not in massnahmen:
            massnahmen[mtitel] = json.dumps({"titel": mtitel} if mtitel else None)
        # aufgabe wie aufgabe_kontext (benachrichtigungen.kontexte), dann Handlungsfeld und Maßnahme.
        rest = (f'"aufgabe": {{"id": {aid}, "titel": {_text(titel)}, "beschreibung": {_text(beschreibung or "")}, '
                f'{frist_json}, "handlungsfeld": {felder[fid]}, "massnahme": {massnahmen[mtitel]}}}')
        gegenstand = f"aufgabe{aid}-frist{frist}"
        letzte = None
        if art_und_tag and email:
            art, tag = art_und_tag
            # Der Schlüssel nennt den Anlass; die Mail sagt, was heute gilt: kommt eine
            # Fristtag-Erinnerung nach einer Pause erst am Tag danach, ist sie eine Überfällig-Mail.
            letzte = art = _art_heute(tage_bis_frist, art)
            mails.append((schluessel(art_und_tag[0], vid, gegenstand, tag), art, art,
                          kopf(name) + teilnahme_json[vid] + rest, vid, email, name, aid))
        eskaliert = eskaliert_fuer == frist
        if not eskaliert and eskaliert_ab[frist] <= jetzt:
            eskaliert = True
            verantwortlich = (f', "verantwortlich": {{"name": {_text(name)}, '
                              f'"organisation": {_text(organisation or "")}}}, "aufgabenseite": ')
            seite = f'{{"link": {_text(f"{seiten}{aid}")}}}, '
            for p in empfaenger_je_person[vid]:
                mails.append((schluessel(ESKALATION, p.id, gegenstand, eskalation_am), ESKALATION, ESKALATION,
                              kopf(p.name) + verantwortlich + (seite if p.id in anmeldbar else "null, ") + rest,
                              p.id, p.email, p.name, aid))
        if (frist, eskaliert) not in naechste:
            naechste[frist, eskaliert] = naechster_zeitpunkt(frist, jetzt, r, eskaliert)
        neu.append((aid, naechste[frist, eskaliert], frist if eskaliert else eskaliert_fuer, letzte,
                    jetzt if letzte else None))
    for art, anzahl in Counter(zeile[1] for zeile in mails).items():
        bericht.mails[art] = bericht.mails.get(art, 0) + anzahl
    bericht.aufgaben += len(zeilen)
    bericht.mehr = len(zeilen) == stapel
    _FORTSCHREIBEN.ausfuehren(verbindung, neu)
    zeilen_vormerken(verbindung, mails, jetzt, domain)
    return bericht
