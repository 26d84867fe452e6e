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
# Only the routes that name a limit are limited (login); storage is set from REDIS_URL.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
