/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inflate.h - the bytes of a stored core as a plain ELF file.
 */
#ifndef RPD_ANALYZE_INFLATE_H
#define RPD_ANALYZE_INFLATE_H

/*
 * Writes the core at path to fd: inflated if it is a .core.gz, copied
 * otherwise. Returns 0 or a negative errno; failures are logged.
 */
int core_inflate_to_fd(const char *path, int fd);

#endif
