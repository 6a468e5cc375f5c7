/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * io_util.h - reads and writes that do all they are asked to, or say why.
 *
 * Every call retries on EINTR and short transfers. They return negative
 * errnos and set no message: the caller knows what the file is.
 */
#ifndef RPD_BASE_IO_UTIL_H
#define RPD_BASE_IO_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* pread()s until len bytes are in, the file ends or a read fails: the bytes
 * read, and in *err the errno that stopped it early (0 at the end). */
size_t pread_some(int fd, void *buf, size_t len, uint64_t off, int *err);
/* pread()s exactly len bytes; -ENODATA if the file ends first. */
int pread_full(int fd, void *buf, size_t len, uint64_t off);
/* write()s all of buf; -EIO if a write makes no progress. */
int write_full(int fd, const void *buf, size_t len);
/* The same with pwrite() at off. */
int pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

#endif /* RPD_BASE_IO_UTIL_H */
