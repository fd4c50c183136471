"""How a page and its modules name static files, read the way a browser reads them.

For the production-shape tests (the `production_static` fixture): which URLs a page asks for,
which modules a module imports, and whether a URL is one of collectstatic's hashed names.
"""

from __future__ import annotations

import json
import pathlib
import posixpath
import re

from django.conf import settings
from django.test import Client

# What a browser fetches from the HTML: src= and href= under STATIC_URL.
STATIC_REFERENCE = re.compile(r'(?:src|href)="(/static/[^"]+)"')
# Every module specifier, however the statement is written: `… from "x";`, `import "x";`,
# `import("x")`. Deliberately looser than the storage's patterns, so it finds what they miss.
MODULE_SPECIFIER = re.compile(r"""(?:\bfrom|\bimport\s*\(?)\s*["']([^"']+)["']""")


def static_references(html: str) -> list[str]:
    return STATIC_REFERENCE.findall(html)


def module_specifiers(source: str) -> list[str]:
    return MODULE_SPECIFIER.findall(source)


def hashed_names(static_root: pathlib.Path) -> dict[str, str]:
    """collectstatic's manifest: each file's name and its hashed name."""
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def is_hashed(url: str, static_root: pathlib.Path) -> bool:
    return url.removeprefix(settings.STATIC_URL) in set(hashed_names(static_root).values())


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def modules_loaded(client: Client, entry: str) -> dict[str, list[str]]:
    """Every module a browser loads from `entry`, following the imports: URL → its imports'
    URLs. Each one is fetched, so a missing module fails here as it would in the page."""
    loaded: dict[str, list[str]] = {}
    waiting = [entry]
    while waiting:
        url = waiting.pop()
        if url in loaded:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        imports = [
            posixpath.normpath(posixpath.join(posixpath.dirname(url), specifier))
            for specifier in module_specifiers(body(response).decode())
        ]
        loaded[url] = imports
        waiting.extend(imports)
    return loaded
