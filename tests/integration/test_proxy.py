"""TRUSTED_PROXIES: how many proxies' X-Forwarded-For/-Proto the app believes (ProxyFix).

0 by default: a client cannot pick the address the login limit counts by sending the header.
Each test makes an app of its own; the limiter, one object for all apps, is put back after.
"""

from __future__ import annotations

import pytest

from vendor_qa import create_app
from vendor_qa.config import ConfigError, load_config


@pytest.fixture
def app_with(own_limiter, database_url, redis_url):
    def make(**config):
        return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "SERVER_NAME": None,
                           "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1 per minute", **config})

    return make


def attempt(client, forwarded_for: str):
    return client.post("/login", data={"email": "x@example.com", "password": "wrong"},
                       headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
                       environ_base={"REMOTE_ADDR": "10.0.0.1"})


def test_with_no_trusted_proxy_the_forwarded_address_is_ignored(app_with):
    client = app_with().test_client()
    assert attempt(client, "203.0.113.5").status_code == 422
    assert attempt(client, "203.0.113.6").status_code == 429  # the same peer, 10.0.0.1


def test_behind_one_trusted_proxy_each_client_has_its_own_count(app_with):
    app = app_with(TRUSTED_PROXIES=1)
    client = app.test_client()
    assert attempt(client, "203.0.113.5").status_code == 422
    assert attempt(client, "203.0.113.6").status_code == 422
    # What the client wrote before the proxy's own entry is not believed: still 203.0.113.5.
    assert attempt(client, "192.0.2.1, 203.0.113.5").status_code == 429
    assert app.wsgi_app.x_proto == 1  # and https as the proxy says, for secure cookies and links


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_trusted_proxies_must_be_a_count(tmp_path, value):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_config(str(tmp_path), {"APP_ENV": "testing", "TRUSTED_PROXIES": value})
