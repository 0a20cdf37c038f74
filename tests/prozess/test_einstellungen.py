"""Einstellungen: Standard, Datei, Umgebung; ungültige Werte scheitern beim Start mit Namen."""

from __future__ import annotations

from pathlib import Path

import pytest

from prozess.einstellungen import EINSTELLUNGEN, laden
from prozess.fehler import Konfigurationsfehler

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


@pytest.mark.parametrize("einstellung", EINSTELLUNGEN, ids=lambda e: e.name)
def test_jede_einstellung_ist_in_der_readme_dokumentiert(einstellung):
    text = README.read_text(encoding="utf-8")
    assert f"`{einstellung.name}`" in text
    assert f"`{einstellung.variable}`" in text


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
