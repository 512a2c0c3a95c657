"""The HTTP service and its API tokens: serve, token create|list|revoke."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from chainmap.config import get_settings
from chainmap.store import open_store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    pass

from chainmap.cli.base import (
    EnterpriseOption,
    OutputFormat,
    RoleOption,
    StoreOption,
    _Commands,
    _store_url,
    app,
    console,
    err_console,
    named_regions,
)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    https_cookies: Annotated[
        bool,
        typer.Option(
            "--https-cookies",
            help="People reach the console over HTTPS (a proxy in front that terminates TLS): "
            "its session cookie is then Secure and named __Host-chainmap_session. Also read "
            "from CHAINMAP_HTTPS_COOKIES.",
            show_default=False,
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Serve the **web console** at / and the **HTTP API** at /api/v1 (OpenAPI at
    /api/v1/docs) over the store; each role sees only what belongs to it.

    People log in to the console with **accounts** (`chainmap user create`, a login and a
    password; a one-time password is changed at the first login); sessions end after 30 idle
    minutes or 8 hours. Programs call the API with **tokens** (`chainmap token create`, sent as
    `Authorization: Bearer`). `chainmap demo` makes an account per role and prints the command
    that serves its store.

    It listens on 127.0.0.1 by default. To let others in, put it behind a proxy that
    terminates TLS and give --https-cookies."""
    import uvicorn

    from chainmap.api import create_app

    settings = get_settings(store=store, https_cookies=True if https_cookies else None)
    with open_store(settings.store):  # refuse to start on a store that cannot be opened
        pass
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    err_console.print(f"chainmap over {settings.store}", highlight=False, soft_wrap=True)
    err_console.print(f"  console: {base}/  (log in with an account)", highlight=False)
    err_console.print(
        f"  API:     {base}/api/v1  (a bearer token; OpenAPI at {base}/api/v1/docs)",
        highlight=False,
        soft_wrap=True,
    )
    if settings.https_cookies:
        err_console.print(
            "  session cookies only over HTTPS (Secure, __Host-): reach it through the TLS proxy",
            highlight=False,
        )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


token_app = typer.Typer(
    cls=_Commands,
    help="API tokens for `chainmap serve`: create (printed once), list, revoke.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: RoleOption,
    name: Annotated[
        str, typer.Option("--name", help="Who or what uses the token.", show_default=False)
    ],
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="A region-code prefix the token may see (regulator, analyst); repeat for more.",
            show_default=False,
        ),
    ] = None,
    enterprise: EnterpriseOption = None,
    expires_in: Annotated[
        int | None,
        typer.Option(
            "--expires-in",
            metavar="DAYS",
            help="Days the token works (1 to 3650). Default 90.",
            show_default=False,
        ),
    ] = None,
    expires_on: Annotated[
        datetime | None,
        typer.Option(
            "--expires-on",
            formats=["%Y-%m-%d"],
            metavar="DATE",
            help="The last day the token works (UTC), YYYY-MM-DD; instead of --expires-in.",
            show_default=False,
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create an API token and print it **once**: the store keeps only its SHA-256 digest.
    Give it to the caller; a lost token is revoked and replaced, never recovered. It expires
    after 90 days unless --expires-in or --expires-on says otherwise."""
    from chainmap.access import issue_token

    with open_store(_store_url(store)) as opened:
        token, row = issue_token(
            opened,
            role,
            name,
            region,
            enterprise,
            expires_in=expires_in,
            expires_on=expires_on.date() if expires_on else None,
        )
    scope = named_regions(row.regions) or row.enterprise or "everything"
    err_console.print(
        f"token {row.token_id} ({row.role}: {scope}) for {row.name}, expires {row.expires_at}:",
        highlight=False,
    )
    sys.stdout.write(token + "\n")


@token_app.command("list")
def token_list(
    store: StoreOption = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = (
        OutputFormat.table
    ),
) -> None:
    """List the tokens (never the tokens themselves): id, name, role, scope, created, expires,
    revoked. A token made before tokens expired shows no expiry: it lasts until revoked."""
    from chainmap.access import expired

    with open_store(_store_url(store)) as opened:
        rows = opened.tokens()
    fields = (
        "token_id",
        "name",
        "role",
        "regions",
        "enterprise",
        "created_at",
        "expires_at",
        "revoked_at",
    )
    if format is OutputFormat.json:
        listed = [
            {f: list(r.regions) if f == "regions" else getattr(r, f) for f in fields} for r in rows
        ]
        sys.stdout.write(json.dumps(listed, ensure_ascii=False) + "\n")
        return
    table = RichTable(title="API tokens", caption=f"{len(rows)} token(s)")
    for column in fields:
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r.token_id,
            escape(r.name),
            r.role,
            named_regions(r.regions),
            r.enterprise or "",
            r.created_at,
            (r.expires_at + (" (expired)" if expired(r) else "")) if r.expires_at else "never",
            r.revoked_at or "",
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (`chainmap token list`).")],
    store: StoreOption = None,
) -> None:
    """Revoke a token: calls with it are refused (401) from then on."""
    from chainmap.access import revoke_token

    with open_store(_store_url(store)) as opened:
        revoke_token(opened, token_id)
    err_console.print(f"revoked {token_id}", highlight=False)
