# Koers: one image for the web processes (gunicorn) and the job workers (koers worker).
#   docker build -t koers .
#   docker run --rm koers check --deploy        # any `koers` command
# compose.yaml runs PostgreSQL, the web processes and the workers from this image.
# Debian's own Python 3.11, as on a machine set up by docs/deployment.md: one Python for
# both ways of running Koers, with its security updates from Debian.
FROM debian:bookworm-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/koers/venv/bin:$PATH \
    KOERS_DATA_DIR=/var/lib/koers \
    KOERS_STATIC_ROOT=/opt/koers/static

# What the workers need for reports (scripts/install-debian-packages lists these with the
# test suite's extras): Chromium prints the accessible PDF; Pango and HarfBuzz with the
# DejaVu fonts for WeasyPrint; pdftoppm and Tesseract (Dutch) read scanned PDFs on import;
# gettext for `koers compilemessages`. PostgreSQL's server and LibreOffice: tests only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3 python3-venv \
        chromium \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        poppler-utils tesseract-ocr tesseract-ocr-nld \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# A home of its own: caches of fontconfig and Matplotlib, Chromium's profile while printing.
RUN groupadd --system koers \
    && useradd --system --gid koers --home-dir /home/koers --create-home \
        --shell /usr/sbin/nologin koers \
    && mkdir -p /opt/koers/src /var/lib/koers \
    && chown koers:koers /var/lib/koers

WORKDIR /opt/koers/src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
# Behind a proxy that inspects TLS, give pip its certificate bundle, mounted for the build:
#   podman build -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/proxy-ca.crt:ro \
#       --build-arg PIP_CERT=/etc/ssl/proxy-ca.crt -t koers .
# (PIP_INDEX_URL likewise for a package mirror of your own.)
ARG PIP_CERT PIP_INDEX_URL
# The s3 extra: KOERS_STORAGE=s3 works without rebuilding the image.
RUN python3 -m venv /opt/koers/venv \
    && python -m pip install --no-compile ".[s3]" \
    && KOERS_SECRET_KEY=build-only-not-secret KOERS_DEBUG=true \
       koers collectstatic --noinput --verbosity 0 \
    && rm -rf /opt/koers/src/build

USER koers
# Matplotlib's font list, made once here rather than by every process that starts.
RUN python -c "import matplotlib.font_manager"
WORKDIR /var/lib/koers
VOLUME ["/var/lib/koers"]
EXPOSE 8000

# Every `koers` command: `worker` for the job workers, `migrate`, `createcachetable` …
# The web processes run gunicorn from this image instead (compose.yaml: entrypoint).
ENTRYPOINT ["koers"]
CMD ["help"]
