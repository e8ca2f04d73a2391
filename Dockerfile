# One image for web (gunicorn), worker (celery worker) and beat (celery beat): docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=opske.settings.production

# WeasyPrint needs Pango; DejaVu renders Greek in PDFs; gettext is not needed (the .mo is committed).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (pyproject lists no packages: the code runs from /app), so a code change
# does not reinstall them.
COPY pyproject.toml README.md* ./
RUN test -f README.md || touch README.md; pip install .
COPY . .

# Static files are collected at build time (served by WhiteNoise); the key is only for this step.
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home /app opske \
 && mkdir -p /data/media \
 && chown -R opske /data /app/staticfiles
USER opske
ENV MEDIA_ROOT=/data/media

EXPOSE 8000
# One thread per process, two processes per core: a second thread only takes the GIL from a request
# holding the call's counter lock (`make bench` on 2 cores: 4×1 beats 3×1 and 5×1). Scale WEB_WORKERS
# with cores. WEB_MAX_CLIENTS_PER_WORKER spreads keep-alive clients evenly (opske/gunicorn_worker.py).
CMD ["gunicorn", "opske.wsgi", "-c", "python:opske.gunicorn_conf"]
