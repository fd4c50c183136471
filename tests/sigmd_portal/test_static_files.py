"""Static files in the production shape: every page loads hashed names, cached for good.

`production_static` (tests/conftest.py) is collectstatic into a tmp STATIC_ROOT with the
production storage, served by WhiteNoise, as gunicorn serves it with DJANGO_DEBUG=0.
"""

from __future__ import annotations

import posixpath
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

from tests.conftest import PRODUCTION_STORAGES, pass_second_factor
from tests.static_files import body, hashed_names, is_hashed, static_references

pytestmark = pytest.mark.django_db


def assert_cached_for_good(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    control = response["Cache-Control"]
    assert "immutable" in control and int(re.search(r"max-age=(\d+)", control)[1]) >= 365 * 24 * 3600, url


@pytest.fixture
def clinic_client(clinician) -> Client:
    client = Client()
    client.force_login(clinician)
    pass_second_factor(client, clinician)
    return client


def test_the_landing_page_learn_and_the_clinic_load_only_hashed_files(
    production_static, clinic_client, linked_child
):
    public = Client()
    pages = [
        (public, "/"),
        (public, "/learn/"),
        (public, "/clinic/sign-in/"),
        (clinic_client, "/clinic/"),
        (clinic_client, f"/clinic/patients/{linked_child.pk}/"),
    ]
    seen = set()
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        references = static_references(response.content.decode())
        assert references, path
        for url in references:
            assert is_hashed(url, production_static), (path, url)
            assert_cached_for_good(public, url)
        seen.update(references)
    # The clinic's scripts and Chart.js, the two stylesheets: all of them by hashed name.
    names = {posixpath.basename(url).split(".")[0] for url in seen}
    assert {"site", "clinic", "charts", "chart", "inbox"} <= names


SOURCE = """\
// "Who has seen this diary": every read, change or export by someone — then an import of
// "./b.js" in prose, which must stay as it is.
import { b } from "./b.js";
import * as c from "./c.js";
import {
  d,
  e as f,
} from "./lib/d.js";
import "./side.js";
export { b } from "./b.js";
export * from "./c.js";
const later = () => import("./lazy.js");
const text = "import x from './not-a-module.js';";
"""


def test_collectstatic_rewrites_every_form_of_import_and_leaves_prose_alone(tmp_path):
    source, root = tmp_path / "src", tmp_path / "root"
    (source / "mod" / "lib").mkdir(parents=True)
    (source / "mod" / "a.js").write_text(SOURCE)
    for name in ("b", "c", "side", "lazy", "lib/d"):
        (source / "mod" / f"{name}.js").write_text(f"export const {name.replace('lib/', '')} = 1;\n")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES=PRODUCTION_STORAGES,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    names = hashed_names(root)
    out = (root / names["mod/a.js"]).read_text()

    def hashed(name: str) -> str:
        return posixpath.basename(names[f"mod/{name}.js"])

    assert out.splitlines()[:2] == SOURCE.splitlines()[:2]  # the comment, untouched
    assert f'import {{ b }} from "./{hashed("b")}";' in out
    assert f'import * as c from "./{hashed("c")}";' in out
    assert f'}} from "./lib/{hashed("lib/d")}";' in out
    assert f'import "./{hashed("side")}";' in out
    assert f'export {{ b }} from "./{hashed("b")}";' in out
    assert f'export * from "./{hashed("c")}";' in out
    assert f'import("./{hashed("lazy")}")' in out
    assert "const text = \"import x from './not-a-module.js';\";" in out


def test_collectstatic_of_every_apps_files_succeeds(tmp_path):
    """The Docker build and `make bench` collect everything, the API docs' bundles too: the
    import patterns must not trip over anyone's JavaScript. (Compression is left out here: it
    is WhiteNoise's own and takes half a minute on those bundles.)"""
    uncompressed = ["js", "css", "map", "json", "html", "txt", "md", "svg", "png", "woff", "woff2", "ttf"]
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES, WHITENOISE_SKIP_COMPRESS_EXTENSIONS=uncompressed
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    names = hashed_names(tmp_path)
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in names
    app = (tmp_path / names["pwa/app.js"]).read_text()
    assert f'from "./{posixpath.basename(names["pwa/api.js"])}";' in app


def test_a_missing_static_file_is_a_404_not_an_error(production_static):
    response = Client().get("/static/pwa/no-such-module.3f2a1b4c5d6e.js")
    assert response.status_code == 404
    assert not body(response).startswith(b"//")
