// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_trace_writer.c - the firmware-side trace writer (formats/firmware/
 * rproc_trace.c), built for the host, against the layout trace_buffer.h
 * promises readers: byte n of the text ever written is data[n % size], head
 * counts every byte ever written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rproc_trace.h"

#define RING 256

static RPROC_TRACE_BUFFER_TYPE(test_trace, RING) trace;

/* The newest min(head, size) bytes, oldest first, per trace_buffer.h. */
static size_t ring_text(char *out)
{
	uint32_t head = trace.buf.head, n = head < RING ? head : RING;

	for (uint32_t i = 0; i < n; i++)
		out[i] = trace.buf.data[(head - n + i) % RING];
	out[n] = '\0';
	return n;
}

static int setup(void **state)
{
	memset(&trace, 0xee, sizeof(trace));
	assert_int_equal(rproc_trace_init(&trace.buf, RING), 0);
	return 0;
}

static void test_header(void **state)
{
	assert_int_equal(trace.buf.magic, RPROC_TRACE_MAGIC);
	assert_int_equal(trace.buf.version, RPROC_TRACE_VERSION);
	assert_int_equal(trace.buf.header_size, 16);
	assert_int_equal(trace.buf.size, RING);
	assert_int_equal(trace.buf.head, 0);
	assert_int_equal(offsetof(struct rproc_trace_buffer, data), 16);
}

static void test_rejects_odd_size(void **state)
{
	static RPROC_TRACE_BUFFER_TYPE(odd_trace, 100) odd;

	assert_int_equal(rproc_trace_init(&odd.buf, 100), -1);
	assert_int_not_equal(odd.buf.magic, RPROC_TRACE_MAGIC);
}

static void test_lines_in_order(void **state)
{
	char text[RING + 1];

	rproc_trace_puts(&trace.buf, "boot\n");
	rproc_trace_printf(&trace.buf, "tick %u of %d: 0x%08x %s%c\n", 7u, -3,
			   0xbeefu, "ok", '!');
	assert_int_equal(ring_text(text), trace.buf.head);
	assert_string_equal(text, "boot\ntick 7 of -3: 0x0000beef ok!\n");
}

/* After several wraps the ring holds exactly the newest RING bytes. */
static void test_wraps(void **state)
{
	char expect[64 * 1024], text[RING + 1];
	size_t len = 0;

	for (unsigned i = 0; i < 500; i++) {
		char line[64];
		int n = snprintf(line, sizeof(line), "line %u value %u\n", i,
				 i * 2654435761u);

		rproc_trace_printf(&trace.buf, "line %u value %u\n", i,
				   i * 2654435761u);
		memcpy(expect + len, line, (size_t)n);
		len += (size_t)n;
	}
	assert_int_equal(trace.buf.head, len);
	assert_int_equal(ring_text(text), RING);
	assert_memory_equal(text, expect + len - RING, RING);
}

/* A write longer than the ring keeps its last RING bytes. */
static void test_long_write(void **state)
{
	char big[3 * RING + 5], text[RING + 1];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	rproc_trace_write(&trace.buf, big, sizeof(big));
	assert_int_equal(trace.buf.head, sizeof(big));
	ring_text(text);
	assert_memory_equal(text, big + sizeof(big) - RING, RING);
}

/* printf cuts at RPROC_TRACE_LINE_MAX, in one write. */
static void test_line_limit(void **state)
{
	char arg[300], text[RING + 1];

	memset(arg, 'x', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	rproc_trace_printf(&trace.buf, "%s", arg);
	assert_int_equal(trace.buf.head, RPROC_TRACE_LINE_MAX);
	ring_text(text);
	assert_int_equal(strspn(text, "x"), RPROC_TRACE_LINE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_header, setup),
		cmocka_unit_test_setup(test_rejects_odd_size, setup),
		cmocka_unit_test_setup(test_lines_in_order, setup),
		cmocka_unit_test_setup(test_wraps, setup),
		cmocka_unit_test_setup(test_long_write, setup),
		cmocka_unit_test_setup(test_line_limit, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
