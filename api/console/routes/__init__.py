"""The console's pages, one module per part."""

from __future__ import annotations

from fastapi import APIRouter

from . import access, admin, chains, firms, home, leaders, password, upload, weak_links

#: every router of the console, in the order they are added to the app
ROUTERS: tuple[APIRouter, ...] = (
    access.router,
    home.router,
    chains.router,
    upload.router,
    admin.router,
    password.router,
    firms.router,
    leaders.router,
    weak_links.router,
)
