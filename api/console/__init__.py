"""The web console: what regulators, chain-leader staff and analysts use in the browser, served by
``chainmap serve`` at ``/`` beside the API at ``/api/v1``.

Pages are thin: each declares the API's own permission and bounds dependencies (the caller comes
from the session cookie, :func:`api.deps.get_caller`) and calls the same service functions as the
API's routes, then renders a template whose words all come from the message catalogue
(:mod:`.i18n`). Sessions and CSRF: :mod:`.sessions`, :mod:`.auth`. Pages and their headers:
:mod:`.render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["install"]


def install(app: FastAPI) -> None:
    """Add the console's pages, its static files and its error pages to ``app``."""
    from importlib import resources

    from starlette.staticfiles import StaticFiles

    from .errors import show_error
    from .routes import ROUTERS
    from .sessions import Sessions

    app.state.sessions = Sessions()
    app.state.console_error = show_error
    folder = resources.files("chainmap.api.console").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(folder)), name="console-static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
