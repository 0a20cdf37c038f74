"""Die Verdrahtung an einer Stelle: Einstellungen → Engine → Sitzungen.

CLI, Dienst und Demo bauen sich hier ihre ``Umgebung``; Tests bauen sie mit eigenen
Einstellungen (einer Test-Datenbank). Nichts hier liest zur Importzeit Dateien oder Netz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prozess.einstellungen import Einstellungen
from prozess.fehler import Fachfehler


@dataclass
class Umgebung:
    einstellungen: Einstellungen
    _engine: object = field(default=None, repr=False)

    @property
    def engine(self):
        if self._engine is None:
            from modelle.datenbank import engine_erstellen

            self._engine = engine_erstellen(self.einstellungen.datenbank_url)
        return self._engine

    def einrichten(self) -> tuple[str | None, str]:
        """Legt das Schema an oder hebt es an; gibt (Stand vorher, Stand nachher) zurück."""
        from modelle.datenbank import migrieren, schema_stand

        vorher = schema_stand(self.engine)
        migrieren(self.engine)
        return vorher, schema_stand(self.engine)

    def sitzung(self):
        """Eine ORM-Sitzung; vorher wird geprüft, dass das Schema auf dem neuesten Stand ist."""
        from modelle.datenbank import neueste_revision, schema_stand, sitzung

        stand, erwartet = schema_stand(self.engine), neueste_revision()
        if stand != erwartet:
            raise Fachfehler(
                f"Die Datenbank ist nicht eingerichtet oder veraltet (Stand: {stand or 'leer'}, "
                f"erwartet: {erwartet}). Führen Sie zuerst »bildungsbuero init« aus."
            )
        return sitzung(self.engine)

    def schliessen(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
