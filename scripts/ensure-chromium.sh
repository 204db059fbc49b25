#!/usr/bin/env bash
# The browser test drives Debian's Chromium through Playwright (no browser download).
set -eu
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
