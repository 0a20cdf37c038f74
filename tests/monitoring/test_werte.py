"""Zellen der Statistik: Zeichen nie als Zahl, Kennzeichen bleiben, Dezimalkomma, Zeiträume."""

from __future__ import annotations

import pytest

from monitoring.werte import Zellfehler, gebietsschluessel_lesen, personenspalte, zeitraum_lesen, zelle_lesen


@pytest.mark.parametrize("zelle,erwartet", [
    ("-", (0.0, "-", None)),
    ("–", (0.0, "-", None)),
    (".", (None, ".", None)),
    ("x", (None, "x", None)),
    ("...", (None, "...", None)),
    ("/", (None, "/", None)),
    (". p", (None, ".", "p")),
])
def test_zeichen_werden_nie_als_zahl_gelesen(zelle, erwartet):
    assert zelle_lesen(zelle) == erwartet


@pytest.mark.parametrize("zelle,erwartet", [
    ("(131)", (131.0, None, "()")),
    ("188 p", (188.0, None, "p")),
    ("188p", (188.0, None, "p")),
    ("12,5 r", (12.5, None, "r")),
    ("(7) s", (7.0, None, "()s")),
    ("42e", (42.0, None, "e")),
])
def test_qualitaetskennzeichen_bleiben_als_kennzeichen_neben_der_zahl(zelle, erwartet):
    assert zelle_lesen(zelle) == erwartet


def test_die_kennzeichenspalte_des_flatfiles_wird_angehaengt():
    assert zelle_lesen("5310", "p") == (5310.0, None, "p")
    assert zelle_lesen("", ".") == (None, ".", None)


@pytest.mark.parametrize("zelle,erwartet", [("12,5", 12.5), ("1.234", 1234.0), ("1.234,5", 1234.5), ("-3,25", -3.25),
                                            ("0", 0.0)])
def test_zahlen_stehen_mit_dezimalkomma(zelle, erwartet):
    assert zelle_lesen(zelle) == (erwartet, None, None)


@pytest.mark.parametrize("zelle,grund", [
    ("1.5", "mehrdeutig"), ("12a", "weder eine Zahl noch ein Zeichen"), ("", "leer"),
    ("1.23", "mehrdeutig"), ("7", None),
])
def test_was_weder_zahl_noch_zeichen_ist_wird_mit_begruendung_abgewiesen(zelle, grund):
    if grund is None:
        assert zelle_lesen(zelle)[0] == 7.0
        return
    with pytest.raises(Zellfehler, match=grund):
        zelle_lesen(zelle)


@pytest.mark.parametrize("roh,erwartet", [
    ("2022", "2022"), ("2021/22", "2021/22"), ("2021/2022", "2021/22"), ("Schuljahr 2021/22", "2021/22"),
    ("2024/25-1", "2024/25-1"), ("31.12.2022", "2022-12-31"), ("2022-12-31", "2022-12-31"),
])
def test_zeitraeume_haben_eine_form(roh, erwartet):
    assert zeitraum_lesen(roh) == erwartet


@pytest.mark.parametrize("roh", ["2021/23", "31.02.2022", "letztes Jahr"])
def test_ein_unsinniger_zeitraum_wird_abgewiesen(roh):
    with pytest.raises(Zellfehler):
        zeitraum_lesen(roh)


def test_ein_schluessel_ohne_fuehrende_null_wird_mit_hinweis_abgewiesen():
    assert gebietsschluessel_lesen(" 03453 ") == "03453"
    with pytest.raises(Zellfehler, match="führende Null verloren.*»03453«"):
        gebietsschluessel_lesen("3453")


@pytest.mark.parametrize("spalte,person", [
    ("Vorname", True), ("Nachname", True), ("Geburtsdatum", True), ("Straße", True), ("E-Mail", True),
    ("PLZ", True), ("gebiet", False), ("1_variable_attribute_label", False), ("statistics_label", False),
    ("ohne Ersten Schulabschluss", False), ("15 bis unter 18 Jahre", False),
])
def test_spalten_mit_personendaten_werden_erkannt(spalte, person):
    assert personenspalte(spalte) is person
