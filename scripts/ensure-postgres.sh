#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the store's tests start a PostgreSQL server of their own (initdb and
# pg_ctl into a temp folder, on 127.0.0.1). When no PostgreSQL server binaries are found, install Debian's package.
set -euo pipefail

if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1; then exit 0; fi
if [ -n "${RELAYDESK_TEST_POSTGRES_URL:-}" ]; then exit 0; fi

exec bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" postgresql 'the store tests' 'set RELAYDESK_TEST_POSTGRES_URL to a server of yours'
