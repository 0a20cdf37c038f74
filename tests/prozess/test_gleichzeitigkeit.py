"""Zwei Personen lösen gleichzeitig denselben Schritt aus: genau eine gewinnt."""

from __future__ import annotations

import threading

from sqlmodel import select

from modelle.datenbank import orm_session
from prozess.arbeit import arbeitseinheit
from modelle.tabellen import Handlungsfeld, Schrittprotokoll
from prozess.fehler import Konflikt
from prozess.schritte import feld_laden, schritt_ausfuehren
from tests.hilfen import MANAGEMENT, feld_im_zustand, pid


def test_von_zwei_gleichzeitigen_schritten_gewinnt_genau_einer(s, organisation, einstellungen, uhr):
    feld_id = feld_im_zustand(s, einstellungen, uhr, "daten_zusammengestellt")
    person = pid(s, MANAGEMENT)
    uhr.vorstellen(days=1)
    beide_geladen = threading.Barrier(2, timeout=30)
    ergebnisse: list[str] = []

    def ausloesen() -> None:
        # Jede Person in ihrer eigenen Verbindung: laden, warten bis beide geladen haben, schreiben.
        with orm_session(organisation.engine) as eigene:
            gesehen = feld_laden(eigene, feld_id).version
            beide_geladen.wait()
            try:
                with arbeitseinheit(eigene, uhr, einstellungen) as arbeit:
                    schritt_ausfuehren(arbeit, feld_id, "zur_pruefung_vorlegen", person, gesehene_version=gesehen)
                ergebnisse.append("gewonnen")
            except Konflikt as fehler:
                ergebnisse.append(str(fehler))

    faeden = [threading.Thread(target=ausloesen) for _ in range(2)]
    for f in faeden:
        f.start()
    for f in faeden:
        f.join(timeout=60)

    assert sorted(ergebnisse)[1] == "gewonnen", ergebnisse
    assert "wurde gerade von jemand anderem geändert" in sorted(ergebnisse)[0]
    assert f"bildungsbuero handlungsfeld zeige {feld_id}" in sorted(ergebnisse)[0]
    s.expire_all()
    assert s.get(Handlungsfeld, feld_id).zustand == "steuerungspruefung"
    vorlagen = s.exec(select(Schrittprotokoll).where(Schrittprotokoll.schritt == "zur_pruefung_vorlegen")).all()
    assert len(vorlagen) == 1
