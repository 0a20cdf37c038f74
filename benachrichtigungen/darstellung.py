"""Mail-Vorlagen darstellen (jinja2): Betreff, Textteil, HTML-Teil.

Vorlagen heißen nach Konvention ``vorlagen/mail/<name>.betreff.j2``, ``.txt.j2`` und
``.html.j2``; ``VORLAGEN`` nennt genau die Namen, die dort liegen (ein Test prüft das).
Nur im HTML wird maskiert (ein Titel mit ``<script>`` wird gezeigt, nicht ausgeführt);
Betreff und Text bleiben wörtlich. Ein fehlender Wert im Kontext ist ein Fehler
(``jinja2.UndefinedError``), kein leerer Text; ein unbekannter Vorlagenname ein
``ValueError``. Der Betreff wird auf eine Zeile gebracht: ein Zeilenumbruch in einem Titel
schleust keine Kopfzeile ein. Beim Import wird nichts gelesen; die Umgebung entsteht beim
ersten Darstellen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

VORLAGEN_VERZEICHNIS = Path(__file__).resolve().parent.parent / "vorlagen"
VORLAGEN = (
    "aufgabe_zugewiesen",
    "erinnerung",
    "heute_faellig",
    "ueberfaellig",
    "eskalation",
    "schritt_erfolgt",
    "zustellfehler",
    "einladung",
    "absage",
    "frist_geaendert",
    "anmeldelink",
    "fristantrag",
    "fristantrag_abgelehnt",
)
_LEERRAUM = re.compile(r"\s+")


@dataclass(frozen=True)
class Dargestellt:
    betreff: str
    text: str
    html: str


def _ist_html(name: str | None) -> bool:
    """Maskiert wird nur in HTML-Vorlagen; Betreff und Text bleiben wörtlich."""
    return bool(name) and name.endswith(".html.j2")


def _bytecode_speicher():
    """Übersetzte Vorlagen im Cache-Verzeichnis des Benutzers, oder ``None``, wo keines beschreibbar ist.

    Eine Vorlage zu übersetzen kostet ein Vielfaches ihres Darstellens (der Statusbericht etwa 60 ms);
    mit dem Speicher übersetzt nur der erste Start nach einer Änderung. jinja2 prüft die Prüfsumme der
    Quelle: eine geänderte Vorlage wird neu übersetzt, nie eine veraltete benutzt.
    """
    import os

    import jinja2

    basis = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    verzeichnis = basis / "bildungsbuero" / "vorlagen"
    try:
        verzeichnis.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # z. B. ein Dienst ohne Heimatverzeichnis: dann wird eben übersetzt
    return jinja2.FileSystemBytecodeCache(str(verzeichnis))


@lru_cache(maxsize=1)
def vorlagen_umgebung() -> jinja2.Environment:
    """Die eine jinja2-Umgebung für ``vorlagen/``; erst beim ersten Aufruf gebaut."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(VORLAGEN_VERZEICHNIS),
        bytecode_cache=_bytecode_speicher(),
        undefined=jinja2.StrictUndefined,
        autoescape=_ist_html,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Vorlagen ändern sich nicht, während der Dienst läuft: kein stat() je Darstellung.
        auto_reload=False,
    )


def vorlagen_vorbereiten() -> int:
    """Lädt alle Vorlagen einmal (der Dienst beim Start): der erste Takt stellt dann sofort dar.

    Gibt die Zahl der geladenen Vorlagen zurück.
    """
    umgebung = vorlagen_umgebung()
    # vorlagen/web/ gehört den Webseiten (eigene Umgebung mit eigenen Filtern), nicht den Mails.
    namen = [n for n in umgebung.list_templates(extensions=["j2"]) if not n.startswith("web/")]
    for name in namen:
        umgebung.get_template(name)
    return len(namen)


def vorlagen_auf_platte() -> set[str]:
    """Die Namen, zu denen ``vorlagen/mail`` einen Betreff hat (Bausteine mit ``_`` zählen nicht)."""
    return {p.name.removesuffix(".betreff.j2") for p in (VORLAGEN_VERZEICHNIS / "mail").glob("*.betreff.j2")}


def einzeilig(text: str) -> str:
    """Jede Folge von Leerraum (auch ``\\r`` und ``\\n``) wird ein Leerzeichen."""
    return _LEERRAUM.sub(" ", text).strip()


def darstellen(vorlage: str, kontext: dict) -> Dargestellt:
    """Stellt die drei Teile der Vorlage ``vorlage`` mit ``kontext`` dar."""
    if vorlage not in VORLAGEN:
        raise ValueError(f"Unbekannte Mail-Vorlage »{vorlage}«; vorhanden: {', '.join(VORLAGEN)}.")
    umgebung = vorlagen_umgebung()
    return Dargestellt(
        betreff=einzeilig(umgebung.get_template(f"mail/{vorlage}.betreff.j2").render(kontext)),
        text=umgebung.get_template(f"mail/{vorlage}.txt.j2").render(kontext),
        html=umgebung.get_template(f"mail/{vorlage}.html.j2").render(kontext),
    )
