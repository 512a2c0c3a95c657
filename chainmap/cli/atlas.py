"""The atlas command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainmap.config import get_settings
from chainmap.enums import Lang
from chainmap.store import open_store

if TYPE_CHECKING:  # the analysis is imported by the commands that use it, not at start-up
    pass

from chainmap.cli.base import (
    AsOfOption,
    StoreOption,
    WeightsOption,
    _as_of,
    app,
    err_console,
)


@app.command()
def atlas(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.", show_default=False)],
    chain: Annotated[
        str | None,
        typer.Option("--chain", help="A chain's atlas: its id.", show_default=False),
    ] = None,
    leader: Annotated[
        str | None,
        typer.Option(
            "--leader",
            help="A leader's supplier tiers and customers: its USCC.",
            show_default=False,
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="A region's chains by segment: a province, prefecture or county code (32, 3205).",
            show_default=False,
        ),
    ] = None,
    enterprise: Annotated[
        str | None,
        typer.Option(
            "--enterprise",
            help="One firm, its suppliers, customers and certificates: its USCC.",
            show_default=False,
        ),
    ] = None,
    industry: Annotated[
        str | None,
        typer.Option(
            "--industry",
            help="Only firms of this GB/T 4754 code prefix (C, C38 ...); leaders stay.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the page.")] = Lang.zh,
    depth: Annotated[
        int, typer.Option("--depth", min=1, max=10, help="Supplier tiers of a leader atlas.")
    ] = 3,
    cap: Annotated[
        int,
        typer.Option(
            "--cap", min=1, help="Above this many firms, draw segment x region groups instead."
        ),
    ] = 2000,
    no_aggregate: Annotated[
        bool,
        typer.Option("--no-aggregate", help="Draw every firm, however many (may be slow to open)."),
    ] = False,
    segment: Annotated[
        str | None,
        typer.Option(
            "--segment",
            help="With --chain: the firms of this segment (its id) instead of the whole chain.",
            show_default=False,
        ),
    ] = None,
    firms: Annotated[
        bool,
        typer.Option(
            "--firms", help="With --chain: every firm of the chain instead of its segments."
        ),
    ] = False,
    weights: WeightsOption = None,
    store: StoreOption = None,
    region_map: Annotated[
        bool,
        typer.Option(
            "--map",
            help="With --region: a map of the region's prefectures (of a province) or counties "
            "(of a prefecture), coloured by coverage, weak links or expiring certificates.",
        ),
    ] = False,
) -> None:
    """Draw a **chain-strengthening atlas** (强链图谱) as one HTML file that opens offline: a
    chain as a whole, segment by segment (its firms with --firms, one segment's with --segment),
    a leader's supplier tiers, a region's chains, or one enterprise. Colour is certification
    state (or coverage), a red ring marks a weak link; point at anything for its details."""
    from chainmap.analysis import load_weights
    from chainmap.atlases import AtlasKind, AtlasRequest, atlas_from_store, write_page
    from chainmap.visualizations import render_atlas

    if region_map:
        _draw_map(out, region, (chain, leader, enterprise), as_of, lang, weights, store)
        return
    chosen = {
        AtlasKind.CHAIN: chain,
        AtlasKind.LEADER: leader,
        AtlasKind.REGION: region,
        AtlasKind.ENTERPRISE: enterprise,
    }
    given = [(kind, key) for kind, key in chosen.items() if key is not None]
    if len(given) != 1:
        raise typer.BadParameter(
            "give exactly one of --chain, --leader, --region, --enterprise",
            param_hint="--chain / --leader / --region / --enterprise",
        )
    kind, key = given[0]
    if (segment is not None or firms) and kind is not AtlasKind.CHAIN:
        raise typer.BadParameter("--segment and --firms go with --chain", param_hint="--segment")
    request = AtlasRequest(
        kind=kind,
        key=key.strip(),
        as_of=_as_of(as_of),
        lang=lang.value,
        industry=industry,
        depth=depth,
        cap=None if no_aggregate else cap,
        segment=segment.strip() if segment else None,
        firms=firms,
    )
    settings = get_settings(store=store, weights=weights)
    scores = load_weights(settings.weights)
    with open_store(settings.store) as opened:
        drawn = atlas_from_store(opened, request, scores)
    write_page(render_atlas(drawn), out)
    # a region atlas and a chain as a whole always group
    grouped = drawn.aggregated and any(n.get("k") == "group" for n in drawn.nodes)
    err_console.print(
        f"wrote {out} ({len(drawn.nodes):,} nodes, {len(drawn.edges):,} links"
        + ("; firms grouped above --cap, --no-aggregate draws each" if grouped else "")
        + ")",
        highlight=False,
    )


def _draw_map(
    out: Path,
    region: str | None,
    others: tuple[str | None, ...],
    as_of: datetime | None,
    lang: Lang,
    weights: Path | None,
    store: str | None,
) -> None:
    """``atlas --map --region P``: the region map's page."""
    from chainmap.analysis import load_weights
    from chainmap.atlases import write_page
    from chainmap.regionmap import region_map_from_store
    from chainmap.visualizations.map import render_map

    if region is None or any(o is not None for o in others):
        raise typer.BadParameter("--map draws a region: give --region alone", param_hint="--map")
    settings = get_settings(store=store, weights=weights)
    scores = load_weights(settings.weights)
    with open_store(settings.store) as opened:
        drawn = region_map_from_store(opened, region.strip(), _as_of(as_of), scores)
    write_page(render_map(drawn, lang=lang.value), out)
    units = drawn.root.areas
    err_console.print(
        f"wrote {out} ({len(units):,} regions, {sum(1 for u in units if u.firms):,} with firms)",
        highlight=False,
    )
