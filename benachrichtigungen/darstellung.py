"""Mail-Vorlagen darstellen (jinja2): Betreff, Textteil, HTML-Teil.

Vorlagen heißen nach Konvention ``vorlagen/mail/<name>.betreff.j2``, ``.txt.j2`` und
``.html.j2``. Im HTML wird alles maskiert (ein Titel mit ``<script>`` wird gezeigt, nicht
ausgeführt); ein unbekannter Name im Kontext ist ein Fehler, kein leerer Text. Der Betreff
wird auf eine Zeile gebracht: ein Zeilenumbruch in einem Titel schleust keine Kopfzeile ein.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VORLAGEN_VERZEICHNIS = Path(__file__).resolve().parent.parent / "vorlagen"
VORLAGEN = (
    "aufgabe_zugewiesen",
    "erinnerung",
    "heute_faellig",
    "ueberfaellig",
    "eskalation",
    "schritt_erfolgt",
    "zustellfehler",
)
_LEERRAUM = re.compile(r"\s+")


@dataclass(frozen=True)
class Dargestellt:
    betreff: str
    text: str
    html: str


@lru_cache(maxsize=1)
def vorlagen_umgebung():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(VORLAGEN_VERZEICHNIS),
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Vorlagen ändern sich nicht, während der Dienst läuft: kein stat() je Darstellung.
        auto_reload=False,
    )


def vorlagen_auf_platte() -> set[str]:
    return {p.name.removesuffix(".betreff.j2") for p in (VORLAGEN_VERZEICHNIS / "mail").glob("*.betreff.j2")}


def einzeilig(text: str) -> str:
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
