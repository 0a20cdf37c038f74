"""Gezählte Geschichte und Aufbewahrung: ``versandstand`` stimmt mit der Outbox, alte Inhalte gehen, Schlüssel bleiben."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update

from benachrichtigungen import warteschlange
from benachrichtigungen.outbox import Mail, vormerken
from modelle.tabellen import Outbox, Versandstand
from prozess.ansichten.versand import versand_uebersicht
from prozess.takt import takt
from prozess.versand import aufbewahren
from tests.benachrichtigungen.test_darstellung import beispielkontext
from tests.benachrichtigungen.test_versand import JETZT, auftraege, leeren
from tests.hilfen import SCHULLEITUNG


def gezaehlt_und_wahr(umgebung) -> tuple[dict, dict]:
    """(was ``statuszahlen`` sagt, was ein Zählen über alle Zeilen ergibt), nur Status mit Zeilen."""
    with umgebung.engine.connect() as v:
        zahlen = {s: n for s, n in warteschlange.statuszahlen(v).items() if n}
        wahr = dict(v.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
    return zahlen, wahr


KONTEXT = beispielkontext("erinnerung")


def mails(anzahl: int, anfang: int = 0) -> list[Mail]:
    return [Mail(f"test:{i}", "erinnerung", "erinnerung", KONTEXT, SCHULLEITUNG, "Thomas Ostendorf")
            for i in range(anfang, anfang + anzahl)]


def test_gesendete_und_verworfene_zaehlt_die_datenbank_mit_wer_auch_immer_schreibt(smtp_umgebung):
    auftraege(smtp_umgebung, 5)
    assert leeren(smtp_umgebung).gesendet == 5
    zahlen, wahr = gezaehlt_und_wahr(smtp_umgebung)
    assert zahlen == wahr == {"gesendet": 5}
    with smtp_umgebung.engine.begin() as v:  # von Hand, an der Bibliothek vorbei: auch das zählt
        v.execute(update(Outbox).where(Outbox.id <= 2).values(status="verworfen"))
        vormerken(v, mails(3), JETZT, "lkclp.example")
        v.execute(update(Outbox).where(Outbox.schluessel == "test:0").values(status="gesendet"))
        v.execute(delete(Outbox).where(Outbox.id == 3))
    zahlen, wahr = gezaehlt_und_wahr(smtp_umgebung)
    assert zahlen == wahr == {"gesendet": 3, "verworfen": 2, "wartend": 2}


def test_die_uebersicht_zeigt_die_gezaehlten_zahlen(smtp_umgebung):
    auftraege(smtp_umgebung, 3)
    leeren(smtp_umgebung)
    with smtp_umgebung.engine.begin() as v:
        vormerken(v, mails(2), JETZT, "lkclp.example")
    with smtp_umgebung.lesen(lambda: JETZT) as arbeit:
        uebersicht = versand_uebersicht(arbeit)
    assert {z.status: z.anzahl for z in uebersicht.zahlen} == {
        "wartend": 2, "in_versand": 0, "gesendet": 3, "fehler_voruebergehend": 0, "fehler_dauerhaft": 0,
        "verworfen": 0}


def test_fehlt_die_zeile_des_stands_legt_der_naechste_versand_sie_an(smtp_umgebung):
    with smtp_umgebung.engine.begin() as v:
        v.execute(delete(Versandstand))
    auftraege(smtp_umgebung, 2)
    leeren(smtp_umgebung)
    assert gezaehlt_und_wahr(smtp_umgebung)[0] == {"gesendet": 2}


def inhalt(umgebung) -> dict[str, tuple]:
    with umgebung.engine.connect() as v:
        return {z.schluessel: (z.status, z.kontext, z.empfaenger_email, z.empfaenger_name)
                for z in v.execute(select(Outbox).order_by(Outbox.id))}


def test_nach_der_aufbewahrung_geht_der_inhalt_und_der_schluessel_bleibt(smtp_umgebung):
    tage = smtp_umgebung.einstellungen.versand_aufbewahrung_tage
    with smtp_umgebung.engine.begin() as v:
        vormerken(v, mails(3), JETZT, "lkclp.example")
    leeren(smtp_umgebung)  # drei gesendet zu JETZT
    with smtp_umgebung.engine.begin() as v:
        vormerken(v, mails(1, anfang=3), JETZT, "lkclp.example")
        v.execute(update(Outbox).where(Outbox.schluessel == "test:3").values(status="fehler_dauerhaft"))

    # Einen Tag vor Ablauf der Frist bleibt alles.
    with smtp_umgebung.arbeit(lambda: JETZT + timedelta(days=tage - 1)) as arbeit:
        assert aufbewahren(arbeit) == 0
    assert all(kontext for _, kontext, _, _ in inhalt(smtp_umgebung).values())

    with smtp_umgebung.arbeit(lambda: JETZT + timedelta(days=tage, minutes=1)) as arbeit:
        assert aufbewahren(arbeit) == 3
    danach = inhalt(smtp_umgebung)
    assert [danach[f"test:{i}"] for i in range(3)] == [("gesendet", {}, "", "")] * 3
    assert danach["test:3"][1:] == (KONTEXT, SCHULLEITUNG, "Thomas Ostendorf")
    # Der Schlüssel bleibt: dieselbe Mail wird nicht noch einmal vorgemerkt, und gezählt bleibt sie auch.
    with smtp_umgebung.engine.begin() as v:
        vormerken(v, mails(1), JETZT + timedelta(days=tage + 1), "lkclp.example")
    assert len(inhalt(smtp_umgebung)) == 4
    assert gezaehlt_und_wahr(smtp_umgebung)[0] == {"gesendet": 3, "fehler_dauerhaft": 1}


def test_die_aufbewahrung_holt_je_aufruf_hoechstens_einen_tag_nach_und_nie_zweimal(smtp_umgebung):
    for tag in range(3):
        jetzt = JETZT + timedelta(days=tag)
        with smtp_umgebung.engine.begin() as v:
            vormerken(v, mails(2, anfang=2 * tag), jetzt, "lkclp.example")
        leeren(smtp_umgebung, jetzt)
    spaeter = JETZT + timedelta(days=smtp_umgebung.einstellungen.versand_aufbewahrung_tage + 10)
    geleert = []
    for _ in range(5):
        with smtp_umgebung.arbeit(lambda: spaeter) as arbeit:
            geleert.append(aufbewahren(arbeit))
    assert geleert == [2, 2, 2, 0, 0]
    assert all(z[1] == {} for z in inhalt(smtp_umgebung).values())


def test_der_takt_wendet_die_aufbewahrung_an(smtp_umgebung):
    with smtp_umgebung.engine.begin() as v:
        vormerken(v, mails(2), JETZT, "lkclp.example")
    leeren(smtp_umgebung)
    bericht = takt(smtp_umgebung, JETZT + timedelta(days=smtp_umgebung.einstellungen.versand_aufbewahrung_tage + 1))
    assert bericht.aufbewahrt == 2

