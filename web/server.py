"""``bildungsbuero web``: die App unter uvicorn, mit Logzeilen ohne Token, Namen und Adressen.

uvicorns eigenes Zugriffslog ist aus (es schriebe Pfade mit Tokens); die App loggt selbst
(``web.sicherheit``). Forwarded-Kopfzeilen wertet die App aus (``web_proxies``), nicht uvicorn.
SIGTERM und SIGINT beenden den Server, nachdem laufende Anfragen beantwortet sind.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("bildungsbuero.web")


def web_starten(umgebung) -> int:
    """Startet den Server im Vordergrund; kehrt nach SIGTERM mit 0 zurück."""
    import signal

    import uvicorn

    from web.app import app_bauen

    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    e = umgebung.einstellungen
    konfiguration = uvicorn.Config(app_bauen(umgebung), host=e.web_host, port=e.web_port, access_log=False,
                                   log_config=None, proxy_headers=False, server_header=False, date_header=False)
    log.info("Webseiten laufen auf http://%s:%s (Links in Mails: %s)", e.web_host, e.web_port, e.basis_url)
    # uvicorn fängt SIGTERM selbst und löst es nach dem geordneten Ende erneut aus, damit der
    # vorige Handler greift; der hier macht daraus ein normales Ende mit Exit-Code 0.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda nummer, _rahmen: log.info("Signal %s: beendet", signal.Signals(nummer).name))
    uvicorn.Server(konfiguration).run()
    log.info("Webseiten beendet")
    return 0
