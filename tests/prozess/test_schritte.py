"""Der Zyklus mit echter Datenbank: jeder erlaubte Schritt, jeder verbotene, jeder Wächter."""

from __future__ import annotations

import pytest
from sqlmodel import select

from modelle.tabellen import Aufgabe, Handlungsfeld, Schrittprotokoll
from prozess.fehler import SchrittNichtMoeglich
from prozess.zyklus import AKTIVE_ZUSTAENDE, SCHRITTE, ZUSTAENDE, schritte_im_zustand
from tests.hilfen import (
    tun,
    MANAGEMENT,
    MONITORING,
    SG_MITGLIED,
    SG_VORSITZ,
    abbild,
    beschluss_der_steuerungsgruppe,
    feld_anlegen,
    feld_im_zustand,
    schritt,
)
from prozess.handlungsfelder import datengrundlage_anlegen

ERLAUBT = [
    ("definiert", "daten_zusammenstellen", MONITORING, "daten_zusammengestellt"),
    ("daten_zusammengestellt", "zur_pruefung_vorlegen", MANAGEMENT, "steuerungspruefung"),
    ("steuerungspruefung", "daten_nachfordern", SG_MITGLIED, "definiert"),
    ("steuerungspruefung", "massnahmen_beschliessen", SG_VORSITZ, "massnahmen_beschlossen"),
    ("massnahmen_beschlossen", "bericht_erstatten", MANAGEMENT, "berichterstattung"),
    ("berichterstattung", "abschliessen", MANAGEMENT, "abgeschlossen"),
    ("berichterstattung", "neue_runde_beginnen", MANAGEMENT, "definiert"),
] + [(z, "zurueckstellen", MANAGEMENT, "zurueckgestellt") for z in AKTIVE_ZUSTAENDE]


def test_die_tabelle_der_tests_deckt_jeden_schritt_ab():
    abgedeckt = {(von, name) for von, name, _, _ in ERLAUBT} | {("zurueckgestellt", "wiederaufnehmen")}
    definiert = {(von, s.name) for s in SCHRITTE for von in s.von}
    assert abgedeckt == definiert


@pytest.mark.parametrize("von,name,wer,nach", ERLAUBT, ids=[f"{v}-{n}" for v, n, _, _ in ERLAUBT])
def test_erlaubter_schritt_fuehrt_in_den_naechsten_zustand_mit_protokoll(s, einstellungen, uhr, von, name, wer, nach):
    feld_id = feld_im_zustand(s, einstellungen, uhr, von)
    if name == "massnahmen_beschliessen":
        beschluss_der_steuerungsgruppe(s, uhr, feld_id)
    eintrag = schritt(s, einstellungen, uhr, feld_id, name, wer, "Begründung des Tests")
    s.expire_all()
    feld = s.get(Handlungsfeld, feld_id)
    assert (feld.zustand, eintrag.von_zustand, eintrag.nach_zustand) == (nach, von, nach)
    letzter = s.exec(select(Schrittprotokoll).where(Schrittprotokoll.handlungsfeld_id == feld_id)
                     .order_by(Schrittprotokoll.id.desc())).first()
    assert (letzter.schritt, letzter.begruendung, letzter.zeitpunkt) == (name, "Begründung des Tests", uhr.jetzt)


@pytest.mark.parametrize("aus", AKTIVE_ZUSTAENDE)
def test_wiederaufnehmen_kehrt_in_den_zustand_vor_dem_zurueckstellen_zurueck(s, einstellungen, uhr, aus):
    feld_id = feld_im_zustand(s, einstellungen, uhr, aus)
    schritt(s, einstellungen, uhr, feld_id, "zurueckstellen", MANAGEMENT, "Sommerferien")
    schritt(s, einstellungen, uhr, feld_id, "wiederaufnehmen", MANAGEMENT)
    s.expire_all()
    feld = s.get(Handlungsfeld, feld_id)
    assert (feld.zustand, feld.zurueckgestellt_aus) == (aus, None)


def test_neue_runde_zaehlt_die_runde_hoch(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "berichterstattung")
    schritt(s, einstellungen, uhr, feld_id, "neue_runde_beginnen", MANAGEMENT)
    s.expire_all()
    assert s.get(Handlungsfeld, feld_id).runde == 2


def test_unzulaessiger_schritt_nennt_die_jetzt_moeglichen_und_aendert_nichts(s, einstellungen, uhr):
    felder = {z: feld_im_zustand(s, einstellungen, uhr, z) for z in ZUSTAENDE}
    vorher = abbild(s)
    geprueft = 0
    for zustand, feld_id in felder.items():
        moeglich = [x.name for x in schritte_im_zustand(zustand)]
        for verboten in [x.name for x in SCHRITTE if x.name not in moeglich] + ["fliegen"]:
            with pytest.raises(SchrittNichtMoeglich) as info:
                schritt(s, einstellungen, uhr, feld_id, verboten, MANAGEMENT, "x")
            meldung = str(info.value)
            assert f"der Schritt »{verboten}« ist jetzt nicht möglich" in meldung
            erwartet = ", ".join(moeglich) if moeglich else "keine (das Handlungsfeld ist abgeschlossen)"
            assert f"Jetzt möglich: {erwartet}." in meldung
            geprueft += 1
    assert geprueft == 7 * len(SCHRITTE) - sum(len(x.von) for x in SCHRITTE) + 7
    assert abbild(s) == vorher


def test_daten_zusammenstellen_braucht_eine_datengrundlage(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich, match="noch keine Datengrundlage erfasst"):
        schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
    assert abbild(s) == vorher
    tun(s, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeiten", "Schulamt")
    assert schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING).nach_zustand == "daten_zusammengestellt"


def test_nur_das_bildungsmonitoring_meldet_die_daten_als_zusammengestellt(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeiten", "Schulamt")
    with pytest.raises(SchrittNichtMoeglich, match="Diesen Schritt darf nur auslösen: Bildungsmonitoring"):
        schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MANAGEMENT)


def test_massnahmen_beschliessen_braucht_einen_beschluss_der_steuerungsgruppe(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich, match="kein Beschluss der Steuerungsgruppe"):
        schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ)
    assert abbild(s) == vorher


def test_ein_beschluss_eines_anderen_gremiums_genuegt_nicht(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    beschluss_id = beschluss_der_steuerungsgruppe(s, uhr, feld_id, gremium="schulausschuss")
    with pytest.raises(SchrittNichtMoeglich, match="kein Beschluss der Steuerungsgruppe"):
        schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ)
    with pytest.raises(SchrittNichtMoeglich, match=f"Beschluss {beschluss_id} ist kein Beschluss der Steuerungsgruppe"):
        schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ, beschluss_id=beschluss_id)


def test_ein_beschluss_aus_einer_frueheren_pruefung_genuegt_nicht(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    beschluss_der_steuerungsgruppe(s, uhr, feld_id)
    schritt(s, einstellungen, uhr, feld_id, "daten_nachfordern", SG_VORSITZ, "mehr Daten")
    schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
    schritt(s, einstellungen, uhr, feld_id, "zur_pruefung_vorlegen", MANAGEMENT)
    with pytest.raises(SchrittNichtMoeglich, match="kein Beschluss der Steuerungsgruppe"):
        schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ)


def test_der_schritt_haelt_fest_auf_welchen_beschluss_er_sich_stuetzt(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    beschluss_id = beschluss_der_steuerungsgruppe(s, uhr, feld_id)
    eintrag = schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ)
    assert eintrag.beschluss_id == beschluss_id


def test_massnahmen_beschliessen_braucht_zustaendigkeit_und_frist_jeder_massnahme(s, einstellungen, uhr):
    from prozess.ziele import massnahme_anlegen
    from modelle.tabellen import Massnahme

    feld_id = feld_im_zustand(s, einstellungen, uhr, "steuerungspruefung")
    paket = s.exec(select(Massnahme.arbeitspaket_id).where(Massnahme.handlungsfeld_id == feld_id)).first()
    offen = tun(s, uhr.jetzt, massnahme_anlegen, paket, "Beratungskette vereinbaren")
    beschluss_der_steuerungsgruppe(s, uhr, feld_id)
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich) as info:
        schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ)
    assert f"Maßnahme {offen.id} »Beratungskette vereinbaren« hat keine zuständige Person oder keine Frist" in str(info.value)
    assert abbild(s) == vorher


def test_massnahmen_beschliessen_braucht_mindestens_eine_massnahme(s, einstellungen, uhr):
    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeiten", "Schulamt")
    schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
    schritt(s, einstellungen, uhr, feld_id, "zur_pruefung_vorlegen", MANAGEMENT)
    beschluss_der_steuerungsgruppe(s, uhr, feld_id)
    with pytest.raises(SchrittNichtMoeglich, match="noch keine Maßnahme erfasst"):
        schritt(s, einstellungen, uhr, feld_id, "massnahmen_beschliessen", SG_VORSITZ)


@pytest.mark.parametrize("name,zustand", [("zurueckstellen", "definiert"), ("daten_nachfordern", "steuerungspruefung")])
def test_schritte_mit_begruendungspflicht_weisen_leere_begruendung_ab(s, einstellungen, uhr, name, zustand):
    feld_id = feld_im_zustand(s, einstellungen, uhr, zustand)
    with pytest.raises(SchrittNichtMoeglich, match="braucht eine Begründung"):
        schritt(s, einstellungen, uhr, feld_id, name, MANAGEMENT, "  ")


def test_jeder_zustand_beauftragt_die_naechste_rolle_mit_frist_aus_den_einstellungen(s, einstellungen, uhr):
    from prozess.zeit import heute

    feld_id = feld_im_zustand(s, einstellungen, uhr, "daten_zusammengestellt")
    offene = s.exec(select(Aufgabe).where(Aufgabe.handlungsfeld_id == feld_id, Aufgabe.status == "offen")).all()
    assert len(offene) == 1
    aufgabe = offene[0]
    assert aufgabe.anlass_zustand == "daten_zusammengestellt"
    assert (aufgabe.frist - heute(uhr.jetzt, einstellungen.zeitzone)).days == einstellungen.frist_pruefung_vorlegen_tage
    erledigt = s.exec(select(Aufgabe).where(Aufgabe.handlungsfeld_id == feld_id, Aufgabe.status == "erledigt")).all()
    assert [a.anlass_zustand for a in erledigt] == ["definiert"]


def test_massnahmen_beschlossen_beauftragt_jede_zustaendige_person(s, einstellungen, uhr):
    from modelle.tabellen import Massnahme

    feld_id = feld_im_zustand(s, einstellungen, uhr, "massnahmen_beschlossen")
    massnahme = s.exec(select(Massnahme).where(Massnahme.handlungsfeld_id == feld_id)).one()
    auftrag = s.exec(select(Aufgabe).where(Aufgabe.massnahme_id == massnahme.id)).one()
    assert (auftrag.verantwortlich_id, auftrag.frist, auftrag.status) == (massnahme.verantwortlich_id, massnahme.frist, "offen")


def test_zurueckstellen_macht_die_offene_aufgabe_hinfaellig(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "definiert")
    schritt(s, einstellungen, uhr, feld_id, "zurueckstellen", MANAGEMENT, "Haushaltssperre")
    s.expire_all()
    status = s.exec(select(Aufgabe.status).where(Aufgabe.handlungsfeld_id == feld_id)).all()
    assert status == ["hinfaellig"]


def test_das_protokoll_haelt_den_ganzen_zyklus_lueckenlos_fest(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "abgeschlossen")
    eintraege = s.exec(select(Schrittprotokoll).where(Schrittprotokoll.handlungsfeld_id == feld_id)
                       .order_by(Schrittprotokoll.id)).all()
    assert [e.schritt for e in eintraege] == ["anlegen", "daten_zusammenstellen", "zur_pruefung_vorlegen",
                                              "massnahmen_beschliessen", "bericht_erstatten", "abschliessen"]
    for frueher, spaeter in zip(eintraege, eintraege[1:]):
        assert spaeter.von_zustand == frueher.nach_zustand
        assert spaeter.zeitpunkt > frueher.zeitpunkt
    assert all(e.person_id and e.prozess_version == 1 for e in eintraege)


def test_das_protokoll_laesst_sich_nicht_aendern_oder_loeschen(s, einstellungen, uhr):
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    feld_id = feld_anlegen(s, einstellungen, uhr)
    for anweisung in (update(Schrittprotokoll).values(begruendung="geschönt"), delete(Schrittprotokoll)):
        with pytest.raises(DBAPIError, match="nur anfügbar"):
            s.execute(anweisung.where(Schrittprotokoll.handlungsfeld_id == feld_id))
        s.rollback()
    assert len(s.exec(select(Schrittprotokoll)).all()) == 1


def test_ein_fremder_oder_unbekannter_beschluss_wird_deutsch_abgewiesen(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "daten_zusammengestellt")
    anderes = feld_anlegen(s, einstellungen, uhr, "Übergänge")
    fremder = beschluss_der_steuerungsgruppe(s, uhr, anderes)
    vorher = abbild(s)
    for nummer in (fremder, 999):
        with pytest.raises(SchrittNichtMoeglich, match=f"Beschluss {nummer} gibt es nicht oder er betrifft nicht"):
            schritt(s, einstellungen, uhr, feld_id, "zur_pruefung_vorlegen", MANAGEMENT, beschluss_id=nummer)
    assert abbild(s) == vorher


def test_ein_zurueckgestelltes_feld_erinnert_nicht_und_nach_dem_wiederaufnehmen_wieder(s, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "massnahmen_beschlossen")
    massnahmenaufgabe = select(Aufgabe).where(Aufgabe.handlungsfeld_id == feld_id, Aufgabe.massnahme_id.is_not(None))
    assert s.exec(massnahmenaufgabe).one().naechste_erinnerung_am is not None
    schritt(s, einstellungen, uhr, feld_id, "zurueckstellen", MANAGEMENT, "Sommerferien")
    s.expire_all()
    ruhend = s.exec(massnahmenaufgabe).one()
    assert (ruhend.status, ruhend.naechste_erinnerung_am) == ("offen", None)
    schritt(s, einstellungen, uhr, feld_id, "wiederaufnehmen", MANAGEMENT)
    s.expire_all()
    assert s.exec(massnahmenaufgabe).one().naechste_erinnerung_am > uhr.jetzt


def _fehlzeiten(tmp_path, zeitraum: str):
    pfad = tmp_path / f"fehlzeiten_{zeitraum.replace('/', '-')}.csv"
    pfad.write_text("gebiet;zeitraum;kennzahl;wert\n"
                    f"03453;{zeitraum};schueler_allgemeinbildend;1861\n"
                    f"03453;{zeitraum};schueler_erhebliche_fehlzeiten;56\n", encoding="utf-8")
    return pfad


def test_daten_zusammenstellen_verlangt_fuer_jede_verknuepfte_kennzahl_einen_wert(s, einstellungen, uhr, tmp_path):
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen

    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    vorher = abbild(s)
    with pytest.raises(SchrittNichtMoeglich) as fehler:
        schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
    assert "(schulabsentismus_anteil) liegt für Landkreis Cloppenburg noch kein Wert vor" in str(fehler.value)
    assert "bildungsbuero daten import DATEI" in str(fehler.value)
    assert "Datengrundlage" not in str(fehler.value)  # die verknüpfte Kennzahl ist die Datengrundlage
    assert abbild(s) == vorher
    tun(s, uhr.jetzt, kennzahlen_importieren, _fehlzeiten(tmp_path, "2025/26-1"))
    assert schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING).nach_zustand \
        == "daten_zusammengestellt"


def test_ein_zu_alter_kennzahlwert_wird_mit_zeitraum_und_alter_abgewiesen(s, einstellungen, uhr, tmp_path):
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen

    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, datengrundlage_anlegen, feld_id, "Fehlzeiten", "Schulamt")
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    tun(s, uhr.jetzt, kennzahlen_importieren, _fehlzeiten(tmp_path, "2022/23-1"))
    # Der Schritt geschieht am 12.01.2027; das Halbjahr endete am 31.01.2023: 1442 Tage.
    with pytest.raises(SchrittNichtMoeglich, match=r"stammt aus 2022/23-1 \(Ende 31\.01\.2023, 1442 Tage alt; erlaubt "
                                                   r"sind höchstens 730 Tage, Einstellung kennzahlen_hoechstalter_tage\)"):
        schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
    s.info["test_einstellungen"] = einstellungen.mit(kennzahlen_hoechstalter_tage=1500)
    assert schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING).nach_zustand \
        == "daten_zusammengestellt"


def test_zeige_nennt_was_an_den_kennzahlen_fehlt(s, einstellungen, uhr):
    from monitoring.verknuepfung import kennzahl_verknuepfen
    from prozess.ansichten.handlungsfelder import handlungsfeld_ansicht

    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "abgaenger_ohne_abschluss_anteil_abgaenger")
    ansicht = tun(s, uhr.jetzt, handlungsfeld_ansicht, feld_id)
    (daten,) = [m for m in ansicht.schritte if m.name == "daten_zusammenstellen"]
    assert len(daten.gruende) == 1 and "abgaenger_ohne_abschluss_anteil_abgaenger" in daten.gruende[0]


def test_ein_zeichen_der_statistik_ist_kein_aktueller_wert(s, einstellungen, uhr, tmp_path):
    from monitoring.importieren import kennzahlen_importieren
    from monitoring.verknuepfung import kennzahl_verknuepfen

    feld_id = feld_anlegen(s, einstellungen, uhr)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    pfad = tmp_path / "spaeter.csv"
    pfad.write_text("gebiet;zeitraum;kennzahl;wert\n03453;2025/26-1;schueler_allgemeinbildend;1861\n"
                    "03453;2025/26-1;schueler_erhebliche_fehlzeiten;...\n", encoding="utf-8")
    tun(s, uhr.jetzt, kennzahlen_importieren, pfad)
    with pytest.raises(SchrittNichtMoeglich, match=r"\(2025/26-1\) ist keine Zahl, sondern »\.\.\.«"):
        schritt(s, einstellungen, uhr, feld_id, "daten_zusammenstellen", MONITORING)
