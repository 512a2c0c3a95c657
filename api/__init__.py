"""chainmap's HTTP service (installed as ``chainmap.api``): FastAPI routes over the store."""
