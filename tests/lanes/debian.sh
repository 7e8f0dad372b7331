#!/usr/bin/env bash
# The chroot lanes' applications: a Debian root built once by debootstrap and reused, outside the clone. Needs root
# and ~3.5 GB of disk a root. Two suites:
#   trixie  Debian 13 (Blender 4.3, FreeCAD 1.0): the "current" lane; root $LIVELINK_DEBIAN13_ROOT,
#           default /var/cache/livelink/debian13
#   sid     Debian unstable (Blender 5.x, FreeCAD 1.1 when this was written): the "next" lane; root
#           $LIVELINK_DEBIANSID_ROOT, default /var/cache/livelink/debiansid. Unstable moves: a mirror
#           ($LIVELINK_DEBIAN_MIRROR) pinned to a snapshot.debian.org date keeps it still.
#
#   tests/lanes/debian.sh SUITE build     # makes the root when missing (about 5 minutes); idempotent
#   tests/lanes/debian.sh SUITE mount     # bind-mounts /proc, /sys, /dev, /dev/pts, /tmp and this checkout; prints
#                                         # the folder of wrappers (blender, freecad, freecadcmd) to put first on
#                                         # PATH (its siblings ../blender and ../freecad hold one application each)
#   tests/lanes/debian.sh SUITE umount
#
# (tests/lanes/debian13.sh and debiansid.sh are this script for one suite.) The hub and the tests stay on the host:
# a chroot shares loopback, and /tmp is bind-mounted so both sides see the same sandbox paths.
set -euo pipefail
REPO="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
SUITE="${1:-}"
case "$SUITE" in
  trixie) ROOT="${LIVELINK_DEBIAN13_ROOT:-/var/cache/livelink/debian13}"; NAME=debian13 ;;
  sid) ROOT="${LIVELINK_DEBIANSID_ROOT:-/var/cache/livelink/debiansid}"; NAME=debiansid ;;
  *) echo "usage: $0 trixie|sid build|mount|umount" >&2; exit 2 ;;
esac
shift
MIRROR="${LIVELINK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=blender,freecad,xvfb,xauth,python3,python3-numpy,default-jre-headless  # the JRE: an add-on that starts the hub runs the launcher in the root
# debootstrap resolves no virtual packages: unstable's Blender needs one (libopenexr-3-4-33-imath-3-2), named by
# the package that provides it.
[ "$SUITE" = sid ] && PACKAGES="$PACKAGES,libopenexr-3-4-33"

build() {
  if [ -f "$ROOT/.livelink-ready" ]; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || { echo "$NAME: building the root needs root" >&2; exit 1; }
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  umount_all
  rm -rf "$ROOT"
  mkdir -p "$(dirname "$ROOT")"
  echo "$NAME: debootstrap $SUITE into $ROOT (about 5 minutes, 3.2 GB)" >&2
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOT" "$MIRROR" > "$ROOT.log" 2>&1 || {
    tail -20 "$ROOT.log" >&2; echo "$NAME: debootstrap failed (log: $ROOT.log)" >&2; exit 1; }
  ln -sf /proc/self/mounts "$ROOT/etc/mtab"
  rm -rf "$ROOT/var/cache/apt/archives/"*.deb
  touch "$ROOT/.livelink-ready"
}

mount_all() {
  build
  # The checkout at its own path, so the add-on's recorded launcher and the probes' paths mean the same inside.
  # A checkout deleted and cloned again at the same path leaves its old bind mount showing the deleted folder:
  # bind again when the mount does not show this checkout's launcher.
  if mountpoint -q "$ROOT$REPO" && [ ! -e "$ROOT$REPO/livelink" ]; then umount -l "$ROOT$REPO"; fi
  for d in proc sys dev dev/pts tmp "${REPO#/}"; do
    mkdir -p "$ROOT/$d"
    mountpoint -q "$ROOT/$d" || mount --bind "/$d" "$ROOT/$d"
  done
  wrappers
}

# Programs of the root, run from the host: same environment (HOME, LIVELINK_HOME, DISPLAY), same working folder.
# Three folders: all/ (every program of the root), blender/ and freecad/ (one application each, to cross versions).
wrappers() {
  local bin="$ROOT.bin" set dir exe
  for set in "all:blender freecad freecadcmd" "blender:blender" "freecad:freecad freecadcmd"; do
    dir="$bin/${set%%:*}"
    mkdir -p "$dir"
    for exe in ${set#*:}; do
      printf '%s\n' '#!/bin/sh' \
        "exec chroot '$ROOT' /usr/bin/env -u PYTHONPATH -u PYTHONHOME PATH=/usr/local/bin:/usr/bin:/bin \\" \
        "  /bin/sh -c 'cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"' \"\$PWD\" /usr/bin/$exe \"\$@\"" > "$dir/$exe"
      chmod +x "$dir/$exe"
    done
  done
  echo "$bin/all"  # siblings: ../blender, ../freecad
}

umount_all() {
  for d in "${REPO#/}" tmp dev/pts dev sys proc; do
    if mountpoint -q "$ROOT/$d" 2>/dev/null; then umount -l "$ROOT/$d"; fi
  done
}

case "${1:-}" in
  build) build ;;
  mount) mount_all ;;
  umount) umount_all ;;
  *) echo "usage: $0 trixie|sid build|mount|umount" >&2; exit 2 ;;
esac
