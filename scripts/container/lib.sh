# Shared by scripts/test-container.sh and its parts: podman set up for these machines, and Debian
# base images made here (no registry is reachable), each made once per machine and kept.
# Source it; then `ctr_setup WORKDIR` and `ctr_base_image SUITE NAME...`.

# Podman as these machines need it: the runc runtime, cgroupfs, the event log in a file, and
# ulimits lower than podman's defaults (which the sandbox refuses). CONTAINERS_CONF points at it.
ctr_setup() {
  local dir="$1"
  mkdir -p "$dir"
  cat > "$dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  export CONTAINERS_CONF="$dir/containers.conf"
  CTR_WORK="$dir"
}

# Why containers cannot run here, or nothing when they can (the caller skips with this line).
ctr_unavailable() {
  local tool
  for tool in podman debootstrap runc; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool is not installed (scripts/setup.sh installs it)"; return; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "podman runs rootful here: run as root"; return; }
  podman info >/dev/null 2>&1 || echo "podman info fails: $(podman info 2>&1 | tail -1)"
}

# A Debian base image: debootstrap's minbase of SUITE from the Debian archive the host's apt
# sources name, imported under each NAME (e.g. docker.io/library/debian:12, so that `FROM
# debian:12` finds it without a registry). apt's index-date checks are turned off as on the host
# (a mirror snapshot's Release file is past its Valid-Until) for the packages test's `apt-get
# install`, and the slim image's exclusions applied (no docs, man pages, locales). The Dockerfile
# needs neither: any other debian:12 found under NAME builds the same images.
ctr_base_image() {
  local suite="$1"; shift
  local name
  if podman image exists "$1"; then
    for name in "$@"; do podman tag "$1" "$name"; done
    return 0
  fi
  local root="$CTR_WORK/rootfs-$suite" mirror
  mirror="$(bash scripts/fetch-libpg-query.sh --mirror)" || return 1
  mirror="${mirror%/}"
  rm -rf "$root"
  echo "making $1 with debootstrap (minbase $suite from $mirror)"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$CTR_WORK/debootstrap-$suite.log" 2>&1 ||
    { tail -5 "$CTR_WORK/debootstrap-$suite.log"; return 1; }
  printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' > "$root/etc/apt/apt.conf.d/99no-valid-until"
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
    > "$root/etc/dpkg/dpkg.cfg.d/docker-slim"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/locale/*
  tar -C "$root" -c . | podman import --quiet - "$1" >/dev/null
  rm -rf "$root"
  for name in "${@:2}"; do podman tag "$1" "$name"; done
}

# Why a container cannot start from IMAGE here (e.g. this machine is a container that does not
# allow nesting), or nothing when one can.
ctr_cannot_run() {
  local out
  out="$(podman run --rm --network none "$1" true 2>&1)" || echo "podman cannot start a container: $(echo "$out" | tail -1)"
}
