"""Sitzungen der Gremien: aus dem Rhythmus planen, von Hand anlegen, verschieben, absagen;
Beschlüsse festhalten – und wo ein Beschluss einen Schritt auslöst, beides in einer Transaktion.

Geplante Sitzungen sind Zeilen (``Sitzung``), eindeutig je Gremium und geplantem Tag: ein
zweiter Planer oder ein zweiter Dienst legt nichts doppelt an. Jede Änderung an Termin oder
Ort erhöht ``sequenz``; der Takt lädt dann neu ein (``prozess.einladungen``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from modelle.tabellen import Beschluss, Gremium, Sitzung, Tagesordnungspunkt
from prozess.einstellungen import Einstellungen
from prozess.fehler import Eingabefehler, NichtGefunden
from prozess.schritte import feld_laden, schritt_schreiben
from prozess.sitzungstermine import termine
from prozess.zeit import heute, zeitpunkt_de


def gremium_laden(session: Session, kuerzel: str) -> Gremium:
    gremium = session.exec(select(Gremium).where(Gremium.kuerzel == kuerzel)).first()
    if gremium is None:
        bekannt = ", ".join(session.exec(select(Gremium.kuerzel).order_by(Gremium.kuerzel)).all())
        raise NichtGefunden(f"Gremium »{kuerzel}« gibt es nicht. Bekannt: {bekannt or 'keine (Organisation laden)'}.")
    return gremium


def sitzung_laden(session: Session, sitzung_id: int) -> Sitzung:
    sitzung = session.get(Sitzung, sitzung_id)
    if sitzung is None:
        raise NichtGefunden(f"Sitzung {sitzung_id} gibt es nicht (»bildungsbuero sitzung liste«).")
    return sitzung


def sitzungen_planen(session: Session, jetzt: datetime, e: Einstellungen) -> list[Sitzung]:
    """Legt die Sitzungen aller Gremien mit Rhythmus für die nächsten Monate an (idempotent)."""
    from benachrichtigungen.outbox import dialekt

    if dialekt(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert

    von = heute(jetzt, e.zeitzone)
    bis = von + timedelta(days=31 * e.sitzungen_vorausplanen_monate)
    zeilen = []
    for gremium in session.exec(select(Gremium).order_by(Gremium.id)):
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
        t = Sitzung.__table__
        ids = session.connection().execute(
            insert(t).on_conflict_do_nothing(index_elements=["gremium_id", "geplant_am"]).returning(t.c.id), zeilen
        ).scalars().all()
        session.commit()
        neu = [session.get(Sitzung, i) for i in ids]
    return neu


def sitzung_anlegen(
    session: Session,
    gremium_kuerzel: str,
    beginn: datetime,
    ort: str = "",
    *,
    jetzt: datetime | None = None,
    kurzfristig: bool = False,
    dauer_minuten: int = 120,
) -> Sitzung:
    """Legt eine Sitzung von Hand an; zu spät für die Ladungsfrist nur mit ``kurzfristig``."""
    if beginn.tzinfo is None:
        raise Eingabefehler("Der Beginn der Sitzung braucht eine Zeitzone.")
    gremium = gremium_laden(session, gremium_kuerzel)
    if jetzt is not None and not kurzfristig:
        _ladungsfrist_pruefen(gremium, beginn, jetzt)
    sitzung = Sitzung(gremium_id=gremium.id, beginn=beginn, ort=ort, dauer_minuten=dauer_minuten)
    session.add(sitzung)
    session.commit()
    return sitzung


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
    session: Session, sitzung_id: int, beginn: datetime, jetzt: datetime, *, ort: str | None = None,
    kurzfristig: bool = False,
) -> Sitzung:
    """Verschiebt eine Sitzung; die Eingeladenen bekommen eine aktualisierte Einladung."""
    sitzung = sitzung_laden(session, sitzung_id)
    if sitzung.status != "geplant":
        raise Eingabefehler(f"Sitzung {sitzung_id} ist {sitzung.status} und kann nicht verschoben werden; "
                            "legen Sie eine neue an (»bildungsbuero sitzung anlegen«).")
    if not kurzfristig:
        _ladungsfrist_pruefen(session.get(Gremium, sitzung.gremium_id), beginn, jetzt)
    sitzung_vorher = sitzung.beginn
    sitzung.beginn = beginn
    if ort is not None:
        sitzung.ort = ort
    sitzung.sequenz += 1
    sitzung.hinweis = f"verschoben vom {zeitpunkt_de(sitzung_vorher, beginn.tzinfo)}"
    session.commit()
    return sitzung


def sitzung_absagen(session: Session, sitzung_id: int, jetzt: datetime, grund: str = "") -> Sitzung:
    """Sagt eine Sitzung ab; wer eingeladen war, bekommt eine Absage (METHOD:CANCEL)."""
    sitzung = sitzung_laden(session, sitzung_id)
    if sitzung.status != "geplant" or sitzung.beginn <= jetzt:
        raise Eingabefehler(
            f"Sitzung {sitzung_id} kann nicht abgesagt werden: sie ist {'vorbei' if sitzung.beginn <= jetzt else sitzung.status}. "
            "Abgesagt werden nur geplante, kommende Sitzungen (»bildungsbuero sitzung liste«)."
        )
    sitzung.status = "abgesagt"
    sitzung.sequenz += 1
    sitzung.hinweis = (grund or "abgesagt")[:300]
    session.commit()
    return sitzung


def beschluss_erfassen(
    session: Session,
    sitzung_id: int,
    text: str,
    gefasst_am: datetime,
    handlungsfeld_id: int | None = None,
    *,
    tagesordnungspunkt_id: int | None = None,
    schritt: str | None = None,
    person_id: int | None = None,
    einstellungen: Einstellungen | None = None,
):
    """Hält einen Beschluss fest; mit ``schritt`` löst er diesen Schritt aus – beides oder nichts.

    Der Schritt prüft seine Wächter wie sonst auch; der neue Beschluss ist dann der, auf den
    er sich stützt. Gibt ``(beschluss, schritteintrag_oder_None)`` zurück.
    """
    sitzung = sitzung_laden(session, sitzung_id)
    if sitzung.status == "abgesagt":
        raise Eingabefehler(f"Sitzung {sitzung_id} wurde abgesagt; ein Beschluss braucht eine Sitzung, die "
                            "stattfand. Legen Sie die Sitzung an, in der beschlossen wurde.")
    if handlungsfeld_id is not None:
        feld_laden(session, handlungsfeld_id)
    if not text.strip():
        raise Eingabefehler("Der Text des Beschlusses ist leer; halten Sie fest, was beschlossen wurde.")
    if tagesordnungspunkt_id is not None:
        top = session.get(Tagesordnungspunkt, tagesordnungspunkt_id)
        if top is None or top.sitzung_id != sitzung.id:
            raise Eingabefehler(f"Tagesordnungspunkt {tagesordnungspunkt_id} gehört nicht zu Sitzung {sitzung_id}.")
        handlungsfeld_id = handlungsfeld_id or top.handlungsfeld_id
    if schritt is not None and (handlungsfeld_id is None or person_id is None or einstellungen is None):
        raise Eingabefehler("Ein Beschluss, der einen Schritt auslöst, braucht ein Handlungsfeld und die Person, "
                            "die ihn festhält (--als).")
    eintrag = None
    try:
        beschluss = Beschluss(sitzung_id=sitzung_id, tagesordnungspunkt_id=tagesordnungspunkt_id,
                              handlungsfeld_id=handlungsfeld_id, text=text.strip(), gefasst_am=gefasst_am)
        session.add(beschluss)
        session.flush()
        if schritt is not None:
            eintrag = schritt_schreiben(session, handlungsfeld_id, schritt, person_id, gefasst_am, einstellungen,
                                        begruendung=f"Beschluss {beschluss.id}: {text.strip()}"[:500],
                                        beschluss_id=beschluss.id)
        if sitzung.status == "geplant" and sitzung.beginn <= gefasst_am:
            sitzung.status = "stattgefunden"
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if eintrag is not None:
        from prozess.schritte import feld_vergessen

        feld_vergessen(session, handlungsfeld_id)
    return beschluss, eintrag
