from __future__ import annotations

import pytest

from tests.benachrichtigungen.postfach import Server


@pytest.fixture
def smtp_server():
    server = Server()
    server.starten()
    yield server
    server.stoppen()


@pytest.fixture
def smtp_einstellungen(einstellungen, smtp_server):
    return einstellungen.mit(versand="smtp", smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_tls="keine",
                             absender="bildungsbuero@lkclp.example", smtp_timeout_sekunden=5)


@pytest.fixture
def smtp_umgebung(smtp_einstellungen, organisation):
    from prozess.umgebung import Umgebung

    u = Umgebung(smtp_einstellungen, organisation.engine)
    return u
