"""Der Katalog: Definitionen für die Fragen des Konzepts, Nenner als Teil der Definition."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modelle.kennzahlen import Kennzahl
from monitoring.katalog import ANTEILE, GRUNDZAHLEN, KATALOG, auspraegung, auswahl_lesen, katalog_eintragen
from tests.hilfen import abbild, tun


def test_abgaenger_ohne_abschluss_stehen_mit_beiden_nennern_im_katalog():
    ueber_abgaenger = KATALOG["abgaenger_ohne_abschluss_anteil_abgaenger"]
    ueber_bevoelkerung = KATALOG["abgaenger_ohne_abschluss_anteil_bevoelkerung"]
    assert ueber_abgaenger.zaehler == ueber_bevoelkerung.zaehler
    assert ueber_abgaenger.nenner == "absolventen_abgaenger"
    assert ueber_bevoelkerung.nenner == "bevoelkerung[altersgruppe=15-18]"
    assert ueber_bevoelkerung.nenner_teiler == 3
    assert "allgemeinbildender Schulen" in ueber_abgaenger.bezugsgroesse
    assert "gleichaltrige Bevölkerung" in ueber_bevoelkerung.bezugsgroesse
    # Je Schule gibt es nur den Anteil an den Abgängern: eine Schule hat keine Wohnbevölkerung.
    assert "schule" in ueber_abgaenger.ebenen and "schule" not in ueber_bevoelkerung.ebenen


@pytest.mark.parametrize("frage,schluessel", [
    ("Schulabsentismus", "schulabsentismus_anteil"),
    ("Übergang Schule – Ausbildung", "uebergang_berufsausbildung_anteil"),
    ("MINT-Ausbildungsplätze", "mint_ausbildungsstellen_anteil"),
    ("Erwerbstätigkeit von Frauen", "beschaeftigungsquote_frauen"),
    ("Bevölkerung nach Altersgruppen", "bevoelkerung"),
])
def test_jede_frage_des_konzepts_hat_eine_kennzahl(frage, schluessel):
    definition = KATALOG[schluessel]
    assert definition.quelle and definition.bezugszeitraum and definition.ebenen, frage


@pytest.mark.parametrize("definition", ANTEILE, ids=lambda d: d.schluessel)
def test_jeder_anteil_zeigt_auf_grundzahlen_und_nennt_seine_bezugsgroesse(definition):
    grundzahlen = {g.schluessel for g in GRUNDZAHLEN}
    assert auswahl_lesen(definition.zaehler).kennzahl in grundzahlen
    assert auswahl_lesen(definition.nenner).kennzahl in grundzahlen
    assert definition.bezugsgroesse and definition.formel and definition.einheit == "%"


def test_eine_auswahl_mit_mehreren_auspraegungen_zaehlt_alle_zusammen():
    auswahl = auswahl_lesen("bevoelkerung[geschlecht=weiblich,altersgruppe=15-18|18-20]")
    assert auswahl.kennzahl == "bevoelkerung"
    assert auswahl.merkmale == ("altersgruppe=15-18;geschlecht=weiblich", "altersgruppe=18-20;geschlecht=weiblich")
    assert auswahl_lesen("absolventen_abgaenger").merkmale == ("",)


@pytest.mark.parametrize("merkmal,beschriftung,erwartet", [
    ("abschluss", "ohne Hauptschulabschluss", "ohne_ersten_schulabschluss"),
    ("abschluss", "ohne Ersten Schulabschluss", "ohne_ersten_schulabschluss"),
    ("abschluss", "mit Hauptschulabschluss", "erster_schulabschluss"),
    ("abschluss", "mit Erstem Schulabschluss", "erster_schulabschluss"),
    ("abschluss", "mit Realschulabschluss", "mittlerer_schulabschluss"),
    ("altersgruppe", "unter 3 Jahre", "0-3"),
    ("altersgruppe", "15 bis unter 18 Jahre", "15-18"),
    ("altersgruppe", "75 Jahre und mehr", "75+"),
    ("geschlecht", "männlich", "maennlich"),
    ("geschlecht", "Insgesamt", None),
])
def test_beschriftungen_der_aemter_werden_zu_einer_auspraegung(merkmal, beschriftung, erwartet):
    assert auspraegung(merkmal, beschriftung) == erwartet


def test_der_katalog_wird_einmal_eingetragen_und_ein_zweites_mal_aendert_nichts(s, uhr):
    ids = tun(s, uhr.jetzt, katalog_eintragen)
    assert set(ids) == set(KATALOG)
    vorher = abbild(s)
    tun(s, uhr.jetzt, katalog_eintragen)
    assert abbild(s) == vorher
    zeile = s.execute(select(Kennzahl).where(Kennzahl.schluessel == "schulabsentismus_anteil")).scalar_one()
    assert zeile.ebenen == ["landkreis", "gemeinde", "schule"]
