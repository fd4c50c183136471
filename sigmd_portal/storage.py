"""The production static files storage: hashed names everywhere, compressed copies beside them."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

# A module specifier the storage can hash: relative ("./x.js", "../x.js") or under STATIC_URL.
_SPECIFIER = r"""["'](?P<url>[./][^"'\n]*)["']"""
# What may stand between `import`/`export` and `from`: names, braces, commas, `*`, `as`, blanks.
_CLAUSE = r"""\s+[\w$\s{},*]+?"""


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, also rewriting ES-module imports to hashed names.

    The PWA's modules import each other by relative name (`import … from "./api.js"`); with
    Django's `support_js_module_import_aggregation` collectstatic rewrites each import to the
    imported file's hashed name, so a page that loads the hashed app.js loads only hashed
    modules, each cacheable forever.

    Django 5.2 calls that support experimental, and its patterns run from any `import`/`export`
    word to the next `from "./…";`, comments included: "// every read, change or export by …"
    followed by an import made it hash an already hashed name, and collectstatic failed. The
    patterns below are Django's, tightened: a statement starts a line, and its clause holds only
    what an import clause can (no quotes, slashes or semicolons), so prose never matches.
    """

    support_js_module_import_aggregation = True
    _js_module_import_aggregation_patterns = (
        "*.js",
        (
            (
                rf"""(?m)^(?P<matched>import(?P<import>{_CLAUSE})\s*from\s*{_SPECIFIER}\s*;)""",
                """import%(import)s from "%(url)s";""",
            ),
            (
                rf"""(?m)^(?P<matched>export(?P<exports>{_CLAUSE})\s*from\s*{_SPECIFIER}\s*;)""",
                """export%(exports)s from "%(url)s";""",
            ),
            (rf"""(?m)^(?P<matched>import\s*{_SPECIFIER}\s*;)""", """import "%(url)s";"""),
            (rf"""(?P<matched>\bimport\(\s*{_SPECIFIER}\s*\))""", """import("%(url)s")"""),
        ),
    )
