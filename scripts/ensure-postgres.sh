#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the store's tests start a PostgreSQL server of their own (initdb and
# pg_ctl into a temp folder, on 127.0.0.1). When no PostgreSQL server binaries are found, install Debian's
# package: directly as root, or through sudo when it needs no password; otherwise say how, and stop.
set -euo pipefail

if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1; then exit 0; fi
if [ -n "${RELAYDESK_TEST_POSTGRES_URL:-}" ]; then exit 0; fi

install() {
  "$@" apt-get update
  "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
}

if ! command -v apt-get >/dev/null 2>&1; then
  echo "relaydesk: the store tests need PostgreSQL's server (initdb, pg_ctl); install it, or set RELAYDESK_TEST_POSTGRES_URL." >&2
  exit 1
fi
echo "relaydesk: installing Debian's postgresql for the store tests (apt-get install postgresql)" >&2
if [ "$(id -u)" -eq 0 ]; then
  install
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  install sudo
else
  echo "relaydesk: the store tests need PostgreSQL: run \`sudo apt-get install postgresql\`, or set RELAYDESK_TEST_POSTGRES_URL." >&2
  exit 1
fi
