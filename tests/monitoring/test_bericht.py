"""Der Bildungsbericht: das PDF wird gesetzt und zurückgelesen, das HTML ist barrierearm, Verborgenes bleibt verborgen."""

from __future__ import annotations

import ctypes
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from monitoring.bericht import bericht_schreiben
from monitoring.verknuepfung import kennzahl_verknuepfen
from prozess.fehler import Eingabefehler, NichtGefunden
from prozess.ziele import massnahme_anlegen, massnahme_erledigen, ziel_anlegen
from tests.hilfen import SCHULLEITUNG, feld_anlegen, tun

OHNE_ABGAENGER = "abgaenger_ohne_abschluss_anteil_abgaenger"
BEZUG = "Anteil an: alle Absolventinnen/Absolventen und Abgängerinnen/Abgänger allgemeinbildender Schulen"


@pytest.fixture
def daten(importieren):
    for datei in ("21111-02-06-4_flat.csv", "12411-02-03-4.csv", "21111-02-06-4_2020-21.csv",
                  "21111-02-06-4_2023-24.csv", "schulamt_fehlzeiten_2024-25.csv"):
        importieren(datei)


@pytest.fixture
def feld(s, einstellungen, uhr, daten) -> int:
    """»Schulabsentismus« mit Zielbaum, zwei Maßnahmen (eine erledigt) und zwei verknüpften Kennzahlen."""
    from prozess.rollen import person_per_email

    feld_id = feld_anlegen(s, einstellungen, uhr)
    ziel = tun(s, uhr.jetzt, ziel_anlegen, feld_id, "strategisches_ziel", "Jedes Kind erfüllt seine Schulpflicht").id
    mittel = tun(s, uhr.jetzt, ziel_anlegen, feld_id, "mittlerziel", "Fehlzeiten früh erkennen", ziel).id
    paket = tun(s, uhr.jetzt, ziel_anlegen, feld_id, "arbeitspaket", "Frühwarnsystem", mittel).id
    erste = tun(s, uhr.jetzt, massnahme_anlegen, paket, "Fehlzeiten-Ampel erproben",
                person_per_email(s, SCHULLEITUNG), date(2027, 9, 30)).id
    tun(s, uhr.jetzt, massnahme_anlegen, paket, "Beratungskette vereinbaren")
    tun(s, uhr.jetzt, massnahme_erledigen, erste)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, "schulabsentismus_anteil")
    uhr.vorstellen(minutes=1)
    tun(s, uhr.jetzt, kennzahl_verknuepfen, feld_id, OHNE_ABGAENGER)
    return feld_id


@pytest.fixture
def schreiben(organisation, tmp_path):
    def schreiben(art, **kw):
        kw.setdefault("nur_html", True)
        with organisation.lesen() as arbeit:
            return bericht_schreiben(arbeit, art, tmp_path / "berichte", **kw)

    return schreiben


def _ohne_bilder(html: str) -> str:
    return re.sub(r'src="data:image/svg\+xml;base64,[^"]*"', 'src=""', html)


def _einzeilig(text: str) -> str:
    return " ".join(text.split())


class Gliederung(HTMLParser):
    """Sammelt, was die Barrierearmut ausmacht: Sprache, Überschriften, Bilder, Tabellen."""

    def __init__(self):
        super().__init__()
        self.lang, self.ueberschriften, self.bilder, self.figcaptions = None, [], [], 0
        self.tabellen, self.captions, self.th_ohne_scope, self.th = 0, 0, 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.ueberschriften.append(int(tag[1]))
        elif tag == "img":
            self.bilder.append(a.get("alt") or "")
        elif tag == "figcaption":
            self.figcaptions += 1
        elif tag == "table":
            self.tabellen += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th":
            self.th += 1
            self.th_ohne_scope += a.get("scope") not in ("col", "row")


def test_der_feldbericht_als_pdf_nennt_titel_kennzahlwert_bezugsgroesse_und_quelle(feld, schreiben):
    from pypdf import PdfReader

    dateien = schreiben("feld", feld_id=feld, nur_html=False)
    assert dateien.pdf_fehlt is None and dateien.pdf.name == "bildungsbericht-feld-1.pdf"
    assert dateien.pdf.read_bytes().startswith(b"%PDF-")
    leser = PdfReader(dateien.pdf)
    text = _einzeilig(" ".join(seite.extract_text() for seite in leser.pages))
    assert "Bildungsbericht: Schulabsentismus" in text
    assert leser.metadata.title == "Bildungsbericht: Schulabsentismus"
    # Der Kreis 2022/23: 158 von 1.902 Abgängern ohne Ersten Schulabschluss.
    assert "2022/23 8,3 %" in text
    assert BEZUG in text and "1.902" in text
    assert "GENESIS, Statistik der allgemeinbildenden Schulen (21111)" in text
    assert "21111-02-06-4_flat.csv" in text and "Stand der Quelle" in text
    assert "Maßnahmen: 1 von 2 erledigt (50 %)" in text
    assert not list(dateien.pdf.parent.glob(".*.tmp"))


def test_das_html_ist_barrierearm(feld, schreiben):
    dateien = schreiben("feld", feld_id=feld)
    assert dateien.pdf is None and dateien.pdf_fehlt is None
    html = dateien.html.read_text(encoding="utf-8")
    g = Gliederung()
    g.feed(html)
    assert g.lang == "de"
    assert g.ueberschriften[0] == 1 and g.ueberschriften.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(g.ueberschriften, g.ueberschriften[1:])), g.ueberschriften
    assert g.bilder and all(alt.startswith(("Liniendiagramm", "Balkendiagramm")) for alt in g.bilder)
    assert g.figcaptions == len(g.bilder)
    assert any("2022/23: 8,3 %" in alt and "Quelle:" in alt for alt in g.bilder)
    assert g.tabellen == g.captions and g.th and g.th_ohne_scope == 0
    assert "<img src=\"data:image/svg+xml;base64," in html  # eingebettet: eine Datei, die man weitergeben kann
    text = _ohne_bilder(html)
    assert "Zuständig" in text and "Oberschule Löningen" in text  # die Stelle, nicht die Person
    assert "erledigt, Frist 30.09.2027" in text and "noch offen" in text


def test_verborgene_zellen_erscheinen_im_kreisbericht_nirgends_als_zahl(feld, schreiben):
    html = _ohne_bilder(schreiben("kreis").html.read_text(encoding="utf-8"))
    # Löningen 23 von 612 (3,8 %) und Friesoythe 2 von 548 (0,4 %) sind verborgen – auch in der Textalternative.
    for zahl in ("3,8 %", "0,4 %", ">23<", ">612<", ">2<", ">548<"):
        assert zahl not in html
    zeile = re.search(r'<tr><th scope="row">Oberschule Friesoythe</th>(.*?)</tr>', html).group(1)
    assert zeile.count("•") == 3 and "verborgen" in zeile
    assert "Oberschule Friesoythe: verborgen" in html
    assert "Oberschule Cloppenburg: 4,4 % (vorläufige Zahl)" in html


def test_der_kreisbericht_zeigt_alle_felder_und_vergleicht_mit_anderen_kreisen(feld, schreiben):
    dateien = schreiben("kreis", vergleich_kreise=["03454"])
    html = _ohne_bilder(dateien.html.read_text(encoding="utf-8"))
    assert dateien.html.name == "bildungsbericht-kreis.html"
    assert "<h1>Bildungsbericht Landkreis Cloppenburg</h1>" in html
    assert '<a href="#feld-1">Schulabsentismus</a>' in html and "1 von 2 (50 %)" in html
    assert "Emsland, Landkreis: 2020/21: 5,4 % (vorläufige Zahl)" in html
    assert "Noch ohne Werte für den Kreis:" in html and "MINT-Ausbildungsstellen" in html
    with pytest.raises(NichtGefunden, match="den Kreis »03999« gibt es in den Daten nicht"):
        schreiben("kreis", vergleich_kreise=["03999"])
    with pytest.raises(Eingabefehler, match="»0345« ist kein Kreisschlüssel"):
        schreiben("kreis", vergleich_kreise=["0345"])


def test_das_gemeindeprofil_vergleicht_mit_kreis_und_land_und_zeigt_die_schulen(daten, schreiben):
    dateien = schreiben("gemeinde", ags="03453007")
    html = _ohne_bilder(dateien.html.read_text(encoding="utf-8"))
    assert dateien.html.name == "gemeindeprofil-03453007.html"
    assert "<h1>Gemeindeprofil Friesoythe, Stadt</h1>" in html
    assert "Für Friesoythe, Stadt selbst liegen keine Werte dieser Kennzahl vor." in html
    assert "Landkreis Cloppenburg: 2020/21: 7,1 %" in html and "Niedersachsen: 2020/21: 5,8 %" in html
    # Die eine Schule der Gemeinde: 4 von 87 ohne Abschluss (4,6 %); beim Schulabsentismus 2 Fälle: verborgen.
    assert "Oberschule Friesoythe: 4,6 %" in html and "Oberschule Friesoythe: verborgen" in html
    assert '<caption>Schulen in Friesoythe, Stadt</caption>' in html and ">90002<" in html
    assert "0,4 %" not in html


def test_eine_unbekannte_gemeinde_nennt_die_gemeinden_des_kreises(organisation, schreiben):
    with pytest.raises(NichtGefunden, match="Die Gemeinde 03453099 gibt es nicht. Gemeinden des Kreises: "
                                            "03453001 Barßel, 03453002 Bösel"):
        schreiben("gemeinde", ags="03453099")
    with pytest.raises(Eingabefehler, match="erwartet werden acht Ziffern"):
        schreiben("gemeinde", ags="03453")


def test_ohne_daten_und_ohne_felder_entsteht_ein_kreisbericht_der_das_sagt(organisation, schreiben):
    html = schreiben("kreis", nur_html=False).html.read_text(encoding="utf-8")
    assert "Es sind noch keine Handlungsfelder angelegt." in html
    assert "Für den Kreis liegen noch keine Werte vor" in html
    assert "Datenstand: Es liegen noch keine importierten Werte vor." in html
    assert "<img" not in html


def test_fehlen_weasyprints_systembibliotheken_steht_das_html_da_und_die_meldung_sagt_wie_man_sie_installiert(
        feld, schreiben):
    def ohne_pango():
        # Ein Ladeglied, das scheitert wie WeasyPrint ohne Pango: der dynamische Lader findet die Bibliothek nicht.
        ctypes.CDLL("libpango-1.0-fehlt-im-test.so.0")

    dateien = schreiben("feld", feld_id=feld, nur_html=False, weasyprint_laden=ohne_pango)
    assert dateien.html.exists() and dateien.pdf is None
    assert not (dateien.html.parent / "bildungsbericht-feld-1.pdf").exists()
    assert dateien.pdf_fehlt.startswith("Das PDF wurde nicht erzeugt: WeasyPrint findet seine Systembibliotheken "
                                        "nicht (libpango-1.0-fehlt-im-test.so.0")
    assert "»apt-get install libpango-1.0-0 libpangoft2-1.0-0«" in dateien.pdf_fehlt
