#!/usr/bin/env bash
# Debian's Chromium and its chromedriver, for the dashboard's browser tests (tests/e2e/test_dashboard.py).
# Run: infra/chromium/chromium.sh help
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

log() { printf 'chromium.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  cat <<USAGE
Usage: infra/chromium/chromium.sh COMMAND

Commands:
  install   Install Debian's 'chromium' and 'chromium-driver' packages (apt-get update, then a
            non-interactive apt-get install) when $CHROMIUM or $CHROMEDRIVER is missing;
            otherwise do nothing. As root, or through sudo.
  check     Print both versions; exit 1 naming what is missing.
  help      This text.

Environment: CHROMIUM [/usr/bin/chromium], CHROMEDRIVER [/usr/bin/chromedriver].
USAGE
}

have_both() { [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; }

cmd_install() {
  if have_both; then
    log "already installed: $CHROMIUM, $CHROMEDRIVER"
    return 0
  fi
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: run 'apt-get install chromium chromium-driver' as root"
    sudo=(sudo)
  fi
  log "installing Debian's chromium and chromium-driver"
  "${sudo[@]}" apt-get update
  # With the recommended packages: they bring the fonts the dashboard's screenshots are drawn in.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  have_both || die "apt-get install finished but $CHROMIUM or $CHROMEDRIVER is still missing"
}

cmd_check() {
  local missing=()
  [[ -x "$CHROMIUM" ]] || missing+=("$CHROMIUM (package chromium)")
  [[ -x "$CHROMEDRIVER" ]] || missing+=("$CHROMEDRIVER (package chromium-driver)")
  if (( ${#missing[@]} )); then
    die "missing: ${missing[*]}; run: infra/chromium/chromium.sh install"
  fi
  # Debian's chromium wrapper script may print shell noise on stderr; the version is on stdout.
  "$CHROMIUM" --version 2>/dev/null
  "$CHROMEDRIVER" --version
}

case "${1:-help}" in
  install) cmd_install ;;
  check) cmd_check ;;
  help | -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac
