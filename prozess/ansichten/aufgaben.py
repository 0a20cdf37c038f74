"""Aufgaben lesen: mit Frist, zuständiger Person und dem Stand ihrer Erinnerungen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, literal_column, select

from modelle.direkt import direkt
from modelle.tabellen import Aufgabe, Person
from prozess.ansichten import STANDARD_GRENZE, Seite, gesamtzahl, seite_werte, seitenweise
from prozess.arbeit import Arbeit
from prozess.zeit import zeitpunkt_de

STATUS_BEZEICHNUNG = {"offen": "offen", "erledigt": "erledigt", "hinfaellig": "hinfällig"}


@dataclass(frozen=True)
class Erinnerungsstand:
    """Was mit den Erinnerungen einer Aufgabe war und ist.

    ``eskaliert``: für die *jetzige* Frist ging schon eine Eskalation hinaus (eine neue
    Frist beginnt von vorn). ``naechste_am`` ist ``None``, wenn nichts geplant ist: bei einer
    offenen Aufgabe heißt das, ihr Feld ruht (zurückgestellt); sonst ist sie beendet.
    """

    letzte: str | None
    letzte_am: datetime | None
    eskaliert: bool
    naechste_am: datetime | None
    offen: bool


@dataclass(frozen=True)
class AufgabeZeile:
    id: int
    titel: str
    status: str
    status_bezeichnung: str
    frist: date
    person: str
    handlungsfeld_id: int | None
    erinnerungen: Erinnerungsstand


def erinnerungsstand_text(stand: Erinnerungsstand, zone: ZoneInfo) -> str:
    """Der Stand in einem Satz, z. B. »zuletzt erinnerung am …; eskaliert; nächste am …«."""
    teile = []
    if stand.letzte:
        teile.append(f"zuletzt {stand.letzte} am {zeitpunkt_de(stand.letzte_am, zone)}")
    if stand.eskaliert:
        teile.append("eskaliert")
    if stand.naechste_am:
        teile.append(f"nächste am {zeitpunkt_de(stand.naechste_am, zone)}")
    else:
        teile.append("keine geplant" if stand.offen else "beendet")
    return "; ".join(teile)


def aufgaben_liste(arbeit: Arbeit, *, handlungsfeld_id: int | None = None, nur_offene: bool = True,
                   nur_ueberfaellige: bool = False, grenze: int | None = STANDARD_GRENZE,
                   versatz: int = 0) -> Seite[AufgabeZeile]:
    """Aufgaben nach Frist, mit zuständiger Person und Erinnerungsstand.

    ``nur_ueberfaellige``: nur offene, deren Frist vor dem heutigen Tag (Ortszeit) lag.
    """
    v = arbeit.verbindung()  # Core: die Zeilen sind Spalten, keine Objekte – ohne den Aufwand der ORM-Session
    liste, zaehlen = _listen_anweisungen(arbeit.dialekt, handlungsfeld_id is not None, nur_offene or nur_ueberfaellige,
                                         nur_ueberfaellige, grenze is not None)
    werte = {"feld_id": handlungsfeld_id} if handlungsfeld_id is not None else {}
    if nur_ueberfaellige:
        werte["heute"] = arbeit.jetzt.astimezone(arbeit.einstellungen.zeitzone).date()
    zeilen = direkt(liste).zeilen(v, {**werte, **seite_werte(grenze, versatz)})
    gesamt = gesamtzahl(zeilen, grenze, versatz, lambda: direkt(zaehlen).wert(v, werte))
    return Seite([_zeile(*z) for z in zeilen], gesamt, versatz)


@lru_cache(maxsize=32)
def _listen_anweisungen(dialekt: str, mit_feld: bool, nur_offene: bool, nur_ueberfaellige: bool, mit_grenze: bool):
    """(Liste, Zählung) für diese Auswahl, einmal gebaut; Platzhalter ``feld_id``, ``heute``, ``grenze``, ``versatz``."""
    bedingungen = []
    if mit_feld:
        bedingungen.append(Aufgabe.handlungsfeld_id == bindparam("feld_id"))
    if nur_offene:
        # als Literal: so kann auch ein vorbereiteter Plan (PostgreSQL) den partiellen Index
        # ix_aufgabe_offen_frist nehmen, der nur für status = 'offen' gilt
        offen = Aufgabe.status == literal_column("'offen'")
        if not mit_feld and dialekt == "sqlite":
            # SQLite ohne Statistik nähme sonst ix_aufgabe_erinnerung_faellig (status=?) und sortierte
            # alle offenen Aufgaben (~18 ms im Standard-Datensatz); likely() lässt die Bedingung gleich
            # und führt den Planer zum partiellen Index, der die Frist-Reihenfolge schon hat (~0,3 ms).
            offen = func.likely(offen)
        bedingungen.append(offen)
    if nur_ueberfaellige:
        bedingungen.append(Aufgabe.frist < bindparam("heute", type_=Aufgabe.__table__.c.frist.type))
    liste = seitenweise(_abfrage().where(*bedingungen).order_by(Aufgabe.frist, Aufgabe.id), mit_grenze)
    return liste, select(func.count()).select_from(Aufgabe).where(*bedingungen)


def aufgabe_ansicht(arbeit: Arbeit, aufgabe_id: int) -> AufgabeZeile:
    """Eine Aufgabe, wie die Liste sie zeigt; ``NichtGefunden``, wenn es sie nicht gibt."""
    from prozess.fehler import NichtGefunden

    zeile = arbeit.db.execute(_abfrage().where(Aufgabe.id == aufgabe_id)).first()
    if zeile is None:
        raise NichtGefunden(f"Aufgabe {aufgabe_id} gibt es nicht; die offenen zeigt »bildungsbuero aufgabe liste«.")
    return _zeile(*zeile)


def _abfrage():
    return (select(Aufgabe.id, Aufgabe.titel, Aufgabe.status, Aufgabe.frist, Person.name, Aufgabe.handlungsfeld_id,
                      Aufgabe.letzte_erinnerung, Aufgabe.letzte_erinnerung_am, Aufgabe.eskaliert_fuer_frist,
                      Aufgabe.naechste_erinnerung_am)
            .join(Person, Person.id == Aufgabe.verantwortlich_id))


def _zeile(i, t, s, f, p, fid, le, le_am, esk, na) -> AufgabeZeile:
    return AufgabeZeile(i, t, s, STATUS_BEZEICHNUNG.get(s, s), f, p, fid,
                        Erinnerungsstand(le, le_am, esk == f, na, s == "offen"))
