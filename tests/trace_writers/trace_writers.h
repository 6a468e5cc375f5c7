/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trace_writers.h - host ports of the trace buffer writers that firmware
 * families use, so that tests decode buffers made by the real algorithms.
 *
 * Each port keeps the original's arithmetic and byte order of stores; what
 * the original keeps in globals (the buffer, a static write position) is a
 * struct here so that a test can run several writers side by side. A
 * firmware's buffer is the test's memory: the tests read it as the host
 * would read it from a dump.
 */
#ifndef RPD_TRACE_WRITERS_H
#define RPD_TRACE_WRITERS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Zephyr drivers/console/ram_console.c without CONFIG_RAM_CONSOLE_HEADER:
 * char ram_console_buf[SIZE] in .bss and a file-local static int pos.
 */
struct zephyr_console {
	char *buf;   /* ram_console_buf, zeroed like .bss */
	size_t size; /* CONFIG_RAM_CONSOLE_BUFFER_SIZE */
	int pos;
};

void zephyr_console_init(struct zephyr_console *c, char *buf, size_t size);
int zephyr_console_out(struct zephyr_console *c, int character);

/*
 * The same with CONFIG_RAM_CONSOLE_HEADER: a struct ram_console_header at
 * the start of the buffer, laid out for a core with @word_size-byte
 * pointers and size_t (4 on Cortex-M, 8 on Cortex-A53/R82 remotes).
 */
struct zephyr_header_console {
	uint8_t *mem; /* ram_console: the whole RSC_TRACE buffer */
	size_t size;  /* CONFIG_RAM_CONSOLE_BUFFER_SIZE */
	unsigned int word_size;
};

void zephyr_header_console_init(struct zephyr_header_console *c, uint8_t *mem,
				size_t size, unsigned int word_size);
int zephyr_header_console_out(struct zephyr_header_console *c, int character);
/* header->pos, for tests of its overflow. */
void zephyr_header_console_set_pos(struct zephyr_header_console *c,
				   uint32_t pos);

/* STM32Cube OpenAMP_TTY_echo / openamp_log.c: log_buff(). */
struct st_log {
	char *system_log_buf;
	int sz;	    /* SYSTEM_TRACE_BUF_SZ */
	int offset; /* the static int in log_buff() */
};

void st_log_init(struct st_log *l, char *buf, int sz);
void st_log_buff(struct st_log *l, int ch);

/*
 * TI IPC 3.x ti/trace/SysMin.c, single core (no SMP): characters gather in
 * a line buffer and go to the ring at '\n' or when it fills, each line
 * preceded by a "[sec.usec] " stamp; writeidx follows each line.
 */
#define SYSMIN_LINEBUFSIZE 0x100

struct ti_sysmin {
	uint8_t *mem;	       /* outbuf, then writeidx[1], readidx[1] */
	unsigned int buf_size; /* SysMin.bufSize: all of mem */
	unsigned int outidx;
	int get_time;
	char linebuf[SYSMIN_LINEBUFSIZE];
	unsigned int lineidx;
	uint32_t ticks;	      /* Clock_getTicks(), advanced by the test */
	uint32_t tick_period; /* Clock_tickPeriod, microseconds */
	/* Every byte SysMin_output() stored, for the tests' expectations. */
	void (*observe)(void *ctx, char ch, int line_done);
	void *observe_ctx;
};

void ti_sysmin_init(struct ti_sysmin *s, uint8_t *mem, unsigned int buf_size,
		    uint32_t tick_period);
void ti_sysmin_putch(struct ti_sysmin *s, char ch);

/* A plain log: text appended after the previous text and NUL-terminated,
 * dropped once the buffer is full (what snprintf-style loggers do). */
struct plain_log {
	char *buf;
	size_t size;
	size_t len;
};

void plain_log_init(struct plain_log *l, char *buf, size_t size);
void plain_log_putc(struct plain_log *l, char ch);

#endif
