# Production image for web, worker and beat (see docker-compose.yml).

# Front-end assets come from npm, pinned by package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=ilag.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# Pango and fonts for WeasyPrint; libmagic to check uploads by content; gettext to
# compile translations at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core libmagic1 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin ilag

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /src/node_modules/bootstrap/dist /app/node_modules/bootstrap/dist

# Settings refuse to load without SECRET_KEY when DEBUG is off; these build steps get a
# random one that is thrown away with the layer. The real key comes from the environment.
RUN export SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    && python manage.py compilemessages --ignore=node_modules \
    && python manage.py collectstatic --no-input \
    && mkdir -p /data/media \
    && chown ilag:ilag /data/media

USER ilag
VOLUME ["/data/media"]
EXPOSE 8000

CMD ["gunicorn", "ilag.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
