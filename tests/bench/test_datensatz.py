"""Der Standard-Datensatz der Benches, klein gebaut auf SQLite und PostgreSQL, hält, was er verspricht.

Einmal je Datenbank gebaut (Maßstab 0,035: 35 Felder, 700 Aufgaben, 35.000 gesendete Mails) und
dann mit der Bibliothek und der Befehlszeile nachgeprüft: Zahlen, Verlauf durch die Maschine des
Zyklus, Beschlüsse, Erinnerungspläne, Sitzungen, Zielbäume. Der Test, der einen Schritt auslöst,
steht zuletzt; die anderen lesen nur.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.datensatz import ANTEIL_ZUSTAND, Umfang, ZielNichtLeer, standard_datensatz, wochenbeginn
from tests.conftest import _pg_leeren

MASSSTAB = 0.035
BEFEHL = Path(sys.executable).parent / "bildungsbuero"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def datensatz(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('datensatz') / 'bench.db'}"
    else:
        url = request.getfixturevalue("pg_schema_url")
        _pg_leeren(url)
    return standard_datensatz(url, massstab=MASSSTAB, jetzt=wochenbeginn(),
                              zwischenspeicher=tmp_path_factory.mktemp("zwischenspeicher"))


@pytest.fixture(scope="module")
def v(datensatz):
    from modelle.datenbank import engine_erstellen

    engine = engine_erstellen(datensatz.url)
    with engine.connect() as verbindung:
        yield verbindung
    engine.dispose()


def zaehle(v, sql: str) -> int:
    return v.execute(text(sql)).scalar_one()


def test_enthaelt_genau_den_versprochenen_umfang(datensatz, v):
    u = Umfang.zum_massstab(MASSSTAB)
    assert datensatz.umfang == u
    assert (u.felder, u.aufgaben, u.massnahmen, u.sitzungen, u.gesendet) == (35, 700, 175, 24, 35_000)
    assert zaehle(v, "SELECT count(*) FROM handlungsfeld") == u.felder
    assert zaehle(v, "SELECT count(*) FROM aufgabe") == u.aufgaben
    assert zaehle(v, "SELECT count(*) FROM massnahme") == u.massnahmen
    assert zaehle(v, "SELECT count(*) FROM sitzung") == u.sitzungen
    status = dict(v.execute(text("SELECT status, count(*) FROM outbox GROUP BY status")).all())
    assert status == {"gesendet": u.gesendet, "wartend": u.wartend, "fehler_voruebergehend": u.voruebergehend,
                      "fehler_dauerhaft": u.dauerhaft, "verworfen": u.verworfen}
    # Die Trigger der Outbox zählen auch das Massenschreiben mit (SQLite INSERT … SELECT, PostgreSQL COPY).
    assert tuple(v.execute(text("SELECT gesendet, verworfen FROM versandstand")).one()) == (u.gesendet, u.verworfen)
    assert zaehle(v, "SELECT count(*) FROM person WHERE email LIKE '%lkclp.example'") == 5  # aus der Organisationsdatei


def test_der_volle_massstab_hat_die_zahlen_des_auftrags():
    u = Umfang.zum_massstab(1)
    assert (u.felder, u.aufgaben, u.massnahmen, u.sitzungen, u.gesendet) == (1000, 20_000, 5000, 200, 1_000_000)


def test_jeder_zustand_des_zyklus_kommt_vor(v):
    from prozess.zyklus import ZUSTAENDE

    je_zustand = dict(v.execute(text("SELECT zustand, count(*) FROM handlungsfeld GROUP BY zustand")).all())
    assert set(je_zustand) == set(ZUSTAENDE) == set(ANTEIL_ZUSTAND)
    assert min(je_zustand.values()) >= 3


def test_jeder_verlauf_laeuft_durch_die_maschine_des_zyklus(datensatz, v):
    """Das Protokoll jedes Feldes, noch einmal durch ``MASCHINE`` geschickt, ergibt seinen Stand."""
    from prozess.zyklus import MASCHINE

    protokoll: dict[int, list] = {}
    for zeile in v.execute(text("SELECT handlungsfeld_id, schritt, von_zustand, nach_zustand, zeitpunkt "
                                "FROM schrittprotokoll ORDER BY id")):
        protokoll.setdefault(zeile.handlungsfeld_id, []).append(zeile)
    felder = v.execute(text("SELECT id, zustand, runde, zurueckgestellt_aus, version, zustand_seit, angelegt_am "
                            "FROM handlungsfeld")).all()
    schritte = Counter()
    for feld in felder:
        eintraege = protokoll[feld.id]
        assert eintraege[0].schritt == "anlegen" and eintraege[0].nach_zustand == "definiert"
        stand = type("Stand", (), dict(zustand="definiert", runde=1, zurueckgestellt_aus=None))()
        for vorher, eintrag in zip(eintraege, eintraege[1:]):
            assert eintrag.von_zustand == stand.zustand == vorher.nach_zustand
            assert _zeit(eintrag.zeitpunkt) > _zeit(vorher.zeitpunkt)
            assert MASCHINE.events[eintrag.schritt].trigger(stand)
            assert stand.zustand == eintrag.nach_zustand
            schritte[eintrag.schritt] += 1
        assert (stand.zustand, stand.runde, stand.zurueckgestellt_aus) == (
            feld.zustand, feld.runde, feld.zurueckgestellt_aus)
        assert feld.version == len(eintraege)
        assert _zeit(feld.zustand_seit) == _zeit(eintraege[-1].zeitpunkt) <= datensatz.jetzt
    assert schritte["neue_runde_beginnen"] and schritte["daten_nachfordern"] and schritte["wiederaufnehmen"]
    assert any(f.runde > 1 for f in felder)


def test_massnahmenbeschluesse_stuetzen_sich_auf_eine_sitzung_der_steuerungsgruppe(v):
    beschluesse = v.execute(text("""
        SELECT p.handlungsfeld_id, p.zeitpunkt, g.kuerzel, s.beginn, s.status, b.handlungsfeld_id AS feld_des_beschlusses,
               (SELECT max(q.zeitpunkt) FROM schrittprotokoll q WHERE q.handlungsfeld_id = p.handlungsfeld_id
                  AND q.nach_zustand = 'steuerungspruefung' AND q.zeitpunkt < p.zeitpunkt) AS pruefung_seit,
               (SELECT count(*) FROM massnahme m WHERE m.handlungsfeld_id = p.handlungsfeld_id
                  AND m.verantwortlich_id IS NOT NULL AND m.frist IS NOT NULL) AS vollstaendige
        FROM schrittprotokoll p JOIN beschluss b ON b.id = p.beschluss_id JOIN sitzung s ON s.id = b.sitzung_id
        JOIN gremium g ON g.id = s.gremium_id WHERE p.schritt = 'massnahmen_beschliessen'""")).all()
    ohne = zaehle(v, "SELECT count(*) FROM schrittprotokoll WHERE schritt = 'massnahmen_beschliessen' "
                     "AND beschluss_id IS NULL")
    assert beschluesse and ohne == 0
    for b in beschluesse:
        assert b.kuerzel == "steuerungsgruppe" and b.status == "stattgefunden"
        assert b.feld_des_beschlusses == b.handlungsfeld_id
        assert _zeit(b.pruefung_seit) <= _zeit(b.beginn) <= _zeit(b.zeitpunkt)
        assert b.vollstaendige >= 1


def test_offene_aufgaben_sind_geplant_wie_der_takt_sie_plante(datensatz, v):
    from sqlalchemy import select

    from modelle.tabellen import Aufgabe, Handlungsfeld
    from prozess.einstellungen import laden
    from prozess.erinnerungen import Regeln, naechster_zeitpunkt

    regeln = Regeln.aus(laden(umgebung={}, arbeitsverzeichnis=Path(__file__).parent))
    heute = datensatz.jetzt.astimezone(regeln.zone).date()
    a, h = Aufgabe.__table__.c, Handlungsfeld.__table__.c
    offen = v.execute(select(a.frist, a.naechste_erinnerung_am, a.eskaliert_fuer_frist, a.letzte_erinnerung, h.zustand)
                      .join_from(Aufgabe.__table__, Handlungsfeld.__table__, h.id == a.handlungsfeld_id)
                      .where(a.status == "offen", a.angelegt_am <= datensatz.jetzt)).all()
    ruhend = [z for z in offen if z.zustand == "zurueckgestellt"]
    geplant = [z for z in offen if z.zustand != "zurueckgestellt"]
    assert ruhend and all(z.naechste_erinnerung_am is None for z in ruhend)
    for z in geplant:
        eskaliert = z.eskaliert_fuer_frist == z.frist
        assert z.naechste_erinnerung_am == naechster_zeitpunkt(z.frist, datensatz.jetzt, regeln, eskaliert)
    ueberfaellig = [z for z in geplant if z.frist < heute]
    assert len(ueberfaellig) >= 10 and any(z.letzte_erinnerung == "ueberfaellig" for z in ueberfaellig)
    assert len([z for z in geplant if z.eskaliert_fuer_frist == z.frist]) >= 5
    assert len([z for z in geplant if z.frist > heute + timedelta(days=7)]) >= 10
    assert zaehle(v, "SELECT count(*) FROM aufgabe WHERE status <> 'offen' AND "
                     "(erledigt_am IS NULL OR naechste_erinnerung_am IS NOT NULL)") == 0


def test_jedes_feld_hat_die_folgeaufgabe_seines_zustands_offen(v):
    from prozess.zyklus import FOLGEAUFGABEN

    offen = Counter(dict(v.execute(text(
        "SELECT h.id, count(a.id) FROM handlungsfeld h LEFT JOIN aufgabe a ON a.handlungsfeld_id = h.id "
        "AND a.status = 'offen' AND a.anlass_zustand = h.zustand GROUP BY h.id")).all()))
    for feld_id, zustand in v.execute(text("SELECT id, zustand FROM handlungsfeld")):
        assert offen[feld_id] == (1 if zustand in FOLGEAUFGABEN else 0), (feld_id, zustand)


def test_sitzungen_liegen_vor_und_nach_jetzt_und_eingeladene_haben_eine_tagesordnung(datensatz, v):
    sitzungen = v.execute(text("""
        SELECT s.id, g.kuerzel, s.beginn, s.eingeladen_sequenz, s.status,
               (SELECT min(t.titel) FROM tagesordnungspunkt t WHERE t.sitzung_id = s.id AND t.nummer = 1) AS erster,
               (SELECT count(*) FROM tagesordnungspunkt t WHERE t.sitzung_id = s.id) AS punkte
        FROM sitzung s JOIN gremium g ON g.id = s.gremium_id""")).all()
    for kuerzel in ("steuerungsgruppe", "bildungsbeirat", "schulausschuss", "bildungskonferenz"):
        eigene = [s for s in sitzungen if s.kuerzel == kuerzel]
        assert any(_zeit(s.beginn) < datensatz.jetzt for s in eigene), kuerzel
        assert any(_zeit(s.beginn) > datensatz.jetzt for s in eigene), kuerzel
    for s in sitzungen:
        if s.eingeladen_sequenz is None:
            assert s.punkte == 0 and _zeit(s.beginn) > datensatz.jetzt
        else:
            assert s.erster == "Eröffnung und Feststellung der Tagesordnung" and s.punkte >= 3
    assert any(s.eingeladen_sequenz is not None and _zeit(s.beginn) > datensatz.jetzt for s in sitzungen)
    assert zaehle(v, "SELECT count(*) FROM outbox WHERE anlass = 'einladung' AND kalender LIKE 'BEGIN:VCALENDAR%'") > 0
    assert zaehle(v, "SELECT count(*) FROM statusbericht") >= 1


def test_massnahmen_stehen_unter_arbeitspaketen_ihres_zielbaums(v):
    falsch = zaehle(v, """
        SELECT count(*) FROM massnahme m
        JOIN ziel p ON p.id = m.arbeitspaket_id JOIN ziel mz ON mz.id = p.ueber_id JOIN ziel sz ON sz.id = mz.ueber_id
        WHERE NOT (p.ebene = 'arbeitspaket' AND mz.ebene = 'mittlerziel' AND sz.ebene = 'strategisches_ziel'
                   AND sz.ueber_id IS NULL AND p.handlungsfeld_id = m.handlungsfeld_id
                   AND sz.handlungsfeld_id = m.handlungsfeld_id)""")
    unter_paketen = zaehle(v, "SELECT count(*) FROM massnahme m JOIN ziel p ON p.id = m.arbeitspaket_id "
                              "JOIN ziel mz ON mz.id = p.ueber_id JOIN ziel sz ON sz.id = mz.ueber_id")
    assert falsch == 0 and unter_paketen == Umfang.zum_massstab(MASSSTAB).massnahmen


def test_gesendete_mails_liegen_vor_jetzt_und_ihre_ids_steigen_mit_der_zeit(datensatz, v):
    zeiten = [_zeit(t) for (t,) in v.execute(text("SELECT erstellt_am FROM outbox ORDER BY id"))]
    assert zeiten == sorted(zeiten) and zeiten[-1] <= datensatz.jetzt
    assert zaehle(v, "SELECT count(*) FROM outbox WHERE status = 'gesendet' AND "
                     "(gesendet_am IS NULL OR gesendet_am < erstellt_am)") == 0
    arten = dict(v.execute(text("SELECT anlass, count(*) FROM outbox GROUP BY anlass")).all())
    assert {"aufgabe_zugewiesen", "schritt_erfolgt", "erinnerung", "heute_faellig", "ueberfaellig", "eskalation",
            "einladung", "statusbericht"} <= set(arten)


def test_ein_ziel_mit_daten_bleibt_unberuehrt(datensatz, v, tmp_path):
    vorher = zaehle(v, "SELECT count(*) FROM outbox")
    with pytest.raises(ZielNichtLeer, match="enthält schon Daten"):
        standard_datensatz(datensatz.url, massstab=MASSSTAB, zwischenspeicher=tmp_path)
    assert zaehle(v, "SELECT count(*) FROM outbox") == vorher
    assert not list(tmp_path.iterdir())  # nichts gebaut


def test_die_zweite_sqlite_kopie_kommt_aus_dem_zwischenspeicher(tmp_path):
    zwischenspeicher, jetzt = tmp_path / "zwischenspeicher", wochenbeginn()
    erste = standard_datensatz(f"sqlite:///{tmp_path / 'a.db'}", massstab=MASSSTAB, jetzt=jetzt,
                               zwischenspeicher=zwischenspeicher)
    zweite = standard_datensatz(f"sqlite:///{tmp_path / 'b.db'}", massstab=MASSSTAB, jetzt=jetzt,
                                zwischenspeicher=zwischenspeicher)
    assert not erste.aus_zwischenspeicher and zweite.aus_zwischenspeicher
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()
    assert len(list(zwischenspeicher.glob("datensatz-*.db"))) == 1


def test_die_befehlszeile_liest_den_datensatz_und_loest_einen_schritt_aus(datensatz, v):
    """Zuletzt: ein echter Schritt über die Befehlszeile, mit neuen Ids (auf PostgreSQL aus den
    nachgezogenen Sequenzen)."""
    feld_id = v.execute(text(
        "SELECT min(h.id) FROM handlungsfeld h WHERE h.zustand = 'definiert' "
        "AND EXISTS (SELECT 1 FROM datengrundlage d WHERE d.handlungsfeld_id = h.id)")).scalar_one()
    assert feld_id is not None
    gesendet = [z.split() for z in _bb(datensatz.url, "versand", "status").splitlines() if z.startswith("gesendet")]
    assert gesendet == [["gesendet", str(Umfang.zum_massstab(MASSSTAB).gesendet)]]
    hoechste = {t: zaehle(v, f"SELECT max(id) FROM {t}") for t in ("aufgabe", "outbox", "schrittprotokoll")}
    ausgabe = _bb(datensatz.url, "handlungsfeld", "schritt", str(feld_id), "daten_zusammenstellen",
                  "--als", "joerg.toebben@lkclp.example")
    assert ausgabe.strip() == f"Handlungsfeld {feld_id}: definiert → Daten zusammengestellt."
    v.rollback()  # frischer Schnappschuss (PostgreSQL)
    assert v.execute(text(f"SELECT zustand FROM handlungsfeld WHERE id = {feld_id}")).scalar_one() == \
        "daten_zusammengestellt"
    for tabelle, alt in hoechste.items():
        assert zaehle(v, f"SELECT max(id) FROM {tabelle}") > alt


def _bb(url: str, *args: str) -> str:
    umgebung = {k: w for k, w in os.environ.items() if not k.startswith("BILDUNGSBUERO_")}
    umgebung["BILDUNGSBUERO_DATENBANK_URL"] = url
    ergebnis = subprocess.run([str(BEFEHL), *args], capture_output=True, text=True, env=umgebung,
                              cwd=Path(__file__).parent)
    assert ergebnis.returncode == 0, ergebnis.stderr
    return ergebnis.stdout


def _zeit(wert):
    """Zeitpunkte aus Core-Abfragen: SQLite liefert Text oder naive UTC-Werte, PostgreSQL zonenbewusste."""
    from datetime import datetime, timezone

    if isinstance(wert, str):
        wert = datetime.fromisoformat(wert)
    return wert if wert.tzinfo else wert.replace(tzinfo=timezone.utc)
