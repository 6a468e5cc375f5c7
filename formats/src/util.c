// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * util.c - error messages, zero blocks, hex, the fd sink.
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

	errno = err < 0 ? -err : err;
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
	errno = err < 0 ? -err : err;
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

void hex_encode(const uint8_t *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
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
