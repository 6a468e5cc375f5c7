// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * st_openamp_log.c - port of log_buff() of STM32Cube's openamp_log.c
 * (__LOG_TRACE_IO_): every character is followed by a NUL, so the first
 * NUL of the buffer is the newest end; the write offset restarts at 0 when
 * the character and its NUL would no longer fit.
 */
#include <string.h>

#include "trace_writers.h"

void st_log_init(struct st_log *l, char *buf, int sz)
{
	memset(buf, 0, (size_t)sz); /* .bss */
	l->system_log_buf = buf;
	l->sz = sz;
	l->offset = 0;
}

void st_log_buff(struct st_log *l, int ch)
{
	/* Buffer full: restart from the beginning */
	if (l->offset + 1 >= l->sz)
		l->offset = 0;

	l->system_log_buf[l->offset] = (char)ch;
	l->system_log_buf[l->offset++ + 1] = '\0';
}
