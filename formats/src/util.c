// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * util.c - error messages, full-length I/O, zero blocks and numbers.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rproc/rprocdump.h"
#include "util.h"

static _Thread_local char error_message[512];

const char *rpd_error(void)
{
	return error_message;
}

int rpd_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_message, sizeof(error_message), fmt, ap);
	va_end(ap);
	return err;
}

int rpd_fail_prefix(int err, const char *fmt, ...)
{
	char old[sizeof(error_message)];
	size_t len, keep;
	va_list ap;
	int n;

	memcpy(old, error_message, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(error_message, sizeof(error_message) - 2, fmt, ap);
	va_end(ap);
	len = MIN((size_t)MAX(n, 0), sizeof(error_message) - 3);
	memcpy(error_message + len, ": ", 2);
	len += 2;
	/* The old message may lose its end, never the new context. */
	keep = strnlen(old, sizeof(error_message) - len - 1);
	memcpy(error_message + len, old, keep);
	error_message[len + keep] = '\0';
	return err;
}

/*
 * A word at a time: remote memory is often mostly zero, and this runs over
 * every byte of a dump. (memcmp(p, p + 1, len - 1) reads it all twice.)
 */
bool is_all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t acc = 0;
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		uint64_t w[4];

		memcpy(w, b + i, sizeof(w));
		if (w[0] | w[1] | w[2] | w[3])
			return false;
	}
	for (; i < len; i++)
		acc |= b[i];
	return !acc;
}

bool parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

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

int write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* no progress: never loop forever */
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO; /* no progress: never loop forever */
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int fd_sink_write(void *ctx, const void *buf, size_t len)
{
	return write_full((int)(intptr_t)ctx, buf, len);
}

struct rpd_sink rpd_sink_fd(int fd)
{
	return (struct rpd_sink){ .write = fd_sink_write,
				  .ctx = (void *)(intptr_t)fd };
}
