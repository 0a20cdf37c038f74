"""Für alle, die der Prozess erreicht, ohne Konto: der persönliche Link und was man damit tut.

**Der Link.** Jede Auftragsmail (``prozess.auftragsmails``) und jede Einladung
(``prozess.einladungen``) trägt einen persönlichen Link ``{basis_url}/teilnahme/{token}``.
Das Token ist zufällig (``secrets.token_urlsafe``, 256 Bit); gespeichert wird nur sein
SHA-256 (``Teilnahmelink``), gebunden an genau eine Person. Was der Link zeigt und erlaubt,
gehört nur dieser Person: ihre offenen Aufgaben und die Sitzungen ihrer Gremien.

**Warum ein neues Token je Mail (mehrere gültige je Person).** Das Token liegt im Klartext
nur in dem Moment vor, in dem es entsteht; danach kennt die Datenbank nur den Hash. Eine
spätere Mail kann also ein früher ausgestelltes Token nicht noch einmal nennen. Die
Alternative – ein Token je Person, bei jeder Mail neu ausgestellt und das alte widerrufen –
machte jeden Link in jeder älteren Mail ungültig, sobald die nächste Mail entsteht (eine
Erinnerung, eine Einladung); Links in Mails müssen aber stabil bleiben. Darum entsteht beim
Vormerken jeder Mail (in derselben Transaktion wie ihr Outbox-Eintrag) ein eigenes Token,
das nur in dieser Mail steht; alle gültigen Tokens einer Person öffnen dieselbe Seite.
Mails, die in einem Aufruf an dieselbe Person gehen, teilen sich ein Token. Bis zum Versand
steht der Link (wie der Anmeldelink) im Kontext der Outbox-Zeile.

**Wie lange er gilt.** Solange die Person eine offene Aufgabe hat oder zu einer kommenden
Sitzung eingeladen ist, gilt jeder ihrer Links. Danach gilt er noch ``teilnahmelink_tage``
lang, gerechnet ab dem spätesten von: Ausstellung des Links, Schließen ihrer letzten Aufgabe,
Beginn der letzten Sitzung, zu der sie eingeladen war. ``person entfernen`` widerruft alle
Links der Person (``teilnahmelinks_widerrufen``). Ein unbekannter, abgelaufener oder
widerrufener Link ergibt ``TeilnahmelinkUngueltig`` mit dem Weg zu einem neuen Link.

**Was man tun kann.** Eine eigene offene Aufgabe mit kurzer Notiz als erledigt melden –
außer einer Aufgabe, die ein Schritt des Zyklus schließt (``anlass_zustand``): die endet
nur mit diesem Schritt, ausgelöst von Berechtigten nach der Anmeldung, nie über ein Häkchen
an den Wächtern vorbei. Eine neue Frist beantragen: der Antrag (``Fristantrag``) ist eine
Entscheidung für das Bildungsmanagement (``frist_gewaehren`` / ``frist_ablehnen``). Zu
einer Sitzung zu- oder absagen (``Sitzungsantwort``; die letzte Antwort gilt).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from modelle.tabellen import Aufgabe, Gremium, Handlungsfeld, Mitgliedschaft, Person, Sitzung
from modelle.teilnahme import Erledigungsnotiz, Fristantrag, Sitzungsantwort, Teilnahmelink
from prozess.arbeit import Arbeit
from prozess.fehler import Eingabefehler, Fachfehler, NichtGefunden, SchrittNichtMoeglich
from prozess.teilnahmelink import PFAD, teilnahmelink_ausstellen, token_hash  # noqa: F401  (auch von hier aus erreichbar)
from prozess.zeit import datum_de
from prozess.zyklus import MANAGEMENT, SCHRITTE

ZUSAGE, ABSAGE = "zusage", "absage"
ANTWORT_BEZEICHNUNG = {ZUSAGE: "zugesagt", ABSAGE: "abgesagt"}
OFFEN, GEWAEHRT, ABGELEHNT = "offen", "gewaehrt", "abgelehnt"
ANTRAG_BEZEICHNUNG = {OFFEN: "offen", GEWAEHRT: "gewährt", ABGELEHNT: "abgelehnt"}
NOTIZ_LAENGE = 1000
NEUER_LINK = ("Einen neuen Link bekommen Sie mit der nächsten Mail zu einer Aufgabe oder Sitzung; "
              "brauchen Sie ihn früher, antworten Sie auf eine Mail des Bildungsbüros und bitten Sie darum.")


class TeilnahmelinkUngueltig(Fachfehler):
    """Ein persönlicher Link ist unbekannt, abgelaufen oder widerrufen."""


# ---------------------------------------------------------------- Links ausstellen und prüfen


def teilnahmelinks_widerrufen(arbeit: Arbeit, person_id: int) -> int:
    """Widerruft alle Links der Person (``person entfernen``); gibt die Anzahl zurück."""
    return arbeit.db.execute(update(Teilnahmelink).where(
        Teilnahmelink.person_id == person_id, Teilnahmelink.widerrufen_am.is_(None))
        .values(widerrufen_am=arbeit.jetzt)).rowcount


def _ungueltig(grund: str) -> TeilnahmelinkUngueltig:
    return TeilnahmelinkUngueltig(f"Dieser Link gilt nicht (mehr): {grund} {NEUER_LINK}")


def _meine_gremien(person_id: int):
    return select(Mitgliedschaft.gremium_id).where(Mitgliedschaft.person_id == person_id)


def _eingeladene_sitzungen(person_id: int):
    """Bedingungen: Sitzungen der Gremien der Person, zu denen schon eingeladen wurde."""
    return (Sitzung.gremium_id.in_(_meine_gremien(person_id)), Sitzung.eingeladen_sequenz.is_not(None))


def link_gueltig_bis(arbeit: Arbeit, person_id: int, erstellt_am: datetime) -> datetime | None:
    """Bis wann ein Link der Person gilt; ``None``: unbefristet, solange noch etwas offen ist."""
    db, jetzt = arbeit.db, arbeit.jetzt
    offen = db.execute(select(func.count()).select_from(Aufgabe).where(
        Aufgabe.verantwortlich_id == person_id, Aufgabe.status == "offen")).scalar_one()
    if offen:
        return None
    kommend = db.execute(select(func.count()).select_from(Sitzung).where(
        *_eingeladene_sitzungen(person_id), Sitzung.status == "geplant", Sitzung.beginn > jetzt)).scalar_one()
    if kommend:
        return None
    zuletzt_geschlossen = db.execute(select(func.max(Aufgabe.erledigt_am)).where(
        Aufgabe.verantwortlich_id == person_id)).scalar_one()
    letzte_sitzung = db.execute(select(func.max(Sitzung.beginn)).where(
        *_eingeladene_sitzungen(person_id), Sitzung.beginn <= jetzt)).scalar_one()
    bezug = max(z for z in (erstellt_am, zuletzt_geschlossen, letzte_sitzung) if z is not None)
    return bezug + timedelta(days=arbeit.einstellungen.teilnahmelink_tage)


@dataclass(frozen=True)
class Teilnehmer:
    """Wem ein gültiger Link gehört."""

    person_id: int
    name: str
    gueltig_bis: datetime | None


def teilnehmer(arbeit: Arbeit, token: str) -> Teilnehmer:
    """Die Person zu einem gültigen Token; sonst ``TeilnahmelinkUngueltig``. Liest nur."""
    zeile = arbeit.db.execute(
        select(Teilnahmelink.person_id, Teilnahmelink.erstellt_am, Teilnahmelink.widerrufen_am, Person.name,
               Person.entfernt_am)
        .join(Person, Person.id == Teilnahmelink.person_id)
        .where(Teilnahmelink.token_hash == token_hash(token))).one_or_none()
    if zeile is None:
        raise _ungueltig("er ist unbekannt oder unvollständig (prüfen Sie, ob die Adresse ganz kopiert wurde).")
    person_id, erstellt_am, widerrufen_am, name, entfernt_am = zeile
    if widerrufen_am is not None or entfernt_am is not None:
        raise _ungueltig("er wurde widerrufen.")
    bis = link_gueltig_bis(arbeit, person_id, erstellt_am)
    if bis is not None and bis <= arbeit.jetzt:
        raise _ungueltig("er ist abgelaufen, weil bei Ihnen nichts mehr offen ist.")
    return Teilnehmer(person_id, name, bis)


# ---------------------------------------------------------------- Ansichten für die Person


@dataclass(frozen=True)
class TeilnehmerAufgabe:
    id: int
    titel: str
    beschreibung: str
    frist: date
    handlungsfeld: str | None
    # Gesetzt, wenn ein Schritt des Zyklus die Aufgabe schließt: die Schritte, die es tun.
    durch_schritte: tuple[str, ...]
    offener_antrag: date | None
    letzter_antrag: str | None  # »abgelehnt: Begründung« o. ä., zur Information

    @property
    def per_haekchen(self) -> bool:
        return not self.durch_schritte


@dataclass(frozen=True)
class TeilnehmerSitzung:
    id: int
    gremium: str
    beginn: datetime
    ort: str
    antwort: str | None


@dataclass(frozen=True)
class Teilnahmeseite:
    person: Teilnehmer
    aufgaben: list[TeilnehmerAufgabe]
    sitzungen: list[TeilnehmerSitzung]


def schritte_die_schliessen(anlass_zustand: str | None) -> tuple[str, ...]:
    """Die Schritte, mit denen eine Aufgabe dieses Zustands endet (ohne »Zurückstellen«, das sie hinfällig macht)."""
    if anlass_zustand is None:
        return ()
    return tuple(s.bezeichnung for s in SCHRITTE if anlass_zustand in s.von and s.name != "zurueckstellen")


def teilnahmeseite(arbeit: Arbeit, token: str) -> Teilnahmeseite:
    """Was die Person zu ihrem Link sieht: ihre offenen Aufgaben und die kommenden Sitzungen ihrer Gremien."""
    person = teilnehmer(arbeit, token)
    db = arbeit.db
    zeilen = db.execute(
        select(Aufgabe.id, Aufgabe.titel, Aufgabe.beschreibung, Aufgabe.frist, Handlungsfeld.titel,
               Aufgabe.anlass_zustand)
        .outerjoin(Handlungsfeld, Handlungsfeld.id == Aufgabe.handlungsfeld_id)
        .where(Aufgabe.verantwortlich_id == person.person_id, Aufgabe.status == "offen")
        .order_by(Aufgabe.frist, Aufgabe.id)).all()
    antraege: dict[int, list[Fristantrag]] = {}
    if zeilen:
        for antrag in db.execute(select(Fristantrag).where(Fristantrag.aufgabe_id.in_([z[0] for z in zeilen]))
                                 .order_by(Fristantrag.id)).scalars():
            antraege.setdefault(antrag.aufgabe_id, []).append(antrag)
    aufgaben = []
    for i, titel, beschreibung, frist, feld, anlass in zeilen:
        eigene = antraege.get(i, [])
        offen = next((a.frist for a in eigene if a.status == OFFEN), None)
        letzter = next((a for a in reversed(eigene) if a.status != OFFEN), None)
        info = None
        if letzter is not None:
            info = (f"Ihr Antrag auf den {datum_de(letzter.frist)} wurde {ANTRAG_BEZEICHNUNG[letzter.status]}"
                    + (f": {letzter.antwort}" if letzter.antwort else "."))
        aufgaben.append(TeilnehmerAufgabe(i, titel, beschreibung or "", frist, feld, schritte_die_schliessen(anlass),
                                          offen, info))
    sitzungen = [TeilnehmerSitzung(*z) for z in db.execute(
        select(Sitzung.id, Gremium.name, Sitzung.beginn, Sitzung.ort, Sitzungsantwort.antwort)
        .join(Gremium, Gremium.id == Sitzung.gremium_id)
        .outerjoin(Sitzungsantwort, (Sitzungsantwort.sitzung_id == Sitzung.id)
                   & (Sitzungsantwort.person_id == person.person_id))
        .where(*_eingeladene_sitzungen(person.person_id), Sitzung.status == "geplant",
               Sitzung.beginn > arbeit.jetzt)
        .order_by(Sitzung.beginn, Sitzung.id)).all()]
    return Teilnahmeseite(person, aufgaben, sitzungen)


def _eigene_aufgabe(arbeit: Arbeit, person: Teilnehmer, aufgabe_id: int) -> Aufgabe:
    """Die offene Aufgabe der Person; eine fremde sieht aus wie eine, die es nicht gibt."""
    aufgabe = arbeit.db.get(Aufgabe, aufgabe_id)
    if aufgabe is None or aufgabe.verantwortlich_id != person.person_id:
        raise NichtGefunden(f"Aufgabe {aufgabe_id} gibt es unter Ihrem Link nicht. Ihre offenen Aufgaben stehen "
                            "auf Ihrer Seite.")
    if aufgabe.status != "offen":
        raise Eingabefehler(f"Aufgabe {aufgabe_id} »{aufgabe.titel}« ist nicht mehr offen; daran ist nichts "
                            "mehr zu tun.")
    return aufgabe


def _eigene_sitzung(arbeit: Arbeit, person: Teilnehmer, sitzung_id: int) -> Sitzung:
    sitzung = arbeit.db.execute(select(Sitzung).where(
        Sitzung.id == sitzung_id, *_eingeladene_sitzungen(person.person_id))).scalar_one_or_none()
    if sitzung is None:
        raise NichtGefunden(f"Sitzung {sitzung_id} gibt es unter Ihrem Link nicht. Ihre Sitzungen stehen auf "
                            "Ihrer Seite.")
    return sitzung


@dataclass(frozen=True)
class TeilnehmerTagesordnung:
    person: Teilnehmer
    sitzung: TeilnehmerSitzung
    status: str
    punkte: list  # prozess.tagesordnung.Punkt


def sitzung_fuer_teilnehmer(arbeit: Arbeit, token: str, sitzung_id: int) -> TeilnehmerTagesordnung:
    """Eine Sitzung eines Gremiums der Person mit ihrer Tagesordnung und der eigenen Antwort. Liest nur."""
    from prozess.tagesordnung import gespeicherte_tagesordnung

    person = teilnehmer(arbeit, token)
    s = _eigene_sitzung(arbeit, person, sitzung_id)
    gremium = arbeit.db.get(Gremium, s.gremium_id)
    antwort = arbeit.db.execute(select(Sitzungsantwort.antwort).where(
        Sitzungsantwort.sitzung_id == s.id, Sitzungsantwort.person_id == person.person_id)).scalar_one_or_none()
    return TeilnehmerTagesordnung(person, TeilnehmerSitzung(s.id, gremium.name, s.beginn, s.ort or "", antwort),
                                  s.status, gespeicherte_tagesordnung(arbeit.db, s.id))


# ---------------------------------------------------------------- Handlungen der Person


def aufgabe_als_erledigt_melden(arbeit: Arbeit, token: str, aufgabe_id: int, notiz: str = "") -> Aufgabe:
    """Schließt eine eigene Aufgabe mit Notiz – nicht eine, die ein Schritt des Zyklus schließt."""
    from prozess.aufgaben import aufgabe_erledigen

    person = teilnehmer(arbeit, token)
    aufgabe = _eigene_aufgabe(arbeit, person, aufgabe_id)
    schritte = schritte_die_schliessen(aufgabe.anlass_zustand)
    if schritte:
        raise SchrittNichtMoeglich(
            f"Aufgabe {aufgabe_id} »{aufgabe.titel}« endet mit einem Schritt im Handlungsfeld "
            f"({' oder '.join(f'»{s}«' for s in schritte)}), nicht mit einem Häkchen: dabei prüft die Engine, ob "
            "alles dafür erfüllt ist. Wer den Schritt auslösen darf, meldet sich auf der Anmeldeseite an.")
    notiz = _text(notiz, "Die Notiz")
    arbeit.db.add(Erledigungsnotiz(aufgabe_id=aufgabe.id, person_id=person.person_id, notiz=notiz, am=arbeit.jetzt))
    aufgabe_erledigen(arbeit, aufgabe.id)
    arbeit.db.execute(update(Fristantrag).where(Fristantrag.aufgabe_id == aufgabe.id, Fristantrag.status == OFFEN)
                      .values(status=ABGELEHNT, entschieden_am=arbeit.jetzt, antwort="Aufgabe erledigt."))
    return aufgabe


def _text(wert: str, was: str) -> str:
    wert = " ".join((wert or "").split())
    if len(wert) > NOTIZ_LAENGE:
        raise Eingabefehler(f"{was} ist {len(wert)} Zeichen lang; höchstens {NOTIZ_LAENGE} gehen. Kürzen Sie sie.")
    return wert


def frist_beantragen(arbeit: Arbeit, token: str, aufgabe_id: int, frist: date, begruendung: str = "") -> Fristantrag:
    """Beantragt eine neue Frist für eine eigene Aufgabe; das Bildungsmanagement entscheidet."""
    from prozess.aufgaben import frist_pruefen

    person = teilnehmer(arbeit, token)
    aufgabe = _eigene_aufgabe(arbeit, person, aufgabe_id)
    frist_pruefen(frist, arbeit.jetzt, arbeit.einstellungen.zeitzone)
    if frist == aufgabe.frist:
        raise Eingabefehler(f"Die Frist ist schon der {datum_de(frist)}. Nennen Sie das Datum, das Sie brauchen.")
    offen = arbeit.db.execute(select(Fristantrag).where(Fristantrag.aufgabe_id == aufgabe.id,
                                                        Fristantrag.status == OFFEN)).scalar_one_or_none()
    if offen is not None:
        raise Eingabefehler(f"Für Aufgabe {aufgabe_id} liegt schon ein Antrag auf den {datum_de(offen.frist)} vor; "
                            "das Bildungsbüro entscheidet darüber. Warten Sie seine Antwort ab.")
    antrag = Fristantrag(aufgabe_id=aufgabe.id, person_id=person.person_id, alte_frist=aufgabe.frist, frist=frist,
                         begruendung=_text(begruendung, "Die Begründung"), gestellt_am=arbeit.jetzt)
    arbeit.db.add(antrag)
    arbeit.db.flush()
    _antrag_melden(arbeit, antrag, aufgabe, person)
    return antrag


def _antrag_melden(arbeit: Arbeit, antrag: Fristantrag, aufgabe: Aufgabe, person: Teilnehmer) -> None:
    """Eine Mail an das Bildungsmanagement: ein Antrag wartet auf Entscheidung (in derselben Transaktion)."""
    from benachrichtigungen.kontexte import mail_kontext
    from benachrichtigungen.outbox import Mail, schluessel, vormerken
    from prozess.grundkontext import grundkontext
    from prozess.rollen import zustaendige_person

    e = arbeit.einstellungen
    management = zustaendige_person(arbeit.db, MANAGEMENT)
    if management is None or not management.email:
        return  # niemand mit der Rolle: der Antrag steht trotzdem in der Liste des Büros
    teil = {"id": antrag.id, "aufgabe_id": aufgabe.id, "aufgabe": aufgabe.titel, "person": person.name,
            "alte_frist": datum_de(antrag.alte_frist), "frist": datum_de(antrag.frist),
            "begruendung": antrag.begruendung, "link": f"{e.basis_url}/fristantraege"}
    mail = Mail(schluessel("fristantrag", management.id, f"antrag{antrag.id}", antrag.gestellt_am.date()),
                "fristantrag", "fristantrag", mail_kontext(grundkontext(arbeit.db), management.name, fristantrag=teil),
                management.email, management.name, management.id)
    vormerken(arbeit.verbindung(), [mail], arbeit.jetzt, e.absender.split("@", 1)[1])


def sitzung_beantworten(arbeit: Arbeit, token: str, sitzung_id: int, antwort: str) -> Sitzungsantwort:
    """Zu- oder Absage zu einer kommenden Sitzung eines eigenen Gremiums; eine spätere Antwort ersetzt die frühere."""
    if antwort not in ANTWORT_BEZEICHNUNG:
        raise Eingabefehler(f"»{antwort}« ist keine Antwort; möglich sind: zusage, absage.")
    person = teilnehmer(arbeit, token)
    sitzung = _eigene_sitzung(arbeit, person, sitzung_id)
    if sitzung.status != "geplant" or sitzung.beginn <= arbeit.jetzt:
        raise Eingabefehler(f"Sitzung {sitzung_id} ist {'vorbei' if sitzung.beginn <= arbeit.jetzt else sitzung.status}; "
                            "eine Antwort ist nicht mehr nötig.")
    db = arbeit.db
    zeile = db.execute(select(Sitzungsantwort).where(Sitzungsantwort.sitzung_id == sitzung.id,
                                                     Sitzungsantwort.person_id == person.person_id)).scalar_one_or_none()
    if zeile is None:
        zeile = Sitzungsantwort(sitzung_id=sitzung.id, person_id=person.person_id, antwort=antwort,
                                beantwortet_am=arbeit.jetzt)
        db.add(zeile)
    else:
        zeile.antwort, zeile.beantwortet_am = antwort, arbeit.jetzt
    db.flush()
    return zeile


# ---------------------------------------------------------------- Entscheidung des Bildungsmanagements


def _entscheider(arbeit: Arbeit, person_id: int | str) -> int:
    """Die Id der entscheidenden Person (Id oder Adresse); ohne Rolle im Bildungsmanagement ein Fehler."""
    from prozess.rollen import passt, person_id_von, rollen_der_person

    person_id = person_id_von(arbeit, person_id)
    if not passt(rollen_der_person(arbeit.db, person_id), MANAGEMENT):
        raise SchrittNichtMoeglich("Über Fristanträge entscheidet das Bildungsmanagement; Ihnen fehlt diese Rolle.")
    return person_id


def _offener_antrag(arbeit: Arbeit, antrag_id: int) -> Fristantrag:
    antrag = arbeit.db.get(Fristantrag, antrag_id)
    if antrag is None:
        raise NichtGefunden(f"Fristantrag {antrag_id} gibt es nicht. Die offenen zeigt »bildungsbuero aufgabe "
                            "frist-antraege«.")
    if antrag.status != OFFEN:
        raise Eingabefehler(f"Über Fristantrag {antrag_id} ist schon entschieden ({ANTRAG_BEZEICHNUNG[antrag.status]}).")
    return antrag


def frist_gewaehren(arbeit: Arbeit, antrag_id: int, person_id: int | str, antwort: str = "") -> Fristantrag:
    """Gewährt den Antrag: die Aufgabe bekommt die beantragte Frist (mit Mail wie beim Verschieben)."""
    from prozess.aufgaben import aufgabe_verschieben

    person_id = _entscheider(arbeit, person_id)
    antrag = _offener_antrag(arbeit, antrag_id)
    aufgabe_verschieben(arbeit, antrag.aufgabe_id, antrag.frist)
    antrag.status, antrag.entschieden_am, antrag.entschieden_von_id = GEWAEHRT, arbeit.jetzt, person_id
    antrag.antwort = _text(antwort, "Die Antwort")
    arbeit.db.flush()
    return antrag


def frist_ablehnen(arbeit: Arbeit, antrag_id: int, person_id: int | str, antwort: str = "") -> Fristantrag:
    """Lehnt den Antrag ab; die Frist bleibt. Die Person bekommt eine Mail und sieht die Antwort auf ihrer Seite."""
    from prozess.auftragsmails import mails_fuer_neue_aufgaben
    from prozess.aufgaben import _neue_aufgabe
    from modelle.tabellen import Massnahme

    person_id = _entscheider(arbeit, person_id)
    antrag = _offener_antrag(arbeit, antrag_id)
    antrag.status, antrag.entschieden_am, antrag.entschieden_von_id = ABGELEHNT, arbeit.jetzt, person_id
    antrag.antwort = _text(antwort, "Die Antwort")
    arbeit.db.flush()
    db = arbeit.db
    aufgabe = db.get(Aufgabe, antrag.aufgabe_id)
    if aufgabe.status == "offen":
        feld = db.get(Handlungsfeld, aufgabe.handlungsfeld_id) if aufgabe.handlungsfeld_id else None
        massnahme = db.get(Massnahme, aufgabe.massnahme_id) if aufgabe.massnahme_id else None
        mails_fuer_neue_aufgaben(arbeit, [_neue_aufgabe(aufgabe, db.get(Person, aufgabe.verantwortlich_id), massnahme)],
                                 feld, anlass="fristantrag_abgelehnt",
                                 zusatz={"beantragt": datum_de(antrag.frist), "antwort": antrag.antwort},
                                 gegenstand=f"antrag{antrag.id}")
    return antrag
