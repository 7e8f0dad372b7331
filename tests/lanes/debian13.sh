#!/bin/sh
# tests/lanes/debian.sh for Debian trixie: debian13.sh build|mount|umount
exec "$(dirname "$(readlink -f "$0")")/debian.sh" trixie "$@"
