"""Production settings for the load test over plain HTTP on loopback (scripts/loadtest.sh).

Only what plain HTTP needs differs from ilag.settings: no redirect to HTTPS, and session
and CSRF cookies without the Secure flag, which a client (locust's, or a browser) would
otherwise not send back over http://. Everything else (DEBUG off, cached templates,
WhiteNoise with the manifest, the middleware) is as in production.
"""

from ilag.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
