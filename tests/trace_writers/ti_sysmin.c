// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ti_sysmin.c - port of TI IPC 3.x ti/trace/SysMin.c, SysMin_putch() and
 * SysMin_output() for a single core: the ring is outbuf[bufSize - 8], the
 * last 8 bytes hold writeidx and readidx. At a line's first character the
 * "[sec.usec] " stamp goes straight to the ring; the line follows from the
 * line buffer at '\n' (or when the line buffer fills), then writeidx.
 */
#include <stdio.h>
#include <string.h>

#include "trace_writers.h"

static void put_le32_at(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void sysmin_output(struct ti_sysmin *s, char ch, int line_done)
{
	s->mem[s->outidx++] = (uint8_t)ch;
	/* Last 8 bytes are used for writeIdx/readIdx fields */
	if (s->outidx == s->buf_size - 8)
		s->outidx = 0;
	if (s->observe)
		s->observe(s->observe_ctx, ch, line_done);
}

void ti_sysmin_init(struct ti_sysmin *s, uint8_t *mem, unsigned int buf_size,
		    uint32_t tick_period)
{
	memset(s, 0, sizeof(*s));
	s->mem = mem;
	s->buf_size = buf_size;
	s->tick_period = tick_period;
	/* SysMin_Module_startup() */
	memset(mem, 0, buf_size);
	s->get_time = 1;
}

/* The stamp, as SysMin_putch() formats Clock_getTicks() * tickPeriod. */
static void sysmin_stamp(struct ti_sysmin *s)
{
	const unsigned int minSecCharLen = 4, maxuSecCharLen = 6;
	const unsigned int decPtIdx = 11, timeStampBufLen = 18;
	const unsigned int leftSpaceIdx = 10;
	/* 18 bytes in SysMin.c; room for 20 digits here keeps snprintf()
	 * provably untruncated. Only indices below 18 are read. */
	char timeStamp[24] = { "                 " };
	unsigned int startIdx, endIdx, index, i = 0, mod = 10;
	unsigned long long uSec;

	for (; i < maxuSecCharLen; i++) {
		if (s->tick_period % mod)
			break;
		mod = mod * 10;
	}
	startIdx = decPtIdx - (minSecCharLen + i);
	endIdx = timeStampBufLen - (i + 1);

	uSec = (unsigned long long)s->ticks * s->tick_period;
	sysmin_output(s, '[', 0);
	if (uSec)
		snprintf(timeStamp, sizeof(timeStamp), "%17llu", uSec);
	for (index = startIdx; index < endIdx; index++) {
		if (index == decPtIdx)
			sysmin_output(s, '.', 0);
		if (timeStamp[index] == ' ' && index >= leftSpaceIdx)
			sysmin_output(s, '0', 0);
		else
			sysmin_output(s, timeStamp[index], 0);
	}
	sysmin_output(s, ']', 0);
	sysmin_output(s, ' ', 0);
}

void ti_sysmin_putch(struct ti_sysmin *s, char ch)
{
	unsigned int i;

	s->linebuf[s->lineidx++] = ch;
	if (s->get_time) {
		sysmin_stamp(s);
		s->get_time = 0;
	}

	/* Copy line buffer to shared output buffer at EOL or when filled up */
	if (ch == '\n' || s->lineidx >= SYSMIN_LINEBUFSIZE) {
		for (i = 0; i < s->lineidx; i++)
			sysmin_output(s, s->linebuf[i], i + 1 == s->lineidx);
		s->lineidx = 0;
		s->get_time = 1;
		put_le32_at(s->mem + s->buf_size - 8, s->outidx);
	}
}
