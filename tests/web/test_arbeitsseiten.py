"""Die Arbeitsseiten: Aufgabe neu zuweisen und neu befristen, Sitzung mit Tagesordnung und Beschluss,
Statusberichte, Postausgang, Kennzahlen auf der Feldseite. Jede Aktion prüft Rolle und Wächter der
Bibliothek; was abgewiesen wird, ändert nichts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from modelle.tabellen import Aufgabe, Handlungsfeld, Outbox, Statusbericht
from prozess.sitzungen import sitzung_anlegen
from tests.hilfen import (
    MANAGEMENT, MONITORING, SG_MITGLIED, SG_VORSITZ, feld_anlegen, feld_im_zustand, pid, tun,
)
from tests.web.conftest import abbild_der, anmelden, csrf

DATEN = Path(__file__).resolve().parent.parent / "monitoring" / "daten"


@pytest.fixture
def db(web_umgebung):
    with web_umgebung.db_session() as session:
        session.info["test_einstellungen"] = web_umgebung.einstellungen
        yield session


def _maildir(web_umgebung) -> Path:
    return Path(web_umgebung.einstellungen.maildir_pfad)


def _aufgabe(db, feld_id: int) -> Aufgabe:
    db.expire_all()
    return db.execute(select(Aufgabe).where(Aufgabe.handlungsfeld_id == feld_id)).scalars().first()


def test_eine_aufgabe_wird_neu_zugewiesen_und_neu_befristet(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    aufgabe = _aufgabe(db, feld_id)
    anmelden(browser, _maildir(web_umgebung))
    liste = browser.get("/aufgaben").text
    assert f'<a href="/aufgaben/{aufgabe.id}">' in liste
    seite = browser.get(f"/aufgaben/{aufgabe.id}").text
    assert "<dt>Zuständig</dt><dd>Jörg Többen</dd>" in seite or "Zuständig" in seite
    assert '<label for="email">E-Mail-Adresse der neuen zuständigen Person</label>' in seite
    antwort = browser.post(f"/aufgaben/{aufgabe.id}/zuweisen", data={"email": MANAGEMENT, "csrf": csrf(browser)})
    assert antwort.status_code == 303
    assert "Die Aufgabe ist neu zugewiesen" in browser.get(antwort.headers["location"]).text
    assert _aufgabe(db, feld_id).verantwortlich_id == pid(db, MANAGEMENT)
    neue = (uhr.jetzt + timedelta(days=90)).astimezone(web_umgebung.einstellungen.zeitzone).date()
    antwort = browser.post(f"/aufgaben/{aufgabe.id}/frist", data={"frist": neue.isoformat(), "csrf": csrf(browser)})
    assert antwort.status_code == 303
    seite = browser.get(antwort.headers["location"]).text
    assert "Die neue Frist ist gesetzt" in seite and neue.strftime("%d.%m.%Y") in seite
    assert _aufgabe(db, feld_id).frist == neue


def test_falsche_angaben_zur_aufgabe_nennen_den_grund_und_aendern_nichts(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    aufgabe_id = _aufgabe(db, feld_id).id
    anmelden(browser, _maildir(web_umgebung))
    vorher = abbild_der(web_umgebung)
    unbekannt = browser.post(f"/aufgaben/{aufgabe_id}/zuweisen", data={"email": "wer@example.org",
                                                                         "csrf": csrf(browser)})
    assert unbekannt.status_code == 422 and "Keine Person mit der E-Mail-Adresse" in unbekannt.text
    assert 'value="wer@example.org"' in unbekannt.text
    vergangen = browser.post(f"/aufgaben/{aufgabe_id}/frist", data={"frist": "2000-01-01", "csrf": csrf(browser)})
    assert vergangen.status_code == 422 and "liegt in der Vergangenheit" in vergangen.text
    kein_datum = browser.post(f"/aufgaben/{aufgabe_id}/frist", data={"frist": "morgen", "csrf": csrf(browser)})
    assert kein_datum.status_code == 422 and "ist kein Datum" in kein_datum.text
    assert browser.get("/aufgaben/999").status_code == 404
    assert browser.post("/aufgaben/999/zuweisen", data={"email": MANAGEMENT, "csrf": csrf(browser)}).status_code == 404
    assert abbild_der(web_umgebung) == vorher


def test_wer_nicht_im_buero_ist_verteilt_keine_aufgaben_um_und_versucht_keine_mails(browser, web_umgebung, db, uhr):
    feld_id = feld_anlegen(db, web_umgebung.einstellungen, uhr)
    aufgabe_id = _aufgabe(db, feld_id).id
    db.execute(update(Outbox).where(Outbox.id == 1).values(status="fehler_dauerhaft", letzter_fehler="550 weg"))
    db.commit()
    anmelden(browser, _maildir(web_umgebung), SG_MITGLIED)
    vorher = abbild_der(web_umgebung)
    for pfad, daten in [(f"/aufgaben/{aufgabe_id}/zuweisen", {"email": MANAGEMENT}),
                        (f"/aufgaben/{aufgabe_id}/frist", {"frist": "2099-01-01"}),
                        ("/versand/wiederholen", {"alle": "1"})]:
        antwort = browser.post(pfad, data={**daten, "csrf": csrf(browser)})
        assert antwort.status_code == 403, pfad
        assert "darf nur das Bildungsbüro" in antwort.text
    assert abbild_der(web_umgebung) == vorher


def test_ein_beschluss_in_der_sitzung_loest_seinen_schritt_aus(browser, web_umgebung, db, uhr):
    feld_id = feld_im_zustand(db, web_umgebung.einstellungen, uhr, "steuerungspruefung")
    sitzung = tun(db, uhr.jetzt, sitzung_anlegen, "steuerungsgruppe", uhr.jetzt + timedelta(days=30), "Raum 214")
    anmelden(browser, _maildir(web_umgebung), SG_VORSITZ)
    liste = browser.get("/sitzungen").text
    assert "Kommende Sitzungen (1)" in liste and f'href="/sitzungen/{sitzung.id}"' in liste
    seite = browser.get(f"/sitzungen/{sitzung.id}").text
    assert "<h1>Steuerungsgruppe Bildung am" in seite
    assert "Tagesordnung (Vorschau)" in seite and "Schulabsentismus" in seite
    daten = {"feld": str(feld_id), "schritt": "massnahmen_beschliessen", "text": "Die Maßnahmen werden beschlossen.",
             "csrf": csrf(browser)}
    antwort = browser.post(f"/sitzungen/{sitzung.id}/beschluesse", data=daten)
    assert antwort.status_code == 303, antwort.text
    assert re.search(r"Beschluss \d+ ist festgehalten", browser.get(antwort.headers["location"]).text)
    db.expire_all()
    assert db.get(Handlungsfeld, feld_id).zustand == "massnahmen_beschlossen"


def test_ein_beschluss_den_der_schritt_nicht_erlaubt_aendert_nichts(browser, web_umgebung, db, uhr):
    feld_id = feld_im_zustand(db, web_umgebung.einstellungen, uhr, "steuerungspruefung")
    sitzung = tun(db, uhr.jetzt, sitzung_anlegen, "steuerungsgruppe", uhr.jetzt + timedelta(days=30))
    anmelden(browser, _maildir(web_umgebung), MONITORING)
    vorher = abbild_der(web_umgebung)
    daten = {"feld": str(feld_id), "schritt": "massnahmen_beschliessen", "text": "Beschlossen.", "csrf": csrf(browser)}
    antwort = browser.post(f"/sitzungen/{sitzung.id}/beschluesse", data=daten)
    assert antwort.status_code == 409 and 'role="alert"' in antwort.text
    assert "Diesen Schritt darf nur auslösen" in antwort.text
    assert "Beschlossen." in antwort.text  # der Text bleibt im Formular
    ohne_feld = browser.post(f"/sitzungen/{sitzung.id}/beschluesse",
                             data={"feld": "x", "text": "Beschlossen.", "csrf": csrf(browser)})
    assert ohne_feld.status_code == 422 and "ist keine Nummer" in ohne_feld.text
    assert abbild_der(web_umgebung) == vorher
    anmelden(browser, _maildir(web_umgebung), SG_MITGLIED)
    vorher = abbild_der(web_umgebung)
    ohne_schritt = browser.post(f"/sitzungen/{sitzung.id}/beschluesse", data={"text": "Zur Kenntnis genommen.",
                                                                               "csrf": csrf(browser)})
    assert ohne_schritt.status_code == 403 and "darf nur das Bildungsbüro" in ohne_schritt.text
    assert abbild_der(web_umgebung) == vorher


def test_statusberichte_werden_gelistet_und_mit_ihrem_versandten_text_gezeigt(browser, web_umgebung, db, uhr):
    from modelle.tabellen import Gremium

    gremium = db.execute(select(Gremium).where(Gremium.kuerzel == "schulausschuss")).scalar_one()
    db.add(Statusbericht(schluessel="rhythmus:2027-01", gremium_id=gremium.id, anlass="rhythmus", erstellt_am=uhr.jetzt,
                         betreff="Statusbericht Bildungsbüro", text="Schulabsentismus: <in Prüfung>", html="<p>x</p>"))
    db.commit()
    anmelden(browser, _maildir(web_umgebung))
    liste = browser.get("/statusberichte").text
    assert "Statusberichte (1)" in liste and 'href="/statusberichte/1"' in liste
    bericht = browser.get("/statusberichte/1").text
    assert "<h1>Statusbericht Bildungsbüro</h1>" in bericht
    assert "Schulabsentismus: &lt;in Prüfung&gt;" in bericht
    assert browser.get("/statusberichte/2").status_code == 404


def test_der_postausgang_zeigt_gescheiterte_mails_und_versucht_sie_erneut(browser, web_umgebung, db, uhr):
    feld_anlegen(db, web_umgebung.einstellungen, uhr)
    db.execute(update(Outbox).where(Outbox.id == 1).values(status="fehler_dauerhaft", versuche=1,
                                                           letzter_fehler="550 5.1.1 Postfach unbekannt"))
    db.commit()
    anmelden(browser, _maildir(web_umgebung))
    seite = browser.get("/versand").text
    assert "<h1>Postausgang</h1>" in seite
    assert "<td>dauerhaft gescheitert</td><td>1</td>" in seite
    assert "550 5.1.1 Postfach unbekannt" in seite and 'name="nummer" value="1"' in seite
    antwort = browser.post("/versand/wiederholen", data={"nummer": "1", "csrf": csrf(browser)})
    assert antwort.status_code == 303
    assert "1 Mail erneut eingereiht" in browser.get(antwort.headers["location"]).text
    db.expire_all()
    assert db.get(Outbox, 1).status == "wartend"
    noch_einmal = browser.post("/versand/wiederholen", data={"nummer": "1", "csrf": csrf(browser)})
    assert noch_einmal.status_code == 422 and "nicht dauerhaft gescheitert" in noch_einmal.text
    leer = browser.post("/versand/wiederholen", data={"alle": "1", "csrf": csrf(browser)})
    assert "Keine dauerhaft gescheiterten Mails." in browser.get(leer.headers["location"]).text


def test_die_feldseite_zeigt_die_kennzahlen_des_landkreises_und_die_ziele(browser, web_umgebung, db, uhr):
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen

    feld_id = feld_im_zustand(db, web_umgebung.einstellungen, uhr, "daten_zusammengestellt")
    anmelden(browser, _maildir(web_umgebung))
    assert "Mit diesem Handlungsfeld ist noch keine Kennzahl verknüpft." in browser.get(f"/handlungsfelder/{feld_id}").text
    with web_umgebung.arbeit() as arbeit:
        kennzahlen_importieren(arbeit, DATEN / "21111-02-06-4_flat.csv")
        kennzahl_verknuepfen(arbeit, feld_id, "abgaenger_ohne_abschluss_anteil_abgaenger")
    seite = browser.get(f"/handlungsfelder/{feld_id}").text
    assert "<caption>" in seite and "Anteil an: alle Absolventinnen/Absolventen" in seite
    assert "<td>2022/23</td><td>8,3 %</td>" in seite  # der neueste Zeitraum (monitoring.feldstand)
    assert "Landkreis Cloppenburg" in seite
    assert "Quellen: " in seite and "zuletzt importiert am" in seite
    assert "Maßnahme: Fehlzeiten-Ampel – geplant" in seite
