#!/usr/bin/env bash
# Installs one Debian package the tests need: directly as root, or through sudo when it needs no password;
# otherwise says how, and fails. Usage: apt-install.sh <package> <what needs it> <what else may be set instead>
set -euo pipefail

package="$1"
needed_by="$2"
instead="$3"

install() {
  "$@" apt-get update
  "$@" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$package"
}

if ! command -v apt-get >/dev/null 2>&1; then
  echo "relaydesk: $needed_by need $package; install it, or $instead." >&2
  exit 1
fi
echo "relaydesk: installing Debian's $package for $needed_by (apt-get install $package)" >&2
if [ "$(id -u)" -eq 0 ]; then
  install
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  install sudo
else
  echo "relaydesk: $needed_by need $package: run \`sudo apt-get install $package\`, or $instead." >&2
  exit 1
fi
