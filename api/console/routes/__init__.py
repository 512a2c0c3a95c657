"""The console's pages, one module per part."""

from __future__ import annotations

from fastapi import APIRouter

from . import access, chains, firms, home, leaders, password, weak_links

#: every router of the console, in the order they are added to the app
ROUTERS: tuple[APIRouter, ...] = (
    access.router,
    home.router,
    chains.router,
    password.router,
    weak_links.router,
    firms.router,
    leaders.router,
)
