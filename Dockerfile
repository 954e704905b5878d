# pika-mem: one image for every app process (api, workers, beat, flower, migrate).
# docker compose picks the process with `command:`; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# curl: the api and flower healthchecks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# torch first, from the CPU index, so sentence-transformers does not pull a CUDA build;
# then the pinned requirements (their torch==2.13.0 is already satisfied by 2.13.0+cpu).
COPY requirements.txt .
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt

COPY alembic.ini beat_schedule.py ./
COPY migrations ./migrations
COPY pika_mem ./pika_mem
COPY tasks ./tasks
COPY api ./api

RUN useradd --system --uid 10001 --home-dir /app pika \
 && mkdir -p /var/lib/pika \
 && chown pika /var/lib/pika
USER pika

ENV PIKA_DATA_DIR=/var/lib/pika
EXPOSE 8000 5555
CMD ["granian", "--interface", "wsgi", "--workers", "2", "--blocking-threads", "4", "--host", "0.0.0.0", "--port", "8000", "--respawn-failed-workers", "--workers-kill-timeout", "30", "api.wsgi:app"]
