"""chainmap's HTTP service (installed as ``chainmap.api``): FastAPI routes over the store, each
role seeing only what belongs to it. ``chainmap serve`` runs :func:`create_app` with uvicorn."""

from .app import create_app

__all__ = ["create_app"]
