#!/usr/bin/env bash
# Builds the pinned Go tools the checks use (helm, kubeconform, actionlint, promtool) from the Go
# module proxy with `go install`, each once, into .cache/tools/<tool>-<version>/<tool>; prints the
# binary paths, one a line, in argument order. No argument: all of them.
#   scripts/tools/go-tools.sh helm   ->  <repo>/.cache/tools/helm-v3.22.0/helm
# GO_TOOLS_JOBS caps go's parallel compiles (default: one per core); builds run under nice.
# A run killed half way leaves nothing in the way (see lock and clear_leftover).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="${GO_TOOLS_DIR:-$root/.cache/tools}"

# tool -> "module version package [build tags]"; the version is the module's, as the proxy lists it.
# promtool only checks rule files: remove_all_sd leaves out the service discoveries (client-go and
# the cloud SDKs), most of Prometheus's build (prometheus/prometheus#17736, in 3.9 and later).
declare -A pins=(
  [helm]="helm.sh/helm/v3 v3.22.0 helm.sh/helm/v3/cmd/helm"
  [kubeconform]="github.com/yannh/kubeconform v0.8.0 github.com/yannh/kubeconform/cmd/kubeconform"
  [actionlint]="github.com/rhysd/actionlint v1.7.12 github.com/rhysd/actionlint/cmd/actionlint"
  [promtool]="github.com/prometheus/prometheus v0.316.0 github.com/prometheus/prometheus/cmd/promtool remove_all_sd"
)

say() { echo "[tools] $*" >&2; }

# The ldflags helm's own Makefile sets, so `helm version` and the default Kubernetes version
# (client-go v0.X -> 1.X) match a release binary.
helm_ldflags() {
  local version=$1 gomod minor
  gomod="$(go mod download -json "helm.sh/helm/v3@$version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  minor="$(sed -n 's/^\tk8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gomod")"
  [[ -n "$minor" ]] || { say "cannot read k8s.io/client-go from $gomod"; return 1; }
  echo "-s -w -X helm.sh/helm/v3/internal/version.version=$version" \
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor" \
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
}

# Prometheus 3 tags its Go module v0.3<minor>.<patch>: v0.316.0 is release 3.16.0.
prometheus_release() {
  local minor patch
  IFS=. read -r _ minor patch <<<"${1#v}"
  echo "3.$((minor - 300)).$patch"
}

# Holds "$1.lock" on fd 9 until the script exits. Parallel test files on a fresh machine must not
# build the same tool twice. flock's lock dies with its holder, and the build runs with the
# descriptor closed, so a killed run leaves a lock file nobody holds, never a held lock. The holder
# writes its pid into the file only to say whom a waiting run waits for.
lock() {
  command -v flock >/dev/null || { say "flock (util-linux) is required"; exit 1; }
  exec 9>>"$1.lock"
  if ! flock -n 9; then
    say "waiting for pid $(head -c 20 "$1.lock" | tr -cd 0-9) building $(basename "$1")..."
    flock 9
  fi
  echo "$$" >"$1.lock"
}

# A killed run leaves its tmp dir and possibly its go build, running on in a process group of its
# own. Called holding the tool's lock, so no live run owns the dir.
clear_leftover() {
  local dir=$1 pgid
  pgid="$(cat "$dir/pgid" 2>/dev/null || true)"
  # The group id could have been reused since: its leader must still be working in this dir
  # (compared physically: .cache is often a symlink).
  if [[ -n "$pgid" && "$(readlink "/proc/$pgid/cwd" 2>/dev/null || true)" == "$(cd "$dir" && pwd -P)" ]]; then
    say "stopping the build a killed run left behind (process group $pgid)"
    kill -TERM -- "-$pgid" 2>/dev/null || true
    while kill -0 -- "-$pgid" 2>/dev/null; do sleep 0.2; done
  fi
  say "removing $dir, left by a killed run"
  rm -rf "$dir"
}

install_tool() {
  local tool=$1 version pkg tags
  read -r _ version pkg tags <<<"${pins[$tool]}"
  local dest="$tools/$tool-$version${tags:+-$tags}"
  if [[ -x "$dest/$tool" ]]; then echo "$dest/$tool"; return; fi

  mkdir -p "$tools"
  lock "$dest"
  if [[ -x "$dest/$tool" ]]; then exec 9>&-; echo "$dest/$tool"; return; fi
  local dir
  for dir in "$dest".tmp.*; do
    if [[ -d "$dir" ]]; then clear_leftover "$dir"; fi
  done

  command -v go >/dev/null || { say "Go is required to build $tool (https://go.dev/dl/; CI: actions/setup-go)"; exit 1; }
  local log started=$SECONDS ldflags="-s -w" jobs=()
  tmp="$(mktemp -d "$dest.tmp.XXXXXX")"
  chmod 755 "$tmp"
  log="$tmp/build.log"
  [[ -n "${GO_TOOLS_JOBS:-}" ]] && jobs=(-p "$GO_TOOLS_JOBS")
  [[ -n "$tags" ]] && jobs+=(-tags "$tags")
  say "building $tool $version from the Go module proxy (once; minutes on a cold Go cache)..."
  case $tool in
    helm) ldflags="$(helm_ldflags "$version")" ;;
    kubeconform) ldflags+=" -X main.version=$version" ;;
    promtool) ldflags+=" -X github.com/prometheus/common/version.Version=$(prometheus_release "$version")" ;;
  esac
  # setsid gives the build a process group this run (or the next, after a kill) stops as a whole;
  # it works in the tmp dir, which is how the next run knows the group is still this build.
  (
    cd "$tmp"
    exec 9>&-
    echo "$BASHPID" >"$tmp/pgid"
    GOBIN="$tmp" exec setsid nice go install -v "${jobs[@]}" -trimpath -ldflags "$ldflags" "$pkg@$version"
  ) >"$log" 2>&1 &
  build=$!
  # go -v prints a line per package it downloads or compiles: a running count instead of hundreds of lines.
  local ticks=0
  while kill -0 "$build" 2>/dev/null; do
    sleep 1
    if ((++ticks % 20 == 0)); then say "$tool: $(wc -l <"$log") packages, ${ticks}s"; fi
  done
  local status=0
  wait "$build" || status=$?
  build=
  if [[ $status -ne 0 || ! -x "$tmp/$tool" ]]; then
    say "building $tool $version failed; the end of its log:"
    tail -n 30 "$log" >&2
    exit 1
  fi
  rm -f "$log" "$tmp/pgid"
  rm -rf "$dest"
  # A directory rename is atomic: readers see no tool or a complete one.
  mv -T "$tmp" "$dest"
  tmp=
  exec 9>&-
  say "built $tool $version in $((SECONDS - started))s ($(du -k "$dest/$tool" | cut -f1) KiB) -> $dest/$tool"
  echo "$dest/$tool"
}

# An interrupted or failed run stops its build and removes its tmp dir (after a SIGKILL, the next
# run does). Bash runs the EXIT trap on a signal only if the signal is trapped.
tmp="" build=""
cleanup() {
  if [[ -n "$build" ]]; then kill -TERM -- "-$build" 2>/dev/null || true; fi
  if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [[ $# -eq 0 ]]; then set -- helm kubeconform actionlint promtool; fi
for tool in "$@"; do
  [[ -n "${pins[$tool]:-}" ]] || { say "unknown tool '$tool' (known: ${!pins[*]})"; exit 1; }
done
for tool in "$@"; do install_tool "$tool"; done
