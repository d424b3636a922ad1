#!/usr/bin/env bash
# Installs the tools the integration tests need beyond npm packages: Perl's Net::SMPP
# (libnet-smpp-perl), the SMPP implementation libs/smpp is tested against for interop.
# Idempotent and quiet when everything is already there; fails loudly rather than letting CI skip.
set -euo pipefail

if perl -MNet::SMPP -e1 >/dev/null 2>&1; then
  exit 0
fi

fail() {
  echo "parchee: $1" >&2
  echo "parchee: the SMPP interop tests (libs/smpp/src/interop) need Perl's Net::SMPP: install the Debian/Ubuntu package libnet-smpp-perl." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "Net::SMPP is missing and apt-get is not available to install it."
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    fail "Net::SMPP is missing and installing it needs root (no passwordless sudo)."
  fi
fi

echo "parchee: installing libnet-smpp-perl (Net::SMPP) for the SMPP interop tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libnet-smpp-perl; } >"$log" 2>&1; then
  cat "$log" >&2
  fail "apt-get could not install libnet-smpp-perl."
fi
perl -MNet::SMPP -e1 >/dev/null 2>&1 || fail "libnet-smpp-perl is installed but perl cannot load Net::SMPP."
