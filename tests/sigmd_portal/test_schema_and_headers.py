import pytest
from django.core.management import call_command
from django.test import Client


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/schema/?format=json").json()


def ref(response: dict) -> str:
    """The component a response's JSON body refers to ("" for an inline schema)."""
    return response["content"]["application/json"]["schema"].get("$ref", "").rsplit("/", 1)[-1]


def test_the_schema_describes_the_session_token_scheme(schema):
    scheme = schema["components"]["securitySchemes"]["sessionToken"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Session-Token")
    assert "allauth" in scheme["description"]


@pytest.mark.parametrize("kind", ["infections", "symptoms"])
def test_a_guided_entry_create_documents_201_200_409_with_guidance(schema, kind):
    post = schema["paths"][f"/api/v1/profiles/{{profile_id}}/{kind}/"]["post"]["responses"]
    assert {"200", "201", "400", "401", "403", "404", "409"} <= set(post)
    written = ref(post["201"])
    assert written.endswith("WithGuidance") and ref(post["200"]) == written
    assert ref(post["409"]) == "Error"
    body = schema["components"]["schemas"][written]
    assert "guidance" in body["required"]
    guidance = schema["components"]["schemas"]["Guidance"]
    assert set(guidance["properties"]) >= {"level", "message", "articles"}
    patch = schema["paths"][f"/api/v1/profiles/{{profile_id}}/{kind}/{{entry_id}}/"]["patch"]["responses"]
    assert ref(patch["200"]) == written and ref(patch["412"]) == "Error"


def test_an_unguided_entry_create_answers_the_entry_itself(schema):
    post = schema["paths"]["/api/v1/profiles/{profile_id}/vaccinations/"]["post"]["responses"]
    assert ref(post["201"]) == ref(post["200"]) == "Vaccination"


def test_every_list_is_documented_as_a_cursor_page(schema):
    lists = [
        (path, op["responses"]["200"])
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method == "get" and "{" not in path.rsplit("/", 2)[-2] and path.endswith("/")
    ]
    paged = {path for path, ok in lists if ref(ok).startswith("Paginated")}
    assert {
        "/api/v1/profiles/",
        "/api/v1/profiles/{profile_id}/infections/",
        "/api/v1/profiles/{profile_id}/access-log/",
        "/api/v1/alerts/",
        "/api/v1/notifications/",
        "/api/v1/care-teams/",
    } <= paged
    page = schema["components"]["schemas"]["PaginatedInfectionEpisodeList"]
    assert set(page["properties"]) == {"next", "previous", "results"}


def test_every_operation_documents_its_errors_with_the_error_body(schema):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            errors = {code: r for code, r in op["responses"].items() if code.startswith("4")}
            public = not op.get("security") or {} in op["security"]
            if not public:
                assert {"401", "403"} <= set(errors), (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)
            for code, response in errors.items():
                if "content" in response:
                    assert ref(response) in {"Error", "ValidationError"}, (method, path, code)


@pytest.mark.django_db
def test_the_schema_generates_without_a_single_warning(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (an unresolvable type, a view it
    # had to guess about) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


@pytest.mark.django_db
def test_the_docs_are_served_from_the_project_not_a_cdn():
    page = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_pages_carry_a_strict_content_security_policy():
    response = Client().get("/healthz")
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
