"""The production entry point: `gunicorn wsgi:app`. It refuses to start without a SECRET_KEY
and warns about settings that only suit a single development process."""

import logging

from volunteer_hub import create_app

app = create_app()
log = logging.getLogger("volunteer_hub.wsgi")

if not app.config.get("SECRET_KEY"):
    raise RuntimeError(
        "No SECRET_KEY is configured. Set VOLUNTEER_HUB_SECRET_KEY or put SECRET_KEY in "
        "instance/config.py (`flask --app volunteer_hub hub ensure-secret-key` writes one)."
    )
if not app.config.get("MAIL_SERVER"):
    log.warning("No MAIL_SERVER is configured: email is only logged and kept in the outbox.")
if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
    log.warning(
        "RATELIMIT_STORAGE_URI is memory://: each worker counts sign-in attempts on its own. "
        "Use Redis (redis://...) when running more than one worker."
    )
