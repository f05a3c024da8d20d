"""Deployment settings (issue 12, point 8): HTTPS by environment, the secret key, `check --deploy`.

The commands run as subprocesses with a clean environment, as an operator would start them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aftersales import conf

README = Path(__file__).resolve().parents[1] / "README.md"
GENERATED_KEY = "readme-key-" + "x1y2z3" * 10


def readme_production_environment() -> dict[str, str]:
    """The `export AFTERSALES_…=…` lines of the README's deployment section; the generated secret
    key (`$(python3 …)`) stands in for a real one."""
    section = README.read_text(encoding="utf-8").split("## Deploying on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    found = dict(re.findall(r"^export (AFTERSALES_\w+)=(\S+)", section, flags=re.MULTILINE))
    return {name: GENERATED_KEY if value.startswith("$(") else value for name, value in found.items()}


def _aftersales(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("AFTERSALES_", "DJANGO_"))}
    clean.update({"AFTERSALES_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "aftersales.settings", **env})
    return subprocess.run(  # noqa: S603 — our own interpreter and module, fixed arguments
        [sys.executable, "-m", "aftersales", *args], env=clean, capture_output=True, text=True, timeout=120
    )


def test_readme_production_environment_names_the_https_origin_and_a_secret_key() -> None:
    environment = readme_production_environment()

    assert environment["AFTERSALES_DATABASE_URL"].startswith("postgres://")
    assert environment["AFTERSALES_SECRET_KEY"] == GENERATED_KEY
    assert environment["AFTERSALES_CSRF_TRUSTED_ORIGINS"] == "https://service.example.com"


def test_check_deploy_has_no_warning_with_the_readme_production_environment(tmp_path: Path) -> None:
    result = _aftersales(["check", "--deploy", "--fail-level", "WARNING"], readme_production_environment(), tmp_path)

    assert result.returncode == 0, result.stderr
    # One check silenced on purpose: axes.W006 (sign-in lockout by username, not by the proxy's address;
    # docs/decisions/0008-sign-in-and-administration.md).
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


def test_check_deploy_warns_about_https_once_https_is_switched_off(tmp_path: Path) -> None:
    environment = {**readme_production_environment(), "AFTERSALES_HTTPS": "off"}

    result = _aftersales(["check", "--deploy", "--fail-level", "WARNING"], environment, tmp_path)

    assert result.returncode == 1
    assert sorted(set(re.findall(r"security\.W\d+", result.stderr))) == [
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ]


def test_postgresql_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    environment = {name: value for name, value in readme_production_environment().items()}
    del environment["AFTERSALES_SECRET_KEY"]

    result = _aftersales(["check"], environment, tmp_path)

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: AFTERSALES_SECRET_KEY is not set" in result.stderr


def test_https_on_sqlite_without_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = _aftersales(["check"], {"AFTERSALES_HTTPS": "on"}, tmp_path)

    assert result.returncode == 1
    assert "AFTERSALES_SECRET_KEY is not set" in result.stderr


def test_embedded_default_starts_on_the_built_in_key(tmp_path: Path) -> None:
    result = _aftersales(["check"], {}, tmp_path)

    assert result.returncode == 0, result.stderr
    # One check silenced on purpose: axes.W006 (sign-in lockout by username, not by the proxy's address;
    # docs/decisions/0008-sign-in-and-administration.md).
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("AFTERSALES_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_embedded_default_is_plain_http(clean_environment: pytest.MonkeyPatch) -> None:
    config = conf.load()

    assert config.embedded is True
    assert config.secret_key == conf.EMBEDDED_SECRET_KEY
    assert (config.https, config.hsts_seconds, config.ssl_redirect, config.secure_cookies) == (False, 0, False, False)
    assert (config.hsts_include_subdomains, config.hsts_preload, config.proxy_ssl_header) == (False, False, None)


def test_https_origins_switch_https_mode_on(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("AFTERSALES_CSRF_TRUSTED_ORIGINS", "https://a.example.com, https://b.example.com")

    config = conf.load()

    assert config.https is True
    assert config.embedded is False
    assert (config.hsts_seconds, config.hsts_include_subdomains, config.hsts_preload) == (31_536_000, True, True)
    assert (config.ssl_redirect, config.secure_cookies) == (True, True)
    assert config.proxy_ssl_header == ("HTTP_X_FORWARDED_PROTO", "https")


def test_one_plain_http_origin_keeps_https_mode_off(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("AFTERSALES_CSRF_TRUSTED_ORIGINS", "https://a.example.com,http://10.0.0.5:8000")

    assert conf.load().https is False


def test_each_https_setting_has_its_own_variable(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("AFTERSALES_HTTPS", "on")
    clean_environment.setenv("AFTERSALES_HSTS_SECONDS", "3600")
    clean_environment.setenv("AFTERSALES_HSTS_INCLUDE_SUBDOMAINS", "off")
    clean_environment.setenv("AFTERSALES_HSTS_PRELOAD", "off")
    clean_environment.setenv("AFTERSALES_SSL_REDIRECT", "off")
    clean_environment.setenv("AFTERSALES_SECURE_COOKIES", "on")
    clean_environment.setenv("AFTERSALES_PROXY_SSL_HEADER", "X-Scheme")

    config = conf.load()

    assert (config.hsts_seconds, config.hsts_include_subdomains, config.hsts_preload) == (3600, False, False)
    assert (config.ssl_redirect, config.secure_cookies) == (False, True)
    assert config.proxy_ssl_header == ("HTTP_X_SCHEME", "https")


def test_proxy_header_off_when_the_server_terminates_tls(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("AFTERSALES_HTTPS", "on")
    clean_environment.setenv("AFTERSALES_PROXY_SSL_HEADER", "off")

    assert conf.load().proxy_ssl_header is None


def test_a_nonce_a_page_uses_is_allowed_by_its_policy() -> None:
    from csp.middleware import CSPMiddleware
    from django.http import HttpRequest, HttpResponse
    from django.template import Context, Template
    from django.test import RequestFactory

    def page(request: HttpRequest) -> HttpResponse:
        template = Template('<script nonce="{{ request.csp_nonce }}">1</script>')
        return HttpResponse(template.render(Context({"request": request})))

    response = CSPMiddleware(page)(RequestFactory().get("/"))

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode())
    assert nonce is not None
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert directives["script-src"] == f"'self' 'nonce-{nonce.group(1)}'"
    assert directives["style-src"] == f"'self' 'nonce-{nonce.group(1)}'"
