#!/bin/sh
# tests/lanes/debian.sh for Debian sid: debiansid.sh build|mount|umount
exec "$(dirname "$(readlink -f "$0")")/debian.sh" sid "$@"
