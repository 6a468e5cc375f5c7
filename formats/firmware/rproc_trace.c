/* SPDX-License-Identifier: MIT */
/*
 * rproc_trace.c - write text into an rprocdump trace buffer.
 *
 * Freestanding: the formatter is a small subset of printf so that firmware
 * needs neither newlib's stdio nor a heap to log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rproc_trace.h"

/* Orders our stores as seen by the host CPU, not just by this core. */
static inline void rproc_trace_barrier(void)
{
#if defined(__arm__)
	__asm__ volatile("dmb" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

int rproc_trace_init(struct rproc_trace_buffer *tb, uint32_t size)
{
	volatile struct rproc_trace_buffer *vtb = tb;

	vtb->magic = 0;
	if (size == 0 || (size & (size - 1)) != 0)
		return -1;

	vtb->version = RPROC_TRACE_VERSION;
	vtb->header_size = sizeof(struct rproc_trace_buffer);
	vtb->size = size;
	vtb->head = 0;
	rproc_trace_barrier();
	vtb->magic = RPROC_TRACE_MAGIC;
	return 0;
}

void rproc_trace_write(struct rproc_trace_buffer *tb, const char *text,
		       uint32_t len)
{
	volatile struct rproc_trace_buffer *vtb = tb;
	uint32_t mask = vtb->size - 1;
	uint32_t head = vtb->head;
	uint32_t skip = 0;
	uint32_t i;

	/* Bytes that would be overwritten within this write never land. */
	if (len > vtb->size)
		skip = len - vtb->size;
	for (i = skip; i < len; i++)
		vtb->data[(head + i) & mask] = text[i];

	rproc_trace_barrier();
	vtb->head = head + len;
}

void rproc_trace_putc(struct rproc_trace_buffer *tb, char c)
{
	rproc_trace_write(tb, &c, 1);
}

void rproc_trace_puts(struct rproc_trace_buffer *tb, const char *s)
{
	uint32_t len = 0;

	while (s[len])
		len++;
	rproc_trace_write(tb, s, len);
}

/* A bounded output buffer: characters past its end are dropped. */
struct line {
	char *buf;
	uint32_t len;
	uint32_t cap;
};

static void line_putc(struct line *l, char c)
{
	if (l->len < l->cap)
		l->buf[l->len++] = c;
}

static void line_pad(struct line *l, char pad, int count)
{
	while (count-- > 0)
		line_putc(l, pad);
}

/* Emits @value in @base, right-aligned in @width with @pad, after @sign. */
static void line_number(struct line *l, uint32_t value, unsigned int base,
			int upper, char sign, int width, char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = digits[value % base];
		value /= base;
	} while (value);

	width -= n + (sign ? 1 : 0);
	/* Zero padding goes between the sign and the digits. */
	if (pad == ' ')
		line_pad(l, ' ', width);
	if (sign)
		line_putc(l, sign);
	if (pad == '0')
		line_pad(l, '0', width);
	while (n)
		line_putc(l, tmp[--n]);
}

static void line_string(struct line *l, const char *s, int width)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n])
		n++;
	line_pad(l, ' ', width - n);
	while (*s)
		line_putc(l, *s++);
}

/* Integers are formatted as 32-bit values: this is for 32-bit firmware. */
static void line_format(struct line *l, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		char pad = ' ';
		int width = 0;
		int is_long = 0;
		int32_t sval;
		uint32_t uval;

		if (*fmt != '%') {
			line_putc(l, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l'; fmt++)
			is_long = 1;

		switch (*fmt) {
		case 'c':
			line_putc(l, (char)va_arg(ap, int));
			break;
		case 's':
			line_string(l, va_arg(ap, const char *), width);
			break;
		case 'd':
		case 'i':
			sval = is_long ? (int32_t)va_arg(ap, long) :
					 (int32_t)va_arg(ap, int);
			/* Negate in unsigned arithmetic: INT32_MIN has no twin. */
			uval = sval < 0 ? 0u - (uint32_t)sval : (uint32_t)sval;
			line_number(l, uval, 10, 0, sval < 0 ? '-' : 0, width,
				    pad);
			break;
		case 'u':
		case 'x':
		case 'X':
			uval = is_long ? (uint32_t)va_arg(ap, unsigned long) :
					 (uint32_t)va_arg(ap, unsigned int);
			line_number(l, uval, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				    0, width, pad);
			break;
		case 'p':
			line_putc(l, '0');
			line_putc(l, 'x');
			line_number(l, (uint32_t)(uintptr_t)va_arg(ap, void *),
				    16, 0, 0, 8, '0');
			break;
		case '\0':
			return; /* a lone '%' ends the format */
		default:
			/* "%%" and unknown conversions print themselves. */
			line_putc(l, *fmt);
			break;
		}
	}
}

void rproc_trace_vprintf(struct rproc_trace_buffer *tb, const char *fmt,
			 va_list ap)
{
	char buf[RPROC_TRACE_LINE_MAX];
	struct line l = { .buf = buf, .len = 0, .cap = sizeof(buf) };

	line_format(&l, fmt, ap);
	rproc_trace_write(tb, buf, l.len);
}

uint32_t rproc_trace_format(char *buf, uint32_t size, const char *fmt, ...)
{
	struct line l = { .buf = buf, .len = 0, .cap = size ? size - 1 : 0 };
	va_list ap;

	va_start(ap, fmt);
	line_format(&l, fmt, ap);
	va_end(ap);
	if (size)
		buf[l.len] = '\0';
	return l.len;
}

void rproc_trace_printf(struct rproc_trace_buffer *tb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rproc_trace_vprintf(tb, fmt, ap);
	va_end(ap);
}
