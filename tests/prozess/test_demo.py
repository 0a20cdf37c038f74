"""Die Demo läuft auf einer frischen SQLite-Datei durch den ganzen Zyklus."""

from __future__ import annotations

import pytest
from sqlmodel import select

from prozess.demo import demo_ausfuehren
from prozess.fehler import Eingabefehler


def test_die_demo_fuehrt_schulabsentismus_bis_zum_abschluss(demo_lauf):
    from modelle.datenbank import engine_erstellen, orm_session
    from modelle.tabellen import Handlungsfeld, Schrittprotokoll

    verzeichnis, zeilen = demo_lauf
    text = "\n".join(zeilen)
    assert "abgewiesen:" in text and "(schulabsentismus_anteil) liegt für Landkreis Cloppenburg noch kein Wert vor" in text
    assert "abschliessen – in Berichterstattung → abgeschlossen" in text
    engine = engine_erstellen(f"sqlite:///{verzeichnis / 'bildungsbuero.db'}")
    with orm_session(engine) as s:
        feld = s.exec(select(Handlungsfeld)).one()
        schritte = [e.schritt for e in s.exec(select(Schrittprotokoll).order_by(Schrittprotokoll.id))]
    engine.dispose()
    assert feld.zustand == "abgeschlossen"
    from email import message_from_bytes, policy

    mails = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in (verzeichnis / "maildir" / "new").iterdir()]
    betreffe = [m["Subject"] for m in mails]
    assert any(b.startswith("Einladung: Steuerungsgruppe Bildung") for b in betreffe)
    assert any(b.startswith("Statusbericht des Bildungsbüros") for b in betreffe)
    assert any(b.startswith("Eskalation:") for b in betreffe)
    einladung = next(m for m in mails if m["Subject"].startswith("Einladung:"))
    assert any(t.get_content_type() == "text/calendar" for t in einladung.walk())
    assert "Steuerungsgruppe beschließt zu TOP 2" in text
    assert schritte[0] == "anlegen" and schritte[-1] == "abschliessen"
    assert {"daten_nachfordern", "zurueckstellen", "wiederaufnehmen", "massnahmen_beschliessen"} <= set(schritte)


def test_die_demo_schreibt_den_bildungsbericht_als_html_und_pdf_neben_das_maildir(demo_lauf):
    from pypdf import PdfReader

    verzeichnis, zeilen = demo_lauf
    html = verzeichnis / "berichte" / "bildungsbericht-feld-1.html"
    pdf = html.with_suffix(".pdf")
    assert (verzeichnis / "maildir").is_dir() and html.exists() and pdf.exists()
    assert any(z.strip() == f"Bildungsbericht: {html} und {pdf.name}" for z in zeilen)
    text = " ".join(" ".join(s.extract_text() for s in PdfReader(pdf).pages).split())
    assert "Bildungsbericht: Schulabsentismus" in text
    assert "Stand: abgeschlossen" in text and "Maßnahmen: 2 von 2 erledigt (100 %)" in text


def test_die_demo_leert_kein_fremdes_verzeichnis(tmp_path):
    (tmp_path / "wichtig.txt").write_text("bitte nicht löschen")
    with pytest.raises(Eingabefehler, match="stammt nicht von einer Demo"):
        demo_ausfuehren(tmp_path, lambda _: None)
    assert (tmp_path / "wichtig.txt").exists()


def test_die_demo_importiert_kennzahlen_und_zeigt_sie_in_einladung_und_statusbericht(demo_lauf):
    from email import message_from_bytes, policy

    from modelle.datenbank import engine_erstellen, orm_session
    from modelle.kennzahlen import Datenimport, HandlungsfeldKennzahl
    from prozess.demo import DEMODATEN, DEMODATEIEN, KENNZAHLEN, NACHLIEFERUNG

    verzeichnis, zeilen = demo_lauf
    text = "\n".join(zeilen)
    assert all((DEMODATEN / datei).is_file() for datei in DEMODATEIEN + (NACHLIEFERUNG,))
    assert "daten import 21111_abgaenger_landkreis_cloppenburg.csv" in text
    assert "Landkreis Cloppenburg 2024/25 7,8 % (Land Niedersachsen: 6,5 %)" in text
    assert "2026/27-1 4,7 %; gestiegen" in text
    engine = engine_erstellen(f"sqlite:///{verzeichnis / 'bildungsbuero.db'}")
    with orm_session(engine) as s:
        dateien = sorted(s.exec(select(Datenimport.dateiname)).all())
        verknuepft = len(s.exec(select(HandlungsfeldKennzahl)).all())
    engine.dispose()
    assert dateien == sorted(DEMODATEIEN + (NACHLIEFERUNG,)) and verknuepft == len(KENNZAHLEN)

    mails = [message_from_bytes(p.read_bytes(), policy=policy.default) for p in (verzeichnis / "maildir" / "new").iterdir()]
    mai = next(m for m in mails if m["Subject"].startswith("Einladung: Steuerungsgruppe Bildung am Dienstag, 04.05.2027"))
    inhalt = mai.get_body(("plain",)).get_content()
    assert "Anlage: Kennzahlen zu den Handlungsfeldern der Tagesordnung" in inhalt
    assert "Landkreis Cloppenburg 2026/27-1: 4,7 % (vorläufige Zahl)" in inhalt
    april = next(m for m in mails if m["Subject"].startswith("Statusbericht des Bildungsbüros: 1 Handlungsfeld, Stand 02.04.2027"))
    bericht = april.get_body(("plain",)).get_content()
    assert "Trend: gestiegen, +0,5 Prozentpunkte gegenüber 2025/26-1 (Stand beim letzten Bericht: 4,3 %)" in bericht
    assert "Anteil an: alle Schülerinnen und Schüler allgemeinbildender Schulen" in bericht


def test_die_demo_druckt_einen_anmeldelink_aus_ihrem_maildir_der_jetzt_gilt(demo_lauf):
    from datetime import datetime, timezone

    from modelle.datenbank import engine_erstellen, orm_session
    from prozess.anmeldung import anmeldelink_pruefen
    from prozess.arbeit import arbeitseinheit
    from prozess.einstellungen import laden

    verzeichnis, zeilen = demo_lauf
    [zeile] = [z for z in zeilen if z.startswith("Anmelden als Anna Meyer")]
    link = zeile.rsplit(" ", 1)[1]
    assert link.startswith("http://127.0.0.1:8000/anmelden/")
    assert any(z.startswith(f"\nWebseiten: cd {verzeichnis} && ") and "bildungsbuero web" in z for z in zeilen)
    # Gilt zur echten Zeit der Demo, nicht zur simulierten (2027): geprüft zu dem Zeitpunkt, an dem
    # die Demo ihre letzte Mail schrieb – nicht zu »jetzt«, denn bis dieser Test in einem langen
    # Lauf an die Reihe kommt, können die 15 Minuten des Links vorbei sein.
    geschrieben = max(p.stat().st_mtime for p in (verzeichnis / "maildir" / "new").iterdir())
    engine = engine_erstellen(f"sqlite:///{verzeichnis / 'bildungsbuero.db'}")
    with orm_session(engine) as s, arbeitseinheit(s, lambda: datetime.fromtimestamp(geschrieben, timezone.utc),
                                                  laden()) as arbeit:
        anmeldelink_pruefen(arbeit, link.rsplit("/", 1)[1])
    engine.dispose()
