"""Neo4j store benchmark: batched import against one MERGE per row, and chain reads.

    bash scripts/neo4j-test-server start
    NEO4J_URI=bolt://127.0.0.1:17687 python bench/bench_neo4j.py --enterprises 100000

It empties the database it is given. Steps, each timed on its own:

0. warm the server up: import a small dataset (10,000 firms by default) and erase it, since a
   freshly started JVM writes at about half speed until its compiler has caught up, while a
   server in use has long been warm;
1. generate a dataset (2 chains by default, so each chain has about half the firms);
2. validate it (chainmap's validation, as for any store);
3. write it through chainmap's batched writes (``UNWIND $rows ... MERGE``, 5,000 rows a batch);
4. the baseline: the same statements with one row each, one transaction per row, over the first
   10,000 supply links (on a fresh database holding the firms they need);
5. read the biggest chain into a networkx graph (``store.chain`` + ``to_digraph``), against the
   floor: the same Cypher reads run bare, their rows fetched and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from chainmap.graph import to_digraph
from chainmap.ingest import validate_paths
from chainmap.records import Table
from chainmap.samples import generate_dataset
from chainmap.store.cypher import query
from chainmap.store.neo4j import Neo4jStore


class _Only:
    """The rows of some tables of a validated import (the others empty)."""

    def __init__(self, inner: Any, tables: set[Table], limit: int | None = None) -> None:
        self.inner, self.tables, self.limit = inner, tables, limit

    def batches(self, table: Table, size: int) -> Any:
        if table not in self.tables:
            return
        left = self.limit
        for batch in self.inner.batches(table, size):
            if left is not None:
                batch = batch[:left]
                left -= len(batch)
            if batch:
                yield batch
            if left == 0:
                return

    def replaces(self, table: Table) -> list[str]:
        replaced: list[str] = self.inner.replaces(table) if table in self.tables else []
        return replaced

    keys_unique = True

    def settle(self) -> None:
        pass

    def stream(self, size: int) -> Any:
        return iter(())


def _bare_chain_read(store: Neo4jStore, chain_id: str) -> int:
    """The Cypher reads of ``store.chain`` with nothing built from their rows: the floor."""
    driver = store._driver
    rows = 0

    def run(name: str, **parameters: Any) -> list[Any]:
        records, _, _ = driver.execute_query(
            query(name), parameters_=parameters, database_=store._database
        )
        return records

    firms = sorted(run("chain_firms", chain_id=chain_id)[0][0])
    for name in ("firm_enterprises", "firm_supply", "firm_certificates", "firm_members"):
        rows += len(run(name, usccs=firms)[0][0])
    for name in ("chain", "chain_leaders", "chain_segments", "chain_feeds"):
        rows += len(run(name, chain_id=chain_id))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--warmup-enterprises", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:17687")
    report: dict[str, Any] = {"neo4j": url}

    work = Path(tempfile.mkdtemp(prefix="chainmap-bench-neo4j-"))
    try:
        summary = generate_dataset(
            work / "data", enterprises=args.enterprises, chains=args.chains, seed=args.seed
        )
        report["enterprises"], report["supply"] = summary.enterprises, summary.supply
        with Neo4jStore(url) as store:
            if args.warmup_enterprises:
                generate_dataset(
                    work / "warmup", enterprises=args.warmup_enterprises, chains=2, seed=1
                )
                store.erase_everything()
                warmup = validate_paths([work / "warmup"])
                store.write(warmup, batch_size=args.batch_size)
                warmup.close()
            store.erase_everything()
            started = time.perf_counter()
            validation = validate_paths([work / "data"])
            validated = time.perf_counter()
            written = store.write(validation, batch_size=args.batch_size)
            done = time.perf_counter()
            rows = sum(written.values())
            report["rows_written"] = rows
            report["validate_seconds"] = round(validated - started, 2)
            report["write_seconds"] = round(done - validated, 2)
            report["write_rows_per_second"] = round(rows / (done - validated))
            report["import_rows_per_second"] = round(rows / (done - started))

            # the baseline, on a fresh database holding only the firms
            store.erase_everything()
            store.write(_Only(validation, {Table.ENTERPRISES}), batch_size=args.batch_size)
            limit = args.baseline_rows
            began = time.perf_counter()
            store.write(_Only(validation, {Table.SUPPLY}, limit), batch_size=args.batch_size)
            batched = time.perf_counter() - began
            store.erase_everything()
            store.write(_Only(validation, {Table.ENTERPRISES}), batch_size=args.batch_size)
            began = time.perf_counter()
            store.write(_Only(validation, {Table.SUPPLY}, limit), batch_size=1)
            single = time.perf_counter() - began
            report["batched_supply_rows_per_second"] = round(limit / batched)
            report["one_merge_per_row_rows_per_second"] = round(limit / single)
            report["batched_over_one_per_row"] = round(single / batched, 1)

            # reads of the biggest chain, on the whole dataset again
            store.erase_everything()
            store.write(validation, batch_size=args.batch_size)
            validation.close()
            biggest = max(
                (c.chain_id for c in store.chains()),
                key=lambda c: len(store.chain(c).enterprises),
            )
            timings: dict[str, list[float]] = {"chainmap": [], "bare": []}
            for _ in range(3):
                began = time.perf_counter()
                graph = to_digraph(store.chain(biggest))
                timings["chainmap"].append(time.perf_counter() - began)
                began = time.perf_counter()
                _bare_chain_read(store, biggest)
                timings["bare"].append(time.perf_counter() - began)
            best = {k: min(v) for k, v in timings.items()}
            report["chain"] = biggest
            report["chain_firms"] = graph.number_of_nodes()
            report["chain_links"] = graph.number_of_edges()
            report["read_to_networkx_seconds"] = round(best["chainmap"], 2)
            report["bare_cypher_read_seconds"] = round(best["bare"], 2)
            report["read_ratio"] = round(best["chainmap"] / best["bare"], 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
