// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * plain_log.c - the simplest trace writer: text appended and kept
 * NUL-terminated until the buffer is full, then dropped. This is what the
 * kernel's debugfs reader (bytes up to the first NUL) was made for.
 */
#include <string.h>

#include "trace_writers.h"

void plain_log_init(struct plain_log *l, char *buf, size_t size)
{
	memset(buf, 0, size);
	l->buf = buf;
	l->size = size;
	l->len = 0;
}

void plain_log_putc(struct plain_log *l, char ch)
{
	if (l->len + 1 >= l->size)
		return;
	l->buf[l->len++] = ch;
	l->buf[l->len] = '\0';
}
