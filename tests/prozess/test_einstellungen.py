"""Einstellungen: Standard, Datei, Umgebung; ungültige Werte scheitern beim Start mit Namen."""

from __future__ import annotations

from pathlib import Path

import pytest

from prozess import einstellungen as modul
from prozess.einstellungen import Verweis, erklaerungen, laden, readme_tabelle
from prozess.fehler import Konfigurationsfehler
from tests.eingaben import abgewiesen, datenbank, verzeichnis_abbild  # noqa: F401  (datenbank: Fixture)
from tests.prozess.cli.test_bedienung import _bb_mit, bb

README = Path(__file__).resolve().parents[2] / "README.md"


def test_ohne_datei_und_umgebung_gelten_die_standardwerte(tmp_path):
    e = laden(umgebung={}, arbeitsverzeichnis=tmp_path)
    assert e.datenbank_url == "sqlite:///bildungsbuero.db"
    assert str(e.zeitzone) == "Europe/Berlin"
    assert e.frist_daten_zusammenstellen_tage == 42
    assert e.quellen["zeitzone"] == "Standard"


def test_die_umgebung_schlaegt_die_datei(tmp_path):
    (tmp_path / "bildungsbuero.toml").write_text('frist_bericht_tage = 100\nzeitzone = "Europe/Vienna"\n')
    e = laden(umgebung={"BILDUNGSBUERO_FRIST_BERICHT_TAGE": "120"}, arbeitsverzeichnis=tmp_path)
    assert (e.frist_bericht_tage, str(e.zeitzone)) == (120, "Europe/Vienna")
    assert e.quellen["frist_bericht_tage"] == "BILDUNGSBUERO_FRIST_BERICHT_TAGE"


def test_ein_ungueltiger_wert_nennt_einstellung_und_quelle(tmp_path):
    with pytest.raises(Konfigurationsfehler) as info:
        laden(umgebung={"BILDUNGSBUERO_FRIST_BERICHT_TAGE": "bald"}, arbeitsverzeichnis=tmp_path)
    assert "»frist_bericht_tage« (aus BILDUNGSBUERO_FRIST_BERICHT_TAGE)" in str(info.value)
    assert "ganze Zahl" in str(info.value)


def test_eine_unbekannte_zeitzone_scheitert(tmp_path):
    with pytest.raises(Konfigurationsfehler, match="IANA-Zeitzone"):
        laden(umgebung={"BILDUNGSBUERO_ZEITZONE": "Mitteleuropa"}, arbeitsverzeichnis=tmp_path)


def test_ein_tippfehler_in_der_datei_faellt_auf(tmp_path):
    datei = tmp_path / "eigene.toml"
    datei.write_text("datenbank_ulr = 'sqlite:///x.db'\n")
    with pytest.raises(Konfigurationsfehler, match="unbekannter Schlüssel »datenbank_ulr«"):
        laden(umgebung={"BILDUNGSBUERO_KONFIG": str(datei)}, arbeitsverzeichnis=tmp_path)


def test_ein_tippfehler_in_der_umgebung_faellt_auf(tmp_path):
    with pytest.raises(Konfigurationsfehler, match="BILDUNGSBUERO_DATENBANK: keine bekannte Einstellung"):
        laden(umgebung={"BILDUNGSBUERO_DATENBANK": "x"}, arbeitsverzeichnis=tmp_path)


@pytest.mark.parametrize("einstellung", erklaerungen(), ids=lambda e: e.name)
def test_jede_einstellung_ist_in_der_readme_dokumentiert(einstellung):
    text = README.read_text(encoding="utf-8")
    assert f"`{einstellung.name}`" in text
    assert f"`{einstellung.variable}`" in text


def test_die_tabelle_der_readme_ist_die_aus_den_erklaerungen():
    """Bedeutung und Standardwert stehen einmal, in einstellungen.json; die README zeigt genau sie."""
    assert readme_tabelle() in README.read_text(encoding="utf-8"), (
        "Die Tabelle im Abschnitt »Einstellungen« der README weicht von prozess/einstellungen.json ab; "
        "neu erzeugen mit: python -m prozess.einstellungen"
    )


def test_jeder_verweis_im_code_nennt_eine_erklaerte_einstellung():
    verweise = [v for v in vars(modul).values() if isinstance(v, Verweis)]
    assert len(verweise) >= 6
    assert {v.name for v in verweise} <= {e.name for e in erklaerungen()}
    assert {v.name for v in verweise} == {v.name for v in modul._VERWEISE}
    assert all(v.erklaerung.name == v.name for v in verweise)


def test_jeder_standardwert_besteht_die_pruefung_seiner_art():
    for e in erklaerungen():
        e.lesen(e.standard)


@pytest.mark.parametrize("eintrag,grund", [
    ({"art": "ganzzahl", "von": 1, "standard": 3, "bedeutung": "x"}, "Parameter der Art »ganzzahl« passen nicht"),
    ({"art": "text", "von": 1, "standard": "a", "bedeutung": "x"}, "die Art »text« kennt keine Schlüssel ['von']"),
    ({"art": "zahl", "standard": 3, "bedeutung": "x"}, "unbekannte Art »zahl«"),
    ({"art": "text", "standard": "a"}, "es fehlt 'bedeutung'"),
])
def test_ein_fehler_in_den_erklaerungen_nennt_eintrag_und_grund(eintrag, grund):
    with pytest.raises(RuntimeError, match="einstellungen.json, \\[probe\\]: ") as info:
        modul._erklaerung("probe", eintrag)
    assert grund in str(info.value)


def test_eine_zweimal_erklaerte_einstellung_faellt_auf():
    with pytest.raises(RuntimeError, match="smtp_port zweimal erklärt"):
        modul._ohne_doppelte([("smtp_port", {}), ("smtp_host", {}), ("smtp_port", {})])


@pytest.mark.parametrize("wert", ["mail.lkclp.example", "relay-1.kreis.example", "[192.0.2.7]", "[IPv6:2001:db8::1]", ""])
def test_der_ehlo_name_ist_ein_rechnername_oder_ein_adressliteral(tmp_path, wert):
    e = laden(umgebung={"BILDUNGSBUERO_SMTP_EHLO_NAME": wert}, arbeitsverzeichnis=tmp_path)
    assert e.smtp_ehlo_name == wert


@pytest.mark.parametrize("wert", ["mail server.example", "-mail.example", "mail..example", "mail_1.example",
                                  "bürgeramt.example", "[192.0.2]", "[IPv6:nix]", "a" * 64 + ".example"])
def test_ein_ungueltiger_ehlo_name_scheitert_beim_start(tmp_path, wert):
    with pytest.raises(Konfigurationsfehler) as info:
        laden(umgebung={"BILDUNGSBUERO_SMTP_EHLO_NAME": wert}, arbeitsverzeichnis=tmp_path)
    assert "»smtp_ehlo_name« (aus BILDUNGSBUERO_SMTP_EHLO_NAME)" in str(info.value)
    assert "Rechnernamen wie mail.landkreis.de" in str(info.value)


# --- strenge Werte -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "sqlite:///bildungsbuero.db", "sqlite:////srv/bb/bildungsbuero.db", "sqlite://",
    "postgresql+psycopg://bb@127.0.0.1:5432/bb", "postgresql+psycopg:///bb?host=/run/postgresql",
])
def test_unterstuetzte_datenbank_urls_werden_angenommen(tmp_path, url):
    assert laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": url}, arbeitsverzeichnis=tmp_path).datenbank_url == url


@pytest.mark.parametrize("url,grund", [
    ("foo", "erwartet eine Datenbank-URL wie sqlite:///bildungsbuero.db"),
    ("foo://bar", "die Datenbankart »foo« wird nicht unterstützt; unterstützt sind SQLite"),
    ("mysql://bb@db.lkclp.example/bb", "die Datenbankart »mysql« wird nicht unterstützt; unterstützt sind SQLite"),
    ("postgresql://bb@127.0.0.1/bb", "»postgresql« wird nicht unterstützt (für PostgreSQL mit Treiber: postgresql+psycopg://…)"),
    ("sqlite://bildungsbuero.db", "drei Schrägstriche"),
    ("postgresql+psycopg://bb@127.0.0.1:99999/bb", "keine gültige URL (Port out of range"),
])
def test_eine_nicht_unterstuetzte_datenbank_url_sagt_was_geht(tmp_path, url, grund):
    with pytest.raises(Konfigurationsfehler, match="»datenbank_url« \\(aus BILDUNGSBUERO_DATENBANK_URL\\)") as info:
        laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": url}, arbeitsverzeichnis=tmp_path)
    assert grund in str(info.value)


def test_ein_passwort_in_der_datenbank_url_steht_in_keiner_meldung(tmp_path):
    with pytest.raises(Konfigurationsfehler) as info:
        laden(umgebung={"BILDUNGSBUERO_DATENBANK_URL": "mysql://bb:Sehr-Geheim@db/bb"}, arbeitsverzeichnis=tmp_path)
    assert "Sehr-Geheim" not in str(info.value)
    assert "'mysql://bb:***@db/bb'" in str(info.value)


@pytest.mark.parametrize("name", ["maildir_pfad", "smtp_host", "smtp_passwort_datei", "smtp_benutzer", "datenbank_url"])
def test_ein_steuerzeichen_in_einem_pfad_oder_namen_wird_benannt(tmp_path, name):
    (tmp_path / "bildungsbuero.toml").write_text(f'{name} = "post\\u0000fach"\n', encoding="utf-8")
    with pytest.raises(Konfigurationsfehler, match=f"»{name}« .*Steuerzeichen \\('\\\\x00' an Stelle 5\\)"):
        laden(umgebung={}, arbeitsverzeichnis=tmp_path)


@pytest.mark.parametrize("roh", ["1.5", 1.5, True, "", "sieben", "99999999999999999999"])
def test_eine_zahl_von_tagen_ist_ganz_und_hat_grenzen(tmp_path, roh):
    datei = tmp_path / "bildungsbuero.toml"
    datei.write_text(f"frist_bericht_tage = {roh!r}\n".replace("True", "true"), encoding="utf-8")
    with pytest.raises(Konfigurationsfehler, match=r"erwartet eine ganze Zahl \(Tage\) von 1 bis 3650"):
        laden(umgebung={}, arbeitsverzeichnis=tmp_path)


def test_eine_toml_uhrzeit_ist_eine_uhrzeit(tmp_path):
    (tmp_path / "bildungsbuero.toml").write_text("erinnerung_uhrzeit = 06:30:00\n", encoding="utf-8")
    assert str(laden(umgebung={}, arbeitsverzeichnis=tmp_path).erinnerung_uhrzeit) == "06:30:00"


# --- die Datei selbst ----------------------------------------------------------------------


def test_eine_datei_mit_bom_wird_gelesen(tmp_path):
    (tmp_path / "bildungsbuero.toml").write_bytes("\ufeffmaildir_pfad = \"Postfach\"\n".encode("utf-8"))
    assert laden(umgebung={}, arbeitsverzeichnis=tmp_path).maildir_pfad == "Postfach"


@pytest.mark.parametrize("inhalt,grund", [
    ('maildir_pfad = "Bücher"\n'.encode("latin-1"), "ist nicht in UTF-8 gespeichert (Zeile 1, Byte 0xfc)"),
    ('maildir_pfad = "Bücher"\n'.encode("utf-16"), "ist in UTF-16 gespeichert"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ist keine Textdatei (Null-Byte an Stelle 9)"),
    (b"[[", "kein gültiges TOML"),
    (b"a = " + b"[" * 5000 + b"]" * 5000, "zu tief verschachtelt"),
])
def test_eine_datei_in_falscher_kodierung_oder_binaer_wird_benannt(tmp_path, inhalt, grund):
    datei = tmp_path / "eigene.toml"
    datei.write_bytes(inhalt)
    with pytest.raises(Konfigurationsfehler, match=f"Einstellungsdatei {datei}") as info:
        laden(umgebung={"BILDUNGSBUERO_KONFIG": str(datei)}, arbeitsverzeichnis=tmp_path)
    assert grund in str(info.value)


def test_eine_passwortdatei_in_falscher_kodierung_wird_benannt(tmp_path):
    datei = tmp_path / "passwort"
    datei.write_bytes(b"geheim\xff\n")
    with pytest.raises(Konfigurationsfehler, match="smtp_passwort_datei.*keine UTF-8-Textdatei"):
        laden(umgebung={"BILDUNGSBUERO_SMTP_PASSWORT_DATEI": str(datei)}, arbeitsverzeichnis=tmp_path)


# --- an der Befehlszeile: Meldung, Exit-Code 1, kein Traceback, Daten unverändert ---------


SCHLECHTE_DATEIEN = {
    "Latin-1": ('maildir_pfad = "Bücher"\n'.encode("latin-1"), ("handlungsfeld", "liste"),
                "bildungsbuero.toml ist nicht in UTF-8 gespeichert (Zeile 1, Byte 0xfc). Speichern Sie sie im "
                "Editor mit der Kodierung UTF-8."),
    "binär": (bytes(range(256)), ("init",),
              "bildungsbuero.toml ist keine Textdatei (Null-Byte an Stelle 1). Ist es die richtige Datei?"),
    "NUL im maildir_pfad": ('maildir_pfad = "post\\u0000fach"\n'.encode(), ("versand", "senden"),
                            "bildungsbuero.toml): Wert 'post\\x00fach' ist ungültig, enthält ein Steuerzeichen"),
}


@pytest.mark.parametrize("inhalt,befehl,meldung", SCHLECHTE_DATEIEN.values(), ids=SCHLECHTE_DATEIEN.keys())
def test_eine_schlechte_einstellungsdatei_bricht_den_befehl_mit_meldung_ab(datenbank, inhalt, befehl, meldung):
    (datenbank.parent / "bildungsbuero.toml").write_bytes(inhalt)
    vorher = verzeichnis_abbild(datenbank.parent)
    abgewiesen(bb(*befehl, db=datenbank, pruefen=False), meldung, vorher, datenbank.parent)


def test_eine_einstellungsdatei_mit_bom_gilt(datenbank):
    (datenbank.parent / "bildungsbuero.toml").write_bytes('\ufeffmaildir_pfad = "Postfach"\n'.encode())
    assert "maildir_pfad = Postfach   (" in bb("einstellungen", db=datenbank).stdout


@pytest.mark.parametrize("url,meldung,befehl", [
    ("foo", "erwartet eine Datenbank-URL wie sqlite:///bildungsbuero.db oder postgresql+psycopg://", ("init",)),
    ("foo://bar", "die Datenbankart »foo« wird nicht unterstützt", ("handlungsfeld", "liste")),
    ("mysql://bb@db.lkclp.example/bb", "die Datenbankart »mysql« wird nicht unterstützt", ("init",)),
])
def test_eine_schlechte_datenbank_url_bricht_mit_meldung_ab(datenbank, url, meldung, befehl):
    vorher = verzeichnis_abbild(datenbank.parent)
    ergebnis = _bb_mit({"BILDUNGSBUERO_DATENBANK_URL": url}, *befehl, db=datenbank, pruefen=False)
    abgewiesen(ergebnis, f"Fehler: Einstellung »datenbank_url« (aus BILDUNGSBUERO_DATENBANK_URL): Wert {url!r} "
                         "ist ungültig, ", vorher, datenbank.parent)
    assert meldung in ergebnis.stderr


def test_das_passwort_in_der_datenbank_url_zeigt_einstellungen_nicht(tmp_path):
    e = laden({"BILDUNGSBUERO_DATENBANK_URL": "postgresql+psycopg://bb:Sehr-Geheim-4711@db.example/bb"}, tmp_path)
    assert e.anzeige("datenbank_url") == "postgresql+psycopg://bb:***@db.example/bb"
    assert "Sehr-Geheim-4711" in e.datenbank_url  # die Verbindung braucht es weiter
