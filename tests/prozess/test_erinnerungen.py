"""Erinnerungen und Eskalationen auf verschobener Uhr: genau die erwarteten Mails, keine doppelt."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from modelle.tabellen import Aufgabe, Outbox
from prozess.aufgaben import aufgabe_anlegen, aufgabe_erledigen, aufgabe_verschieben
from prozess.erinnerungen import Regeln, dringendste_erinnerung, erinnerungen_versenden, naechster_zeitpunkt
from prozess.rollen import person_per_email
from tests.conftest import BERLIN
from tests.hilfen import tun, MANAGEMENT, SCHULLEITUNG, SG_VORSITZ

SAMSTAG_SCHULE = date(2027, 3, 20)


def um(tag: date, stunde: int = 8) -> datetime:
    return datetime(tag.year, tag.month, tag.day, stunde, 0, tzinfo=BERLIN)


def mails(s, art: str | None = None) -> list[Outbox]:
    abfrage = select(Outbox).order_by(Outbox.id)
    if art:
        abfrage = abfrage.where(Outbox.anlass == art)
    return list(s.exec(abfrage).all())


def aufgabe(s, einstellungen, jetzt: datetime, frist: date, email: str = SCHULLEITUNG) -> Aufgabe:
    return tun(s, jetzt, aufgabe_anlegen, titel="Fehlzeiten melden", verantwortlich=person_per_email(s, email),
               frist=frist)


def test_eine_neue_aufgabe_bekommt_sofort_ihre_mail(s, einstellungen):
    a = aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    (mail,) = mails(s)
    assert (mail.anlass, mail.empfaenger_email, mail.aufgabe_id) == ("aufgabe_zugewiesen", SCHULLEITUNG, a.id)
    assert mail.kontext["aufgabe"]["frist"] == "20.03.2027"
    assert mail.kontext["aufgabe"]["frist_wochentag"] == "Samstag"


def test_erinnert_sieben_tage_und_einen_tag_vor_der_frist_und_am_tag_selbst(s, einstellungen):
    aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    gesehen = []
    for tag in range(1, 22):
        jetzt = um(date(2027, 3, tag))
        tun(s, jetzt, erinnerungen_versenden)
        gesehen += [(m.anlass, m.kontext["aufgabe"]["tage_bis_frist"], tag) for m in mails(s)
                    if m.erstellt_am == jetzt and m.anlass != "aufgabe_zugewiesen"]
    assert gesehen == [("erinnerung", 7, 13), ("erinnerung", 1, 19), ("heute_faellig", 0, 20)]


def test_ein_zweiter_takt_zum_selben_zeitpunkt_schreibt_nichts(s, einstellungen):
    aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    tun(s, um(date(2027, 3, 13)), erinnerungen_versenden)
    vorher = len(mails(s))
    bericht = tun(s, um(date(2027, 3, 13)), erinnerungen_versenden)
    assert (bericht.aufgaben, len(mails(s))) == (0, vorher)


def test_nach_einer_pause_geht_nur_die_dringendste_erinnerung_hinaus(s, einstellungen):
    aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    # Der Dienst lief vom 12. bis zum 21. März nicht: 7-Tage-, 1-Tag- und Fristtag-Erinnerung sind verpasst.
    tun(s, um(date(2027, 3, 21)), erinnerungen_versenden)
    erinnerungen = [m for m in mails(s) if m.anlass != "aufgabe_zugewiesen"]
    # Dringendster Anlass war der Fristtag (20.03.); heute ist die Frist aber schon vorbei: die Mail sagt das.
    assert [(m.anlass, m.kontext["aufgabe"]["tage_bis_frist"]) for m in erinnerungen] == [("ueberfaellig", -1)]
    assert erinnerungen[0].schluessel.startswith("heute_faellig:")


def test_ueberfaellige_aufgaben_werden_woechentlich_erinnert_und_einmal_eskaliert(s, einstellungen):
    a = aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    for tag in range(0, 40):
        tun(s, um(SAMSTAG_SCHULE + timedelta(days=tag)), erinnerungen_versenden)
    ueberfaellig = [m.kontext["aufgabe"]["tage_ueberfaellig"] for m in mails(s, "ueberfaellig")]
    assert ueberfaellig == [7, 14, 21, 28, 35]
    eskalation = mails(s, "eskalation")
    # Die Schulleitung ist Mitglied des Bildungsbeirats; dessen Vorsitz wird neben dem Bildungsmanagement informiert.
    assert sorted(m.empfaenger_email for m in eskalation) == sorted([MANAGEMENT, SG_VORSITZ])
    assert {m.kontext["aufgabe"]["tage_ueberfaellig"] for m in eskalation} == {14}
    assert eskalation[0].kontext["verantwortlich"]["name"] == "Thomas Ostendorf"
    s.expire_all()
    assert s.get(Aufgabe, a.id).eskaliert_fuer_frist == SAMSTAG_SCHULE


def test_erledigen_beendet_die_erinnerungen(s, einstellungen):
    a = aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    tun(s, um(date(2027, 3, 13)), erinnerungen_versenden)
    tun(s, um(date(2027, 3, 14)), aufgabe_erledigen, a.id)
    for tag in range(14, 31):
        tun(s, um(date(2027, 3, tag)), erinnerungen_versenden)
    assert [m.anlass for m in mails(s)] == ["aufgabe_zugewiesen", "erinnerung"]
    s.expire_all()
    assert s.get(Aufgabe, a.id).naechste_erinnerung_am is None


def test_eine_neue_frist_plant_die_erinnerungen_neu(s, einstellungen):
    a = aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    tun(s, um(date(2027, 3, 13)), erinnerungen_versenden)
    tun(s, um(date(2027, 3, 14)), aufgabe_verschieben, a.id, date(2027, 4, 30))
    for tag in range(14, 32):
        tun(s, um(date(2027, 3, tag)), erinnerungen_versenden)
    assert [m.anlass for m in mails(s)] == ["aufgabe_zugewiesen", "erinnerung", "frist_geaendert"]
    assert mails(s)[-1].kontext["alte_frist"] == "20.03.2027"
    tun(s, um(date(2027, 4, 23)), erinnerungen_versenden)
    assert mails(s)[-1].kontext["aufgabe"]["frist"] == "30.04.2027"
    assert mails(s)[-1].kontext["aufgabe"]["tage_bis_frist"] == 7


def test_die_uhrzeit_der_erinnerung_gilt_in_ortszeit_auch_ueber_die_zeitumstellung():
    from prozess.einstellungen import laden

    r = Regeln.aus(laden(umgebung={}))
    # 28. März 2027: Umstellung auf Sommerzeit. 7:00 Uhr Ortszeit ist danach 5:00 UTC statt 6:00.
    assert r.punkt(date(2027, 3, 27)).hour == 6
    assert r.punkt(date(2027, 3, 29)).hour == 5


def _erwartet(frist: date, erledigt: date | None, ende: date) -> Counter:
    """Unabhängig nachgerechnet: welche Mails eine Aufgabe bei täglichem Takt um 8 Uhr bekommt."""
    letzter = min(erledigt, ende) if erledigt else ende  # letzter Tag, an dem der Takt sie offen sieht
    zaehler = Counter()
    for tage in (7, 1):
        if frist - timedelta(days=tage) <= letzter:
            zaehler["erinnerung"] += 1
    if frist <= letzter:
        zaehler["heute_faellig"] += 1
    k = 1
    while frist + timedelta(days=7 * k) <= letzter:
        zaehler["ueberfaellig"] += 1
        k += 1
    if frist + timedelta(days=14) <= letzter:
        zaehler["eskalation"] += 2  # Bildungsmanagement und Vorsitz des Bildungsbeirats
    return zaehler


def test_ein_simuliertes_jahr_ueber_200_aufgaben_ergibt_genau_die_erwarteten_mails(s, einstellungen):
    zufall = random.Random(2027)
    start = date(2027, 1, 4)
    ende = date(2027, 12, 31)
    plan = []
    for _ in range(200):
        frist = start + timedelta(days=zufall.randint(10, 300))
        erledigt = frist + timedelta(days=zufall.randint(-5, 40)) if zufall.random() < 0.8 else None
        a = aufgabe(s, einstellungen, um(start, 7), frist)
        plan.append((a.id, frist, erledigt))
    erledigen_am: dict[date, list[int]] = {}
    for aid, _, erledigt in plan:
        if erledigt:
            erledigen_am.setdefault(erledigt, []).append(aid)
    tag = start
    while tag <= ende:
        tun(s, um(tag, 8), erinnerungen_versenden)
        for aid in erledigen_am.get(tag, []):
            tun(s, um(tag, 12), aufgabe_erledigen, aid)
        tag += timedelta(days=1)
    erwartet = Counter()
    for _, frist, erledigt in plan:
        erwartet += _erwartet(frist, erledigt, ende)
    tatsaechlich = Counter(m.anlass for m in mails(s) if m.anlass != "aufgabe_zugewiesen")
    assert tatsaechlich == erwartet
    assert len({m.schluessel for m in mails(s)}) == len(mails(s))


def test_naechster_zeitpunkt_liegt_immer_in_der_zukunft():
    from prozess.einstellungen import laden

    r = Regeln.aus(laden(umgebung={}))
    frist = date(2027, 3, 20)
    jetzt = um(date(2027, 1, 1))
    while jetzt < um(date(2027, 6, 1)):
        naechster = naechster_zeitpunkt(frist, jetzt, r, eskaliert=jetzt > um(date(2027, 4, 3)))
        assert naechster > jetzt
        art_und_tag = dringendste_erinnerung(frist, naechster, r)
        assert art_und_tag is not None or naechster == r.punkt(date(2027, 4, 3))
        jetzt = naechster


def test_eine_frist_in_der_vergangenheit_wird_abgewiesen(s, einstellungen):
    from prozess.fehler import Eingabefehler

    a = aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE)
    with pytest.raises(Eingabefehler, match="liegt in der Vergangenheit"):
        tun(s, um(date(2027, 3, 1)), aufgabe_verschieben, a.id, date(2027, 2, 27))
    s.expire_all()
    assert s.get(Aufgabe, a.id).frist == SAMSTAG_SCHULE


def _anweisungen_beim_takt(s, jetzt) -> tuple[int, int]:
    """Zahl der SQL-Anweisungen eines Durchgangs und der Eskalations-Mails darin."""
    anzahl, bericht = _anweisungen_und_bericht(s, jetzt, zwischenspeicher_leeren=False)
    return anzahl, bericht.mails.get("eskalation", 0)


@pytest.mark.parametrize("anzahl", [3, 30])
def test_eskalationen_kosten_gleich_viele_anweisungen_egal_wie_viele_es_sind(s, anzahl):
    """Die Zahl der Anweisungen wächst nicht mit der Zahl eskalierender Aufgaben (keine Abfrage je Aufgabe)."""
    for i in range(anzahl):
        aufgabe(s, None, um(date(2027, 3, 1)), SAMSTAG_SCHULE, email=[SCHULLEITUNG, SG_VORSITZ][i % 2])
    anweisungen, eskalationen = _anweisungen_beim_takt(s, um(SAMSTAG_SCHULE + timedelta(days=15)))
    assert eskalationen >= anzahl
    # Auswahl, Empfänger der Eskalationen, Bildungsmanagement, ihre Rollen (Link ins Büro?),
    # Grundkontext, persönliche Links (ein INSERT), Planung, Outbox; dazu BEGIN/Savepoint-Kleinkram
    # des Treibers. Fest, unabhängig von ``anzahl`` (gemessen: 7):
    assert anweisungen <= 8, anweisungen


VERWALTUNG_SCHULAUSSCHUSS = "sabine.lueken@lkclp.example"  # Steuerungsgruppe und Schulausschuss
SCHULAUSSCHUSS_VORSITZ = "heinrich.buehrmann@kreistag-clp.example"  # darf sich nicht anmelden


def _link_gehoert(s, link: str, email: str) -> bool:
    from modelle.teilnahme import Teilnahmelink
    from prozess.teilnahmelink import token_hash

    token = link.rsplit("/teilnahme/", 1)[1]
    zeile = s.exec(select(Teilnahmelink).where(Teilnahmelink.token_hash == token_hash(token))).one()
    return zeile.person_id == person_per_email(s, email).id


def test_erinnerungen_tragen_den_persoenlichen_link_die_eskalation_den_link_ins_buero(s, einstellungen):
    from benachrichtigungen.darstellung import darstellen

    a = aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE, email=VERWALTUNG_SCHULAUSSCHUSS)
    for tag in (-7, 0, 7, 14):
        tun(s, um(SAMSTAG_SCHULE + timedelta(days=tag)), erinnerungen_versenden)
    basis = einstellungen.basis_url
    an_die_person = [m for m in mails(s) if m.anlass in ("erinnerung", "heute_faellig", "ueberfaellig")]
    assert [m.anlass for m in an_die_person] == ["erinnerung", "heute_faellig", "ueberfaellig", "ueberfaellig"]
    for m in an_die_person:
        link = m.kontext["teilnahme"]["link"]
        assert link.startswith(f"{basis}/teilnahme/") and _link_gehoert(s, link, VERWALTUNG_SCHULAUSSCHUSS)
        assert link in darstellen(m.vorlage, m.kontext).text
    assert len({m.kontext["teilnahme"]["link"] for m in an_die_person}) == 4  # je Durchgang ein neues Token
    # Die Eskalation: wer sich anmelden darf, bekommt die Seite der Aufgabe im Büro; kein persönlicher Link.
    eskalation = {m.empfaenger_email: m for m in mails(s, "eskalation")}
    assert sorted(eskalation) == sorted([MANAGEMENT, SG_VORSITZ, SCHULAUSSCHUSS_VORSITZ])
    for email, m in eskalation.items():
        assert "teilnahme" not in m.kontext
        text = darstellen(m.vorlage, m.kontext).text
        if email == SCHULAUSSCHUSS_VORSITZ:
            assert m.kontext["aufgabenseite"] is None and "/aufgaben/" not in text
        else:
            assert m.kontext["aufgabenseite"] == {"link": f"{basis}/aufgaben/{a.id}"} and f"{basis}/aufgaben/{a.id}" in text


def test_ein_durchgang_stellt_je_person_ein_token_aus_in_einer_anweisung(s, einstellungen):
    from sqlalchemy import event, func

    from modelle.teilnahme import Teilnahmelink

    for email in (SCHULLEITUNG, SCHULLEITUNG, SCHULLEITUNG, SG_VORSITZ):
        aufgabe(s, einstellungen, um(date(2027, 3, 1)), SAMSTAG_SCHULE, email=email)
    vorher = s.exec(select(func.count()).select_from(Teilnahmelink)).one()
    einfuegen = []
    verbindung = s.connection()

    def zaehlen(_conn, _cursor, anweisung, *_):
        if anweisung.lstrip().upper().startswith("INSERT INTO TEILNAHMELINK"):
            einfuegen.append(anweisung)

    event.listen(verbindung, "before_cursor_execute", zaehlen)
    try:
        bericht = tun(s, um(SAMSTAG_SCHULE - timedelta(days=7)), erinnerungen_versenden)
    finally:
        event.remove(verbindung, "before_cursor_execute", zaehlen)
    assert bericht.mails == {"erinnerung": 4} and len(einfuegen) == 1
    assert s.exec(select(func.count()).select_from(Teilnahmelink)).one() == vorher + 2
    links = {m.empfaenger_email: set() for m in mails(s, "erinnerung")}
    for m in mails(s, "erinnerung"):
        links[m.empfaenger_email].add(m.kontext["teilnahme"]["link"])
    assert {email: len(l) for email, l in links.items()} == {SCHULLEITUNG: 1, SG_VORSITZ: 1}


def test_der_kontext_jeder_mail_ist_der_von_mail_kontext_auch_bei_sonderzeichen(s, einstellungen):
    """Der Lauf baut die Kontexte als JSON-Text aus Teilen; sie müssen genau die Werte und die Reihenfolge
    der Schlüssel haben, die ``mail_kontext`` ergäbe – auch mit Anführungszeichen, Backslash, Umbrüchen,
    Umlauten und Zeichen außerhalb der BMP in Titeln, Beschreibung und Namen."""
    from benachrichtigungen.kontexte import aufgabe_kontext, feld_kontext, mail_kontext
    from modelle.tabellen import Handlungsfeld, Massnahme, Person
    from prozess.grundkontext import grundkontext
    from prozess.handlungsfelder import handlungsfeld_anlegen
    from prozess.zyklus import ZUSTAND_BEZEICHNUNG
    from tests.hilfen import vollstaendige_massnahme

    feld_id = tun(s, um(date(2027, 3, 1)), handlungsfeld_anlegen, 'Übergänge "Schule – Beruf" \\ 🎓',
                  person_per_email(s, MANAGEMENT).id).id
    massnahme_id = vollstaendige_massnahme(s, feld_id, um(date(2027, 3, 1)))
    verantwortlich = person_per_email(s, VERWALTUNG_SCHULAUSSCHUSS)
    beschreibung = 'Zeile 1: "zitiert"\nZeile 2:\tTab \\ Backslash, Ümlaut, 🎉, </script>'
    a = tun(s, um(date(2027, 3, 1)), aufgabe_anlegen, titel='Fehlzeiten "melden" – Übersicht \\ März',
            verantwortlich=verantwortlich, frist=SAMSTAG_SCHULE, massnahme_id=massnahme_id,
            beschreibung=beschreibung)
    zeitpunkte = {"erinnerung": um(SAMSTAG_SCHULE - timedelta(days=7)),
                  "ueberfaellig": um(SAMSTAG_SCHULE + timedelta(days=14))}
    for jetzt in zeitpunkte.values():
        tun(s, jetzt, erinnerungen_versenden)
    zeitpunkte["eskalation"] = zeitpunkte["ueberfaellig"]
    s.expire_all()
    feld, massnahme = s.get(Handlungsfeld, feld_id), s.get(Massnahme, massnahme_id)
    grund = grundkontext(s)
    gesehen = Counter()
    for m in mails(s):
        if m.anlass not in zeitpunkte:
            continue
        gesehen[m.anlass] += 1
        teile = dict(aufgabe=aufgabe_kontext(aufgabe_id=a.id, titel=a.titel, beschreibung=beschreibung,
                                             frist=SAMSTAG_SCHULE, jetzt=zeitpunkte[m.anlass],
                                             zone=einstellungen.zeitzone),
                     handlungsfeld=feld_kontext(feld.id, feld.titel, ZUSTAND_BEZEICHNUNG[feld.zustand]),
                     massnahme={"titel": massnahme.titel})
        empfaenger = s.get(Person, m.person_id)
        if m.anlass == "eskalation":
            seite = m.kontext["aufgabenseite"]
            assert seite in (None, {"link": f"{einstellungen.basis_url}/aufgaben/{a.id}"})
            erwartet = mail_kontext(grund, empfaenger.name,
                                    verantwortlich={"name": verantwortlich.name,
                                                    "organisation": verantwortlich.organisation or ""},
                                    aufgabenseite=seite, **teile)
        else:
            erwartet = mail_kontext(grund, empfaenger.name, teilnahme={"link": m.kontext["teilnahme"]["link"]},
                                    **teile)
        assert m.kontext == erwartet
        assert list(m.kontext) == list(erwartet)
    assert gesehen == {"erinnerung": 1, "ueberfaellig": 1, "eskalation": 3}


def test_die_zahl_der_anweisungen_haengt_nicht_von_der_zahl_der_faelligen_ab(s):
    """Erinnerungen, Überfällig-Mails und Eskalationen gemischt: für 3 fällige Aufgaben so viele
    Anweisungen wie für 36 (eine Auswahl, eine Abfrage je Art Empfänger, je ein executemany)."""
    def anweisungen(anzahl: int, tag: date) -> tuple[int, dict]:
        frist_nah, frist_alt = tag + timedelta(days=7), tag - timedelta(days=14)
        anlegen = um(tag - timedelta(days=20))
        for i in range(anzahl):
            # Drei Arten: 7 Tage vor der Frist, eine Woche überfällig, zwei Wochen überfällig (eskalierend).
            frist = [frist_nah, tag - timedelta(days=7), frist_alt][i % 3]
            aufgabe(s, None, anlegen, frist, email=[SCHULLEITUNG, SG_VORSITZ, VERWALTUNG_SCHULAUSSCHUSS][i % 3])
        gezaehlt, bericht = _anweisungen_und_bericht(s, um(tag))
        return gezaehlt, bericht.mails

    wenige, arten_wenige = anweisungen(3, date(2027, 5, 10))
    viele, arten_viele = anweisungen(36, date(2027, 9, 13))
    assert set(arten_wenige) == set(arten_viele) == {"erinnerung", "ueberfaellig", "eskalation"}
    assert sum(arten_viele.values()) >= 12 * sum(arten_wenige.values())
    assert viele == wenige, (wenige, viele)


def _anweisungen_und_bericht(s, jetzt, *, zwischenspeicher_leeren: bool = True):
    """Anweisungen und Bericht eines Durchgangs; mit ``zwischenspeicher_leeren`` ohne die gemerkten Rollen der
    Session (wie ein neuer Takt)."""
    from sqlalchemy import event

    from prozess.rollen import vergessen

    if zwischenspeicher_leeren:
        vergessen(s)
    gezaehlt = []
    verbindung = s.connection()
    zaehlen = lambda *args: gezaehlt.append(1)  # noqa: E731 – ein Zähler, nichts weiter
    event.listen(verbindung, "before_cursor_execute", zaehlen)
    try:
        bericht = tun(s, jetzt, erinnerungen_versenden)
    finally:
        event.remove(verbindung, "before_cursor_execute", zaehlen)
    return len(gezaehlt), bericht
