"""Benachrichtigungen: Outbox, Darstellung (jinja2), Mail-Aufbau, Transporte, Versand.

Ein Modul je Idee: ``outbox`` (Zeilen vormerken), ``kontexte`` (Werte für Vorlagen),
``darstellung`` (Vorlagen rendern), ``nachricht`` (MIME-Mail bauen), ``transport`` (der
Vertrag und die Fehlerarten), ``transport_smtp`` und ``transport_maildir`` (je ein Weg
hinaus), ``versand`` (die Outbox leeren: beanspruchen, senden, Ergebnis schreiben).
"""
