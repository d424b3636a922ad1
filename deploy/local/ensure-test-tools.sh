#!/usr/bin/env bash
# Installs the tools the tests need beyond npm packages: the SMPP implementations libs/smpp is
# tested against for interop (Perl's Net::SMPP from libnet-smpp-perl; jsmpp and Cloudhopper from
# Maven Central, built into .cache/smpp-interop by libs/smpp/src/interop/java/build.sh with the
# machine's Java 17 and Maven), Prometheus (the Debian `prometheus` package: promtool checks
# deploy/prometheus, the observability e2e test runs the server) and kubectl, whose
# `kubectl kustomize` renders deploy/k8s for tools/k8s's spec (the `kubectl` package where the
# machine's apt sources have it). Idempotent and quiet when everything is already there; fails
# loudly rather than letting CI skip.
set -euo pipefail

# Fetches the pinned jars on the first run (and after a pom changes) and compiles the Java peers.
bash "$(dirname "${BASH_SOURCE[0]}")/../../libs/smpp/src/interop/java/build.sh"

have_prometheus() { command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; }

# kustomize 4 or later (kubectl 1.21 and later) for the components deploy/k8s uses. Debian 12's
# kubernetes-client is kubectl 1.20, too old: the `kubectl` package (Google's, or Debian 13's) is.
kustomize_major() { (kubectl version --client 2>/dev/null || true) | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p'; }
have_kubectl() { local major; major=$(kustomize_major); [ -n "$major" ] && [ "$major" -ge 4 ]; }

if perl -MNet::SMPP -e1 >/dev/null 2>&1 && have_prometheus && have_kubectl; then
  exit 0
fi

fail() {
  echo "parchee: $1" >&2
  echo "parchee: the SMPP interop tests (libs/smpp/src/interop) need Perl's Net::SMPP (Debian/Ubuntu package libnet-smpp-perl); the observability checks need prometheus and promtool (package prometheus); the Kubernetes manifests' spec needs kubectl 1.21+ (package kubectl)." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "a test tool is missing and apt-get is not available to install it."
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo=(sudo -n)
  else
    fail "a test tool is missing and installing it needs root (no passwordless sudo)."
  fi
fi

packages=()
perl -MNet::SMPP -e1 >/dev/null 2>&1 || packages+=(libnet-smpp-perl)
have_prometheus || packages+=(prometheus)
have_kubectl || packages+=(kubectl)
echo "parchee: installing ${packages[*]} for the interop and observability tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# policy-rc.d 101: the package must not start a Prometheus service; the tests run their own.
policy=/usr/sbin/policy-rc.d
added_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null && "${sudo[@]}" chmod +x "$policy" && added_policy=1
fi
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$log" 2>&1; then
  [ -n "$added_policy" ] && "${sudo[@]}" rm -f "$policy"
  cat "$log" >&2
  fail "apt-get could not install ${packages[*]}."
fi
[ -n "$added_policy" ] && "${sudo[@]}" rm -f "$policy"
perl -MNet::SMPP -e1 >/dev/null 2>&1 || fail "libnet-smpp-perl is installed but perl cannot load Net::SMPP."
have_prometheus || fail "the prometheus package is installed but prometheus or promtool is not on PATH."
have_kubectl || fail "tools/k8s's spec renders deploy/k8s with kubectl kustomize and needs kubectl 1.21 or later (kustomize 4+) on PATH; found kustomize v$(kustomize_major)."
