"""Settings come from the environment, with safe embedded defaults and clear errors."""

import pytest

from vendor_qa.config import ConfigError, load_config


def test_production_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY must be set in production"):
        load_config(str(tmp_path), {"APP_ENV": "production"})


def test_production_uses_the_given_secret_key_and_secure_cookies(tmp_path):
    config = load_config(str(tmp_path), {"APP_ENV": "production", "SECRET_KEY": "s3cret"})
    assert config["SECRET_KEY"] == "s3cret"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    first = load_config(str(tmp_path), {})["SECRET_KEY"]
    second = load_config(str(tmp_path), {"APP_ENV": "development"})["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second == (tmp_path / "secret_key").read_text().strip()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_unknown_app_env_is_named_in_the_error(tmp_path):
    with pytest.raises(ConfigError, match="'staging'"):
        load_config(str(tmp_path), {"APP_ENV": "staging"})


@pytest.mark.parametrize("url", [
    "postgres://u:p@db.example:5432/qa",
    "postgresql://u:p@db.example:5432/qa",
])
def test_postgres_urls_get_the_psycopg_driver(tmp_path, url):
    config = load_config(str(tmp_path), {"DATABASE_URL": url})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/qa"


def test_other_database_urls_pass_through(tmp_path):
    url = "sqlite:////srv/qa/qa.db"
    assert load_config(str(tmp_path), {"DATABASE_URL": url})["SQLALCHEMY_DATABASE_URI"] == url


def test_embedded_defaults(tmp_path):
    config = load_config(str(tmp_path), {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'vendor_qa.db'}"
    assert config["REDIS_URL"] is None  # the app starts an embedded Redis
    assert config["SMTP_URL"] is None  # mail goes to .eml files in the outbox
    assert config["OUTBOX_DIR"] == str(tmp_path / "outbox")
    assert config["SESSION_COOKIE_SECURE"] is False


def test_empty_variables_count_as_unset(tmp_path):
    config = load_config(str(tmp_path), {"REDIS_URL": "", "SMTP_URL": "", "DATABASE_URL": ""})
    assert config["REDIS_URL"] is None and config["SMTP_URL"] is None
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
