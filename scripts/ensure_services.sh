#!/usr/bin/env bash
# Start PostgreSQL and Redis when they are not running; install them with apt when
# they are missing. Idempotent: on a machine where both run, it only checks.
set -euo pipefail

need_apt_update=1
apt_install() {
  if [ "$(id -u)" != 0 ]; then echo "need root to apt-get install $*" >&2; exit 1; fi
  if [ "$need_apt_update" = 1 ]; then apt-get update -qq; need_apt_update=0; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for "description" command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what did not come up" >&2; exit 1
}

# --- PostgreSQL --------------------------------------------------------------
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL with apt"
    apt_install postgresql
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    # Local development trusts loopback, as the machine this project grew on does.
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    grep -q "pika-mem loopback trust" "$hba" || sed -i '1i host all all 127.0.0.1/32 trust # pika-mem loopback trust\nhost all all ::1/128 trust' "$hba"
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  echo "starting PostgreSQL $ver"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  wait_for "PostgreSQL" pg_isready -h 127.0.0.1 -p 5432 -q
fi

# --- Redis -------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  command -v redis-server >/dev/null 2>&1 || { echo "installing Redis with apt"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for "Redis" redis-cli -h 127.0.0.1 -p 6379 ping
fi
# --- Chromium (tests/integration/test_flower.py drives Flower headless) -------
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then echo "installing Chromium with apt"; apt_install chromium
  else echo "chromium missing and not root: the Flower browser check will be skipped" >&2; fi
fi
echo "services: PostgreSQL and Redis are up"
