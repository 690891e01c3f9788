# The one image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH"

# WeasyPrint (PDF) needs Pango; kaleido (chart SVGs in reports) drives Debian's Chromium.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput -v0

RUN useradd --create-home --uid 1000 app && mkdir -p /data/media && chown -R app /data /app
USER app
EXPOSE 8000
CMD ["gunicorn", "vaelgklogt.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
