#!/usr/bin/env bash
# Makes the equivalent of the debian:bookworm-slim image from Debian's own mirror, for a
# machine that reaches Debian's packages but no container registry (as Tusk's CI does):
#
#   deploy/container/bootstrap-base.sh OUT.tar [MIRROR]
#   podman import --change 'CMD ["bash"]' OUT.tar docker.io/library/debian:bookworm-slim
#
# debootstrap --variant=minbase, then what makes the official image "slim": no manual pages,
# documentation (but copyright files), translations or apt caches, and the same exclusions
# for packages installed later. Needs root (debootstrap) and debootstrap installed.
set -euo pipefail

out=${1:?usage: bootstrap-base.sh OUT.tar [MIRROR]}
mirror=${2:-http://deb.debian.org/debian}
suite=bookworm

if [ "$(id -u)" -ne 0 ]; then
  echo "bootstrap-base: debootstrap needs root" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { echo "bootstrap-base: debootstrap is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/tusk-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs

if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -20 "$work/debootstrap.log" >&2
  echo "bootstrap-base: debootstrap $suite from $mirror failed (log above)" >&2
  exit 1
fi

# the suites the official image lists
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# later installs stay slim too
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
# no manual pages, documentation (copyright files stay) or translations in the image
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
cat >"$root/etc/apt/apt.conf.d/slim" <<'EOF'
// no downloaded packages, package caches or translations kept in the image
Acquire::Languages "none";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
EOF

# what the installation left behind
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
  "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/apt/* "$root"/var/log/*.log \
  "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
# the runtime provides these
: >"$root/etc/resolv.conf"
: >"$root/etc/hostname"

tar -C "$root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
  -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "bootstrap-base: wrote $out ($(du -m "$out" | cut -f1) MB)"
