#!/usr/bin/env bash
# PostgreSQL's newest client programs (pg_dump, pg_dumpall, pg_restore, psql) with their own
# libpq, compiled from Debian's source package on this machine: Debian 12 ships PostgreSQL 15's
# clients only, and the packages of newer Debian suites need a newer C library than Debian 12
# has. A pg_dump dumps servers of its own and every older major version, and pg_restore and
# psql read what older pg_dumps wrote; restoring into servers before 17 meets pg_restore 17+'s
# SET transaction_timeout (docs/deployment.md). The image's build stage and `make test-matrix`
# both use this script.
#
#   scripts/pg-clients.sh OUT      builds into OUT/bin and OUT/lib (the programs find their libpq
#                                  through the relative run path $ORIGIN/../lib, so OUT can move)
#
# The source comes from Debian's archive only (apt-get source, checked against the signed
# index): PG_CLIENT_SOURCE (default postgresql-18) from PG_CLIENT_SUITE (default sid), through a
# private apt configuration (nothing of this machine's apt set-up changes), from TUSK_DEBIAN_MIRROR
# (default http://deb.debian.org/debian; PG_CLIENT_APT_CHECK_VALID_UNTIL=false for a mirror
# that serves a snapshot). Needs: gcc make perl pkg-config dpkg-dev and the -dev
# packages of readline, zlib, lz4, zstd and OpenSSL (scripts/install-deps.sh --pg-clients).
# OUT/VERSION names the Debian source version built; an OUT built from it already is kept.
set -euo pipefail

out=$(realpath -m "${1:?usage: pg-clients.sh OUT}")
source_pkg=${PG_CLIENT_SOURCE:-postgresql-18}
suite=${PG_CLIENT_SUITE:-sid}
mirror=${TUSK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
jobs=${JOBS:-$(nproc)}

say() { echo "pg-clients: $*"; }
die() { echo "pg-clients: $*" >&2; exit 1; }

for tool in gcc make perl dpkg-source apt-get; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps.sh --pg-clients installs what this needs)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tusk-pg-clients.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the source, through a private apt configuration ----
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$work/apt/sources.list"
apt_opts=(
  -o "Dir::Etc::sourcelist=$work/apt/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root
)
[ "$(id -u)" -eq 0 ] || apt_opts+=(-o APT::Sandbox::User="$(id -un)")
# a mirror that serves a snapshot of the archive (its Release files past their Valid-Until)
# is configured on the machine with Acquire::Check-Valid-Until "false"; a container build has
# no such configuration and is told with PG_CLIENT_APT_CHECK_VALID_UNTIL=false
[ -z "${PG_CLIENT_APT_CHECK_VALID_UNTIL:-}" ] || apt_opts+=(-o "Acquire::Check-Valid-Until=$PG_CLIENT_APT_CHECK_VALID_UNTIL")
apt-get "${apt_opts[@]}" -qq update || die "apt-get update of $suite's sources from $mirror failed"
version=$(apt-cache "${apt_opts[@]}" showsrc "$source_pkg" | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$version" ] || die "$source_pkg is not in $suite's sources at $mirror"
if [ -x "$out/bin/pg_dump" ] && [ "$(cat "$out/VERSION" 2>/dev/null)" = "$source_pkg $version" ]; then
  say "$out holds $source_pkg $version already"
  exit 0
fi
say "fetching $source_pkg $version (Debian $suite) from $mirror"
(cd "$work/src" && apt-get "${apt_opts[@]}" -qq source "$source_pkg=$version" >/dev/null) ||
  die "apt-get source $source_pkg=$version failed"
srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'postgresql-*' | head -n 1)
[ -n "$srcdir" ] && [ -x "$srcdir/configure" ] || die "no unpacked source in $work/src"

# ---- only what the four programs need: libpq, the shared front-end code, pg_dump and psql ----
say "building the client programs of $source_pkg $version ($jobs jobs)"
prefix=/tusk-pg-clients # never used at run time: the programs find libpq relative to themselves
cd "$srcdir"
./configure --prefix="$prefix" --disable-rpath --without-icu --without-llvm --without-gssapi \
  --with-openssl --with-lz4 --with-zstd --with-readline --with-system-tzdata=/usr/share/zoneinfo \
  --with-extra-version=" (Debian $version, built by Tusk)" \
  LDFLAGS="-Wl,-rpath,\\\$\$ORIGIN/../lib -Wl,-z,origin" CFLAGS="-O2 -g0" >"$work/configure.log" 2>&1 ||
  { tail -30 "$work/configure.log" >&2; die "configure failed"; }
build() { make -s -j"$jobs" "$@" >>"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; die "make $* failed"; }; }
build -C src/backend generated-headers
build -C src/common
build -C src/port
build -C src/interfaces/libpq
build -C src/fe_utils
build -C src/bin/pg_dump
build -C src/bin/psql

rm -rf "$out.tmp"
mkdir -p "$out.tmp/bin" "$out.tmp/lib"
for p in pg_dump pg_dumpall pg_restore; do install -m 0755 -s "src/bin/pg_dump/$p" "$out.tmp/bin/$p"; done
install -m 0755 -s src/bin/psql/psql "$out.tmp/bin/psql"
soname=$(objdump -p src/interfaces/libpq/libpq.so | sed -n 's/^ *SONAME *//p')
install -m 0644 -s "src/interfaces/libpq/libpq.so.5."* "$out.tmp/lib/"
ln -sf "$(basename "$out.tmp/lib/libpq.so.5."*)" "$out.tmp/lib/$soname"
echo "$source_pkg $version" >"$out.tmp/VERSION"
"$out.tmp/bin/pg_dump" --version >/dev/null || die "the built pg_dump does not run"
rm -rf "$out"
mv "$out.tmp" "$out"
say "$("$out/bin/pg_dump" --version) in $out"
