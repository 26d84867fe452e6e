"""Settings read from the environment, with the embedded defaults of a fresh machine.

| variable      | default (development)                               |
|---------------|-----------------------------------------------------|
| APP_ENV       | development (or production, testing)                |
| DATABASE_URL  | SQLite file instance/vendor_qa.db                   |
| DATABASE_RLS  | on: PostgreSQL row-level security enforces the tenant scope (tenants/rls.py); off: the app-level scoping alone |
| DATABASE_APP_ROLE | vendor_qa_app: the role each transaction runs as with DATABASE_RLS on; empty: the login role |
| REDIS_URL     | an embedded Redis server started by the app itself  |
| SECRET_KEY    | generated once into instance/secret_key             |
| SMTP_URL      | .eml files written to instance/outbox/              |
| PUBLIC_URL    | http://127.0.0.1:5000 (links in e-mails)            |
| SESSION_IDLE_MINUTES | 60 (minutes idle that end a login session)     |
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

ENVIRONMENTS = ("development", "production", "testing")
# Expensive actions, limited per user and per tenant (vendor_qa/ratelimits.py).
EXPENSIVE_LIMITS = {
    ("REPORT_BUILD", "USER"): "10 per hour",
    ("REPORT_BUILD", "TENANT"): "30 per hour",
    ("CALL_IMPORT", "USER"): "20 per hour",
    ("CALL_IMPORT", "TENANT"): "60 per hour",
    ("EXPORT", "USER"): "60 per hour",
    ("EXPORT", "TENANT"): "300 per hour",
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and what to do."""


def load_config(instance_path: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    app_env = env.get("APP_ENV", "development")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")
    instance = Path(instance_path)
    production = app_env == "production"
    return {
        "APP_ENV": app_env,
        "TESTING": app_env == "testing",
        "SECRET_KEY": _secret_key(env, instance, production),
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SMTP_URL": env.get("SMTP_URL") or None,
        "MAIL_FROM": env.get("MAIL_FROM", "vendor_qa <qa-reports@vendor-qa.local>"),
        "OUTBOX_DIR": str(instance / "outbox"),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        # Proxies in front that set X-Forwarded-For/-Proto (ProxyFix); 0 trusts none, so a client
        # cannot pick the address that the login limit counts by sending the header itself.
        "TRUSTED_PROXIES": _count(env, "TRUSTED_PROXIES", 0),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "SESSION_IDLE_MINUTES": _count(env, "SESSION_IDLE_MINUTES", 60, minimum=1),
        # Failed logins per account, in a sliding window: a lockout ends when the window slides.
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes"),
        # Argon2 verifications at once on this machine, over all its web processes (file locks in
        # PASSWORD_TURNS_DIR), and how long a login waits for a turn.
        "PASSWORD_CHECKS_AT_ONCE": _count(env, "PASSWORD_CHECKS_AT_ONCE", 1, minimum=1),
        "PASSWORD_TURNS_DIR": env.get("PASSWORD_TURNS_DIR", str(instance / "password-turns")),
        "PASSWORD_CHECK_WAIT_SECONDS": float(env.get("PASSWORD_CHECK_WAIT_SECONDS", "2")),
        **{f"{action}_RATE_LIMIT_PER_{who}": env.get(f"{action}_RATE_LIMIT_PER_{who}", default)
           for (action, who), default in EXPENSIVE_LIMITS.items()},
        "API_MAX_BATCH": 1000,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "PAGE_SIZE": 50,
        "DATABASE_RLS": env.get("DATABASE_RLS", "on").lower() in ("1", "true", "on", "yes"),
        "DATABASE_APP_ROLE": env.get("DATABASE_APP_ROLE", "vendor_qa_app"),
    }


def _database_url(env: Mapping[str, str], instance: Path) -> str:
    url = env.get("DATABASE_URL")
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'vendor_qa.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _count(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    value = env.get(name, str(default))
    if not value.isdigit() or int(value) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def app_env_is_testing(env: Mapping[str, str]) -> bool:
    return env.get("APP_ENV") == "testing"


def _secret_key(env: Mapping[str, str], instance: Path, production: bool) -> str:
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    if app_env_is_testing(env):
        return "testing-only-secret"
    if production:
        raise ConfigError("SECRET_KEY must be set in production (a long random string).")
    # Development keeps one generated key so that sessions survive a restart.
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
