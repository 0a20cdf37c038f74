"""Die Outbox leeren: beanspruchen, darstellen, senden, Ergebnis schreiben.

Beanspruchen ist ein bedingtes UPDATE (``… WHERE id IN (…) AND status IN (wartend, …)
RETURNING id``), das auf SQLite und PostgreSQL gleich wirkt: von zwei Versendern bekommt
jede Zeile genau einer. Auf PostgreSQL überspringt die Auswahl zusätzlich gesperrte Zeilen
(``FOR UPDATE SKIP LOCKED``), damit sich zwei Dienste nicht gegenseitig aufhalten; auf
SQLite gibt es nur einen Schreiber zur Zeit, dort genügt das bedingte UPDATE. Bleibt ein
Versender mitten im Stapel stehen, gibt die Sperrfrist (``beansprucht_bis``) die Zeilen frei.

Ergebnisse: gesendet; vorübergehender Fehler → erneuter Versuch mit wachsendem Abstand
(5 min, 10, 20, … höchstens 4 h) bis ``versand_aufgeben_nach_stunden``; dauerhafter Fehler
(5xx) → fehler_dauerhaft und *eine* Mail an das Bildungsmanagement (Schlüssel je Zeile).
Erinnerungen zu Aufgaben, die inzwischen erledigt sind, werden verworfen statt gesendet.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update

from benachrichtigungen.darstellung import darstellen
from benachrichtigungen.kontexte import mail_kontext
from benachrichtigungen.nachricht import adresse, nachricht_bauen
from benachrichtigungen.outbox import (
    FEHLER_DAUERHAFT,
    FEHLER_VORUEBERGEHEND,
    GESENDET,
    IN_VERSAND,
    VERWORFEN,
    WARTEND,
    Mail,
    dialekt,
    schluessel,
    vormerken,
)
from benachrichtigungen.transport import DauerhafterFehler, Transport, VoruebergehenderFehler
from modelle.tabellen import Aufgabe, Gremium, Outbox, Statusbericht

log = logging.getLogger(__name__)

ERSTER_ABSTAND = timedelta(minutes=5)
LAENGSTER_ABSTAND = timedelta(hours=4)
SPERRFRIST = timedelta(minutes=10)
AUFGABEN_ERINNERUNGEN = ("erinnerung", "heute_faellig", "ueberfaellig", "eskalation")


@dataclass
class Versandbericht:
    gesendet: int = 0
    voruebergehend: int = 0
    dauerhaft: int = 0
    verworfen: int = 0

    def __str__(self) -> str:
        return (f"{self.gesendet} gesendet, {self.voruebergehend} vorübergehend gescheitert (wird wiederholt), "
                f"{self.dauerhaft} dauerhaft gescheitert, {self.verworfen} verworfen")


def abstand(versuche: int) -> timedelta:
    """Wartezeit vor dem nächsten Versuch nach ``versuche`` Versuchen (verdoppelt, gedeckelt)."""
    return min(ERSTER_ABSTAND * (2 ** max(0, versuche - 1)), LAENGSTER_ABSTAND)


def _faellig(jetzt: datetime):
    t = Outbox.__table__.c
    return or_(
        and_(t.status.in_((WARTEND, FEHLER_VORUEBERGEHEND)), t.naechster_versuch <= jetzt),
        and_(t.status == IN_VERSAND, t.beansprucht_bis < jetzt),
    )


def beanspruchen(verbindung, jetzt: datetime, anzahl: int, sperre_bis: datetime | None = None) -> list[int]:
    """Beansprucht bis zu ``anzahl`` fällige Zeilen für diesen Versender (bedingtes UPDATE).

    ``sperre_bis`` ist zugleich das Kennzeichen dieses Anspruchs: geschrieben wird das
    Ergebnis nur, wenn die Zeile noch genau diesen Wert trägt (niemand hat sie übernommen).
    """
    sperre_bis = sperre_bis or jetzt + SPERRFRIST
    t = Outbox.__table__
    auswahl = select(t.c.id).where(_faellig(jetzt)).order_by(t.c.id).limit(anzahl)
    if dialekt(verbindung) == "postgresql":
        auswahl = auswahl.with_for_update(skip_locked=True)
    # Die Bedingung steht auch im äußeren UPDATE: hat ein anderer Versender die Zeile
    # inzwischen beansprucht, prüft PostgreSQL sie nach dem Warten neu und lässt sie aus.
    anweisung = (
        update(t)
        .where(t.c.id.in_(auswahl.scalar_subquery()), _faellig(jetzt))
        .values(status=IN_VERSAND, beansprucht_bis=sperre_bis, versuche=t.c.versuche + 1)
        .returning(t.c.id)
    )
    return sorted(verbindung.execute(anweisung).scalars().all())


_BERICHTSFELD = {GESENDET: "gesendet", FEHLER_VORUEBERGEHEND: "voruebergehend",
                 FEHLER_DAUERHAFT: "dauerhaft", VERWORFEN: "verworfen"}


@dataclass
class _Ergebnis:
    zeile: object
    art: str  # GESENDET, FEHLER_VORUEBERGEHEND, FEHLER_DAUERHAFT, VERWORFEN
    fehler: str | None = None


class Versender:
    """Leert die Outbox über einen Transport; die Datenbank ist die einzige Wahrheit."""

    def __init__(self, engine, transport: Transport, einstellungen, stapel: int = 500):
        self.engine = engine
        self.transport = transport
        self.e = einstellungen
        self.stapel = stapel
        self._berichte: dict = {}
        self._sperre_bis: datetime | None = None

    async def leeren(self, jetzt: datetime, uhr=None) -> Versandbericht:
        """Sendet alles, was zu ``jetzt`` fällig ist; endet, wenn nichts mehr fällig ist.

        ``uhr`` (optional, z. B. die Systemzeit im Dienst) bestimmt die Sperrfrist jedes
        Stapels nach der echten Zeit: ein langer Versand soll nicht mit einer Sperre
        arbeiten, die ein anderer Dienst schon für abgelaufen hält.
        """
        bericht = Versandbericht()
        while True:
            with self.engine.begin() as v:
                self._sperre_bis = (uhr() if uhr else jetzt) + SPERRFRIST
                ids = beanspruchen(v, jetzt, self.stapel, self._sperre_bis)
                if not ids:
                    return bericht
                zeilen = v.execute(select(Outbox.__table__).where(Outbox.__table__.c.id.in_(ids))).all()
                erledigte = self._erledigte_aufgaben(v, zeilen)
                absender_info = self._absender(v)
                self._berichte = self._statusberichte(v, zeilen)
            ergebnisse = await self._senden(zeilen, erledigte, absender_info, jetzt)
            with self.engine.begin() as v:
                self._ergebnisse_schreiben(v, ergebnisse, jetzt, bericht)

    def _erledigte_aufgaben(self, v, zeilen) -> set[int]:
        ids = {z.aufgabe_id for z in zeilen if z.aufgabe_id and z.anlass in AUFGABEN_ERINNERUNGEN}
        if not ids:
            return set()
        t = Aufgabe.__table__
        return set(v.execute(select(t.c.id).where(t.c.id.in_(ids), t.c.status != "offen")).scalars())

    def _statusberichte(self, v, zeilen) -> dict:
        """Betreff, Text und HTML der Statusberichte dieses Stapels (einmal gespeichert, oft versandt)."""
        ids = {z.statusbericht_id for z in zeilen if z.statusbericht_id}
        if not ids:
            return {}
        t = Statusbericht.__table__
        return {b.id: b for b in v.execute(select(t.c.id, t.c.betreff, t.c.text, t.c.html).where(t.c.id.in_(ids)))}

    def _absender(self, v):
        buero = v.execute(select(Gremium.__table__.c.name, Gremium.__table__.c.email)
                          .where(Gremium.__table__.c.kuerzel == "bildungsbuero")).first()
        name = buero.name if buero else "Bildungsbüro"
        antwort = adresse(name, buero.email) if buero and buero.email else None
        return adresse(name, self.e.absender), antwort

    async def _senden(self, zeilen, erledigte: set[int], absender_info, jetzt: datetime) -> list[_Ergebnis]:
        """Je Verbindung ein Arbeiter, der die nächste Zeile baut und sendet.

        Gebaut wird erst unmittelbar vor dem Senden: während ein Arbeiter auf die Antwort des
        Servers wartet, baut der nächste schon seine Mail (Netz und Rechnen überlappen).
        """
        absender, antwort_an = absender_info
        offen = iter(zeilen)
        ergebnisse: list[_Ergebnis] = []

        async def arbeiter() -> None:
            for zeile in offen:
                ergebnisse.append(await self._eine(zeile, erledigte, absender, antwort_an, jetzt))

        await asyncio.gather(*(arbeiter() for _ in range(max(1, self.transport.parallel))))
        return ergebnisse

    async def _eine(self, zeile, erledigte: set[int], absender, antwort_an, jetzt: datetime) -> _Ergebnis:
        if zeile.aufgabe_id in erledigte:
            return _Ergebnis(zeile, VERWORFEN, "Aufgabe war vor dem Versand erledigt")
        try:
            nachricht = self._bauen(zeile, absender, antwort_an, jetzt)
        except Exception as fehler:  # ein Fehler in einer Vorlage ist unser Fehler: laut melden
            log.error("Outbox %s: Vorlage %s nicht darstellbar: %s", zeile.id, zeile.vorlage, fehler)
            return _Ergebnis(zeile, FEHLER_DAUERHAFT, f"Vorlage nicht darstellbar: {fehler}")
        try:
            await self.transport.senden(nachricht, self.e.absender, zeile.empfaenger_email)
        except VoruebergehenderFehler as fehler:
            return _Ergebnis(zeile, FEHLER_VORUEBERGEHEND, str(fehler))
        except DauerhafterFehler as fehler:
            return _Ergebnis(zeile, FEHLER_DAUERHAFT, str(fehler))
        except Exception as fehler:  # Unerwartetes: nie den ganzen Stapel verlieren, später erneut
            log.error("Outbox %s: unerwarteter Fehler beim Senden (%s)", zeile.id, type(fehler).__name__)
            return _Ergebnis(zeile, FEHLER_VORUEBERGEHEND, f"unerwarteter Fehler: {type(fehler).__name__}")
        return _Ergebnis(zeile, GESENDET)

    def _bauen(self, zeile, absender, antwort_an, jetzt: datetime):
        if zeile.statusbericht_id:
            dargestellt = self._berichte[zeile.statusbericht_id]
        else:
            dargestellt = darstellen(zeile.vorlage, zeile.kontext)
        kalender = getattr(zeile, "kalender", None)
        return nachricht_bauen(
            betreff=dargestellt.betreff, text=dargestellt.text, html=dargestellt.html,
            absender=absender, empfaenger=adresse(zeile.empfaenger_name, zeile.empfaenger_email),
            antwort_an=antwort_an, message_id=zeile.message_id, datum=jetzt,
            kalender=kalender.encode("utf-8") if kalender else None,
            kalender_methode=getattr(zeile, "kalender_methode", None),
        )

    def _ergebnisse_schreiben(self, v, ergebnisse: list[_Ergebnis], jetzt: datetime, bericht: Versandbericht) -> None:
        t = Outbox.__table__
        aufgeben_nach = timedelta(hours=self.e.versand_aufgeben_nach_stunden)
        werte = []
        dauerhaft = []
        for erg in ergebnisse:
            z = erg.zeile
            art, fehler, naechster = erg.art, erg.fehler, z.naechster_versuch
            if art == FEHLER_VORUEBERGEHEND:
                naechster = jetzt + abstand(z.versuche)
                if naechster - z.erstellt_am > aufgeben_nach:
                    art = FEHLER_DAUERHAFT
                    fehler = f"aufgegeben nach {z.versuche} Versuchen: {fehler}"
            if art == FEHLER_DAUERHAFT:
                dauerhaft.append((z, fehler))
            feld = _BERICHTSFELD[art]
            setattr(bericht, feld, getattr(bericht, feld) + 1)
            werte.append(dict(b_id=z.id, b_status=art, b_fehler=fehler, b_naechster=naechster,
                              b_gesendet=jetzt if art == GESENDET else None))
        v.execute(
            update(t)
            .where(t.c.id == bindparam("b_id"), t.c.status == IN_VERSAND, t.c.beansprucht_bis == self._sperre_bis)
            .values(status=bindparam("b_status"), letzter_fehler=bindparam("b_fehler"),
                    naechster_versuch=bindparam("b_naechster", type_=t.c.naechster_versuch.type),
                    gesendet_am=bindparam("b_gesendet", type_=t.c.gesendet_am.type), beansprucht_bis=None),
            werte,
        )
        if dauerhaft:
            self._bildungsmanagement_informieren(v, dauerhaft, jetzt)
        if bericht.voruebergehend or bericht.dauerhaft:
            log.warning("Versand: %s", bericht)

    def _betreff_oder_ersatz(self, zeile) -> str:
        """Der Betreff der gescheiterten Mail; scheiterte schon die Vorlage, ein Ersatztext."""
        if zeile.statusbericht_id:
            return self._berichte[zeile.statusbericht_id].betreff
        try:
            return darstellen(zeile.vorlage, zeile.kontext).betreff
        except Exception:  # genau das, was beim Senden schon scheiterte; hier nicht noch einmal
            return f"Mail »{zeile.vorlage}« (Nr. {zeile.id}, Vorlage nicht darstellbar)"

    def _bildungsmanagement_informieren(self, v, dauerhaft, jetzt: datetime) -> None:
        """Je dauerhaft gescheiterter Mail genau eine Nachricht an das Bildungsmanagement."""
        from sqlmodel import Session

        from prozess.grundkontext import grundkontext
        from prozess.rollen import zustaendige_person
        from prozess.zeit import zeitpunkt_de
        from prozess.zyklus import MANAGEMENT

        with Session(bind=v) as s:
            management = zustaendige_person(s, MANAGEMENT)
            grund = grundkontext(s)
        if management is None or not management.email:
            log.error("Dauerhafte Zustellfehler, aber niemand hat die Rolle Bildungsmanagement.")
            return
        mails = []
        for zeile, fehler in dauerhaft:
            if zeile.anlass == "zustellfehler" or zeile.empfaenger_email == management.email:
                continue  # keine Schleife: über das Scheitern einer Fehlermeldung wird nicht gemeldet
            betreff = self._betreff_oder_ersatz(zeile)
            kontext = mail_kontext(grund, management.name, fehlgeschlagen={
                "empfaenger": f"{zeile.empfaenger_name} <{zeile.empfaenger_email}>",
                "betreff": betreff,
                "fehler": fehler or "",
                "erstellt": zeitpunkt_de(zeile.erstellt_am, self.e.zeitzone),
            })
            mails.append(Mail(schluessel("zustellfehler", management.id, f"outbox{zeile.id}", zeile.erstellt_am.date()),
                              "zustellfehler", "zustellfehler", kontext, management.email, management.name,
                              management.id))
        vormerken(v, mails, jetzt, self.e.absender.split("@", 1)[1])


def versand_status(verbindung) -> dict[str, int]:
    """Anzahl der Outbox-Zeilen je Status."""
    from sqlalchemy import func

    t = Outbox.__table__
    return dict(verbindung.execute(select(t.c.status, func.count()).group_by(t.c.status)).all())
