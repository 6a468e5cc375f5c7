#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# cmake --install into a scratch DESTDIR puts every piece where the system
# looks for it: binaries, the shared library with its headers and
# pkg-config file, udev rule, systemd units, default config, man pages.
#   check_install.sh BUILD_DIR SCRATCH_DIR
set -eu
build=$1
dest=$2
rm -rf "$dest"
DESTDIR=$dest cmake --install "$build" --prefix /usr >/dev/null

status=0
expect() {
	found=$(find "$dest" -path "$dest$1" | head -1)
	if [ -z "$found" ]; then
		echo "missing after install: $1"
		status=1
	else
		echo "installed: ${found#"$dest"}"
	fi
}
expect /usr/sbin/rproc-collect
expect /usr/bin/rproc-analyze
expect '/usr/lib*/librprocdump.so.[0-9]*'
expect /usr/include/rproc/rprocdump.h
expect /usr/include/rproc/crash_record.h
expect '/usr/lib*/pkgconfig/librprocdump.pc'
expect /etc/rproc-collect.conf
expect '*/udev/rules.d/60-rproc-collect*.rules'
expect '*/systemd/system/rproc-collect@.service'
expect /usr/share/man/man8/rproc-collect.8
expect /usr/share/man/man1/rproc-analyze.1
expect /usr/share/man/man5/rproc-core.5
[ -x "$dest/usr/sbin/rproc-collect" ] || { echo "rproc-collect not executable"; status=1; }
rm -rf "$dest"
exit $status
