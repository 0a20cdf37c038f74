"""``bildungsbuero web``: die App unter uvicorn, mit Logzeilen ohne Token, Namen und Adressen.

uvicorns eigenes Zugriffslog ist aus (es schriebe Pfade mit Tokens); die App loggt selbst
(``web.sicherheit``). Forwarded-Kopfzeilen wertet die App aus (``web_proxies``), nicht uvicorn.
SIGTERM und SIGINT beenden den Server, nachdem laufende Anfragen beantwortet sind.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("bildungsbuero.web")


def _log_einrichten() -> None:
    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def app_aus_umgebung():
    """Die App für einen Arbeitsprozess (``web_prozesse`` > 1): Einstellungen aus Datei und Umgebung, wie die CLI.

    Jeder Prozess baut seine eigene Umgebung (Engine, Verbindungen) und richtet sein Log ein.
    """
    from prozess.einstellungen import laden
    from prozess.umgebung import Umgebung
    from web.app import app_bauen

    _log_einrichten()
    return app_bauen(Umgebung(laden()))


def web_starten(umgebung) -> int:
    """Startet den Server im Vordergrund; kehrt nach SIGTERM mit 0 zurück.

    Mit ``web_prozesse`` > 1 beantworten so viele Arbeitsprozesse (uvicorn-Worker) die Anfragen an
    einem gemeinsamen Port; jeder baut seine App über ``app_aus_umgebung``.
    """
    import signal

    import uvicorn

    from web.app import app_bauen

    _log_einrichten()
    e = umgebung.einstellungen
    gemeinsam = dict(host=e.web_host, port=e.web_port, access_log=False, log_config=None, proxy_headers=False,
                     server_header=False, date_header=False)
    log.info("Webseiten laufen auf http://%s:%s (Links in Mails: %s, %s Prozess%s)", e.web_host, e.web_port,
             e.basis_url, e.web_prozesse, "e" if e.web_prozesse > 1 else "")
    if e.web_prozesse > 1:
        from uvicorn.supervisors import Multiprocess

        konfiguration = uvicorn.Config("web.server:app_aus_umgebung", factory=True, workers=e.web_prozesse,
                                       **gemeinsam)
        # Der Aufseher fängt SIGTERM/SIGINT selbst, beendet die Arbeitsprozesse geordnet und kehrt zurück.
        Multiprocess(konfiguration, sockets=[konfiguration.bind_socket()]).run()
        log.info("Webseiten beendet")
        return 0
    konfiguration = uvicorn.Config(app_bauen(umgebung), **gemeinsam)
    # uvicorn fängt SIGTERM selbst und löst es nach dem geordneten Ende erneut aus, damit der
    # vorige Handler greift; der hier macht daraus ein normales Ende mit Exit-Code 0.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda nummer, _rahmen: log.info("Signal %s: beendet", signal.Signals(nummer).name))
    uvicorn.Server(konfiguration).run()
    log.info("Webseiten beendet")
    return 0
