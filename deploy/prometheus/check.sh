#!/usr/bin/env bash
# promtool checks of the Prometheus configuration: config syntax, rule syntax, and the rule unit tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
promtool check config --lint=none prometheus.yml prometheus.compose.yml
promtool check rules alerts.yml
promtool test rules alerts.test.yml
