#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the browser tests drive Debian's Chromium through playwright-core,
# which downloads no browser. When no Chromium is on PATH (or at CHROMIUM_PATH), install Debian's package.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi

exec bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" chromium 'the browser tests' 'set CHROMIUM_PATH to its executable'
