// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_trace_decode.c - rpd_trace_decode() on buffers written by the real
 * writer algorithms (tests/fixtures/trace_writers/, and our own firmware
 * writer, formats/firmware/rproc_trace.c, built for the host), empty,
 * partly filled, exactly full and wrapped several times, compared with
 * exactly the text given to the writer; and on corrupt indices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rproc/rprocdump.h"
#include "rproc_trace.h"
#include "testutil.h"
#include "trace_writers.h"
#include "util.h"

/* ---- the text given to a writer ---- */

struct stream {
	char *p;
	size_t len, cap;
	size_t flushed; /* SysMin: bytes up to the last complete line */
};

static void stream_put(struct stream *s, char ch)
{
	if (s->len == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	s->p[s->len++] = ch;
}

/* Log-like lines of varying length, the same for every run. */
static void make_text(struct stream *s, size_t len)
{
	unsigned int seed = 7, line = 0;

	while (s->len < len) {
		char head[32];
		int n = snprintf(head, sizeof(head), "line %u: ", line++);

		for (int i = 0; i < n && s->len < len; i++)
			stream_put(s, head[i]);
		seed = seed * 1103515245u + 12345u;
		for (unsigned int i = 0;
		     i < 5 + (seed >> 16) % 40 && s->len < len; i++)
			stream_put(s, (char)('a' + (i + line) % 26));
		if (s->len < len)
			stream_put(s, '\n');
	}
}

static struct rpd_trace_text *decode(const void *buf, size_t len,
				     enum rpd_trace_format format,
				     const struct rpd_trace_state *state)
{
	struct rpd_trace_text *t = NULL;
	int r = rpd_trace_decode(buf, len, format, state, &t);

	if (r < 0)
		fail_msg("decode: %s", rpd_error());
	return t;
}

/* The decoded text must be the last @keep bytes of @s, exactly. */
static void assert_tail(const struct rpd_trace_text *t, const struct stream *s,
			size_t end, size_t keep)
{
	size_t want = keep < end ? keep : end;

	assert_int_equal(t->len, want);
	if (want)
		assert_memory_equal(t->text, s->p + end - want, want);
	assert_int_equal(t->text[t->len], '\0');
}

/* Lengths that leave a buffer of ring size n empty, part filled, exactly
 * full and wrapped several times. */
static size_t lengths(size_t n, size_t out[4])
{
	out[0] = 0;
	out[1] = n / 3;
	out[2] = n;
	out[3] = 4 * n + n / 5;
	return 4;
}

/* ---- ours: formats/firmware/rproc_trace.c ---- */

#define RTRC_RING 256

static void test_rtrc(void **state)
{
	RPROC_TRACE_BUFFER_TYPE(rtrc_storage, RTRC_RING) tb;
	size_t len[4];

	for (size_t i = 0; i < lengths(RTRC_RING, len); i++) {
		struct stream s = { 0 };
		struct rpd_trace_text *t;

		make_text(&s, len[i]);
		assert_int_equal(rproc_trace_init(&tb.buf, RTRC_RING), 0);
		/* In pieces, as printf calls would write them. */
		for (size_t off = 0; off < s.len; off += 37)
			rproc_trace_write(&tb.buf, s.p + off,
					  (uint32_t)MIN(37, s.len - off));

		t = decode(&tb, sizeof(tb), RPD_TRACE_FORMAT_AUTO, NULL);
		assert_int_equal(t->format, RPD_TRACE_FORMAT_RTRC);
		assert_true(t->detected);
		assert_tail(t, &s, s.len, RTRC_RING);
		assert_int_equal(t->wrapped, s.len > RTRC_RING);
		if (t->wrapped) {
			assert_true(t->lost_known);
			assert_int_equal(t->lost, s.len - RTRC_RING);
		}
		assert_null(t->caveat);
		rpd_trace_text_free(t);
		free(s.p);
	}
}

static void test_rtrc_corrupt(void **state)
{
	RPROC_TRACE_BUFFER_TYPE(rtrc_storage, RTRC_RING) tb;
	struct rpd_trace_text *t = NULL;

	assert_int_equal(rproc_trace_init(&tb.buf, RTRC_RING), 0);
	tb.buf.size = 3 * RTRC_RING;
	test_assert_error(rpd_trace_decode(&tb, sizeof(tb),
					   RPD_TRACE_FORMAT_AUTO, NULL, &t),
			  -EBADMSG, "not a power of two");
	tb.buf.size = 2 * RTRC_RING;
	test_assert_error(rpd_trace_decode(&tb, sizeof(tb),
					   RPD_TRACE_FORMAT_AUTO, NULL, &t),
			  -EBADMSG, "exceed");
	tb.buf.size = RTRC_RING;
	tb.buf.header_size = 4;
	test_assert_error(rpd_trace_decode(&tb, sizeof(tb),
					   RPD_TRACE_FORMAT_RTRC, NULL, &t),
			  -EBADMSG, "header size");
	test_assert_error(rpd_trace_decode(&tb, 10, RPD_TRACE_FORMAT_RTRC, NULL,
					   &t),
			  -EBADMSG, "less than the 16-byte header");
	assert_null(t);
}

/* ---- Zephyr ram_console ---- */

#define ZEPHYR_SIZE 200

static void test_zephyr(void **state)
{
	char buf[ZEPHYR_SIZE];
	size_t len[4];

	for (size_t i = 0; i < lengths(ZEPHYR_SIZE - 1, len); i++) {
		struct zephyr_console c;
		struct stream s = { 0 };
		struct rpd_trace_state st;
		struct rpd_trace_text *t;

		make_text(&s, len[i]);
		zephyr_console_init(&c, buf, sizeof(buf));
		for (size_t k = 0; k < s.len; k++)
			zephyr_console_out(&c, s.p[k]);
		st = (struct rpd_trace_state){ .have_zephyr_pos = true,
					       .zephyr_pos = (uint32_t)c.pos };

		t = decode(buf, sizeof(buf), RPD_TRACE_FORMAT_AUTO, &st);
		assert_int_equal(t->format, RPD_TRACE_FORMAT_ZEPHYR);
		assert_tail(t, &s, s.len, ZEPHYR_SIZE - 1);
		assert_int_equal(t->wrapped, s.len >= ZEPHYR_SIZE - 1);
		assert_null(t->caveat);
		rpd_trace_text_free(t);

		/* Without pos, only a ring that never filled reads right. */
		t = decode(buf, sizeof(buf), RPD_TRACE_FORMAT_ZEPHYR, NULL);
		if (s.len < ZEPHYR_SIZE - 1) {
			assert_tail(t, &s, s.len, s.len);
			assert_null(t->caveat);
		} else {
			assert_non_null(strstr(t->caveat, "unknown"));
		}
		rpd_trace_text_free(t);
		free(s.p);
	}
}

static void test_zephyr_corrupt(void **state)
{
	char buf[ZEPHYR_SIZE] = { 0 };
	struct rpd_trace_state st = { .have_zephyr_pos = true,
				      .zephyr_pos = ZEPHYR_SIZE - 1 };
	struct rpd_trace_text *t = NULL;

	test_assert_error(rpd_trace_decode(buf, sizeof(buf),
					   RPD_TRACE_FORMAT_ZEPHYR, &st, &t),
			  -EBADMSG, "outside the 199-byte ring");
	st.zephyr_pos = UINT32_MAX;
	test_assert_error(rpd_trace_decode(buf, sizeof(buf),
					   RPD_TRACE_FORMAT_AUTO, &st, &t),
			  -EBADMSG, "write position 4294967295");
	assert_null(t);
}

/* ---- Zephyr ram_console with header ---- */

#define ZEPHYR_HDR_SIZE 300
#define ZEPHYR_HDR_RING (ZEPHYR_HDR_SIZE - 1 - 64)

static void test_zephyr_header(void **state)
{
	uint8_t mem[ZEPHYR_HDR_SIZE];
	size_t len[4];

	for (unsigned int word = 4; word <= 8; word += 4) {
		for (size_t i = 0; i < lengths(ZEPHYR_HDR_RING, len); i++) {
			struct zephyr_header_console c;
			struct stream s = { 0 };
			struct rpd_trace_text *t;

			make_text(&s, len[i]);
			zephyr_header_console_init(&c, mem, sizeof(mem), word);
			for (size_t k = 0; k < s.len; k++)
				zephyr_header_console_out(&c, s.p[k]);

			t = decode(mem, sizeof(mem), RPD_TRACE_FORMAT_AUTO,
				   NULL);
			assert_int_equal(t->format,
					 RPD_TRACE_FORMAT_ZEPHYR_HEADER);
			assert_tail(t, &s, s.len, ZEPHYR_HDR_RING);
			assert_int_equal(t->wrapped, s.len > ZEPHYR_HDR_RING);
			if (t->wrapped)
				assert_int_equal(t->lost,
						 s.len - ZEPHYR_HDR_RING);
			rpd_trace_text_free(t);
			free(s.p);
		}
	}
}

static void test_zephyr_header_corrupt(void **state)
{
	uint8_t mem[ZEPHYR_HDR_SIZE];
	struct zephyr_header_console c;
	struct rpd_trace_text *t = NULL;

	zephyr_header_console_init(&c, mem, sizeof(mem), 4);
	mem[16] = 0xff; /* buf_size beyond the buffer */
	mem[17] = 0xff;
	test_assert_error(rpd_trace_decode(mem, sizeof(mem),
					   RPD_TRACE_FORMAT_AUTO, NULL, &t),
			  -EBADMSG, "does not fit");
	test_assert_error(rpd_trace_decode(mem, 40,
					   RPD_TRACE_FORMAT_ZEPHYR_HEADER, NULL,
					   &t),
			  -EBADMSG, "64-byte header");
	assert_null(t);
}

/* ---- ST openamp_log ---- */

#define ST_SZ 128

static void test_st(void **state)
{
	char buf[ST_SZ];
	size_t len[4];

	for (size_t i = 0; i < lengths(ST_SZ - 1, len); i++) {
		struct st_log l;
		struct stream s = { 0 };
		struct rpd_trace_text *t;
		size_t keep;

		make_text(&s, len[i]);
		st_log_init(&l, buf, sizeof(buf));
		for (size_t k = 0; k < s.len; k++)
			st_log_buff(&l, s.p[k]);
		/* After a wrap the NUL after the newest character took one
		 * older character, unless the pass just completed. */
		keep = s.len < ST_SZ || l.offset == ST_SZ - 1 ? ST_SZ - 1 :
								ST_SZ - 2;

		t = decode(buf, sizeof(buf), RPD_TRACE_FORMAT_ST, NULL);
		assert_tail(t, &s, s.len, keep);
		rpd_trace_text_free(t);

		/* Detected as ST once wrapped; as text, which reads the same,
		 * before. */
		t = decode(buf, sizeof(buf), RPD_TRACE_FORMAT_AUTO, NULL);
		assert_int_equal(t->format, keep == ST_SZ - 2 ?
						    RPD_TRACE_FORMAT_ST :
						    RPD_TRACE_FORMAT_TEXT);
		assert_tail(t, &s, s.len, keep);
		rpd_trace_text_free(t);
		free(s.p);
	}
}

/* ---- TI SysMin ---- */

#define SYSMIN_SIZE 512
#define SYSMIN_RING (SYSMIN_SIZE - 8)

static void sysmin_observe(void *ctx, char ch, int line_done)
{
	struct stream *s = ctx;

	stream_put(s, ch);
	if (line_done)
		s->flushed = s->len;
}

/* What the ring holds of the complete lines, from the first whole one. */
static size_t sysmin_expected_start(const struct stream *out)
{
	size_t pending = out->len - out->flushed;
	size_t kept = SYSMIN_RING - pending;
	size_t start;
	const char *nl;

	if (out->len < SYSMIN_RING)
		return 0;
	start = out->flushed - kept;
	nl = memchr(out->p + start, '\n', kept);
	assert_non_null(nl);
	return (size_t)(nl - out->p) + 1;
}

static void sysmin_run(const struct stream *in, struct stream *out,
		       uint8_t *mem)
{
	struct ti_sysmin s;

	ti_sysmin_init(&s, mem, SYSMIN_SIZE, 1000);
	s.observe = sysmin_observe;
	s.observe_ctx = out;
	for (size_t k = 0; k < in->len; k++) {
		ti_sysmin_putch(&s, in->p[k]);
		s.ticks += 3;
	}
}

static void test_ti_sysmin(void **state)
{
	uint8_t mem[SYSMIN_SIZE];
	size_t sizes[] = { 0, 150, 420, 5 * SYSMIN_RING };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct stream in = { 0 }, out = { 0 };
		struct rpd_trace_text *t;
		size_t start;

		make_text(&in, sizes[i]);
		sysmin_run(&in, &out, mem);
		start = sysmin_expected_start(&out);

		t = decode(mem, sizeof(mem), RPD_TRACE_FORMAT_TI_SYSMIN, NULL);
		assert_int_equal(t->wrapped, out.len >= SYSMIN_RING);
		assert_tail(t, &out, out.flushed, out.flushed - start);
		rpd_trace_text_free(t);

		t = decode(mem, sizeof(mem), RPD_TRACE_FORMAT_AUTO, NULL);
		if (out.flushed)
			assert_int_equal(t->format, RPD_TRACE_FORMAT_TI_SYSMIN);
		assert_tail(t, &out, out.flushed, out.flushed - start);
		rpd_trace_text_free(t);
		free(in.p);
		free(out.p);
	}
}

/* A ring filled to its last byte by whole lines. */
static void test_ti_sysmin_exactly_full(void **state)
{
	uint8_t mem[SYSMIN_SIZE];
	struct stream in = { 0 }, out = { 0 };
	struct rpd_trace_text *t;
	size_t stamp = strlen("[      0.000] ");

	/* Lines of 30 ("...\n"), then one that ends the ring exactly. */
	while (out.len + 2 * (stamp + 30) <= SYSMIN_RING) {
		for (int k = 0; k < 29; k++)
			stream_put(&in, (char)('a' + k % 26));
		stream_put(&in, '\n');
		out.len += stamp + 30;
	}
	for (size_t k = out.len + stamp + 1; k < SYSMIN_RING; k++)
		stream_put(&in, 'z');
	stream_put(&in, '\n');
	out.len = 0;
	sysmin_run(&in, &out, mem);
	assert_int_equal(out.len, SYSMIN_RING);
	assert_int_equal(mem[SYSMIN_RING], 0); /* writeidx back to 0 */

	/* Exactly full reads as wrapped: its first line is dropped. */
	t = decode(mem, sizeof(mem), RPD_TRACE_FORMAT_AUTO, NULL);
	assert_int_equal(t->format, RPD_TRACE_FORMAT_TI_SYSMIN);
	assert_tail(t, &out, out.flushed,
		    out.flushed - sysmin_expected_start(&out));
	rpd_trace_text_free(t);
	free(in.p);
	free(out.p);
}

static void test_ti_sysmin_corrupt(void **state)
{
	uint8_t mem[SYSMIN_SIZE] = { 0 };
	struct rpd_trace_text *t = NULL;

	mem[SYSMIN_RING + 1] = 0x02; /* writeidx 512 */
	test_assert_error(rpd_trace_decode(mem, sizeof(mem),
					   RPD_TRACE_FORMAT_TI_SYSMIN, NULL,
					   &t),
			  -EBADMSG, "write index 512 is outside the 504-byte");
	test_assert_error(rpd_trace_decode(mem, 8, RPD_TRACE_FORMAT_TI_SYSMIN,
					   NULL, &t),
			  -EBADMSG, "no room");
	assert_null(t);
}

/* ---- plain text ---- */

#define PLAIN_SIZE 100

static void test_text(void **state)
{
	char buf[PLAIN_SIZE];
	size_t len[4];

	for (size_t i = 0; i < lengths(PLAIN_SIZE - 1, len); i++) {
		struct plain_log l;
		struct stream s = { 0 };
		struct rpd_trace_text *t;
		size_t kept;

		make_text(&s, len[i]);
		plain_log_init(&l, buf, sizeof(buf));
		for (size_t k = 0; k < s.len; k++)
			plain_log_putc(&l, s.p[k]);
		kept = MIN(s.len, PLAIN_SIZE - 1);

		t = decode(buf, sizeof(buf), RPD_TRACE_FORMAT_AUTO, NULL);
		assert_int_equal(t->format, RPD_TRACE_FORMAT_TEXT);
		/* The writer keeps the oldest text: the head of the stream. */
		assert_int_equal(t->len, kept);
		if (kept)
			assert_memory_equal(t->text, s.p, kept);
		assert_false(t->wrapped);
		assert_int_equal(t->caveat != NULL, kept == PLAIN_SIZE - 1);
		rpd_trace_text_free(t);
		free(s.p);
	}
}

/* Bytes that are not text pass through untouched, NULs excepted. */
static void test_text_without_nul(void **state)
{
	uint8_t buf[4] = { 'a', 0xff, '\n', 'b' };
	struct rpd_trace_text *t =
		decode(buf, sizeof(buf), RPD_TRACE_FORMAT_TEXT, NULL);

	assert_int_equal(t->len, 4);
	assert_memory_equal(t->text, buf, 4);
	assert_non_null(strstr(t->caveat, "no NUL"));
	rpd_trace_text_free(t);

	t = decode(NULL, 0, RPD_TRACE_FORMAT_AUTO, NULL);
	assert_int_equal(t->len, 0);
	rpd_trace_text_free(t);
}

static void test_format_names(void **state)
{
	enum rpd_trace_format f;

	for (uint32_t i = 0; i <= RPD_TRACE_FORMAT_ZEPHYR_HEADER; i++) {
		assert_int_equal(
			rpd_trace_format_parse(rpd_trace_format_name(i), &f),
			0);
		assert_int_equal(f, i);
	}
	assert_null(rpd_trace_format_name(7));
	test_assert_error(rpd_trace_format_parse("syslog", &f), -EINVAL,
			  "unknown trace format 'syslog'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtrc),
		cmocka_unit_test(test_rtrc_corrupt),
		cmocka_unit_test(test_zephyr),
		cmocka_unit_test(test_zephyr_corrupt),
		cmocka_unit_test(test_zephyr_header),
		cmocka_unit_test(test_zephyr_header_corrupt),
		cmocka_unit_test(test_st),
		cmocka_unit_test(test_ti_sysmin),
		cmocka_unit_test(test_ti_sysmin_exactly_full),
		cmocka_unit_test(test_ti_sysmin_corrupt),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_without_nul),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
