// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * io_util.c - full-length reads and writes.
 */
#include <errno.h>
#include <unistd.h>

#include "io_util.h"

size_t pread_some(int fd, void *buf, size_t len, uint64_t off, int *err)
{
	uint8_t *p = buf;
	size_t got = 0;

	*err = 0;
	while (got < len) {
		ssize_t n = pread(fd, p + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			*err = errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	int err;

	if (pread_some(fd, buf, len, off, &err) == len)
		return 0;
	return err ? -err : -ENODATA;
}

/* write() when off is negative, else pwrite() at off and on. */
static int write_loop(int fd, const void *buf, size_t len, int64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = off < 0 ? write(fd, p, len) :
				      pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* no progress: never loop forever */
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int write_full(int fd, const void *buf, size_t len)
{
	return write_loop(fd, buf, len, -1);
}

int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	if (off > INT64_MAX)
		return -EINVAL;
	return write_loop(fd, buf, len, (int64_t)off);
}
