"""Unbound extension instances; create_app binds them to the application."""

from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from vendor_qa.models import Base

# Objects stay readable after commit: views render what they just saved without reloading.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
# Only the routes that name a limit are limited (vendor_qa/ratelimits.py); storage is set from REDIS_URL.
# A moving window counts exactly the last N minutes, so a refusal ends as soon as the oldest
# counted attempt is older than the window: never a fixed lockout. When Redis is down the
# limits count in this process's memory (and any other storage error lets the request through),
# so logging in never depends on Redis.
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="moving-window",
                  in_memory_fallback_enabled=True, swallow_errors=True)
