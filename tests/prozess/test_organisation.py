"""Die Organisationsdatei: prüfen, idempotent laden, Änderungen melden."""

from __future__ import annotations

import pytest

from prozess.arbeit import arbeitseinheit
from sqlmodel import func, select

from modelle.tabellen import Gremium, Mitgliedschaft, Person, Schrittprotokoll
from prozess.fehler import Eingabefehler, Konfigurationsfehler
from prozess.organisation import datei_lesen, organisation_laden, person_entfernen
from tests.conftest import ORGANISATION
from tests.eingaben import abgewiesen, datenbank, verzeichnis_abbild  # noqa: F401  (datenbank: Fixture)
from tests.hilfen import tun, abbild, feld_anlegen
from tests.prozess.cli.test_bedienung import bb


def test_die_cloppenburger_organisation_hat_alle_gremien_und_rollen_des_konzepts():
    org = datei_lesen(ORGANISATION)
    assert {g.kuerzel for g in org.gremien} == {
        "bildungsbuero", "bildungsbeirat", "steuerungsgruppe", "schulausschuss", "bildungskonferenz"}
    rollen = {f"{g}:{r}" for p in org.personen for g, r in p.rollen}
    assert {"bildungsbuero:bildungsmanagement", "bildungsbuero:bildungsmonitoring", "steuerungsgruppe:vorsitz"} <= rollen
    beirat = next(g for g in org.gremien if g.kuerzel == "bildungsbeirat")
    assert beirat.rhythmus["monate"] == [3, 9]


def test_zweites_laden_aendert_nichts_und_sagt_das(organisation):
    with organisation.db_session() as s:
        vorher = abbild(s)
        with arbeitseinheit(s, organisation.uhr, organisation.einstellungen) as arbeit:
            bericht = organisation_laden(arbeit, datei_lesen(ORGANISATION))
        assert bericht.aenderungen == []
        assert abbild(s) == vorher


def test_geaenderte_datei_meldet_jede_aenderung(organisation, tmp_path):
    text = ORGANISATION.read_text(encoding="utf-8")
    text = text.replace('name = "Jörg Többen"', 'name = "Jörg Többen-Meyer"')
    text = text.replace('rollen = ["bildungskonferenz:mitglied"]', 'rollen = ["bildungsbeirat:mitglied"]')
    datei = tmp_path / "org.toml"
    datei.write_text(text, encoding="utf-8")
    with organisation.arbeit() as arbeit:
        bericht = organisation_laden(arbeit, datei_lesen(datei))
        assert sorted(bericht.aenderungen) == sorted([
            "Person geändert: Jörg Többen-Meyer",
            "Rolle hinzugefügt: Frank Deeken – bildungsbeirat:mitglied",
            "Rolle entfernt: Frank Deeken – bildungskonferenz:mitglied",
        ])


@pytest.mark.parametrize("ersetzen,falsch,meldung", [
    ('email = "joerg.toebben@lkclp.example"', 'email = "joerg.toebben(at)lkclp"',
     "[[person]] Nr. 2, email: »joerg.toebben(at)lkclp« ist keine gültige E-Mail-Adresse"),
    ('rollen = ["bildungsbuero:bildungsmonitoring"]', 'rollen = ["stadtrat:mitglied"]',
     "[[person]] Nr. 2, rollen: »stadtrat:mitglied« muss »gremium:rolle« sein"),
    ('uhrzeit = "17:00"', 'uhrzeit = "17 Uhr"',
     "Gremium »bildungsbeirat«, sitzungen.uhrzeit: »17 Uhr« hat nicht die Form HH:MM"),
    ('monate = [3, 9]', 'monate = [3, 13]',
     "Gremium »bildungsbeirat«, sitzungen.monate: erwartet eine ganze Zahl von 1 bis 12, nicht 13"),
    ('name = "Anna Meyer"', 'name = "Anna\\nMeyer"',
     "[[person]] Nr. 1, name: der Text enthält einen Zeilenumbruch; er muss eine Zeile sein"),
    ('name = "Anna Meyer"', f'name = "{"A" * 201}"',
     "[[person]] Nr. 1, name: der Text ist 201 Zeichen lang, erlaubt sind höchstens 200"),
], ids=["email", "rolle", "uhrzeit", "monat", "zeilenumbruch", "zu_lang"])
def test_ein_fehler_in_der_datei_nennt_die_stelle_und_schreibt_nichts(organisation, tmp_path, ersetzen, falsch,
                                                                     meldung):
    datei = tmp_path / "org.toml"
    datei.write_text(ORGANISATION.read_text(encoding="utf-8").replace(ersetzen, falsch, 1), encoding="utf-8")
    with organisation.db_session() as s:
        vorher = abbild(s)
        with pytest.raises(Eingabefehler) as info, arbeitseinheit(s, organisation.uhr, organisation.einstellungen) as a:
            organisation_laden(a, datei_lesen(datei))
        assert meldung in str(info.value)
        assert str(datei) in str(info.value)
        assert abbild(s) == vorher


def test_eine_entfernte_person_verliert_name_adresse_und_rollen_das_protokoll_bleibt(s, einstellungen, uhr):
    feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, person_entfernen, "anna.meyer@lkclp.example")
    s.expire_all()
    anna = s.exec(select(Person).join(Schrittprotokoll, Schrittprotokoll.person_id == Person.id)).one()
    assert (anna.email, anna.organisation, anna.name) == (None, None, f"entfernte Person {anna.id}")
    assert s.exec(select(func.count()).select_from(Mitgliedschaft).where(Mitgliedschaft.person_id == anna.id)).one() == 0
    assert s.exec(select(func.count()).select_from(Gremium)).one() == 5


# --- die Datei selbst: Kodierung, BOM, falsche Datei ---------------------------------------


def test_eine_organisationsdatei_mit_bom_wird_gelesen(tmp_path):
    datei = tmp_path / "org.toml"
    datei.write_bytes("\ufeff".encode() + ORGANISATION.read_bytes())
    assert datei_lesen(datei) == datei_lesen(ORGANISATION)


SCHLECHTE_DATEIEN = {
    "Windows-1252": (lambda: ORGANISATION.read_text(encoding="utf-8").encode("cp1252"), "ist nicht in UTF-8 gespeichert (Zeile "),
    "UTF-16": (lambda: ORGANISATION.read_text(encoding="utf-8").encode("utf-16"), "ist in UTF-16 gespeichert"),
    "binär": (lambda: b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "ist keine Textdatei (Null-Byte an Stelle 6)"),
}


@pytest.mark.parametrize("inhalt,meldung", SCHLECHTE_DATEIEN.values(), ids=SCHLECHTE_DATEIEN.keys())
def test_eine_organisationsdatei_in_falscher_kodierung_wird_benannt(tmp_path, inhalt, meldung):
    datei = tmp_path / "org.toml"
    datei.write_bytes(inhalt())
    with pytest.raises(Konfigurationsfehler, match=f"Organisationsdatei {datei} ") as info:
        datei_lesen(datei)
    assert meldung in str(info.value)


@pytest.mark.parametrize("inhalt,meldung", SCHLECHTE_DATEIEN.values(), ids=SCHLECHTE_DATEIEN.keys())
def test_organisation_laden_weist_eine_schlechte_datei_ab_und_aendert_nichts(datenbank, inhalt, meldung):
    datei = datenbank.parent / "org.toml"
    datei.write_bytes(inhalt())
    vorher = verzeichnis_abbild(datenbank.parent)
    ergebnis = bb("organisation", "laden", str(datei), db=datenbank, pruefen=False)
    abgewiesen(ergebnis, f"Fehler: Organisationsdatei {datei} ", vorher, datenbank.parent)
    assert meldung in ergebnis.stderr


def test_organisation_laden_nimmt_eine_datei_mit_bom(datenbank):
    datei = datenbank.parent / "org.toml"
    datei.write_bytes("\ufeff".encode() + ORGANISATION.read_bytes())
    assert "Landkreis Cloppenburg: keine Änderungen." in bb("organisation", "laden", str(datei), db=datenbank).stdout
