#!/usr/bin/env bash
# Checks Tessera's deployment artefacts offline (no cluster, no Docker engine needed):
#   - helm lint --strict of deploy/helm/tessera with default values and each ci/*-values.yaml
#   - helm template of each of those scenarios
#   - kubectl kustomize of deploy/k8s/base and its overlays
#   - the chart unit tests (deploy/helm/tessera/tests/*-test.mjs, node:test; config-test.mjs
#     checks the chart against services/*/src/*.config.ts, strictly; chart-test.mjs renders a
#     hub and a store-node release with `helm template` and checks that every address a
#     service dials reaches a declared port of the right name on a rendered Service, and that
#     Services, containerPorts, *_PORT variables, probes, NetworkPolicies and Ingresses agree,
#     with negative tests that a wrong port is caught) and the plain-manifest tests
#     (deploy/k8s/tests/*-test.mjs: equivalence to the chart, the same port checks on the
#     kustomize base and the hub + store-node overlays)
# helm and kubectl come from scripts/helm-tools.sh (npm package, cached outside the repo).
# Prints one line per check and closes with "N passed, N failed"; exits non-zero on any failure.
#   bash scripts/check-deploy.sh            all checks
#   VERBOSE=1 bash scripts/check-deploy.sh  also print the output of passing checks
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
chart=deploy/helm/tessera
passed=0
failed=0
log="$(mktemp -d "${TMPDIR:-/tmp}/check-deploy.XXXXXX")"
trap 'rm -rf "$log"' EXIT
started=$SECONDS

# check "description" command...: runs one check, records pass or fail.
check() {
  local desc="$1"; shift
  local out="$log/out"
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    echo "ok     $desc"
    [[ -n "${VERBOSE:-}" ]] && sed 's/^/       /' "$out"
  else
    failed=$((failed + 1))
    echo "FAIL   $desc"
    sed 's/^/       /' "$out" | tail -n 40
  fi
  return 0
}

finish() {
  echo "check-deploy: $((SECONDS - started))s"
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
  exit $?
}

# shellcheck source=helm-tools.sh
if ! source scripts/helm-tools.sh; then
  echo "FAIL   install helm/kubectl (scripts/helm-tools.sh)"
  failed=$((failed + 1))
  finish
fi
echo "helm $("$HELM" version --short 2>/dev/null), kubectl $("$KUBECTL" version --client 2>/dev/null | head -n1 | sed 's/.*: //')"

# --- helm lint and template, default values and every ci scenario
shopt -s nullglob
scenarios=("$chart"/ci/*-values.yaml)
if [[ ${#scenarios[@]} -eq 0 ]]; then
  failed=$((failed + 1))
  echo "FAIL   no $chart/ci/*-values.yaml scenarios"
fi

check "helm lint --strict (default values)" "$HELM" lint --strict "$chart"
check "helm template (default values)" "$HELM" template tessera "$chart" --namespace tessera
for f in "${scenarios[@]}"; do
  name="$(basename "$f")"
  check "helm lint --strict -f ci/$name" "$HELM" lint --strict "$chart" -f "$f"
  check "helm template -f ci/$name" "$HELM" template tessera "$chart" --namespace tessera -f "$f"
done
check "helm package" "$HELM" package "$chart" --destination "$log/pkg"

# --- plain manifests
for dir in deploy/k8s/base deploy/k8s/overlays/*/; do
  dir="${dir%/}"
  check "kubectl kustomize $dir" "$KUBECTL" kustomize "$dir"
done

# --- node:test suites: each test counts as one check
run_node_tests() {
  local file="$1"
  local tap="$log/tap"
  node --test --test-reporter=tap "$file" >"$tap" 2>&1
  local rc=$?
  local p f
  p="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1)"
  f="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1)"
  if [[ -z "$p" || -z "$f" ]]; then
    failed=$((failed + 1))
    echo "FAIL   $file did not run"
    tail -n 40 "$tap" | sed 's/^/       /'
    return
  fi
  if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [[ $f -eq 0 ]]; then
    echo "ok     $file ($p tests)"
  else
    echo "FAIL   $file ($p passed, $f failed)"
    # The failing tests with their diagnostics.
    awk '/^ *not ok /{show=1} /^ *ok /{show=0} show' "$tap" | head -n 120 | sed 's/^/       /'
  fi
}
for file in "$chart"/tests/*-test.mjs deploy/k8s/tests/*-test.mjs; do
  run_node_tests "$file"
done

finish
