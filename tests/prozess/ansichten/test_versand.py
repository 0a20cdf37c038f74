"""Die Übersicht der Outbox als schlichte Daten: Zahlen mit Bezeichnung, Gescheiterte, Ansprüche, Pause."""

from __future__ import annotations

from datetime import timedelta

from benachrichtigungen.warteschlange import anhalten, beanspruchen
from prozess.ansichten.versand import versand_uebersicht
from tests.benachrichtigungen.test_versand import JETZT, auftraege, leeren
from tests.hilfen import MONITORING, SCHULLEITUNG

HALTER = "rechner:4711:abcd1234"


def test_die_uebersicht_zeigt_zahlen_gescheiterte_ansprueche_und_pause(smtp_umgebung, smtp_server):
    smtp_server.postfach.immer[SCHULLEITUNG] = "550 5.1.1 Postfach unbekannt"
    smtp_server.postfach.einmal[MONITORING] = ["451 4.3.0 Bitte später"]
    auftraege(smtp_umgebung, 1)  # 1: scheitert dauerhaft (und 3: Meldung an das Management, gesendet)
    auftraege(smtp_umgebung, 1, email=MONITORING)  # 2: scheitert vorübergehend
    leeren(smtp_umgebung)
    auftraege(smtp_umgebung, 2, email=MONITORING)  # 4, 5: beansprucht von einem anderen Versender
    anspruch = timedelta(seconds=30)
    with smtp_umgebung.engine.begin() as v:
        beanspruchen(v, JETZT, JETZT, 10, HALTER, anspruch)
        anhalten(v, JETZT, "Der SMTP-Server weist ab (554 5.7.1 Relay access denied)")

    with smtp_umgebung.lesen(lambda: JETZT + timedelta(seconds=10)) as arbeit:
        u = versand_uebersicht(arbeit)
    assert [(z.bezeichnung, z.anzahl) for z in u.zahlen] == [
        ("wartend", 0), ("im Versand", 2), ("gesendet", 1), ("vorübergehend gescheitert", 1),
        ("dauerhaft gescheitert", 1), ("verworfen", 0)]
    assert u.gescheitert.gesamt == 2
    dauerhaft, voruebergehend = u.gescheitert.eintraege
    assert (dauerhaft.id, dauerhaft.empfaenger, dauerhaft.dauerhaft, dauerhaft.fehler, dauerhaft.naechster_versuch) == \
        (1, SCHULLEITUNG, True, "550 5.1.1 Postfach unbekannt", None)
    assert (voruebergehend.id, voruebergehend.fehler, voruebergehend.versuche, voruebergehend.naechster_versuch) == \
        (2, "451 4.3.0 Bitte später", 1, JETZT + timedelta(minutes=5))
    assert [(b.id, b.halter, b.bis, b.abgelaufen) for b in u.beansprucht.eintraege] == \
        [(4, HALTER, JETZT + anspruch, False), (5, HALTER, JETZT + anspruch, False)]
    assert u.beansprucht.gesamt == 2
    assert (u.pause.grund, u.pause.seit, u.pause.naechster_versuch) == \
        ("Der SMTP-Server weist ab (554 5.7.1 Relay access denied)", JETZT, JETZT + timedelta(minutes=5))
    assert (u.wartende.anzahl, u.wartende.erster_versuch) == (1, JETZT + timedelta(minutes=5))

    with smtp_umgebung.lesen(lambda: JETZT + timedelta(minutes=1)) as arbeit:
        spaeter = versand_uebersicht(arbeit, grenze=1)
    assert [b.abgelaufen for b in spaeter.beansprucht.eintraege] == [True]  # der Halter meldet sich nicht mehr
    assert (len(spaeter.gescheitert.eintraege), spaeter.gescheitert.weitere, spaeter.beansprucht.weitere) == (1, 1, 1)


def test_eine_leere_outbox_zeigt_jeden_status_mit_null(umgebung):
    with umgebung.lesen(lambda: JETZT) as arbeit:
        u = versand_uebersicht(arbeit)
    assert {z.anzahl for z in u.zahlen} == {0} and len(u.zahlen) == 6
    assert (u.gescheitert.eintraege, u.beansprucht.eintraege, u.pause, u.wartende.anzahl) == ([], [], None, 0)
