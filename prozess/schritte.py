"""Einen Schritt auslösen: prüfen, dann alles in einer Transaktion schreiben.

Reihenfolge: Zustand erlaubt den Schritt? Person hat eine der Rollen? Begründung da, wo
nötig? Alle Wächter erfüllt? Erst dann setzt ``transitions`` den neuen Zustand (nur im
Speicher, auf einem schlichten ``Feldstand``), und in der Transaktion der Arbeitseinheit
werden geschrieben: der neue Zustand (bedingtes UPDATE auf die gelesene Version), der
Protokolleintrag, das Schließen der alten und das Anlegen der neuen Aufgaben samt Mail.
Scheitert irgendetwas, rollt die Arbeitseinheit zurück; die Datenbank bleibt, wie sie war.
Was ein Schritt nebenbei tut (Aufgaben erledigt oder hinfällig, Erinnerungen ruhen oder neu
geplant), steht in seiner Erklärung in ``prozess.zyklus``.

Zwei Personen, die denselben Schritt gleichzeitig auslösen: die Versionsbedingung lässt
nur das erste UPDATE zu, die zweite bekommt ``Konflikt``. Geschrieben wird mit den benannten
Core-Anweisungen aus ``modelle.anweisungen``: auf SQLite einzeln, auf PostgreSQL alle in einer
Anweisung (jede Anweisung ist dort eine Rundreise zum Server). Gelesen wird der Stand des
Feldes mit allen Wächtern des Schritts in einer Abfrage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from functools import lru_cache

from sqlalchemy import bindparam, exists, select
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session

from modelle.anweisungen import (
    AUFGABE_NUMMER_VORAB,
    FELD_LESEN,
    FELD_SCHREIBEN,
    PROTOKOLL_SCHREIBEN,
    RUHENDE_AUFGABEN_DES_FELDES,
    einfuegen_ohne_konflikt,
    schritt_schreiben_pg,
    zeilen_json,
)
from modelle.direkt import direkt, zusammen
from modelle.tabellen import Beschluss, Handlungsfeld, Person
from prozess.arbeit import Arbeit
from prozess.aufgaben import (
    MASSNAHMEN_OHNE_AUFGABE,
    aufgaben_des_zustands_schliessen,
    erinnerungen_neu_geplant,
    erinnerungen_ruhen_lassen,
    erinnerungen_wieder_planen,
    folgeaufgaben_anlegen,
    folgeaufgaben_planen,
)
from prozess.auftragsmails import zeilen_fuer_neue_aufgaben
from prozess.laden import laden
from prozess.teilnahmelink import teilnahmelinks_schreiben
from prozess.fehler import Konflikt, NichtGefunden, SchrittNichtMoeglich
from prozess.rollen import passt, person_laden, rollen_der_person
from prozess.waechter import WAECHTER, Pruefkontext
from prozess.zyklus import (
    AKTIVE_ZUSTAENDE,
    MASCHINE,
    PROZESS_VERSION,
    ROLLE_BEZEICHNUNG,
    RUHEN,
    SCHRITT_NACH_NAME,
    WIEDER_PLANEN,
    ZURUECK_WOHER,
    ZUSTAND_BEZEICHNUNG,
    ZUSTAND_NACH_NAME,
    Schritt,
    schritte_im_zustand,
)


@dataclass
class Bewertung:
    """Ein Schritt, der im aktuellen Zustand vorgesehen ist, und was ihm noch fehlt."""

    schritt: Schritt
    gruende: list[str]

    @property
    def moeglich(self) -> bool:
        return not self.gruende


_FELD = Handlungsfeld.__table__
_BESCHLUSS = Beschluss.__table__


def feld_laden(db: Session, feld_id: int) -> Handlungsfeld:
    return laden(db, Handlungsfeld, feld_id)


def _rollen_text(schritt: Schritt) -> str:
    return " oder ".join(ROLLE_BEZEICHNUNG.get(r, r) for r in schritt.rollen)


def _gruende(
    db: Session,
    feld: Handlungsfeld,
    schritt: Schritt,
    rollen: set[str] | None,
    kontext: Pruefkontext,
) -> list[str]:
    gruende = []
    if rollen is not None and not any(passt(rollen, r) for r in schritt.rollen):
        gruende.append(f"Diesen Schritt darf nur auslösen: {_rollen_text(schritt)}.")
    for name in schritt.waechter:
        gruende.extend(WAECHTER[name](db, feld, kontext))
    return gruende


def schritte_bewerten(db: Session, feld, person_id: int | None = None, arbeit: Arbeit | None = None) -> list[Bewertung]:
    """Alle im Zustand vorgesehenen Schritte mit den Gründen, die (noch) dagegen sprechen.

    Ohne ``person_id`` werden Rollen nicht geprüft (die Antwort gilt für die richtige Rolle).
    ``arbeit`` liefert Uhr und Einstellungen für Wächter, die nach dem Alter fragen.
    """
    rollen = rollen_der_person(db, person_id) if person_id is not None else None
    return [
        Bewertung(schritt, _gruende(db, feld, schritt, rollen, Pruefkontext(
            jetzt=arbeit.jetzt if arbeit else None, einstellungen=arbeit.einstellungen if arbeit else None)))
        for schritt in schritte_im_zustand(feld.zustand)
    ]


def _nicht_vorgesehen(feld: Handlungsfeld, name: str) -> SchrittNichtMoeglich:
    moeglich = [s.name for s in schritte_im_zustand(feld.zustand)]
    bekannt = "" if name in SCHRITT_NACH_NAME else f" Einen Schritt »{name}« gibt es nicht."
    jetzt = ", ".join(moeglich) if moeglich else "keine (das Handlungsfeld ist abgeschlossen)"
    return SchrittNichtMoeglich(
        f"Handlungsfeld {feld.id} »{feld.titel}« steht im Zustand »{ZUSTAND_BEZEICHNUNG[feld.zustand]}« "
        f"({feld.zustand}); der Schritt »{name}« ist jetzt nicht möglich.{bekannt} "
        f"Jetzt möglich: {jetzt}."
    )


def _schritt_kontext(schritt: Schritt, von: str, feld, person: Person, begruendung: str) -> dict:
    return {
        "bezeichnung": schritt.bezeichnung,
        "von": ZUSTAND_BEZEICHNUNG[von],
        "nach": ZUSTAND_BEZEICHNUNG[feld.zustand],
        "wer": person.name,
        "begruendung": begruendung.strip(),
    }


@dataclass(frozen=True)
class Schritteintrag:
    """Der geschriebene Protokolleintrag eines Schritts (dieselben Felder wie ``Schrittprotokoll``)."""

    id: int
    handlungsfeld_id: int
    schritt: str
    von_zustand: str
    nach_zustand: str
    person_id: int
    zeitpunkt: datetime
    begruendung: str
    beschluss_id: int | None
    prozess_version: int


@dataclass
class Feldstand:
    """Der Stand eines Handlungsfeldes, wie ihn ein Schritt liest und ``transitions`` bewegt.

    Ein schlichtes Objekt statt einer ORM-Zeile: der Schritt schreibt mit einem bedingten
    UPDATE (``WHERE version = gelesen``) und braucht dafür keinen Abgleich der Sitzung.
    """

    id: int
    titel: str
    zustand: str
    version: int
    runde: int
    zurueckgestellt_aus: str | None
    zustand_seit: datetime


def _feldstand(db: Session, feld_id: int) -> Feldstand:
    zeile = db.connection().execute(FELD_LESEN, {"feld_id": feld_id}).one_or_none()
    if zeile is None:
        raise _nicht_gefunden(feld_id)
    return Feldstand(**zeile._mapping)


def _nicht_gefunden(feld_id: int) -> NichtGefunden:
    return NichtGefunden(
        f"Handlungsfeld {feld_id} gibt es nicht. Die vorhandenen zeigt »bildungsbuero handlungsfeld liste«."
    )


_STAND_SPALTEN = tuple(c.name for c in FELD_LESEN.selected_columns)


@lru_cache(maxsize=64)
def _lesen_anweisung(schritt_name: str | None, mit_beschluss: bool, nummer_vorab: bool):
    """Stand des Feldes, alle Wächter des Schritts, ob der genannte Beschluss zum Feld gehört, und
    (PostgreSQL) die Nummer der Folgeaufgabe: eine Abfrage, eine Rundreise."""
    schritt = SCHRITT_NACH_NAME.get(schritt_name)
    spalten = list(FELD_LESEN.selected_columns)
    if schritt is not None:
        ausdruecke = {}  # zwei Wächter dürfen denselben Ausdruck nennen; er steht einmal in der Abfrage
        for name in schritt.waechter:
            ausdruecke.update(WAECHTER[name].ausdruecke(mit_beschluss))
        spalten.extend(a.label(n) for n, a in ausdruecke.items())
    if mit_beschluss:
        spalten.append(exists(select(_BESCHLUSS.c.id).where(
            _BESCHLUSS.c.id == bindparam("beschluss_id"), _BESCHLUSS.c.handlungsfeld_id == _FELD.c.id,
        )).label("beschluss_zum_feld"))
    if nummer_vorab:
        spalten.append(AUFGABE_NUMMER_VORAB.label("nummer_vorab"))
    return select(*spalten).where(_FELD.c.id == bindparam("feld_id"))


def _braucht_folgeaufgabe(schritt: Schritt) -> bool:
    if schritt.nach == ZURUECK_WOHER:
        return any(ZUSTAND_NACH_NAME[z].folgeaufgabe for z in AKTIVE_ZUSTAENDE)
    return ZUSTAND_NACH_NAME[schritt.nach].folgeaufgabe is not None


def _beauftragt_massnahmen(schritt: Schritt) -> bool:
    """Kann der Zustand nach dem Schritt Maßnahmen beauftragen (dann liest der Schritt sie)?"""
    if schritt.nach == ZURUECK_WOHER:
        return any(ZUSTAND_NACH_NAME[z].beauftragt_massnahmen for z in AKTIVE_ZUSTAENDE)
    return ZUSTAND_NACH_NAME[schritt.nach].beauftragt_massnahmen


def schritt_ausfuehren(
    arbeit: Arbeit,
    feld_id: int,
    schritt_name: str,
    person_id: int | str,
    *,
    begruendung: str = "",
    beschluss_id: int | None = None,
    gesehene_version: int | None = None,
) -> Schritteintrag:
    """Löst ``schritt_name`` für das Handlungsfeld aus, alles in der Transaktion von ``arbeit``.

    Wirft ``SchrittNichtMoeglich`` (Zustand, Rolle, Begründung, Wächter), ``NichtGefunden``
    oder ``Konflikt`` (jemand war schneller); die Arbeitseinheit rollt dann zurück.
    ``gesehene_version`` (optional) ist der Stand, den die handelnde Person gesehen hat: hat
    er sich inzwischen geändert, gilt das als Konflikt statt als neuer Versuch.

    Rundreisen zur Datenbank (PostgreSQL, Session mit gefülltem Zwischenspeicher der Rollen):
    BEGIN, die Abfrage für Stand und Wächter und, wo der Schritt sie braucht, die der Maßnahmen, die
    beauftragt werden, und der ruhenden Erinnerungen (eine Pipeline, ``modelle.direkt.zusammen``), eine
    Anweisung, die alles schreibt, COMMIT – 4 für jede Schrittart
    (``tests/prozess/test_schritte_rundreisen.py``). ``person_id`` ist die Id der handelnden Person oder
    ihre Adresse (dann eine Abfrage mehr).
    """
    db, jetzt = arbeit.db, arbeit.jetzt
    if isinstance(person_id, str):
        from prozess.rollen import person_id_von

        person_id = person_id_von(arbeit, person_id)
    pg = arbeit.dialekt == "postgresql"
    schritt = SCHRITT_NACH_NAME.get(schritt_name)
    nummer_vorab = pg and schritt is not None and _braucht_folgeaufgabe(schritt)
    parameter = {"feld_id": feld_id}
    if beschluss_id is not None and schritt is not None:
        parameter["beschluss_id"] = beschluss_id
    lesen = direkt(_lesen_anweisung(schritt_name if schritt else None, "beschluss_id" in parameter, nummer_vorab))
    if pg and schritt is not None:
        # Was der Schritt sonst erst beim Schreiben läse, kommt in derselben Rundreise mit (Lücken in der
        # Folge der Aufgabennummern, wenn der Schritt dann doch nicht geschieht, sind harmlos).
        abfragen = [(lesen, parameter)]
        if schritt.erinnerungen == WIEDER_PLANEN:
            abfragen.append((direkt(RUHENDE_AUFGABEN_DES_FELDES), {"feld_id": feld_id}))
        if _beauftragt_massnahmen(schritt):
            abfragen.append((direkt(MASSNAHMEN_OHNE_AUFGABE[nummer_vorab]), {"feld_id": feld_id}))
        zeilen, *vorab = zusammen(arbeit.verbindung(), abfragen)
        werte = dict(zip(lesen.spalten(arbeit.verbindung()), zeilen[0])) if zeilen else None
        gelesen = {"ruhend": vorab.pop(0) if schritt.erinnerungen == WIEDER_PLANEN else None,
                   "massnahmen": vorab.pop(0) if vorab else None}
    else:
        werte = lesen.zeile(arbeit.verbindung(), parameter)
        gelesen = {"ruhend": None, "massnahmen": None}
    if werte is None:
        raise _nicht_gefunden(feld_id)
    stand = Feldstand(**{n: werte[n] for n in _STAND_SPALTEN})
    gesehene_version = stand.version if gesehene_version is None else gesehene_version
    if schritt is None or stand.zustand not in schritt.von:
        if gesehene_version != stand.version:
            raise _konflikt(feld_id, schritt_name)
        raise _nicht_vorgesehen(stand, schritt_name)
    person = person_laden(db, person_id)
    if person is None or person.entfernt_am is not None:
        raise NichtGefunden(f"Person {person_id} gibt es nicht (mehr).")
    if schritt.begruendung_noetig and not begruendung.strip():
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« braucht eine Begründung. Geben Sie sie mit "
            "--begruendung \"...\" an."
        )
    if beschluss_id is not None and not werte["beschluss_zum_feld"]:
        raise _fremder_beschluss(beschluss_id, feld_id)
    kontext = Pruefkontext(beschluss_id=beschluss_id, jetzt=jetzt, einstellungen=arbeit.einstellungen)
    rollen = rollen_der_person(db, person_id)
    gruende = []
    if not any(passt(rollen, r) for r in schritt.rollen):
        gruende.append(f"Diesen Schritt darf nur auslösen: {_rollen_text(schritt)}.")
    for name in schritt.waechter:
        gruende.extend(WAECHTER[name].auswerten(db, feld_id, werte, kontext))
    if gruende:
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« für Handlungsfeld {stand.id} »{stand.titel}« ist nicht "
            "möglich:\n- " + "\n- ".join(gruende)
        )
    von = stand.zustand
    if not MASCHINE.events[schritt.name].trigger(stand):
        # Nur möglich, wenn ein zurückgestelltes Feld nicht weiß, woher es kam (Datenfehler).
        raise SchrittNichtMoeglich(
            f"Der Schritt »{schritt.name}« für Handlungsfeld {feld_id} findet kein Ziel: unbekannt, aus welchem "
            "Zustand es zurückgestellt wurde. Bitte wenden Sie sich an die Betreuung der Engine."
        )
    feld_werte = dict(feld_id=feld_id, gesehen=gesehene_version, zustand=stand.zustand, jetzt=jetzt,
                      neu=gesehene_version + 1, runde=stand.runde, aus=stand.zurueckgestellt_aus)
    protokoll = dict(handlungsfeld_id=feld_id, schritt=schritt.name, von_zustand=von, nach_zustand=stand.zustand,
                     person_id=person_id, zeitpunkt=jetzt, begruendung=begruendung.strip(),
                     beschluss_id=kontext.beschluss_id, prozess_version=PROZESS_VERSION)
    mailkontext = _schritt_kontext(schritt, von, stand, person, begruendung)
    if pg:
        protokoll_id = _schreiben_pg(arbeit, schritt, stand, von, feld_werte, protokoll, mailkontext,
                                     werte.get("nummer_vorab"), **gelesen)
    else:
        protokoll_id = _schreiben_einzeln(arbeit, schritt, stand, von, feld_werte, protokoll, mailkontext)
    feld_vergessen(db, feld_id)
    return Schritteintrag(id=protokoll_id, **protokoll)


def _schreiben_einzeln(arbeit: Arbeit, schritt: Schritt, stand: Feldstand, von: str, feld_werte: dict,
                       protokoll: dict, mailkontext: dict) -> int:
    """SQLite: die einzelnen benannten Anweisungen nacheinander (im Prozess kostet eine kaum etwas)."""
    verbindung = arbeit.verbindung()
    if direkt(FELD_SCHREIBEN).anzahl(verbindung, feld_werte) != 1:
        raise _konflikt(stand.id, schritt.name)
    protokoll_id = direkt(PROTOKOLL_SCHREIBEN).wert(verbindung, protokoll)
    aufgaben_des_zustands_schliessen(arbeit, stand.id, von, schritt.offene_aufgaben)
    if schritt.erinnerungen == RUHEN:
        erinnerungen_ruhen_lassen(arbeit, stand.id)
    elif schritt.erinnerungen == WIEDER_PLANEN:
        erinnerungen_wieder_planen(arbeit, stand.id)
    neue = folgeaufgaben_anlegen(arbeit, stand)
    # Was mails_fuer_neue_aufgaben schriebe, als Zeilen: Links, dann Mails (ON CONFLICT DO NOTHING wie vormerken).
    mails, links = zeilen_fuer_neue_aufgaben(arbeit, neue, stand, mailkontext)
    teilnahmelinks_schreiben(verbindung, links)
    direkt(einfuegen_ohne_konflikt(arbeit.dialekt, "outbox", ("schluessel",))).viele(verbindung, mails)
    return protokoll_id


def _schreiben_pg(arbeit: Arbeit, schritt: Schritt, stand: Feldstand, von: str, feld_werte: dict,
                  protokoll: dict, mailkontext: dict, nummer_vorab: int | None, ruhend: list | None = None,
                  massnahmen: list | None = None) -> int:
    """PostgreSQL: dieselben Zeilen in einer Anweisung (``modelle.anweisungen.schritt_schreiben_pg``).

    ``ruhend`` und ``massnahmen``: die schon gelesenen Zeilen (``erinnerungen_neu_geplant``,
    ``folgeaufgaben_planen``); ``None`` liest sie hier.
    """
    planen = []
    if schritt.erinnerungen == WIEDER_PLANEN:
        planen = [{"id": i, "naechste_erinnerung_am": zeitpunkt}
                  for i, zeitpunkt in erinnerungen_neu_geplant(arbeit, stand.id, ohne_zustand=von, ruhend=ruhend)]
    geplant = folgeaufgaben_planen(arbeit, stand, vorab_id=nummer_vorab, massnahmen=massnahmen)
    aufgaben = [zeile for zeile, _ in geplant]
    mails, links = zeilen_fuer_neue_aufgaben(arbeit, [neu for _, neu in geplant], stand, mailkontext)
    # Teile der Anweisung, die nichts schrieben, fehlen (siehe schritt_schreiben_pg).
    anweisung = schritt_schreiben_pg(_spalten(aufgaben), _spalten(mails), ruhen=schritt.erinnerungen == RUHEN,
                                     planen=bool(planen), links=bool(links))
    protokoll_id = direkt(anweisung).wert(arbeit.verbindung(), dict(
        feld_werte, **protokoll, status=schritt.offene_aufgaben,
        planen=zeilen_json(planen) if planen else None, aufgaben=zeilen_json(aufgaben) if aufgaben else None,
        mails=zeilen_json(mails) if mails else None, links=zeilen_json(links) if links else None,
    ))
    if protokoll_id is None:
        raise _konflikt(stand.id, schritt.name)
    return protokoll_id


def _spalten(zeilen: list[dict]) -> tuple[str, ...]:
    """Die Spalten der Zeilen (alle gleich); ``()`` ohne Zeilen."""
    if not zeilen:
        return ()
    spalten = tuple(zeilen[0])
    assert all(tuple(z) == spalten for z in zeilen), "Zeilen mit verschiedenen Spalten"
    return spalten


_FELD_MAPPER = sa_inspect(Handlungsfeld)


def feld_vergessen(db: Session, feld_id: int) -> None:
    """Eine Zeile des Feldes in der Session ist nach dem Core-UPDATE veraltet: neu laden lassen."""
    geladen = db.identity_map.get(_FELD_MAPPER.identity_key_from_primary_key((feld_id,)))
    if geladen is not None:
        db.expire(geladen)


def _fremder_beschluss(beschluss_id: int, feld_id: int) -> SchrittNichtMoeglich:
    return SchrittNichtMoeglich(
        f"Beschluss {beschluss_id} gibt es nicht oder er betrifft nicht Handlungsfeld {feld_id}. Nennen Sie "
        "mit --beschluss die Nummer eines Beschlusses zu diesem Feld, oder lassen Sie die Angabe weg."
    )


def _konflikt(feld_id: int, schritt_name: str) -> Konflikt:
    return Konflikt(
        f"Handlungsfeld {feld_id} wurde gerade von jemand anderem geändert; Ihr Schritt "
        f"»{schritt_name}« wurde nicht ausgeführt. Sehen Sie mit »bildungsbuero handlungsfeld "
        f"zeige {feld_id}« nach, was jetzt gilt, und versuchen Sie es dann erneut."
    )
