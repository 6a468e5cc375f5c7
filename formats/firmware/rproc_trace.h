/* SPDX-License-Identifier: MIT */
/*
 * rproc_trace.h - firmware-side writer for rprocdump's trace buffer
 * (struct rproc_trace_buffer, <rproc/trace_buffer.h>).
 *
 * Point a remoteproc RSC_TRACE resource at the buffer (da = its address,
 * len = sizeof the whole buffer) and log text into it. The host may read the
 * buffer at any time, also from a crash dump taken in the middle of a write,
 * so the writer keeps this order:
 *
 *  - init writes size, version and head, then a barrier, then the magic:
 *    a reader that sees the magic sees a consistent header;
 *  - each write stores all of its bytes into the ring, then a barrier, then
 *    advances head by their number: head never counts a byte that is not
 *    there yet. One rproc_trace_printf() call is one write, so a reader
 *    sees a formatted line whole or not at all (up to the line limit).
 *
 * There is a single writer: callers that log from several contexts
 * (thread and interrupts) must serialize themselves.
 */
#ifndef RPROC_TRACE_H
#define RPROC_TRACE_H

#include <stdarg.h>
#include <stdint.h>
#include <rproc/trace_buffer.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest text one rproc_trace_printf() call produces; the rest is cut. */
#define RPROC_TRACE_LINE_MAX 128

/*
 * A type for a trace buffer with @data_size bytes of ring (a power of two),
 * so that its storage can be a global: union @tag, whose member buf is the
 * struct rproc_trace_buffer the functions below take.
 */
#define RPROC_TRACE_BUFFER_TYPE(tag, data_size)                                 \
	union tag {                                                             \
		struct rproc_trace_buffer buf;                                  \
		uint8_t bytes[sizeof(struct rproc_trace_buffer) + (data_size)]; \
	}

/*
 * RPROC_TRACE_BUFFER_DECLARE(name, data_size) - declare the global trace
 * buffer @name with @data_size bytes of ring, type and all, once, in a
 * header that both the code that logs and the resource table include:
 *
 *	RPROC_TRACE_BUFFER_DECLARE(fw_trace, 2048);	(fw_trace.h)
 *	RPROC_TRACE_BUFFER_DEFINE(fw_trace);		(one .c file)
 *	rproc_trace_init(&fw_trace.buf, RPROC_TRACE_RING_SIZE(fw_trace));
 *	rproc_trace_printf(&fw_trace.buf, "boot %d\n", 1);
 *
 * and the resource table's entry is RPROC_RSC_TRACE_ENTRY(fw_trace, "trace0")
 * (rproc_rsc_table.h). Its type is union rproc_trace_storage_@name.
 */
#define RPROC_TRACE_BUFFER_DECLARE(name, data_size)                     \
	RPROC_TRACE_BUFFER_TYPE(rproc_trace_storage_##name, data_size); \
	extern union rproc_trace_storage_##name name

/* RPROC_TRACE_BUFFER_DEFINE(name) - the storage of a declared buffer. */
#define RPROC_TRACE_BUFFER_DEFINE(name) union rproc_trace_storage_##name name

/* RPROC_TRACE_RING_SIZE(name) - the ring size of a trace buffer global. */
#define RPROC_TRACE_RING_SIZE(name) \
	((uint32_t)(sizeof(name) - sizeof(struct rproc_trace_buffer)))

/**
 * rproc_trace_init() - make a trace buffer valid and empty
 * @tb: the buffer, followed by @size bytes of ring
 * @size: ring size in bytes, a power of two
 *
 * Return: 0, or -1 if @size is not a power of two (the buffer is left
 * without magic, so the host ignores it).
 */
int rproc_trace_init(struct rproc_trace_buffer *tb, uint32_t size);

/**
 * rproc_trace_write() - append bytes
 * @tb: an initialized buffer
 * @text: bytes to append (need not be NUL-terminated)
 * @len: their number; only the last @size of them survive
 */
void rproc_trace_write(struct rproc_trace_buffer *tb, const char *text,
		       uint32_t len);

/** rproc_trace_putc() - append one character */
void rproc_trace_putc(struct rproc_trace_buffer *tb, char c);

/** rproc_trace_puts() - append a NUL-terminated string (no newline added) */
void rproc_trace_puts(struct rproc_trace_buffer *tb, const char *s);

/**
 * rproc_trace_printf() - append formatted text
 * @tb: an initialized buffer
 * @fmt: printf-style format; supports %c %s %d %i %u %x %X %p and %%, an
 *	optional '0' flag and field width, and the 'l' length modifier
 *	(so that PRIu32 and friends work); integers are 32-bit values
 *
 * At most RPROC_TRACE_LINE_MAX bytes are appended, in one write.
 */
void rproc_trace_printf(struct rproc_trace_buffer *tb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * rproc_trace_format() - format into a caller's buffer, like snprintf()
 * @buf: destination, always NUL-terminated when @size > 0
 * @size: its size in bytes
 * @fmt: as for rproc_trace_printf()
 *
 * For texts that go elsewhere than the trace, e.g. a crash message.
 *
 * Return: the number of characters stored, without the NUL.
 */
uint32_t rproc_trace_format(char *buf, uint32_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** rproc_trace_vprintf() - rproc_trace_printf() with a va_list */
void rproc_trace_vprintf(struct rproc_trace_buffer *tb, const char *fmt,
			 va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* RPROC_TRACE_H */
