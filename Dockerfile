# Fitting Room production image.
#
#   docker build --target web    -t fittingroom-web .      # Django ASGI (uvicorn), also used by
#                                                           # migrate, storefront-worker and beat
#   docker build --target worker -t fittingroom-worker .   # try-on (GPU) + recommender workers
#
# Deliberately uses only classic-builder features (no BuildKit mounts/heredocs) so that
# `docker-compose build` (1.29, docker-py) and `docker build` both work. Stages are ordered
# base -> web -> worker because the classic builder builds every stage before the target:
# building `web` must never pull in torch.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --------------------------------------------------------------------------------------------
# base: interpreter, non-root user, base (non-ML) dependencies pinned by requirements.lock.
# No application code here, so dependency layers stay cached across code changes.
# --------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS base

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app/platform:/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_READ_DOT_ENV_FILE=false

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home \
       --shell /usr/sbin/nologin app

WORKDIR /app

# Dependency list comes from pyproject.toml ([project].dependencies), versions from the lock.
COPY pyproject.toml requirements.lock ./
COPY deploy/pyproject_deps.py deploy/pyproject_deps.py
RUN python deploy/pyproject_deps.py > /tmp/requirements-base.txt \
    && pip install -c requirements.lock -r /tmp/requirements-base.txt \
    && rm /tmp/requirements-base.txt

# --------------------------------------------------------------------------------------------
# web: Django + DRF behind uvicorn. Static files are collected at build time (served by
# WhiteNoise from the image); media goes to S3/MinIO at runtime.
# --------------------------------------------------------------------------------------------
FROM base AS web

COPY deploy/healthcheck.py /usr/local/bin/fittingroom-healthcheck
COPY . .

# collectstatic must not need real secrets or reachable services: every setting that
# config.settings.production insists on gets a throw-away value (right lengths: secret key
# >= 40 chars, pseudonym key >= 32) that exists only for this RUN, nothing is baked into ENV.
RUN DJANGO_SECRET_KEY=collectstatic-build-only-dummy-value-not-a-real-secret-key \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build:build@127.0.0.1:1/build \
    REDIS_URL=redis://127.0.0.1:1/0 \
    FITTINGROOM_ENCRYPTION_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    FITTINGROOM_PSEUDONYM_KEY=collectstatic-build-only-dummy-pseudonym-key \
    DJANGO_AWS_STORAGE_BUCKET_NAME=build \
    DJANGO_AWS_S3_ENDPOINT_URL=http://127.0.0.1:1 \
    DJANGO_AWS_ACCESS_KEY_ID=build \
    DJANGO_AWS_SECRET_ACCESS_KEY=build \
    DJANGO_AWS_S3_REGION_NAME=us-east-1 \
    EMAIL_URL=consolemail:// \
    FITTINGROOM_BASE_URL=https://build.invalid \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/usr/local/bin/fittingroom-healthcheck"]

# WEB_CONCURRENCY = uvicorn worker processes. FORWARDED_ALLOW_IPS (read by uvicorn itself)
# says which proxy addresses --proxy-headers trusts; default 127.0.0.1.
CMD ["sh", "-c", "exec uvicorn config.asgi:application --app-dir platform --host 0.0.0.0 --port 8000 --proxy-headers --workers \"${WEB_CONCURRENCY:-2}\""]

# --------------------------------------------------------------------------------------------
# worker: base + the `worker` extra (torch, mediapipe, numpy<2, faiss-cpu, MiniLM).
#
# Production installs the CUDA build of torch from TORCH_INDEX_URL (cu128 wheels bundle the
# CUDA runtime; the host only needs the NVIDIA driver + nvidia-container-toolkit).
# requirements.lock pins the *CPU* wheel (torch==X+cpu) because laptops and CI install that
# local CPU wheel straight from the lock (`pip install -c requirements.lock ".[worker]"`),
# not through this image; here the `+cpu` local tag is stripped from the constraint so
# torch==X matches X+cu128 from the index. A CPU-only image (e.g. on a laptop) can be built
# with --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu.
# --------------------------------------------------------------------------------------------
FROM base AS worker

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128

# opencv-contrib-python (pulled in by mediapipe) links its bundled Qt5 at import time, which
# needs these system libraries (libGL, glib/gthread, X11/xcb, SM/ICE, Xext).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libgl1 libglib2.0-0 libx11-6 libxcb1 libxext6 libsm6 libice6 \
    && rm -rf /var/lib/apt/lists/*

RUN python deploy/pyproject_deps.py worker > /tmp/requirements-worker.txt \
    && sed -E 's/^((torch|torchvision|torchaudio)==[^+[:space:]]+)\+[A-Za-z0-9.]+/\1/' \
        requirements.lock > /tmp/constraints-worker.txt \
    && pip install --extra-index-url "${TORCH_INDEX_URL}" \
        -c /tmp/constraints-worker.txt -r /tmp/requirements-worker.txt \
    && rm /tmp/requirements-worker.txt /tmp/constraints-worker.txt

# Which GPU a container sees is decided by its device reservation (compose `deploy.resources`
# / `docker run --gpus`), so NVIDIA_VISIBLE_DEVICES is deliberately NOT set here: `all` in the
# image would hand every GPU to any container on hosts whose default runtime is nvidia.
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility

COPY . .
RUN python -m compileall -q /app

USER app

# One image, two services (tryon-worker on a GPU, recommender-worker on CPU): each compose
# service sets its own command and Celery-ping healthcheck. Default = the try-on worker.
CMD ["celery", "-A", "tryon_worker.celery_app", "worker", "-Q", "tryon", "-n", "tryon@%h", \
     "--concurrency", "1", "--prefetch-multiplier", "1", "-O", "fair", "-l", "INFO"]
