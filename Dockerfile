# The one image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH"

# WeasyPrint (PDF) needs Pango; kaleido (chart SVGs in reports) drives Debian's Chromium: system-packages.txt, the one
# list that .ci/run and `make run` install too.
COPY system-packages.txt /tmp/system-packages.txt
RUN apt-get update \
 && grep -v '^\s*#' /tmp/system-packages.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
# With DEBUG off, as the services run: the manifest storage (whitenoise) needs its manifest written here.
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0

RUN useradd --create-home --uid 1000 app && mkdir -p /data/media && chown -R app /data /app
USER app
EXPOSE 8000
CMD ["gunicorn", "vaelgklogt.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
