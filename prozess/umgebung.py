"""Die Verdrahtung an einer Stelle: Einstellungen → Engine → Arbeitseinheiten.

CLI, Dienst, Demo und Webseiten bauen sich hier ihre ``Umgebung``; Tests bauen sie mit
eigenen Einstellungen (einer Test-Datenbank) und einer simulierten Uhr. Nichts hier liest
zur Importzeit Dateien oder Netz.

    with umgebung.arbeit() as arbeit:      # schreibt: Commit am Ende, Rollback bei Fehler
        schritt_ausfuehren(arbeit, ...)
    with umgebung.lesen() as arbeit:       # liest nur
        handlungsfeld_ansicht(arbeit, 1)
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from prozess.arbeit import Arbeit
from prozess.einstellungen import Einstellungen
from prozess.fehler import Fachfehler, Konfigurationsfehler
from prozess.zeit import systemzeit


@dataclass
class Umgebung:
    einstellungen: Einstellungen
    _engine: object = field(default=None, repr=False)
    uhr: Callable[[], datetime] = systemzeit
    _schema_geprueft: bool = field(default=False, repr=False)

    @property
    def engine(self):
        if self._engine is None:
            self._engine = self._engine_erstellen(anlegen=False)
        return self._engine

    def _engine_erstellen(self, anlegen: bool):
        """Prüft die Datenbankdatei (fehlt sie, legt nur ``anlegen`` sie an) und erzeugt die Engine."""
        from modelle.datenbank import Datenbankfehler, datei_pruefen, engine_erstellen

        try:
            datei_pruefen(self.einstellungen.datenbank_url, anlegen=anlegen)
        except Datenbankfehler as fehler:
            raise Konfigurationsfehler(str(fehler)) from None
        return engine_erstellen(self.einstellungen.datenbank_url)

    def einrichten(self) -> tuple[str | None, str, Path | None]:
        """Legt das Schema an oder hebt es an, in einer Transaktion.

        Gibt (Stand vorher, Stand nachher, Sicherung) zurück; die Sicherung ist die Kopie einer
        SQLite-Datei vor dem Anheben (``None``, wenn nichts anzuheben war).
        """
        from modelle.datenbank import Datenbankfehler, migrieren, schema_stand

        if self._engine is None:
            self._engine = self._engine_erstellen(anlegen=True)
        vorher = schema_stand(self.engine)
        try:
            sicherung = migrieren(self.engine)
        except Datenbankfehler as fehler:
            raise Konfigurationsfehler(str(fehler)) from None
        return vorher, schema_stand(self.engine), sicherung

    def schema_pruefen(self) -> None:
        """Wirft ``Fachfehler``, wenn die Datenbank nicht auf dem Stand des Codes ist (ohne Alembic)."""
        if self._schema_geprueft:
            return
        from modelle.schema import SCHEMA_KOPF, gespeicherter_stand

        with self.engine.connect() as verbindung:
            stand = gespeicherter_stand(verbindung)
        if stand != SCHEMA_KOPF:
            raise Fachfehler(
                f"Die Datenbank ist nicht eingerichtet oder veraltet (Stand: {stand or 'leer'}, "
                f"erwartet: {SCHEMA_KOPF}). Führen Sie zuerst »bildungsbuero init« aus."
            )
        self._schema_geprueft = True

    def db_session(self):
        """Eine neue ORM-Session auf dieser Datenbank (nach der Schemaprüfung)."""
        from modelle.datenbank import orm_session

        self.schema_pruefen()
        return orm_session(self.engine)

    @contextmanager
    def arbeit(self, uhr: Callable[[], datetime] | None = None) -> Iterator[Arbeit]:
        """Eine schreibende Arbeitseinheit: Commit beim sauberen Ende, Rollback bei jedem Fehler."""
        from prozess.arbeit import arbeitseinheit

        with self.db_session() as db, arbeitseinheit(db, uhr or self.uhr, self.einstellungen) as arbeit:
            yield arbeit

    @contextmanager
    def lesen(self, uhr: Callable[[], datetime] | None = None) -> Iterator[Arbeit]:
        """Eine lesende Arbeitseinheit: sie schreibt nie."""
        from prozess.arbeit import nur_lesen

        with self.db_session() as db, nur_lesen(db, uhr or self.uhr, self.einstellungen) as arbeit:
            yield arbeit

    def transport(self):
        """Der Transport, den die Einstellung ``versand`` wählt (hier verdrahtet, nicht im Transport-Modul:
        so importieren die Transporte ihren Vertrag, und nichts importiert im Kreis zurück)."""
        e = self.einstellungen
        if e.versand == "smtp":
            from benachrichtigungen.transport_smtp import SmtpTransport

            return SmtpTransport.aus_einstellungen(e)
        from benachrichtigungen.transport_maildir import MaildirTransport

        return MaildirTransport(e.maildir_pfad)

    def schliessen(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
