"""Der Statusbericht an den Schulausschuss: automatisch, rechtzeitig, als Zeile aufbewahrt.

Je Handlungsfeld: Zustand, Fortschritt der Maßnahmen, was sich seit dem letzten Bericht
änderte, überfällige Aufgaben, fällige Entscheidungen, die verknüpften Kennzahlen mit Trend
seit dem letzten Bericht (``monitoring.feldstand``, geheimgehalten, mit Bezugsgröße und
Quelle); dazu die kommenden Sitzungen. Die
Zahlen kommen aus wenigen gruppierten Abfragen (nicht je Feld eine), damit ein Bericht über
50 Felder mit je 20 Maßnahmen in Millisekunden steht (``bench/statusbericht.py``).

Er geht vor jeder Sitzung des Gremiums ``statusbericht_gremium`` hinaus, zur selben Zeit
wie die Einladung (so liegt er innerhalb der Ladungsfrist vor), und auf Wunsch zusätzlich
alle ``statusbericht_rhythmus_monate`` Monate. Jeder Bericht ist eine Zeile
(``Statusbericht``) mit genau dem Text und HTML, das versandt wurde; der eindeutige
Schlüssel verhindert, dass zwei Dienste denselben Bericht zweimal erstellen.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from benachrichtigungen.nachricht import Datei
from benachrichtigungen.outbox import Mail, bericht_dateien_speichern, schluessel, vormerken
from modelle.tabellen import Aufgabe, Gremium, Handlungsfeld, Massnahme, Person, Schrittprotokoll, Sitzung, Statusbericht
from prozess.arbeit import Arbeit
from prozess.einladungen import einladungszeitpunkt, mitglieder
from prozess.grundkontext import grundkontext
from prozess.zeit import datum_de, heute, zeitpunkt_de
from prozess.zyklus import SCHRITT_NACH_NAME, ZUSTAND_BEZEICHNUNG, ZUSTAND_NACH_NAME

OHNE_STELLE = "ohne Angabe der Stelle"


def _stelle(organisation: str | None) -> str:
    """Wer zuständig ist, so wie es der Ausschuss lesen soll: die Stelle, nicht die Person.

    Der Bericht geht an Politikerinnen und Politiker und wird oft weitergegeben; eine
    Organisation genügt, um zu wissen, wo es hakt (Datensparsamkeit). Fehlt sie, sagt der
    Bericht das, statt auf den Namen auszuweichen.
    """
    return organisation or OHNE_STELLE


_F, _M, _P, _A, _PERSON = (Handlungsfeld.__table__, Massnahme.__table__, Schrittprotokoll.__table__,
                           Aufgabe.__table__, Person.__table__)
_IDS = bindparam("ids", expanding=True)

# Die Abfragen des Berichts, einmal gebaut (Spalten statt ORM-Zeilen: der Bericht liest nur).
_FELDER = (select(_F.c.id, _F.c.titel, _F.c.zustand, _F.c.zustand_seit, _F.c.runde)
           .where((_F.c.zustand != "abgeschlossen") | (_F.c.zustand_seit >= bindparam("seit")))
           .order_by(_F.c.id))
_NICHT_ERLEDIGT = _M.c.status.in_(("geplant", "laufend"))
_ZAHLEN = (select(_M.c.handlungsfeld_id, func.count(),
                  func.sum(case((_M.c.status == "erledigt", 1), else_=0)),
                  func.sum(case((_NICHT_ERLEDIGT & (_M.c.frist < bindparam("tag")), 1), else_=0)))
           .where(_M.c.handlungsfeld_id.in_(_IDS), _M.c.status != "abgebrochen")
           .group_by(_M.c.handlungsfeld_id))
_AENDERUNGEN_ALLE = (select(_P.c.handlungsfeld_id, _P.c.schritt, _P.c.nach_zustand, _P.c.zeitpunkt,
                            _PERSON.c.organisation)
                     .join(_PERSON, _PERSON.c.id == _P.c.person_id)
                     .where(_P.c.handlungsfeld_id.in_(_IDS)).order_by(_P.c.id))
_AENDERUNGEN_SEIT = _AENDERUNGEN_ALLE.where(_P.c.zeitpunkt > bindparam("seit"))
_UEBERFAELLIG = (select(_A.c.handlungsfeld_id, _A.c.titel, _A.c.frist, _PERSON.c.organisation)
                 .join(_PERSON, _PERSON.c.id == _A.c.verantwortlich_id)
                 .where(_A.c.handlungsfeld_id.in_(_IDS), _A.c.status == "offen", _A.c.frist < bindparam("tag"))
                 .order_by(_A.c.frist))
_SITZUNGEN = (select(Sitzung.__table__.c.beginn, Sitzung.__table__.c.ort, Gremium.__table__.c.name)
              .join(Gremium.__table__, Gremium.__table__.c.id == Sitzung.__table__.c.gremium_id)
              .where(Sitzung.__table__.c.status == "geplant", Sitzung.__table__.c.beginn > bindparam("jetzt"),
                     Sitzung.__table__.c.beginn <= bindparam("bis"))
              .order_by(Sitzung.__table__.c.beginn))


def abfragen_vorbereiten(engine) -> int:
    """Übersetzt die Abfragen des Berichts einmal beim Start (wie ``vorlagen_vorbereiten``): so
    kostet auch der erste Bericht nach dem Start nicht das Übersetzen nach SQL. Führt jede Abfrage
    einmal ohne Treffer aus (leere Id-Liste, Zeitpunkt ohne Sitzungen); gibt die Zahl der Abfragen."""
    from datetime import date, timezone

    nie = datetime(1900, 1, 1, tzinfo=timezone.utc)
    aufrufe = [(_FELDER.where(_F.c.id < 0), {"seit": nie}), (_ZAHLEN, {"ids": [], "tag": date(1900, 1, 1)}),
               (_AENDERUNGEN_ALLE, {"ids": []}), (_AENDERUNGEN_SEIT, {"ids": [], "seit": nie}),
               (_UEBERFAELLIG, {"ids": [], "tag": date(1900, 1, 1)}), (_SITZUNGEN, {"jetzt": nie, "bis": nie})]
    from monitoring.feldstand import feldstaende  # die Kennzahlen des Berichts (Import und Abfrage)

    with engine.connect() as v:
        for abfrage, werte in aufrufe:
            v.execute(abfrage, werte).all()
        feldstaende(v, [-1])
        v.rollback()
    return len(aufrufe) + 1


def bericht_daten(arbeit: Arbeit, seit: datetime | None) -> dict:
    """Alle Zahlen und Listen des Berichts, berechnet aus der Datenbank."""
    jetzt, e = arbeit.jetzt, arbeit.einstellungen
    v = arbeit.verbindung()
    tag = heute(jetzt, e.zeitzone)
    felder = v.execute(_FELDER, {"seit": seit or jetzt}).all()
    ids = [f.id for f in felder]

    zahlen = v.execute(_ZAHLEN, {"ids": ids, "tag": tag}).all()
    massnahmen = {fid: (gesamt, erledigt or 0, verspaetet or 0) for fid, gesamt, erledigt, verspaetet in zahlen}

    aenderungen: dict[int, list[str]] = defaultdict(list)
    if seit is None:
        eintraege_seit = v.execute(_AENDERUNGEN_ALLE, {"ids": ids})
    else:
        eintraege_seit = v.execute(_AENDERUNGEN_SEIT, {"ids": ids, "seit": seit})
    for feld_id, schritt, nach_zustand, zeitpunkt, organisation in eintraege_seit:
        bezeichnung = SCHRITT_NACH_NAME[schritt].bezeichnung if schritt in SCHRITT_NACH_NAME else "Angelegt"
        aenderungen[feld_id].append(
            f"{datum_de(zeitpunkt.astimezone(e.zeitzone).date())}: {bezeichnung} "
            f"→ {ZUSTAND_BEZEICHNUNG[nach_zustand]} ({_stelle(organisation)})")

    ueberfaellig: dict[int, list[str]] = defaultdict(list)
    for feld_id, titel, frist, organisation in v.execute(_UEBERFAELLIG, {"ids": ids, "tag": tag}):
        ueberfaellig[feld_id].append(
            f"{titel} – {_stelle(organisation)}, Frist {datum_de(frist)} ({(tag - frist).days} Tage überfällig)")

    # Kennzahlen der Felder, die welche verknüpft haben: geheimgehalten, mit Trend seit dem letzten Bericht.
    from monitoring.feldstand import als_kontext, feldstaende

    staende = feldstaende(arbeit, ids, seit=seit)
    eintraege = []
    for f in felder:
        gesamt, erledigt, verspaetet = massnahmen.get(f.id, (0, 0, 0))
        eintraege.append({
            "titel": f.titel,
            "zustand": ZUSTAND_BEZEICHNUNG[f.zustand],
            "seit": datum_de(f.zustand_seit.astimezone(e.zeitzone).date()),
            "runde": f.runde,
            "massnahmen_gesamt": gesamt,
            "massnahmen_erledigt": erledigt,
            "massnahmen_verspaetet": verspaetet,
            "fortschritt": round(100 * erledigt / gesamt) if gesamt else None,
            "aenderungen": aenderungen.get(f.id, []),
            "ueberfaellig": ueberfaellig.get(f.id, []),
            "entscheidung": ZUSTAND_NACH_NAME[f.zustand].entscheidung,
            "kennzahlen": [als_kontext(k, e.zeitzone) for k in staende[f.id].kennzahlen] if f.id in staende else [],
            # Für die Diagramme (``diagramme_zeichnen``), nicht für die Vorlagen.
            "_staende": staende[f.id].kennzahlen if f.id in staende else [],
        })
    sitzungen = v.execute(_SITZUNGEN, {"jetzt": jetzt, "bis": jetzt + timedelta(days=92)}).all()
    return {
        "stand": zeitpunkt_de(jetzt, e.zeitzone),
        "seit": zeitpunkt_de(seit, e.zeitzone) if seit else None,
        "felder": eintraege,
        "summe": {
            "felder": len(eintraege),
            "massnahmen": sum(x["massnahmen_gesamt"] for x in eintraege),
            "erledigt": sum(x["massnahmen_erledigt"] for x in eintraege),
            "ueberfaellige_aufgaben": sum(len(x["ueberfaellig"]) for x in eintraege),
        },
        "sitzungen": [f"{zeitpunkt_de(beginn, e.zeitzone)} – {name}, {ort}" for beginn, ort, name in sitzungen],
        "verborgen": any(k["verborgen"] for x in eintraege for k in x["kennzahlen"]),
    }


def diagramme_zeichnen(arbeit: Arbeit, daten: dict, domain: str) -> list[Datei]:
    """Je Kennzahl mit Wert ein kleines PNG (Zeitreihe Kreis und Land) für den HTML-Teil der Mail.

    Trägt in jedes Feld von ``daten`` ``diagramme`` ein (Content-ID, Textalternative mit den
    Zahlen, Quelle) und gibt die Bilder zurück. Gezeichnet wird einmal beim Erstellen des Berichts;
    die Bytes liegen in ``mailanhang`` und gehen bei jedem Versuch unverändert hinaus. Ohne
    Kennzahl mit Wert wird matplotlib nicht geladen.
    """
    from monitoring.feldstand import kennzahl_diagramm

    dateien: list[Datei] = []
    for nummer, feld in enumerate(daten["felder"], 1):
        feld["diagramme"] = []
        for k in feld.get("_staende", []):
            if not k.hat_wert:
                continue
            d = kennzahl_diagramm(arbeit, k)
            if d is None or not d.png:
                continue
            name = f"feld{nummer}-{k.kennzahl.schluessel}.png"
            cid = f"{name}@{domain}"
            dateien.append(Datei(name, "image/png", d.png, cid))
            feld["diagramme"].append({"cid": cid, "alt": d.alt, "quelle": d.quelle, "titel": d.titel})
    return dateien


def bericht_darstellen(daten: dict, grund: dict, gremium_name: str):
    from benachrichtigungen.darstellung import Dargestellt, einzeilig, vorlagen_umgebung

    umgebung = vorlagen_umgebung()
    kontext = {**grund, **daten, "gremium": gremium_name}
    return Dargestellt(
        betreff=einzeilig(umgebung.get_template("statusbericht.betreff.j2").render(kontext)),
        text=umgebung.get_template("statusbericht.txt.j2").render(kontext),
        html=umgebung.get_template("statusbericht.html.j2").render(kontext),
    )


def statusbericht_erstellen(arbeit: Arbeit, gremium: Gremium, *, schluessel_text: str, anlass: str,
                            sitzung_id: int | None = None) -> Statusbericht | None:
    """Erstellt, speichert und versendet einen Bericht; ``None``, wenn es ihn schon gibt."""
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    if db.exec(select(Statusbericht.id).where(Statusbericht.schluessel == schluessel_text)).first():
        return None
    letzter = db.exec(select(Statusbericht.erstellt_am).where(Statusbericht.gremium_id == gremium.id)
                           .order_by(Statusbericht.erstellt_am.desc()).limit(1)).first()
    grund = grundkontext(db)
    domain = e.absender.split("@", 1)[1]
    daten = bericht_daten(arbeit, letzter)
    bilder = diagramme_zeichnen(arbeit, daten, domain)
    dargestellt = bericht_darstellen(daten, grund, gremium.name)
    bericht = Statusbericht(schluessel=schluessel_text, gremium_id=gremium.id, sitzung_id=sitzung_id, anlass=anlass,
                            erstellt_am=jetzt, seit=letzter, betreff=dargestellt.betreff, text=dargestellt.text,
                            html=dargestellt.html)
    try:
        with db.begin_nested():
            db.add(bericht)
    except IntegrityError:
        return None  # ein anderer Dienst war schneller; sein Bericht gilt
    bericht_dateien_speichern(arbeit.verbindung(), bericht.id, bilder)
    mails = [Mail(schluessel("statusbericht", p.id, f"bericht{bericht.id}", jetzt.date()), "statusbericht",
                  "statusbericht", {}, p.email, p.name, p.id, extra={"statusbericht_id": bericht.id})
             for p in mitglieder(db, gremium.id)]
    vormerken(arbeit.verbindung(), mails, jetzt, domain)
    return bericht


def statusberichte_versenden(arbeit: Arbeit) -> list[Statusbericht]:
    """Erstellt die fälligen Berichte: vor der nächsten Sitzung und nach dem festen Rhythmus."""
    db, jetzt, e = arbeit.db, arbeit.jetzt, arbeit.einstellungen
    gremium = db.exec(select(Gremium).where(Gremium.kuerzel == e.statusbericht_gremium)).first()
    if gremium is None:
        return []
    erstellt = []
    naechste = db.exec(select(Sitzung).where(Sitzung.gremium_id == gremium.id, Sitzung.status == "geplant",
                                                  Sitzung.beginn > jetzt).order_by(Sitzung.beginn).limit(1)).first()
    if naechste is not None and jetzt >= einladungszeitpunkt(naechste, gremium, e):
        b = statusbericht_erstellen(arbeit, gremium, schluessel_text=f"sitzung:{naechste.id}",
                                    anlass=f"vor der Sitzung am {zeitpunkt_de(naechste.beginn, e.zeitzone)}",
                                    sitzung_id=naechste.id)
        erstellt += [b] if b else []
    if e.statusbericht_rhythmus_monate:
        lokal = jetzt.astimezone(e.zeitzone)
        if (lokal.month - 1) % e.statusbericht_rhythmus_monate == 0 and lokal.hour >= 7:
            b = statusbericht_erstellen(arbeit, gremium, schluessel_text=f"rhythmus:{lokal:%Y-%m}",
                                        anlass=f"regelmäßiger Bericht {lokal:%m/%Y}")
            erstellt += [b] if b else []
    return erstellt
