// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * zephyr_ram_console.c - port of Zephyr's ram_console_out() without the
 * header (drivers/console/ram_console.c): the last byte of the buffer is
 * never written, so the buffer is always NUL-terminated, and no NUL follows
 * the newest character.
 */
#include <string.h>

#include "trace_writers.h"

void zephyr_console_init(struct zephyr_console *c, char *buf, size_t size)
{
	memset(buf, 0, size); /* .bss */
	c->buf = buf;
	c->size = size;
	c->pos = 0;
}

int zephyr_console_out(struct zephyr_console *c, int character)
{
	c->buf[c->pos] = (char)character;
	/* Leave one byte to ensure we're always NULL-terminated */
	c->pos = (c->pos + 1) % (int)(c->size - 1);
	return character;
}
