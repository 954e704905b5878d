#!/usr/bin/env bash
# make run: every process of the Procfile under supervisord (a crashed process restarts on
# its own, the others keep serving), after printing how to reach them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIKA_DATA_DIR=${PIKA_DATA_DIR:-$PWD/var}
mkdir -p "$PIKA_DATA_DIR"
if [ -z "${FLOWER_PASSWORD:-}" ]; then
  f="$PIKA_DATA_DIR/flower-password"
  [ -s "$f" ] || (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))' > "$f")
  FLOWER_PASSWORD=$(cat "$f")
fi
export FLOWER_USER=${FLOWER_USER:-admin} FLOWER_PASSWORD
# The API runs several worker processes: prometheus_client merges their metrics from here.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PIKA_DATA_DIR/prometheus}
rm -rf "$PROMETHEUS_MULTIPROC_DIR"; mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
KEY=$(.venv/bin/python -m pika_mem dev-key)
API=http://127.0.0.1:${PORT_API:-8000}
cat <<MSG

pika-mem is starting (Ctrl-C or \`make stop\` stops every process; logs: $PIKA_DATA_DIR/logs/)
  API     : $API            (GET $API/readyz, $API/openapi.json)
  Flower  : http://127.0.0.1:${PORT_FLOWER:-5555}   user $FLOWER_USER  password $FLOWER_PASSWORD
  Graph   : ${GRAPH_URI:-bolt://127.0.0.1:7687} (embedded ArcadeDB)
  Dev key : $KEY   (tenant ${PIKA_DEFAULT_TENANT:-default})

Try it once /readyz says ready:
  curl -s -X POST $API/v1/memories/extract -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
       -d '{"user_id":"be-an","messages":[{"role":"user","content":"Con có một con mèo tên là Mướp. Con thích ăn kem dâu nhất."}]}'
  curl -s $API/v1/users/be-an/favorites -H "Authorization: Bearer $KEY"

MSG
mkdir -p "$PIKA_DATA_DIR/logs"
.venv/bin/python scripts/supervisor_conf.py Procfile "$PIKA_DATA_DIR" > "$PIKA_DATA_DIR/supervisord.conf"
exec .venv/bin/supervisord -c "$PIKA_DATA_DIR/supervisord.conf"
