"""Sitzungstermine aus dem Rhythmus: genaue Tage, Feiertage, Zeitumstellung, Schulferien."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from prozess.organisation import datei_lesen
from prozess.sitzungstermine import schulferien_bekannt_bis, termine, verschieben
from tests.conftest import ORGANISATION

BERLIN = ZoneInfo("Europe/Berlin")


def rhythmus(kuerzel: str) -> dict:
    return next(g.rhythmus for g in datei_lesen(ORGANISATION).gremien if g.kuerzel == kuerzel)


def tage(kuerzel: str) -> list[str]:
    return [t.beginn.strftime("%Y-%m-%d %H:%M") for t in termine(rhythmus(kuerzel), date(2027, 1, 1), date(2028, 12, 31), BERLIN)]


def test_der_bildungsbeirat_tagt_zweimal_im_jahr():
    assert tage("bildungsbeirat") == ["2027-03-10 17:00", "2027-09-08 17:00", "2028-03-08 17:00", "2028-09-13 17:00"]


def test_die_steuerungsgruppe_tagt_vierteljaehrlich():
    assert tage("steuerungsgruppe") == [
        "2027-02-02 10:00", "2027-05-04 10:00", "2027-08-03 10:00", "2027-11-02 10:00",
        "2028-02-01 10:00", "2028-05-02 10:00", "2028-08-01 10:00", "2028-11-07 10:00"]


def test_der_schulausschuss_tagt_nach_seinem_kalender():
    assert tage("schulausschuss") == [
        "2027-02-18 16:00", "2027-04-15 16:00", "2027-06-17 16:00", "2027-09-16 16:00", "2027-11-18 16:00",
        "2028-02-17 16:00", "2028-04-20 16:00", "2028-06-15 16:00", "2028-09-21 16:00", "2028-11-16 16:00"]


def test_die_bildungskonferenz_tagt_alle_zwei_jahre():
    assert tage("bildungskonferenz") == ["2027-11-13 09:30"]
    spaeter = termine(rhythmus("bildungskonferenz"), date(2029, 1, 1), date(2029, 12, 31), BERLIN)
    assert [t.beginn.date() for t in spaeter] == [date(2029, 11, 10)]


def test_ein_termin_am_3_oktober_rueckt_auf_den_naechsten_arbeitstag():
    # Erster Donnerstag im Oktober 2030 ist der Tag der Deutschen Einheit.
    r = {"monate": [10], "wochentag": "donnerstag", "woche": 1, "uhrzeit": "16:00", "dauer_minuten": 120, "ort": ""}
    (termin,) = termine(r, date(2030, 1, 1), date(2030, 12, 31), BERLIN)
    assert termin.geplant_am == date(2030, 10, 3)
    assert termin.beginn == datetime(2030, 10, 4, 16, 0, tzinfo=BERLIN)
    assert "Tag der Deutschen Einheit" in termin.hinweis


def test_ein_feiertag_vor_dem_wochenende_rueckt_auf_montag():
    # Karfreitag 2027 ist der 26. März; der nächste Arbeitstag nach Ostermontag ist Dienstag, der 30.
    assert verschieben(date(2027, 3, 26))[0] == date(2027, 3, 30)


def test_17_uhr_bleibt_17_uhr_ortszeit_ueber_beide_zeitumstellungen():
    r = {"monate": [3, 4, 10, 11], "wochentag": "mittwoch", "woche": 1, "uhrzeit": "17:00", "dauer_minuten": 120, "ort": ""}
    alle = termine(r, date(2027, 1, 1), date(2027, 12, 31), BERLIN)
    assert {t.beginn.astimezone(BERLIN).hour for t in alle} == {17}
    utc = [t.beginn.astimezone(timezone.utc).hour for t in alle]
    # 3. März: MEZ (16 UTC); 7. April und 6. Oktober: MESZ (15 UTC); 3. November: wieder MEZ.
    assert [t.beginn.date().isoformat() for t in alle] == ["2027-03-03", "2027-04-07", "2027-10-06", "2027-11-03"]
    assert utc == [16, 15, 15, 16]


def test_schulferien_werden_gemieden_wo_gewuenscht():
    # Dienstag, 13. Juli 2027 liegt in den Sommerferien in Niedersachsen.
    r = {"monate": [7], "wochentag": "dienstag", "woche": 2, "uhrzeit": "10:00", "dauer_minuten": 60, "ort": "",
         "schulferien_meiden": True}
    (termin,) = termine(r, date(2027, 1, 1), date(2027, 12, 31), BERLIN)
    assert termin.beginn.date() > date(2027, 7, 13)
    assert "Schulferien" in termin.hinweis
    assert termin.beginn.weekday() < 5


def test_wo_die_ferien_daten_enden_wird_das_gesagt_statt_angenommen():
    ende = schulferien_bekannt_bis()
    spaeter = date(ende.year + 2, 11, 10)
    tag, hinweis = verschieben(spaeter, schulferien_meiden=True)
    assert tag == spaeter
    assert f"Daten reichen bis {ende:%d.%m.%Y}" in hinweis


@pytest.mark.parametrize("feld,wert,meldung", [
    ("wochentag", "mittwochs", "sitzungen.wochentag"),
    ("woche", 5, "sitzungen.woche"),
])
def test_ein_falscher_rhythmus_nennt_die_stelle(tmp_path, feld, wert, meldung):
    from prozess.fehler import Eingabefehler

    text = ORGANISATION.read_text(encoding="utf-8")
    alt = {"wochentag": 'wochentag = "mittwoch"', "woche": "woche = 2"}[feld]
    neu = f'wochentag = "{wert}"' if feld == "wochentag" else f"woche = {wert}"
    datei = tmp_path / "org.toml"
    datei.write_text(text.replace(alt, neu, 1), encoding="utf-8")
    with pytest.raises(Eingabefehler, match=meldung):
        datei_lesen(datei)
