"""Every Cypher statement chainmap sends, one reviewed ``.cypher`` file each.

Installed as package data of ``chainmap.cypher``; :mod:`chainmap.store.cypher` loads them.
"""
