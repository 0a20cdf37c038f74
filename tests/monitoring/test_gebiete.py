"""Gebiete aus der Organisationsdatei: Land, Landkreis, 13 Gemeinden, Schulen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from modelle.kennzahlen import Gebiet
from monitoring.gebiete import ebene_aus_schluessel, uebergeordneter_schluessel
from prozess.fehler import Eingabefehler
from prozess.organisation import datei_lesen, organisation_laden
from tests.conftest import ORGANISATION
from tests.hilfen import abbild, tun


def _gebiete(s) -> dict[str, tuple[str, str, str | None]]:
    zeilen = s.execute(select(Gebiet)).scalars().all()
    nach_id = {g.id: g.schluessel for g in zeilen}
    return {g.schluessel: (g.ebene, g.name, nach_id.get(g.ueber_id)) for g in zeilen}


def test_die_organisation_bringt_land_kreis_alle_13_gemeinden_und_schulen_mit(s):
    gebiete = _gebiete(s)
    assert gebiete["DG"] == ("deutschland", "Deutschland", None)
    assert gebiete["03"] == ("land", "Niedersachsen", "DG")
    assert gebiete["03453"] == ("landkreis", "Landkreis Cloppenburg", "03")
    gemeinden = {k: v[1] for k, v in gebiete.items() if v[0] == "gemeinde"}
    assert len(gemeinden) == 13
    assert all(v[2] == "03453" for v in gebiete.values() if v[0] == "gemeinde")
    assert gemeinden["03453001"] == "Barßel"
    assert gemeinden["03453011"] == "Löningen, Stadt"
    assert gemeinden["03453013"] == "Saterland"
    assert gebiete["schule:90001"] == ("schule", "Oberschule Löningen", "03453011")


def test_zweites_laden_legt_kein_gebiet_doppelt_an(s, uhr):
    vorher = abbild(s)
    bericht = tun(s, uhr.jetzt, organisation_laden, datei_lesen(ORGANISATION))
    assert bericht.aenderungen == []
    assert abbild(s) == vorher


def test_ein_umbenanntes_gebiet_wird_gemeldet(s, uhr, tmp_path):
    datei = tmp_path / "org.toml"
    datei.write_text(ORGANISATION.read_text(encoding="utf-8").replace('name = "Saterland"', 'name = "Saterland (Seelterlound)"'),
                     encoding="utf-8")
    bericht = tun(s, uhr.jetzt, organisation_laden, datei_lesen(datei))
    assert bericht.aenderungen == ["Gebiet geändert: Saterland (Seelterlound) (03453013)"]


@pytest.mark.parametrize("alt,neu,meldung", [
    ('ags = "03453001"', "ags = 3453001", "[[gemeinde]] Nr. 1, ags: »3453001« ist kein amtlicher Gemeindeschlüssel mit 8 Stellen"),
    ('ags = "03453002"', 'ags = "03454002"', "[[gemeinde]] Nr. 2, ags: 03454002 liegt nicht im Landkreis 03453"),
    ('gemeinde = "03453008"', 'gemeinde = "03453099"', "[[schule]] Nr. 5, gemeinde: »03453099« ist keine Gemeinde dieser Datei"),
    ('ags = "03453013"', 'ags = "03453012"', "das Gebiet 03453012 (Saterland) steht doppelt in der Datei"),
])
def test_ein_falscher_schluessel_nennt_die_stelle(tmp_path, alt, neu, meldung):
    datei = tmp_path / "org.toml"
    datei.write_text(ORGANISATION.read_text(encoding="utf-8").replace(alt, neu, 1), encoding="utf-8")
    with pytest.raises(Eingabefehler) as info:
        datei_lesen(datei)
    assert meldung in str(info.value)
    assert str(datei) in str(info.value)


@pytest.mark.parametrize("schluessel,ebene,ueber", [
    ("DG", "deutschland", None), ("03", "land", "DG"), ("03453", "landkreis", "03"),
    ("03453011", "gemeinde", "03453"), ("034", None, None), ("034535401", None, None), ("schule:90001", "schule", None),
])
def test_die_ebene_folgt_aus_der_laenge_des_amtlichen_schluessels(schluessel, ebene, ueber):
    assert ebene_aus_schluessel(schluessel) == ebene
    assert uebergeordneter_schluessel(schluessel) == ueber
