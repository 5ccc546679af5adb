#!/bin/sh
# Upgrade a Docker Compose install of Mutual in one command (docs/self-hosting.md, "Upgrades"):
# a backup first (SQLite), the new version, a rebuilt image, a restart, and a wait until the
# new container answers /healthz. Run from the checkout: deploy/upgrade.sh
set -eu
cd "$(dirname "$0")/.."

if docker compose exec -T mutual sh -c 'test -n "$BACKUP_DIR" && test "${STORE:-sqlite}" = sqlite'; then
  echo "Backing up before the upgrade…"
  docker compose exec -T mutual sh -c 'npm run --silent admin -- backup --out "$BACKUP_DIR" --keep "${BACKUP_KEEP:-7}"'
else
  echo "No SQLite backup directory (BACKUP_DIR) or not running: make sure you have a recent backup (PostgreSQL: pg_dump)."
fi

git pull --ff-only
docker compose up -d --build

echo "Waiting for the new version to answer…"
tries=0
until docker compose exec -T mutual node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "The new version did not answer /healthz within a minute: see docker compose logs mutual" >&2
    exit 1
  fi
  sleep 1
done
echo "Upgraded and healthy."
