"""Local development: DEBUG on, a fixed development key, everything on one machine."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me-in-production"  # noqa: F405, S105
