"""schemathesis over the OpenAPI schema, against the in-process app with an admin token: no
answer is a server error, every answer matches the schema (status, content type, body), and
schema-valid requests are accepted, except uploads, whose files the schema cannot describe (a
schema-valid upload may be an invalid dataset: 422 with its problems is the right answer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from api_world import write
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from chainmap.access import issue_token
from chainmap.api import create_app
from chainmap.config import Settings
from chainmap.ingest.load import import_datasets
from chainmap.store import open_store


def test_every_operation_answers_within_its_schema(store_url: str, tmp_path: Path) -> None:
    url = store_url
    import_datasets([write(tmp_path / "world")], lambda: open_store(url, create=True), workers=1)
    with open_store(url) as store:
        token, _ = issue_token(store, "admin", "schemathesis")
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(Settings(store=url)))
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 12
    for operation in operations:
        _answers(operation, headers)()


def _answers(operation: Any, headers: dict[str, str]) -> Any:
    """A hypothesis test of one operation's answers."""
    excluded = [positive_data_acceptance] if operation.method.upper() == "POST" else []

    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    def answers(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    return answers
