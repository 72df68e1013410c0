# Koers: one image for the web processes (gunicorn) and the job workers (koers worker).
#   docker build -t koers .
#   docker run --rm koers check --deploy        # any `koers` command
# compose.yaml runs PostgreSQL, the web processes and the workers from this image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KOERS_DATA_DIR=/var/lib/koers \
    KOERS_STATIC_ROOT=/opt/koers/static

# What the workers need for reports (scripts/install-debian-packages lists these with the
# test suite's extras): Chromium prints the accessible PDF; Pango and HarfBuzz with the
# DejaVu fonts for WeasyPrint; pdftoppm and Tesseract (Dutch) read scanned PDFs on import;
# gettext for `koers compilemessages`. PostgreSQL's server and LibreOffice: tests only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        chromium \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        poppler-utils tesseract-ocr tesseract-ocr-nld \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system koers \
    && useradd --system --gid koers --home-dir /opt/koers --shell /usr/sbin/nologin koers \
    && mkdir -p /opt/koers/src /var/lib/koers \
    && chown koers:koers /var/lib/koers

WORKDIR /opt/koers/src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
# The s3 extra: KOERS_STORAGE=s3 works without rebuilding the image.
RUN python -m pip install --no-compile ".[s3]" \
    && KOERS_SECRET_KEY=build-only-not-secret KOERS_DEBUG=true \
       koers collectstatic --noinput --verbosity 0 \
    && rm -rf /opt/koers/src/build

USER koers
WORKDIR /var/lib/koers
VOLUME ["/var/lib/koers"]
EXPOSE 8000

# Every `koers` command: `worker` for the job workers, `migrate`, `createcachetable` …
# The web processes run gunicorn from this image instead (compose.yaml: entrypoint).
ENTRYPOINT ["koers"]
CMD ["help"]
