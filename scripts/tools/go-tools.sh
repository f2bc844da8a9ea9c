#!/usr/bin/env bash
# Builds the pinned Go tools the checks use (helm, kubeconform, actionlint, promtool) from the Go
# module proxy with `go install`, each once, into .cache/tools/<tool>-<version>/<tool>; prints the
# binary paths, one a line, in argument order. No argument: all of them.
#   scripts/tools/go-tools.sh helm   ->  <repo>/.cache/tools/helm-v3.22.0/helm
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/.cache/tools"

# tool -> "module version package"; the version is the module's, as the proxy lists it.
declare -A pins=(
  [helm]="helm.sh/helm/v3 v3.22.0 helm.sh/helm/v3/cmd/helm"
  [kubeconform]="github.com/yannh/kubeconform v0.8.0 github.com/yannh/kubeconform/cmd/kubeconform"
  [actionlint]="github.com/rhysd/actionlint v1.7.12 github.com/rhysd/actionlint/cmd/actionlint"
  # Prometheus tags its Go module v0.<minor>.<patch>: v0.316.0 is Prometheus 3.16.0.
  [promtool]="github.com/prometheus/prometheus v0.316.0 github.com/prometheus/prometheus/cmd/promtool"
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

# promtool's module carries replace-free go.mod, but `go install pkg@version` refuses any module whose
# go.mod has replace or exclude directives; building inside the downloaded module works either way.
build_in_module() {
  local module=$1 version=$2 pkg=$3 out=$4 ldflags=$5 dir
  dir="$(go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || { say "go mod download $module@$version gave no directory"; return 1; }
  (cd "$dir" && GOFLAGS="-mod=mod -modcacherw -buildvcs=false" go build -trimpath -ldflags "$ldflags" -o "$out" "${pkg#"$module"/}" 2>&1)
}

install_tool() {
  local tool=$1 module version pkg
  read -r module version pkg <<<"${pins[$tool]}"
  local dest="$tools/$tool-$version"
  if [[ -x "$dest/$tool" ]]; then echo "$dest/$tool"; return; fi

  mkdir -p "$tools"
  # Parallel test files on a fresh machine must not build the same tool twice.
  exec 9>"$dest.lock"
  flock 9
  if [[ -x "$dest/$tool" ]]; then exec 9>&-; echo "$dest/$tool"; return; fi

  command -v go >/dev/null || { say "Go is required to build $tool (https://go.dev/dl/; CI: actions/setup-go)"; exit 1; }
  local tmp log started=$SECONDS ldflags="-s -w"
  tmp="$(mktemp -d "$tools/$tool-$version.tmp.XXXXXX")"
  chmod 755 "$tmp"
  log="$tmp/build.log"
  say "building $tool $version from the Go module proxy (once; a few minutes on a cold Go cache)..."
  [[ $tool == helm ]] && ldflags="$(helm_ldflags "$version")"
  # Every package go compiles or downloads is one line; show a running count instead of hundreds of lines.
  local status=0
  {
    if [[ $tool == promtool ]]; then
      build_in_module "$module" "$version" "$pkg" "$tmp/$tool" "$ldflags -X github.com/prometheus/common/version.Version=${version#v0.}"
    else
      GOBIN="$tmp" go install -v -trimpath -ldflags "$ldflags" "$pkg@$version" 2>&1
    fi
  } | tee "$log" | awk -v t="$tool" '{ n++ } n % 100 == 0 { printf "[tools] %s: %d packages...\n", t, n > "/dev/stderr" }' \
    || status=$?
  if [[ $status -ne 0 || ! -x "$tmp/$tool" ]]; then
    say "building $tool $version failed; the end of its log:"
    tail -n 30 "$log" >&2
    rm -rf "$tmp"
    exit 1
  fi
  rm -f "$log"
  rm -rf "$dest"
  # A directory rename is atomic: readers see no tool or a complete one.
  mv -T "$tmp" "$dest"
  exec 9>&-
  say "built $tool $version in $((SECONDS - started))s -> $dest/$tool"
  echo "$dest/$tool"
}

if [[ $# -eq 0 ]]; then set -- helm kubeconform actionlint promtool; fi
for tool in "$@"; do
  [[ -n "${pins[$tool]:-}" ]] || { say "unknown tool '$tool' (known: ${!pins[*]})"; exit 1; }
done
for tool in "$@"; do install_tool "$tool"; done
