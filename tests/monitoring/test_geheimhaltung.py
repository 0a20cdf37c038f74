"""Kleine Fallzahlen: primär unter der Schwelle, sekundär wo eine Summe sie verriete, Anteile mit."""

from __future__ import annotations

import pytest

from monitoring.geheimhaltung import Summe, anteil_verborgen, primaer, unterdruecken


def _verraet_eine_summe_etwas(zellen, summen, verborgen) -> bool:
    """Ob irgendeine Summe genau eine verborgene Zelle hat (dann ergäbe sie sich als Differenz)."""
    return any(sum(1 for z in (s.gesamt, *s.teile) if z in verborgen or zellen[z] is None) == 1 for s in summen)


def test_die_summe_einer_gemeinde_wuerde_die_verborgene_schule_verraten():
    # Abgänger ohne Abschluss in der Stadt Cloppenburg, je Schule und zusammen.
    zellen = {"gemeinde": 25, "oberschule": 9, "foerderschule": 2, "gymnasium": 14}
    summe = Summe("gemeinde", ("oberschule", "foerderschule", "gymnasium"))
    assert primaer(zellen) == {"foerderschule"}
    # Nur primär verborgen: 25 − 9 − 14 = 2 – die verborgene Zahl steht doch da.
    assert zellen["gemeinde"] - zellen["oberschule"] - zellen["gymnasium"] == zellen["foerderschule"]
    verborgen = unterdruecken(zellen, [summe])
    assert verborgen == {"foerderschule", "oberschule"}  # der kleinste sichtbare Teil dazu
    assert not _verraet_eine_summe_etwas(zellen, [summe], verborgen)


def test_in_einer_kreuztabelle_wird_zeilen_und_spaltenweise_nachverborgen():
    # Zeilen: Schulen, Spalten: männlich/weiblich, dazu Randsummen.
    zellen = {
        ("a", "m"): 12, ("a", "w"): 1, ("a", "z"): 13,
        ("b", "m"): 8, ("b", "w"): 9, ("b", "z"): 17,
        ("c", "m"): 5, ("c", "w"): 6, ("c", "z"): 11,
        ("s", "m"): 25, ("s", "w"): 16, ("s", "z"): 41,
    }
    summen = [Summe((r, "z"), ((r, "m"), (r, "w"))) for r in "abcs"]
    summen += [Summe(("s", k), (("a", k), ("b", k), ("c", k))) for k in "mwz"]
    verborgen = unterdruecken(zellen, summen)
    assert ("a", "w") in verborgen
    assert len(verborgen) >= 4  # eine verborgene Zelle braucht in Zeile und Spalte je eine zweite
    assert not _verraet_eine_summe_etwas(zellen, summen, verborgen)


def test_eine_zelle_ohne_zahl_zaehlt_als_verborgen_und_wird_nicht_per_differenz_verraten():
    zellen = {"kreis": 40, "a": 20, "b": None, "c": 15}
    verborgen = unterdruecken(zellen, [Summe("kreis", ("a", "b", "c"))])
    assert verborgen == {"c"}


def test_null_ist_keine_angabe_ueber_personen_und_bleibt_sichtbar():
    assert primaer({"a": 0, "b": 1, "c": 2, "d": 3}) == {"b", "c"}


@pytest.mark.parametrize("schwelle,erwartet", [(2, {"b"}), (3, {"b", "c"}), (5, {"b", "c", "d", "e"})])
def test_die_schwelle_ist_einstellbar(schwelle, erwartet):
    assert primaer({"a": 0, "b": 1, "c": 2, "d": 3, "e": 4, "f": 5}, schwelle) == erwartet


def test_ein_anteil_mit_verborgenem_zaehler_oder_nenner_wird_verborgen():
    zellen = {"gemeinde": 25, "oberschule": 9, "foerderschule": 2, "gymnasium": 14}
    verborgen = unterdruecken(zellen, [Summe("gemeinde", ("oberschule", "foerderschule", "gymnasium"))])
    assert anteil_verborgen("foerderschule", "alle_foerderschule", verborgen)  # primär
    assert anteil_verborgen("oberschule", "alle_oberschule", verborgen)  # sekundär
    assert not anteil_verborgen("gymnasium", "alle_gymnasium", verborgen)
    assert anteil_verborgen("gymnasium", "foerderschule", verborgen)  # Nenner verborgen


def test_die_schwelle_ist_eine_strenge_einstellung():
    from prozess.einstellungen import laden
    from prozess.fehler import Konfigurationsfehler

    assert laden(umgebung={}).geheimhaltung_schwelle == 3
    assert laden(umgebung={"BILDUNGSBUERO_GEHEIMHALTUNG_SCHWELLE": "5"}).geheimhaltung_schwelle == 5
    with pytest.raises(Konfigurationsfehler, match="geheimhaltung_schwelle.*von 2 bis 100"):
        laden(umgebung={"BILDUNGSBUERO_GEHEIMHALTUNG_SCHWELLE": "1"})
