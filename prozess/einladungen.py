"""Einladungen zu Sitzungen: rechtzeitig, mit Tagesordnung und Kalendereinladung.

Eine geplante Sitzung wird eingeladen, sobald ``jetzt`` die Ladungsfrist des Gremiums plus
``einladung_vorlauf_tage`` vor ihrem Beginn erreicht. Ändert sich danach Termin oder Ort
(``sequenz`` steigt), geht sofort eine aktualisierte Einladung hinaus (METHOD:REQUEST mit
höherer SEQUENCE); eine Absage nach der Einladung geht als METHOD:CANCEL. Jede Mail hat den
Schlüssel (Art, Person, Sitzung, Sequenz): zwei Takte oder zwei Dienste laden nie doppelt ein.

Reicht die Zeit bei der ersten Einladung nicht mehr für die Ladungsfrist (eine kurzfristig
angelegte Sitzung), wird trotzdem eingeladen, der Verstoß steht aber in der Mail und im Log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from benachrichtigungen.kalender import Teilnehmer, einladung, kalender_uid
from benachrichtigungen.kontexte import mail_kontext
from benachrichtigungen.nachricht import Datei
from benachrichtigungen.outbox import Mail, schluessel, vormerken
from modelle.anweisungen import EINLADUNG_BEANSPRUCHEN
from modelle.tabellen import Gremium, Mitgliedschaft, Person, Sitzung
from prozess.arbeit import Arbeit
from prozess.einstellungen import Einstellungen
from prozess.grundkontext import grundkontext
from prozess.tagesordnung import als_text, tagesordnung_festschreiben
from prozess.zeit import WOCHENTAGE, zeitpunkt_de

log = logging.getLogger(__name__)


@dataclass
class Einladungsbericht:
    sitzungen: list[int] = field(default_factory=list)
    mails: int = 0
    zu_spaet: list[int] = field(default_factory=list)


def einladungszeitpunkt(sitzung: Sitzung, gremium: Gremium, e: Einstellungen) -> datetime:
    return sitzung.beginn - timedelta(days=gremium.ladungsfrist_tage + e.einladung_vorlauf_tage)


def mitglieder(db: Session, gremium_id: int) -> list[Person]:
    return list(db.exec(
        select(Person).join(Mitgliedschaft, Mitgliedschaft.person_id == Person.id)
        .where(Mitgliedschaft.gremium_id == gremium_id, Person.email.is_not(None))
        .order_by(Person.id).distinct()
    ).all())


def _sitzungskontext(sitzung: Sitzung, gremium: Gremium, e: Einstellungen, aktualisiert: bool) -> dict:
    beginn = sitzung.beginn.astimezone(e.zeitzone)
    ende = beginn + timedelta(minutes=sitzung.dauer_minuten)
    return {
        "id": sitzung.id,
        "gremium": gremium.name,
        "beginn": f"{WOCHENTAGE[beginn.weekday()]}, {zeitpunkt_de(beginn, e.zeitzone)}",
        "ende": ende.strftime("%H:%M Uhr"),
        "ort": sitzung.ort or "wird noch mitgeteilt",
        "ladungsfrist_tage": gremium.ladungsfrist_tage,
        # Geändert heißt: nach einer früheren Einladung geändert (nicht: vor der ersten verschoben).
        "aktualisiert": aktualisiert,
        "hinweis": sitzung.hinweis,
    }


def einladungen_versenden(arbeit: Arbeit) -> Einladungsbericht:
    """Merkt alle fälligen Einladungen, Aktualisierungen und Absagen vor (in der Arbeit)."""
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    bericht = Einladungsbericht()
    kandidaten = db.exec(
        select(Sitzung, Gremium).join(Gremium, Gremium.id == Sitzung.gremium_id)
        .where(Sitzung.beginn > jetzt, Sitzung.status.in_(("geplant", "abgesagt")),
               or_(Sitzung.eingeladen_sequenz.is_(None), Sitzung.eingeladen_sequenz < Sitzung.sequenz))
        .order_by(Sitzung.beginn)
        # Frisch aus der Datenbank, nicht aus dem Gedächtnis der Sitzung: ein anderer Dienst
        # (oder ein Core-UPDATE) kann eingeladen_sequenz geändert haben.
        .execution_options(populate_existing=True)
    ).all()
    if not kandidaten:
        return bericht
    grund = grundkontext(db)
    domain = e.absender.split("@", 1)[1]
    mails: list[Mail] = []
    for sitzung, gremium in kandidaten:
        erstmals = sitzung.eingeladen_sequenz is None
        if sitzung.status == "abgesagt" and erstmals:
            continue  # nie eingeladen, also niemandem abzusagen
        if sitzung.status == "geplant" and erstmals and jetzt < einladungszeitpunkt(sitzung, gremium, e):
            continue  # noch nicht an der Zeit
        if not _beanspruchen(arbeit, sitzung):
            continue  # ein anderer Dienst lädt gerade zu diesem Stand ein
        zu_spaet = erstmals and jetzt > sitzung.beginn - timedelta(days=gremium.ladungsfrist_tage)
        if zu_spaet:
            bericht.zu_spaet.append(sitzung.id)
            log.warning("Sitzung %s (%s): Ladungsfrist von %s Tagen unterschritten", sitzung.id, gremium.kuerzel,
                        gremium.ladungsfrist_tage)
        mails += _mails_fuer_sitzung(db, sitzung, gremium, grund, jetzt, e, domain, zu_spaet, erstmals, arbeit)
        bericht.sitzungen.append(sitzung.id)
    vormerken(arbeit.verbindung(), mails, jetzt, domain)
    bericht.mails = len(mails)
    return bericht


def _beanspruchen(arbeit: Arbeit, sitzung: Sitzung) -> bool:
    """Bedingtes UPDATE: nur ein Dienst lädt zu einem Stand (Sequenz) einer Sitzung ein.

    Auf PostgreSQL wartet der zweite Dienst auf die Zeilensperre des ersten und findet danach
    nichts mehr zu tun; so entstehen weder doppelte Tagesordnungen noch doppelte Mails.
    """
    geaendert = arbeit.verbindung().execute(
        EINLADUNG_BEANSPRUCHEN, {"sitzung_id": sitzung.id, "b_sequenz": sitzung.sequenz}).rowcount
    # Die ORM-Zeile kennt den neuen Wert nicht: beim nächsten Zugriff neu lesen.
    arbeit.db.expire(sitzung, ["eingeladen_sequenz"])
    return geaendert == 1


def kennzahlen_der_tagesordnung(arbeit: Arbeit, tops) -> list[dict]:
    """Die Anlage der Einladung: je Tagesordnungspunkt mit einem Feld, das Kennzahlen verknüpft hat,
    deren Stand (``monitoring.feldstand``: geheimgehalten, mit Bezugsgröße, Trend und Quelle).

    Die Zahlen stehen im Kontext der Mail, also so, wie sie beim Einladen galten.
    """
    return _kennzahlen_anlage(arbeit, tops)[0]


def _kennzahlen_anlage(arbeit: Arbeit, tops) -> tuple[list[dict], Datei | None]:
    """Die Anlage für den Mailtext und dieselben Zahlen als ``kennzahlen.csv`` (``None`` ohne Kennzahl).

    Eine CSV-Datei statt HTML: die Verwaltung rechnet mit den Zahlen in ihrer Tabellenkalkulation
    weiter, das Format gleicht den Dateien der Statistikämter (UTF-8 mit BOM, ``;``, Dezimalkomma),
    und HTML-Anhänge halten manche Mailfilter der Verwaltungen zurück. Die Datei entsteht beim
    Vormerken und liegt in der Outbox: jeder Versuch sendet dieselben Bytes.
    """
    felder = [t for t in tops if t.handlungsfeld_id is not None]
    if not felder:
        return [], None
    from monitoring.feldstand import CSV_DATEINAME, als_kontext, feldstaende, kennzahlen_csv

    zone = arbeit.einstellungen.zeitzone
    staende = feldstaende(arbeit, sorted({t.handlungsfeld_id for t in felder}))
    anlage, gesehen, zeilen = [], set(), []
    for top in felder:
        if top.handlungsfeld_id in staende and top.handlungsfeld_id not in gesehen:
            gesehen.add(top.handlungsfeld_id)
            stand = staende[top.handlungsfeld_id].kennzahlen
            kennzahlen = [als_kontext(k, zone) for k in stand]
            anlage.append({"top": top.nummer, "titel": top.titel, "kennzahlen": kennzahlen,
                           "verborgen": any(k["verborgen"] for k in kennzahlen)})
            zeilen += [(str(top.nummer), top.titel, k) for k in stand]
    if not zeilen:
        return anlage, None
    return anlage, Datei(CSV_DATEINAME, "text/csv", kennzahlen_csv(zeilen, zone))


def _mails_fuer_sitzung(db, sitzung: Sitzung, gremium: Gremium, grund: dict, jetzt: datetime,
                        e: Einstellungen, domain: str, zu_spaet: bool, erstmals: bool, arbeit: Arbeit) -> list[Mail]:
    abgesagt = sitzung.status == "abgesagt"
    tops = [] if abgesagt else tagesordnung_festschreiben(db, sitzung)
    empfaenger = mitglieder(db, gremium.id)
    organisator = Teilnehmer(grund["buero"]["name"], grund["buero"]["email"] or e.absender)
    kalender = einladung(
        uid=kalender_uid(sitzung.id, domain),
        sequenz=sitzung.sequenz,
        methode="CANCEL" if abgesagt else "REQUEST",
        titel=f"{gremium.name}: Sitzung",
        beginn=sitzung.beginn.astimezone(e.zeitzone),
        ende=(sitzung.beginn + timedelta(minutes=sitzung.dauer_minuten)).astimezone(e.zeitzone),
        ort=sitzung.ort,
        beschreibung=als_text(tops) if tops else (sitzung.hinweis or "Die Sitzung entfällt."),
        organisator=organisator,
        teilnehmer=[Teilnehmer(p.name, p.email) for p in empfaenger],
        erstellt=jetzt,
    ).decode("utf-8")
    art = "absage" if abgesagt else "einladung"
    anlage, datei = _kennzahlen_anlage(arbeit, tops)
    teile = {
        "sitzung": _sitzungskontext(sitzung, gremium, e, aktualisiert=not erstmals),
        "tagesordnung": [{"nummer": t.nummer, "titel": t.titel, "beschreibung": t.beschreibung} for t in tops],
        "ladungsfrist_unterschritten": zu_spaet,
        "kennzahlen": anlage,
        "kennzahlen_datei": datei.dateiname if datei else None,
    }
    from prozess.teilnahmelink import teilnahmelink_ausstellen

    return [
        Mail(schluessel(art, p.id, f"sitzung{sitzung.id}", f"seq{sitzung.sequenz}"), art, art,
             mail_kontext(grund, p.name, **teile,
                          teilnahme={"link": teilnahmelink_ausstellen(arbeit, p.id)} if not abgesagt else None),
             p.email, p.name, p.id,
             extra={"kalender": kalender, "kalender_methode": "CANCEL" if abgesagt else "REQUEST"},
             dateien=[datei] if datei else [])
        for p in empfaenger
    ]
