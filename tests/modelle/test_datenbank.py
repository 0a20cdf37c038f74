"""Die Datenbankdatei wird geprüft, bevor eine Engine sie öffnet: fehlt, ist keine, liegt falsch."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelle.datenbank import Datenbankfehler, datei_pruefen, sqlite_datei
from tests.conftest import ORGANISATION
from tests.eingaben import abgewiesen, verzeichnis_abbild
from tests.prozess.cli.test_bedienung import _bb_mit, bb

KEINE_DATENBANKEN = {
    "Text": b"kein SQLite\n",
    "zu kurz": b"SQLite",
    "Latin-1": "ä".encode("latin-1") * 40,
    "Bild": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
}


@pytest.mark.parametrize("inhalt", [b"", None], ids=["leere Datei", "fehlende Datei"])
def test_init_darf_eine_leere_oder_fehlende_datei_einrichten(tmp_path, inhalt):
    datei = tmp_path / "bb.db"
    if inhalt is not None:
        datei.write_bytes(inhalt)
    datei_pruefen(f"sqlite:///{datei}", anlegen=True)
    assert verzeichnis_abbild(tmp_path) == ({} if inhalt is None else {"bb.db": b""})


def test_andere_befehle_legen_keine_datei_an(tmp_path):
    datei = tmp_path / "tippfehler.db"
    with pytest.raises(Datenbankfehler, match=r"tippfehler.db \(Einstellung datenbank_url\) gibt es nicht.*bildungsbuero init"):
        datei_pruefen(f"sqlite:///{datei}")
    assert not datei.exists()


@pytest.mark.parametrize("inhalt", KEINE_DATENBANKEN.values(), ids=KEINE_DATENBANKEN.keys())
def test_eine_datei_ohne_sqlite_kopf_wird_abgewiesen(tmp_path, inhalt):
    datei = tmp_path / "bb.db"
    datei.write_bytes(inhalt)
    with pytest.raises(Datenbankfehler, match="keine SQLite-Datenbank"):
        datei_pruefen(f"sqlite:///{datei}", anlegen=True)
    assert datei.read_bytes() == inhalt


def test_ein_fehlendes_verzeichnis_oder_ein_verzeichnis_als_datei_wird_benannt(tmp_path):
    with pytest.raises(Datenbankfehler, match="Verzeichnis .*fehlt-auch für die .* gibt es nicht"):
        datei_pruefen(f"sqlite:///{tmp_path / 'fehlt-auch' / 'bb.db'}", anlegen=True)
    with pytest.raises(Datenbankfehler, match="ist ein Verzeichnis"):
        datei_pruefen(f"sqlite:///{tmp_path}")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql+psycopg://bb@127.0.0.1/fehlt"])
def test_ohne_datei_gibt_es_nichts_zu_pruefen(url):
    assert sqlite_datei(url) is None
    datei_pruefen(url)


# --- an der Befehlszeile -------------------------------------------------------------------


@pytest.mark.parametrize("befehl", [("handlungsfeld", "liste"), ("versand", "status"), ("organisation", "laden", str(ORGANISATION))],
                         ids=lambda b: " ".join(b[:2]))
def test_ein_tippfehler_im_datenbankpfad_legt_keine_leere_datenbank_an(tmp_path, befehl):
    vorher = verzeichnis_abbild(tmp_path)
    ergebnis = bb(*befehl, db=tmp_path / "bildungsbuero.dbb", pruefen=False)
    abgewiesen(ergebnis, "bildungsbuero.dbb (Einstellung datenbank_url) gibt es nicht", vorher, tmp_path)
    assert "ist die Datenbank neu: Führen Sie zuerst »bildungsbuero init« aus." in ergebnis.stderr


def test_init_legt_die_fehlende_datei_an(tmp_path):
    assert "Stand leer →" in bb("init", db=tmp_path / "neu.db").stdout
    assert (tmp_path / "neu.db").exists()


def test_init_in_ein_fehlendes_verzeichnis_sagt_welches(tmp_path):
    ergebnis = _bb_mit({"BILDUNGSBUERO_DATENBANK_URL": "sqlite:///fehlt/neu.db"}, "init", db=tmp_path / "x", pruefen=False)
    abgewiesen(ergebnis, f"Das Verzeichnis {tmp_path / 'fehlt'} für die Datenbankdatei", {}, tmp_path)


@pytest.mark.parametrize("befehl", [("init",), ("handlungsfeld", "liste"), ("organisation", "laden", str(ORGANISATION))], ids=lambda b: " ".join(b[:2]))
@pytest.mark.parametrize("inhalt", [KEINE_DATENBANKEN["Text"], KEINE_DATENBANKEN["Bild"]], ids=["Text", "Bild"])
def test_eine_datei_die_keine_datenbank_ist_bleibt_unberuehrt(tmp_path, befehl, inhalt):
    (tmp_path / "notizen.txt").write_bytes(inhalt)
    vorher = verzeichnis_abbild(tmp_path)
    ergebnis = _bb_mit({"BILDUNGSBUERO_DATENBANK_URL": "sqlite:///notizen.txt"}, *befehl, db=tmp_path / "x", pruefen=False)
    abgewiesen(ergebnis, f"Die Datenbankdatei {tmp_path / 'notizen.txt'} (Einstellung datenbank_url) ist keine "
                         "SQLite-Datenbank. Prüfen Sie den Pfad; die Datei wurde nicht verändert.", vorher, tmp_path)


def test_ein_unbekannter_stand_wird_an_der_befehlszeile_erklaert(tmp_path):
    import sqlite3

    db = tmp_path / "bb.db"
    bb("init", db=db)
    with sqlite3.connect(db) as v:
        v.execute("UPDATE alembic_version SET version_num = '0099'")
    v.close()
    vorher = verzeichnis_abbild(tmp_path)
    abgewiesen(bb("init", db=db, pruefen=False), "Die Datenbank hat den Stand 0099, den dieses Programm nicht kennt",
               vorher, tmp_path)


def test_init_nennt_die_sicherung_vor_dem_anheben(tmp_path):
    from tests.modelle.abbruch import stand_0002_mit_daten

    db = tmp_path / "bb.db"
    stand_0002_mit_daten(db)
    ausgabe = bb("init", db=db).stdout
    assert "Datenbank eingerichtet: Stand 0002 →" in ausgabe
    assert f"Sicherung des Stands 0002 von vor dem Anheben: {Path(str(db) + '.vor-dem-anheben-0002')}" in ausgabe
    assert "Sicherung" not in bb("init", db=db).stdout
