#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the browser tests drive Debian's Chromium through playwright-core,
# which downloads no browser. When no Chromium is on PATH (or at CHROMIUM_PATH), install Debian's package:
# directly as root, or through sudo when it needs no password; otherwise say how, and stop.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then exit 0; fi

install() {
  "$@" apt-get update
  "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
}

if ! command -v apt-get >/dev/null 2>&1; then
  echo "relaydesk: the browser tests need Chromium; install it, or set CHROMIUM_PATH to its executable." >&2
  exit 1
fi
echo "relaydesk: installing Debian's chromium for the browser tests (apt-get install chromium)" >&2
if [ "$(id -u)" -eq 0 ]; then
  install
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  install sudo
else
  echo "relaydesk: the browser tests need Chromium: run \`sudo apt-get install chromium\`, or set CHROMIUM_PATH." >&2
  exit 1
fi
