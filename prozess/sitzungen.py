"""Sitzungen der Gremien: aus dem Rhythmus planen, von Hand anlegen, verschieben, absagen;
Beschlüsse festhalten – und wo ein Beschluss einen Schritt auslöst, beides in einer Transaktion.

Geplante Sitzungen sind Zeilen (``Sitzung``), eindeutig je Gremium und geplantem Tag: ein
zweiter Planer oder ein zweiter Dienst legt nichts doppelt an. Jede Änderung an Termin oder
Ort erhöht ``sequenz``; der Takt lädt dann neu ein (``prozess.einladungen``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from modelle.anweisungen import einfuegen_ohne_konflikt
from modelle.tabellen import Beschluss, Gremium, Sitzung, Tagesordnungspunkt
from prozess.arbeit import Arbeit
from prozess.eingaben import titel_pruefen
from prozess.fehler import Eingabefehler, NichtGefunden
from prozess.laden import laden
from prozess.schritte import feld_laden, schritt_ausfuehren
from prozess.sitzungstermine import termine
from prozess.zeit import heute, zeitpunkt_de


def gremium_laden(db: Session, kuerzel: str) -> Gremium:
    gremium = db.exec(select(Gremium).where(Gremium.kuerzel == kuerzel)).first()
    if gremium is None:
        bekannt = ", ".join(db.exec(select(Gremium.kuerzel).order_by(Gremium.kuerzel)).all())
        raise NichtGefunden(f"Gremium »{kuerzel}« gibt es nicht. Bekannt: {bekannt or 'keine (Organisation laden)'}.")
    return gremium


def sitzung_laden(db: Session, sitzung_id: int) -> Sitzung:
    return laden(db, Sitzung, sitzung_id)


def sitzungen_planen(arbeit: Arbeit) -> list[Sitzung]:
    """Legt die Sitzungen aller Gremien mit Rhythmus für die nächsten Monate an (idempotent)."""
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    von = heute(jetzt, e.zeitzone)
    bis = von + timedelta(days=31 * e.sitzungen_vorausplanen_monate)
    zeilen = []
    for gremium in db.exec(select(Gremium).order_by(Gremium.id)):
        if not gremium.rhythmus:  # JSON speichert "kein Rhythmus" als null, nicht als SQL-NULL
            continue
        for termin in termine(gremium.rhythmus, von, bis, e.zeitzone):
            if termin.beginn <= jetzt:
                continue
            zeilen.append(dict(gremium_id=gremium.id, beginn=termin.beginn, geplant_am=termin.geplant_am,
                               dauer_minuten=gremium.rhythmus.get("dauer_minuten", 120),
                               ort=gremium.rhythmus.get("ort", ""), hinweis=termin.hinweis[:300],
                               status="geplant", sequenz=0))
    neu: list[Sitzung] = []
    if zeilen:
        anweisung = einfuegen_ohne_konflikt(arbeit.dialekt, "sitzung", ("gremium_id", "geplant_am"), "id")
        ids = arbeit.verbindung().execute(anweisung, zeilen).scalars().all()
        neu = [db.get(Sitzung, i) for i in ids]
    return neu


def sitzung_anlegen(
    arbeit: Arbeit,
    gremium_kuerzel: str,
    beginn: datetime,
    ort: str = "",
    *,
    kurzfristig: bool = False,
    nachtragen: bool = False,
    dauer_minuten: int = 120,
) -> Sitzung:
    """Legt eine Sitzung von Hand an.

    Eine kommende Sitzung innerhalb der Ladungsfrist nur mit ``kurzfristig``; eine vergangene
    nie, auch nicht kurzfristig – außer sie wird ausdrücklich ``nachgetragen`` (eine Sitzung,
    die stattfand und deren Beschlüsse erfasst werden sollen).
    """
    if beginn.tzinfo is None:
        raise Eingabefehler("Der Beginn der Sitzung braucht eine Zeitzone.")
    db, jetzt = arbeit.db, arbeit.jetzt
    ort = titel_pruefen(ort, "Der Ort der Sitzung", leer_erlaubt=True)
    gremium = gremium_laden(db, gremium_kuerzel)
    if not nachtragen:
        _nicht_vergangen(beginn, jetzt)
        if not kurzfristig:
            _ladungsfrist_pruefen(gremium, beginn, jetzt)
    sitzung = Sitzung(gremium_id=gremium.id, beginn=beginn, ort=ort, dauer_minuten=dauer_minuten)
    db.add(sitzung)
    db.flush()
    return sitzung


def _nicht_vergangen(beginn: datetime, jetzt: datetime) -> None:
    if beginn <= jetzt:
        raise Eingabefehler(
            f"Der Beginn {zeitpunkt_de(beginn, beginn.tzinfo)} liegt in der Vergangenheit; auch kurzfristig "
            "lädt niemand in die Vergangenheit ein. Wählen Sie einen kommenden Termin."
        )


def _ladungsfrist_pruefen(gremium: Gremium, beginn: datetime, jetzt: datetime) -> None:
    spaetestens = beginn - timedelta(days=gremium.ladungsfrist_tage)
    if jetzt > spaetestens:
        raise Eingabefehler(
            f"Die Sitzung des Gremiums »{gremium.name}« am {zeitpunkt_de(beginn, beginn.tzinfo)} liegt "
            f"innerhalb der Ladungsfrist von {gremium.ladungsfrist_tage} Tagen: eingeladen werden müsste "
            f"bis {zeitpunkt_de(spaetestens, beginn.tzinfo)}. Wählen Sie einen späteren Termin, oder "
            "laden Sie bewusst kurzfristig ein (--kurzfristig)."
        )


def sitzung_verschieben(
    arbeit: Arbeit, sitzung_id: int, beginn: datetime, *, ort: str | None = None, kurzfristig: bool = False,
) -> Sitzung:
    """Verschiebt eine Sitzung; die Eingeladenen bekommen eine aktualisierte Einladung."""
    db, jetzt = arbeit.db, arbeit.jetzt
    sitzung = sitzung_laden(db, sitzung_id)
    if sitzung.status != "geplant":
        raise Eingabefehler(f"Sitzung {sitzung_id} ist {sitzung.status} und kann nicht verschoben werden; "
                            "legen Sie eine neue an (»bildungsbuero sitzung anlegen«).")
    _nicht_vergangen(beginn, jetzt)
    if not kurzfristig:
        _ladungsfrist_pruefen(db.get(Gremium, sitzung.gremium_id), beginn, jetzt)
    sitzung_vorher = sitzung.beginn
    sitzung.beginn = beginn
    if ort is not None:
        sitzung.ort = titel_pruefen(ort, "Der Ort der Sitzung", leer_erlaubt=True)
    sitzung.sequenz += 1
    sitzung.hinweis = f"verschoben vom {zeitpunkt_de(sitzung_vorher, beginn.tzinfo)}"
    db.flush()
    return sitzung


def sitzung_absagen(arbeit: Arbeit, sitzung_id: int, grund: str = "") -> Sitzung:
    """Sagt eine Sitzung ab; wer eingeladen war, bekommt eine Absage (METHOD:CANCEL)."""
    db, jetzt = arbeit.db, arbeit.jetzt
    grund = titel_pruefen(grund, "Der Grund der Absage", leer_erlaubt=True, laenge=300)
    sitzung = sitzung_laden(db, sitzung_id)
    if sitzung.status != "geplant" or sitzung.beginn <= jetzt:
        raise Eingabefehler(
            f"Sitzung {sitzung_id} kann nicht abgesagt werden: sie ist {'vorbei' if sitzung.beginn <= jetzt else sitzung.status}. "
            "Abgesagt werden nur geplante, kommende Sitzungen (»bildungsbuero sitzung liste«)."
        )
    sitzung.status = "abgesagt"
    sitzung.sequenz += 1
    sitzung.hinweis = grund or "abgesagt"
    db.flush()
    return sitzung


def beschluss_erfassen(
    arbeit: Arbeit,
    sitzung_id: int,
    text: str,
    handlungsfeld_id: int | None = None,
    *,
    tagesordnungspunkt_id: int | None = None,
    schritt: str | None = None,
    person_id: int | str | None = None,
):
    """Hält einen Beschluss fest; mit ``schritt`` löst er diesen Schritt aus – in derselben Arbeit.

    Der Schritt prüft seine Wächter wie sonst auch; der neue Beschluss ist dann der, auf den
    er sich stützt. Gibt ``(beschluss, schritteintrag_oder_None)`` zurück. Scheitert der
    Schritt, rollt die Arbeitseinheit beides zurück. ``person_id`` ist eine Id oder eine Adresse.
    """
    from prozess.rollen import person_id_von

    db, gefasst_am = arbeit.db, arbeit.jetzt
    if person_id is not None:
        person_id = person_id_von(arbeit, person_id)
    sitzung = sitzung_laden(db, sitzung_id)
    if sitzung.status == "abgesagt":
        raise Eingabefehler(f"Sitzung {sitzung_id} wurde abgesagt; ein Beschluss braucht eine Sitzung, die "
                            "stattfand. Legen Sie die Sitzung an, in der beschlossen wurde.")
    if handlungsfeld_id is not None:
        feld_laden(db, handlungsfeld_id)
    text = titel_pruefen(text, "Der Text des Beschlusses", beispiel="Die Maßnahmen werden beschlossen.",
                         mehrzeilig=True, laenge=4000)
    if tagesordnungspunkt_id is not None:
        top = db.get(Tagesordnungspunkt, tagesordnungspunkt_id)
        if top is None or top.sitzung_id != sitzung.id:
            raise Eingabefehler(f"Tagesordnungspunkt {tagesordnungspunkt_id} gehört nicht zu Sitzung {sitzung_id}.")
        handlungsfeld_id = handlungsfeld_id or top.handlungsfeld_id
    if schritt is not None and (handlungsfeld_id is None or person_id is None):
        raise Eingabefehler("Ein Beschluss, der einen Schritt auslöst, braucht ein Handlungsfeld und die Person, "
                            "die ihn festhält (--als).")
    beschluss = Beschluss(sitzung_id=sitzung_id, tagesordnungspunkt_id=tagesordnungspunkt_id,
                          handlungsfeld_id=handlungsfeld_id, text=text, gefasst_am=gefasst_am)
    db.add(beschluss)
    db.flush()
    eintrag = None
    if schritt is not None:
        eintrag = schritt_ausfuehren(arbeit, handlungsfeld_id, schritt, person_id,
                                     begruendung=f"Beschluss {beschluss.id}: {text}"[:500], beschluss_id=beschluss.id)
    if sitzung.status == "geplant" and sitzung.beginn <= gefasst_am:
        sitzung.status = "stattgefunden"
    db.flush()
    return beschluss, eintrag


def beschluss_erfassen_durch(arbeit: Arbeit, person_id: int, sitzung_id: int, text: str,
                             handlungsfeld_id: int | None = None, *, tagesordnungspunkt_id: int | None = None,
                             schritt: str | None = None):
    """``beschluss_erfassen`` für eine angemeldete Person (Webseiten).

    Mit ``schritt`` prüft der Schritt Rolle und Wächter wie immer (die Person löst ihn aus);
    ohne Schritt hält nur das Bildungsbüro einen Beschluss fest.
    """
    from prozess.rollen import buero_pruefen

    if schritt is None:
        buero_pruefen(arbeit, person_id, "Einen Beschluss ohne Schritt festhalten")
    return beschluss_erfassen(arbeit, sitzung_id, text, handlungsfeld_id, tagesordnungspunkt_id=tagesordnungspunkt_id,
                              schritt=schritt, person_id=person_id)
