"""Der Prozess des Bildungsbüros: Zyklus der Handlungsfelder, Wächter, Aufgaben, CLI.

Dieses Paket lädt beim Import nichts Teures; die Module, die SQLModel brauchen, werden
von der CLI erst in den Befehlen importiert.
"""
