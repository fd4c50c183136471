"""The project's PostgreSQL backend (`base`), COPY for new rows (`copy`), and reading UUIDs as text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def uuids_as_text() -> Iterator[None]:
    """Inside, queries on PostgreSQL give UUID columns as their text (`str(uuid)`), not as UUID
    objects: for reads that only pass ids on as text (the rules' facts), it saves building and then
    printing a UUID per value, about a tenth of a batch evaluation's CPU. Elsewhere nothing changes
    (SQLite's rows are converted by Django, which the caller's `str()` makes the same text)."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    if not hasattr(wrapper, "uuids_as_text"):  # not the project's PostgreSQL backend
        yield
        return
    before, wrapper.uuids_as_text = wrapper.uuids_as_text, True
    try:
        yield
    finally:
        wrapper.uuids_as_text = before
