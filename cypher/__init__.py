"""Reviewed Cypher statements, one ``.cypher`` file each, shipped as ``chainmap.cypher`` package data."""
