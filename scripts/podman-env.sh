# A private podman for make test-deploy and make test-fresh, sourced with $tmp set (a fresh
# directory of the caller's): storage, configuration and networks live under $tmp/podman, so
# nothing global changes; a container gets no network unless it asks for one (slirp4netns, no
# bridge or firewall rules); runc, and no default ulimits (crun's and runc's setrlimit of them
# is refused in some sandboxes). podman_cleanup removes the containers, images and mounts.
mkdir -p "$tmp/podman/root" "$tmp/podman/run" "$tmp/podman/net" "$tmp/podman/tmp"
cat >"$tmp/podman/containers.conf" <<CONF
[containers]
default_ulimits = []
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$tmp/podman/tmp"
[network]
network_config_dir = "$tmp/podman/net"
CONF
cat >"$tmp/podman/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$tmp/podman/root"
runroot = "$tmp/podman/run"
CONF
export CONTAINERS_CONF=$tmp/podman/containers.conf
export CONTAINERS_STORAGE_CONF=$tmp/podman/storage.conf

podman_cleanup() {
  # (not `podman system reset`: it would also remove root's podman machines)
  podman rm --all --force --time 0 >/dev/null 2>&1 || true
  podman rmi --all --force >/dev/null 2>&1 || true
  # the mounts podman's overlay storage leaves
  grep -o " $tmp/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
}

# The debian:bookworm-slim base, made with debootstrap from Debian's mirror (no registry is
# needed) and cached as a tarball in $1; imported under the name $2.
podman_debian_base() { # cache-dir image-name
  local base=$1/debian-bookworm-slim.tar
  mkdir -p "$1"
  if [ ! -s "$base" ] || [ -n "$(find "$base" -mtime +30 2>/dev/null)" ]; then
    echo "making debian:bookworm-slim with debootstrap (cached in $1)"
    deploy/container/bootstrap-base.sh "$base" "${TUSK_DEBIAN_MIRROR:-http://deb.debian.org/debian}" || return 1
  else
    echo "debian:bookworm-slim from $base"
  fi
  podman import --quiet --change 'CMD ["bash"]' "$base" "$2" >/dev/null
}
