"""Jede Mail-Vorlage wird mit echten Werten dargestellt: deutsch, maskiert, barrierearm."""

from __future__ import annotations

import copy
import re

import jinja2
import pytest

from benachrichtigungen.darstellung import VORLAGEN, darstellen, vorlagen_auf_platte

GRUND = {
    "landkreis": "Landkreis Cloppenburg",
    "buero": {"name": "Bildungsbüro des Landkreises Cloppenburg", "email": "bildungsbuero@lkclp.example"},
    "empfaenger": {"name": "Jörg Többen"},
}
AUFGABE = {"id": 7, "titel": "Fehlzeiten nach Schulform auswerten", "beschreibung": "Bitte getrennt nach Jahrgang.",
           "frist": "30.09.2027", "frist_wochentag": "Donnerstag", "tage_bis_frist": 7, "tage_ueberfaellig": 0}
FELD = {"id": 1, "titel": "Schulabsentismus", "zustand": "Maßnahmen beschlossen"}
TEILE = {
    "aufgabe_zugewiesen": {},
    "erinnerung": {},
    "heute_faellig": {"aufgabe": {**AUFGABE, "tage_bis_frist": 0}},
    "ueberfaellig": {"aufgabe": {**AUFGABE, "tage_bis_frist": -14, "tage_ueberfaellig": 14}},
    "eskalation": {"aufgabe": {**AUFGABE, "tage_bis_frist": -14, "tage_ueberfaellig": 14},
                   "verantwortlich": {"name": "Thomas Ostendorf", "organisation": "Oberschule Löningen"}},
    "schritt_erfolgt": {"schritt": {"bezeichnung": "Weitere Daten anfordern", "von": "in Prüfung der Steuerungsgruppe",
                                    "nach": "definiert", "wer": "Dr. Hiltrud Schräder",
                                    "begruendung": "Bitte nach Schulform aufschlüsseln"},
                        "handlungsfeld": {**FELD, "zustand": "definiert"}},
    "zustellfehler": {"fehlgeschlagen": {"empfaenger": "Petra Hömmken <p.hoemmken@jobcenter-clp.example>",
                                         "betreff": "Neue Aufgabe: Beratungskette", "fehler": "550 5.1.1 Postfach unbekannt",
                                         "erstellt": "01.03.2027, 08:00 Uhr"}},
    "einladung": {"sitzung": {"id": 4, "gremium": "Steuerungsgruppe Bildung", "beginn": "Dienstag, 04.05.2027, 10:00 Uhr",
                              "ende": "12:00 Uhr", "ort": "Kreishaus Cloppenburg, Raum 214", "ladungsfrist_tage": 7,
                              "aktualisiert": False, "hinweis": ""},
                  "tagesordnung": [{"nummer": 1, "titel": "Eröffnung und Feststellung der Tagesordnung", "beschreibung": ""},
                                   {"nummer": 2, "titel": "Steuerungsprüfung: Schulabsentismus",
                                    "beschreibung": "Maßnahmen beschließen oder weitere Daten anfordern."}],
                  "ladungsfrist_unterschritten": False},
    "absage": {"sitzung": {"id": 4, "gremium": "Steuerungsgruppe Bildung", "beginn": "Dienstag, 04.05.2027, 10:00 Uhr",
                           "ende": "12:00 Uhr", "ort": "Kreishaus Cloppenburg, Raum 214", "ladungsfrist_tage": 7,
                           "aktualisiert": True, "hinweis": "Krankheit des Vorsitzes"},
               "tagesordnung": [], "ladungsfrist_unterschritten": False},
    "frist_geaendert": {"alte_frist": "15.09.2027"},
    "anmeldelink": {"anmeldung": {"link": "https://bildungsbuero.lkclp.example/anmelden/abc", "minuten": 15,
                                  "gueltig_bis": "11.01.2027, 09:15 Uhr"}},
    "fristantrag": {"fristantrag": {"id": 3, "aufgabe_id": 7, "aufgabe": "Fehlzeiten nach Schulform auswerten",
                                    "person": "Thomas Ostendorf", "alte_frist": "30.09.2027", "frist": "15.10.2027",
                                    "begruendung": "Herbstferien", "link": "https://bildungsbuero.lkclp.example/fristantraege"}},
    "fristantrag_abgelehnt": {"beantragt": "15.10.2027", "antwort": "Der Bericht geht am 1.10. hinaus.",
                              "teilnahme": {"link": "https://bildungsbuero.lkclp.example/teilnahme/abc"}},
}
AUFGABENMAILS = ("aufgabe_zugewiesen", "erinnerung", "heute_faellig", "ueberfaellig", "schritt_erfolgt", "frist_geaendert")


def beispielkontext(vorlage: str) -> dict:
    """Ein vollständiger Kontext mit Cloppenburger Werten für ``vorlage``."""
    kontext = {**copy.deepcopy(GRUND), "aufgabe": dict(AUFGABE), "handlungsfeld": dict(FELD),
               "massnahme": {"titel": "Fehlzeiten-Ampel an der Oberschule Löningen"}}
    kontext.update(copy.deepcopy(TEILE[vorlage]))
    return kontext


def test_die_liste_der_vorlagen_entspricht_den_dateien():
    assert set(VORLAGEN) == vorlagen_auf_platte() == set(TEILE)


@pytest.mark.parametrize("vorlage", VORLAGEN)
def test_jede_vorlage_wird_mit_betreff_text_und_html_dargestellt(vorlage):
    d = darstellen(vorlage, beispielkontext(vorlage))
    assert d.betreff and "\n" not in d.betreff
    assert d.text.startswith("Guten Tag Jörg Többen,")
    assert "Jörg Többen" in d.html
    for teil in (d.text, d.html):
        assert "Diese Nachricht wurde automatisch vom Bildungsbüro versandt." in teil
        assert "Bildungsbüro des Landkreises Cloppenburg" in teil
        assert "bildungsbuero@lkclp.example" in teil
    assert "{{" not in d.text + d.html


@pytest.mark.parametrize("vorlage", VORLAGEN)
def test_das_html_ist_barrierearm(vorlage):
    html = darstellen(vorlage, beispielkontext(vorlage)).html
    assert '<html lang="de">' in html
    assert '<meta charset="utf-8">' in html
    assert re.search(r"<title>[^<]+</title>", html)
    assert html.count("<h1") == 1
    assert "<img" not in html
    tabellen = re.findall(r"<table[^>]*>", html)
    assert all('role="presentation"' in t for t in tabellen)


@pytest.mark.parametrize("vorlage", AUFGABENMAILS)
def test_jede_aufgabenmail_sagt_was_bis_wann_wofuer_und_wie_antworten(vorlage):
    kontext = beispielkontext(vorlage)
    d = darstellen(vorlage, kontext)
    for teil in (d.text, d.html):
        assert kontext["aufgabe"]["titel"] in teil
        assert "Donnerstag, 30.09.2027" in teil
        assert "Schulabsentismus" in teil
        assert "Bitte getrennt nach Jahrgang." in teil
        assert "Antworten Sie einfach auf diese E-Mail" in teil


@pytest.mark.parametrize("vorlage", ("aufgabe_zugewiesen", "schritt_erfolgt", "frist_geaendert", "einladung",
                                     "fristantrag_abgelehnt"))
def test_mit_persoenlichem_link_steht_er_in_text_und_html(vorlage):
    kontext = {**beispielkontext(vorlage), "teilnahme": {"link": "https://bildungsbuero.lkclp.example/teilnahme/xyz"}}
    d = darstellen(vorlage, kontext)
    assert "https://bildungsbuero.lkclp.example/teilnahme/xyz" in d.text
    assert 'href="https://bildungsbuero.lkclp.example/teilnahme/xyz"' in d.html
    assert "persönlich" in d.text and "persönlich" in d.html


def test_der_fristantrag_nennt_person_fristen_begruendung_und_den_weg_zur_entscheidung():
    d = darstellen("fristantrag", beispielkontext("fristantrag"))
    for teil in (d.text, d.html):
        for erwartet in ("Thomas Ostendorf", "15.10.2027", "30.09.2027", "Herbstferien", "frist-gewaehren 3",
                         "https://bildungsbuero.lkclp.example/fristantraege"):
            assert erwartet in teil, erwartet


def test_eine_aufgabe_ohne_handlungsfeld_und_massnahme_wird_dargestellt():
    kontext = beispielkontext("aufgabe_zugewiesen") | {"handlungsfeld": None, "massnahme": None}
    d = darstellen("aufgabe_zugewiesen", kontext)
    assert "Handlungsfeld" not in d.text and "Handlungsfeld" not in d.html
    assert "Maßnahme" not in d.text and "Maßnahme" not in d.html


def test_die_eskalation_nennt_aufgabe_frist_handlungsfeld_und_zustaendige_person():
    d = darstellen("eskalation", beispielkontext("eskalation"))
    assert d.betreff == "Eskalation: Fehlzeiten nach Schulform auswerten seit 14 Tagen überfällig"
    for teil in (d.text, d.html):
        assert "Fehlzeiten nach Schulform auswerten" in teil
        assert "Donnerstag, 30.09.2027" in teil
        assert "Schulabsentismus" in teil
        assert "seit 14 Tagen überfällig" in teil
        assert "Thomas Ostendorf" in teil and "(Oberschule Löningen)" in teil
        assert "Kontakt mit Thomas Ostendorf" in teil


def test_der_schritt_nennt_vorher_jetzt_wer_begruendung_und_die_neue_aufgabe():
    d = darstellen("schritt_erfolgt", beispielkontext("schritt_erfolgt"))
    assert d.betreff == "Schulabsentismus: definiert – Ihre Aufgabe bis 30.09.2027"
    for teil in (d.text, d.html):
        assert "Dr. Hiltrud Schräder" in teil and "»Weitere Daten anfordern«" in teil
        assert "vorher »in Prüfung der Steuerungsgruppe«, jetzt »definiert«" in teil
        assert "Begründung: Bitte nach Schulform aufschlüsseln" in teil


def test_ein_schritt_ohne_begruendung_und_massnahme_laesst_beides_weg():
    kontext = beispielkontext("schritt_erfolgt") | {"massnahme": None}
    kontext["schritt"]["begruendung"] = ""
    d = darstellen("schritt_erfolgt", kontext)
    assert "Begründung" not in d.text + d.html
    assert "Maßnahme:" not in d.text and ">Maßnahme<" not in d.html


def test_der_zustellfehler_nennt_adresse_fehler_und_was_zu_tun_ist():
    d = darstellen("zustellfehler", beispielkontext("zustellfehler"))
    assert d.betreff == "Zustellung fehlgeschlagen: Neue Aufgabe: Beratungskette"
    assert "Petra Hömmken <p.hoemmken@jobcenter-clp.example>" in d.text
    assert "Petra Hömmken &lt;p.hoemmken@jobcenter-clp.example&gt;" in d.html
    for teil in (d.text, d.html):
        assert "550 5.1.1 Postfach unbekannt" in teil and "01.03.2027, 08:00 Uhr" in teil
        assert "Organisationsdatei" in teil and "auf anderem Weg" in teil


def test_html_im_titel_wird_gezeigt_nicht_ausgefuehrt():
    kontext = beispielkontext("aufgabe_zugewiesen")
    kontext["aufgabe"]["titel"] = "<script>alert(1)</script>"
    d = darstellen("aufgabe_zugewiesen", kontext)
    assert "<script>" not in d.html and "&lt;script&gt;" in d.html
    assert "<script>alert(1)</script>" in d.text
    assert d.betreff == "Neue Aufgabe: <script>alert(1)</script> (bis 30.09.2027)"


def test_ein_zeilenumbruch_im_titel_bleibt_nicht_im_betreff():
    kontext = beispielkontext("aufgabe_zugewiesen")
    kontext["aufgabe"]["titel"] = "Bericht\r\nBcc: opfer@example.org"
    assert darstellen("aufgabe_zugewiesen", kontext).betreff == (
        "Neue Aufgabe: Bericht Bcc: opfer@example.org (bis 30.09.2027)")


def test_ein_fehlender_wert_ist_ein_fehler():
    kontext = beispielkontext("erinnerung")
    del kontext["aufgabe"]["frist"]
    with pytest.raises(jinja2.UndefinedError):
        darstellen("erinnerung", kontext)


@pytest.mark.parametrize("vorlage", VORLAGEN)
def test_ohne_empfaenger_wird_keine_mail_dargestellt(vorlage):
    kontext = beispielkontext(vorlage)
    del kontext["empfaenger"]
    with pytest.raises(jinja2.UndefinedError):
        darstellen(vorlage, kontext)


def test_die_erinnerung_nennt_die_tage_bis_zur_frist():
    d = darstellen("erinnerung", beispielkontext("erinnerung"))
    assert d.betreff == "Erinnerung: Fehlzeiten nach Schulform auswerten – Frist 30.09.2027"
    assert "endet in 7 Tagen" in d.text and "endet <strong>in 7 Tagen</strong>" in d.html


def test_einen_tag_vor_der_frist_heisst_es_morgen():
    kontext = beispielkontext("erinnerung")
    kontext["aufgabe"]["tage_bis_frist"] = 1
    d = darstellen("erinnerung", kontext)
    assert "endet morgen" in d.text and "endet <strong>morgen</strong>" in d.html
    assert "1 Tag" not in d.text + d.html


def test_einen_tag_ueberfaellig_heisst_seit_1_tag():
    kontext = beispielkontext("ueberfaellig")
    kontext["aufgabe"].update(tage_bis_frist=-1, tage_ueberfaellig=1)
    d = darstellen("ueberfaellig", kontext)
    assert d.betreff == "Überfällig seit 1 Tag: Fehlzeiten nach Schulform auswerten"
    assert "seit 1 Tag abgelaufen" in d.text and "seit 1 Tag abgelaufen" in d.html
    assert "1 Tagen" not in d.betreff + d.text + d.html


def test_ueberfaellig_seit_mehreren_tagen_bittet_um_erledigung_oder_neuen_termin():
    d = darstellen("ueberfaellig", beispielkontext("ueberfaellig"))
    assert d.betreff == "Überfällig seit 14 Tagen: Fehlzeiten nach Schulform auswerten"
    assert "seit 14 Tagen abgelaufen" in d.text
    assert "realistischen neuen Termin" in d.text


def test_eine_eskalation_nach_einem_tag_heisst_seit_1_tag():
    kontext = beispielkontext("eskalation")
    kontext["aufgabe"].update(tage_bis_frist=-1, tage_ueberfaellig=1)
    d = darstellen("eskalation", kontext)
    assert d.betreff == "Eskalation: Fehlzeiten nach Schulform auswerten seit 1 Tag überfällig"
    assert "1 Tagen" not in d.text + d.html


def test_heute_faellig_sagt_es_im_betreff():
    assert darstellen("heute_faellig", beispielkontext("heute_faellig")).betreff == (
        "Heute fällig: Fehlzeiten nach Schulform auswerten")


def test_der_anmeldelink_nennt_link_gueltigkeit_und_was_ohne_anforderung_zu_tun_ist():
    d = darstellen("anmeldelink", beispielkontext("anmeldelink"))
    for teil in (d.text, d.html):
        assert "https://bildungsbuero.lkclp.example/anmelden/abc" in teil
        assert "15 Minuten (bis 11.01.2027, 09:15 Uhr) und nur einmal" in teil
        assert "ohne Klick geschieht nichts" in teil
    assert 'href="https://bildungsbuero.lkclp.example/anmelden/abc"' in d.html


def test_eine_unbekannte_vorlage_wird_deutsch_abgewiesen():
    with pytest.raises(ValueError, match="Unbekannte Mail-Vorlage »gruss«; vorhanden: aufgabe_zugewiesen, "):
        darstellen("gruss", {})
