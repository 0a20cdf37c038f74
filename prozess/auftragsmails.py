"""Die Mail zu einer neuen Aufgabe: wer sie bekommt, was sie sagt, unter welchem Schlüssel.

Geschrieben wird in die Outbox der laufenden Transaktion: entsteht die Aufgabe durch einen
Schritt, sagt die Mail auch, welcher Schritt geschah (``schritt_erfolgt``); sonst ist es
``aufgabe_zugewiesen``. Personen ohne Adresse (entfernt) bekommen keine Mail. Jede Mail
trägt den persönlichen Link der Person (``prozess.teilnahme``): ein neues Token je Aufruf und
Person, alle in einer Anweisung ausgestellt, in derselben Transaktion.

Neu zugewiesen (A → B → A) bekommt jede Zuweisung ihre Mail: der Schlüssel zählt, wie oft die
Aufgabe mit dieser Frist schon bei der Person landete (``zuweisungsgegenstand``). Ein zweiter
Lauf derselben Zuweisung (gleichzeitig, oder derselbe Zustand noch einmal) findet dieselbe Zahl
und schreibt die Mail nicht doppelt.
"""

from __future__ import annotations

from sqlalchemy import select

from benachrichtigungen.kontexte import aufgabe_kontext, feld_kontext, mail_kontext
from benachrichtigungen.outbox import Mail, outbox_zeilen, schluessel, vormerken
from modelle.tabellen import Outbox
from prozess.arbeit import Arbeit
from prozess.grundkontext import grundkontext
from prozess.zyklus import ZUSTAND_BEZEICHNUNG

ZUGEWIESEN = "aufgabe_zugewiesen"
_PROBE = 16  # Schlüssel je Abfrage; so oft landet dieselbe Aufgabe kaum bei derselben Person


def zuweisungsgegenstand(arbeit: Arbeit, aufgabe_id: int, person_id: int, frist) -> str:
    """Der Gegenstand des Schlüssels für die nächste Zuweisung der Aufgabe an die Person: ``-zuweisungN``.

    N ist eins mehr als die höchste schon vergebene Nummer (gesucht über den eindeutigen Index auf
    ``outbox.schluessel``, nicht über alle Mails der Aufgabe; die Outbox behält ihre Zeilen, die
    Aufbewahrung leert nur den Inhalt). Die erste Mail einer Aufgabe (beim Anlegen) trägt keine Nummer.
    """
    def kandidat(n: int) -> str:
        return schluessel(ZUGEWIESEN, person_id, f"aufgabe{aufgabe_id}-zuweisung{n}", frist)

    erste = 1
    while True:
        kandidaten = {kandidat(n): n for n in range(erste, erste + _PROBE)}
        vergeben = arbeit.db.execute(select(Outbox.schluessel).where(Outbox.schluessel.in_(kandidaten))).scalars().all()
        if len(vergeben) < _PROBE:
            return f"-zuweisung{max((kandidaten[k] for k in vergeben), default=erste - 1) + 1}"
        erste += _PROBE


def mails_fuer_neue_aufgaben(
    arbeit: Arbeit,
    aufgaben: list,
    feld,
    schritt: dict | None = None,
    *,
    anlass: str | None = None,
    zusatz: dict | None = None,
    gegenstand: str = "",
) -> None:
    """Merkt je neuer (oder neu befristeter) Aufgabe eine Mail an die zuständige Person vor.

    ``feld`` (mit ``id``, ``titel``, ``zustand``) ist das Handlungsfeld der Aufgaben oder ``None``;
    ``gegenstand`` ergänzt den Idempotenzschlüssel (z. B. die Nummer eines Fristantrags).
    """
    from prozess.teilnahmelink import teilnahmelinks_ausstellen

    links = teilnahmelinks_ausstellen(arbeit, _empfaenger(aufgaben))
    mails = _mails(arbeit, aufgaben, feld, schritt, anlass, zusatz, gegenstand, links)
    if mails:
        vormerken(arbeit.verbindung(), mails, arbeit.jetzt, arbeit.einstellungen.absender.split("@", 1)[1])


def zeilen_fuer_neue_aufgaben(arbeit: Arbeit, aufgaben: list, feld,
                              schritt: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Die Outbox-Zeilen und die Zeilen der persönlichen Links, die ``mails_fuer_neue_aufgaben``
    schriebe, ohne sie zu schreiben (für den Schritt, der sie auf PostgreSQL in seiner einen
    Anweisung mitschreibt)."""
    from prozess.teilnahmelink import teilnahmelinks_erzeugen

    links, link_zeilen = teilnahmelinks_erzeugen(arbeit, _empfaenger(aufgaben))
    mails = _mails(arbeit, aufgaben, feld, schritt, None, None, "", links)
    return outbox_zeilen(mails, arbeit.jetzt, arbeit.einstellungen.absender.split("@", 1)[1]), link_zeilen


def _empfaenger(aufgaben: list) -> list[int]:
    return [a.person.id for a in aufgaben if a.person.email]


def _mails(arbeit: Arbeit, aufgaben: list, feld, schritt: dict | None, anlass: str | None,
           zusatz: dict | None, gegenstand: str, links: dict[int, str]) -> list[Mail]:
    if not aufgaben:
        return []
    jetzt, e = arbeit.jetzt, arbeit.einstellungen
    grund = grundkontext(arbeit.db)
    feldteil = feld_kontext(feld.id, feld.titel, ZUSTAND_BEZEICHNUNG[feld.zustand]) if feld is not None else None
    anlass = anlass or ("schritt_erfolgt" if schritt is not None and feld is not None else "aufgabe_zugewiesen")
    mails = []
    for a in aufgaben:
        if not a.person.email:
            continue
        teile = dict(
            aufgabe=aufgabe_kontext(aufgabe_id=a.id, titel=a.titel, beschreibung=a.beschreibung, frist=a.frist,
                                    jetzt=jetzt, zone=e.zeitzone),
            handlungsfeld=feldteil,
            massnahme={"titel": a.massnahme_titel} if a.massnahme_titel else None,
            teilnahme={"link": links[a.person.id]},
        )
        if anlass == "schritt_erfolgt":
            teile["schritt"] = schritt
        teile.update(zusatz or {})
        mails.append(Mail(schluessel(anlass, a.person.id, f"aufgabe{a.id}{gegenstand}", a.frist), anlass, anlass,
                          mail_kontext(grund, a.person.name, **teile), a.person.email, a.person.name, a.person.id, a.id))
    return mails
