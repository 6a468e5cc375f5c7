// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * trace_decode.c - the text of a remoteproc trace buffer, oldest first.
 *
 * The kernel neither specifies nor interprets what firmware writes into an
 * RSC_TRACE buffer: its debugfs file shows the bytes up to the first NUL,
 * which after a wrap is the newest text first, or only part of it. Each
 * firmware family keeps its ring differently, so each has a decoder here
 * that knows where that family's newest byte is:
 *
 *   rtrc           ours (trace_buffer.h): a header with a byte count
 *   zephyr-header  Zephyr ram_console with CONFIG_RAM_CONSOLE_HEADER: a
 *                  64-byte header holding an absolute write position
 *   zephyr         Zephyr ram_console: the write position is a static in
 *                  firmware RAM, outside the buffer (struct rpd_trace_state)
 *   st             STM32Cube openamp_log: a NUL after the newest character
 *   ti-sysmin      TI IPC SysMin: write index in the buffer's last 8 bytes
 *   text           plain NUL-terminated text
 *
 * A decoder never trusts the buffer: an index out of range is an error, and
 * where the bytes do not say enough (a full ring without its position) the
 * text is returned as is with a caveat saying so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core_format.h"
#include "rproc/rprocdump.h"
#include "rproc/trace_buffer.h"
#include "util.h"

#define RTRC_HEADER_SIZE 16

/* Zephyr's ram_console.h: flag_string[12], then buf_addr, buf_size, pos. */
#define ZEPHYR_HEADER_SIZE 64
#define ZEPHYR_HEADER_FLAG "RAM_CONSOLE"

/* TI SysMin: "Last 8 bytes are used for writeIdx/readIdx fields". */
#define SYSMIN_INDEX_SIZE 8

static const char *const format_names[] = {
	[RPD_TRACE_FORMAT_AUTO] = "auto",
	[RPD_TRACE_FORMAT_RTRC] = "rtrc",
	[RPD_TRACE_FORMAT_TEXT] = "text",
	[RPD_TRACE_FORMAT_ST] = "st",
	[RPD_TRACE_FORMAT_TI_SYSMIN] = "ti-sysmin",
	[RPD_TRACE_FORMAT_ZEPHYR] = "zephyr",
	[RPD_TRACE_FORMAT_ZEPHYR_HEADER] = "zephyr-header",
};

const char *rpd_trace_format_name(uint32_t format)
{
	return format < ARRAY_SIZE(format_names) ? format_names[format] : NULL;
}

int rpd_trace_format_parse(const char *name, enum rpd_trace_format *format)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (!strcmp(name, format_names[i])) {
			*format = (enum rpd_trace_format)i;
			return 0;
		}
	}
	return rpd_fail(-EINVAL,
			"unknown trace format '%s' (auto, rtrc, text, st, "
			"ti-sysmin, zephyr, zephyr-header)",
			name);
}

/*
 * What a decoder found: the text is @older followed by @newer, two spans
 * of the buffer, because every ring splits its text at the write position.
 */
struct decoded {
	const uint8_t *older;
	size_t older_len;
	const uint8_t *newer;
	size_t newer_len;
	bool wrapped;
	bool lost_known;
	uint64_t lost;
	const char *caveat;
};

static void set_linear(struct decoded *d, const uint8_t *p, size_t n)
{
	d->older = NULL;
	d->older_len = 0;
	d->newer = p;
	d->newer_len = n;
}

/* A ring of @size bytes at @data whose oldest byte is at @start. */
static void set_ring(struct decoded *d, const uint8_t *data, size_t size,
		     size_t start)
{
	d->older = data + start;
	d->older_len = size - start;
	d->newer = data;
	d->newer_len = start;
	d->wrapped = true;
}

static size_t nul_index(const uint8_t *p, size_t n)
{
	const uint8_t *z = memchr(p, 0, n);

	return z ? (size_t)(z - p) : n;
}

/* ---- rtrc: rprocdump's own ring ---- */

static int decode_rtrc(const uint8_t *buf, size_t len, struct decoded *d)
{
	uint32_t size, head, hsize;

	if (len < RTRC_HEADER_SIZE)
		return rpd_fail(-EBADMSG,
				"rtrc: %zu bytes, less than the 16-byte header",
				len);
	if (get_le32(buf) != RPROC_TRACE_MAGIC)
		return rpd_fail(-EBADMSG, "rtrc: no RTRC magic (0x%08x)",
				get_le32(buf));
	if (get_le16(buf + 4) != RPROC_TRACE_VERSION)
		return rpd_fail(-EBADMSG, "rtrc: unknown version %u",
				get_le16(buf + 4));
	hsize = get_le16(buf + 6);
	size = get_le32(buf + 8);
	head = get_le32(buf + 12);
	if (hsize < RTRC_HEADER_SIZE)
		return rpd_fail(-EBADMSG, "rtrc: header size %u below 16",
				hsize);
	if (!size || (size & (size - 1)))
		return rpd_fail(-EBADMSG,
				"rtrc: ring size %u is not a power of two",
				size);
	if (!range_within(hsize, size, len))
		return rpd_fail(
			-EBADMSG,
			"rtrc: header %u + ring %u bytes exceed the %zu-byte buffer",
			hsize, size, len);

	if (head <= size) {
		set_linear(d, buf + hsize, head);
		return 0;
	}
	set_ring(d, buf + hsize, size, head & (size - 1));
	/* head counts modulo 2^32: after 4 GiB of text this is a lower bound. */
	d->lost_known = true;
	d->lost = head - size;
	return 0;
}

/* ---- Zephyr ram_console with CONFIG_RAM_CONSOLE_HEADER ---- */

/*
 * Finds buf_size and pos in the header. They follow a pointer, so their
 * offsets depend on the firmware's word size: 16/20 on 32-bit cores, 24/32
 * on 64-bit ones. The 32-bit layout is tried first; a size that fits the
 * buffer decides.
 */
static int zephyr_header_fields(const uint8_t *buf, size_t len, uint64_t *size,
				uint32_t *pos)
{
	uint64_t room = len - ZEPHYR_HEADER_SIZE;
	uint32_t size32 = get_le32(buf + 16);
	uint64_t size64 = get_le64(buf + 24);

	if (size32 && size32 <= room) {
		*size = size32;
		*pos = get_le32(buf + 20);
		return 0;
	}
	if (size64 && size64 <= room) {
		*size = size64;
		*pos = get_le32(buf + 32);
		return 0;
	}
	return rpd_fail(-EBADMSG,
			"zephyr-header: buffer size %u does not fit in the "
			"%llu bytes after the header",
			size32, (unsigned long long)room);
}

static int decode_zephyr_header(const uint8_t *buf, size_t len,
				struct decoded *d)
{
	const uint8_t *data = buf + ZEPHYR_HEADER_SIZE;
	uint64_t size = 0;
	uint32_t pos = 0;
	int r;

	if (len < ZEPHYR_HEADER_SIZE)
		return rpd_fail(
			-EBADMSG,
			"zephyr-header: %zu bytes, less than the 64-byte header",
			len);
	if (memcmp(buf, ZEPHYR_HEADER_FLAG, sizeof(ZEPHYR_HEADER_FLAG)))
		return rpd_fail(
			-EBADMSG,
			"zephyr-header: no \"RAM_CONSOLE\" flag string");
	r = zephyr_header_fields(buf, len, &size, &pos);
	if (r < 0)
		return r;

	/* pos counts every character ever written: no wrap before size. */
	if (pos <= size) {
		set_linear(d, data, pos);
		return 0;
	}
	set_ring(d, data, size, pos % size);
	d->lost_known = true;
	d->lost = pos - size;
	return 0;
}

/* ---- Zephyr ram_console: pos = (pos + 1) % (SIZE - 1) ---- */

static int decode_zephyr(const uint8_t *buf, size_t len,
			 const struct rpd_trace_state *state, struct decoded *d)
{
	/* The last byte stays NUL: characters go to buf[0 .. SIZE - 2]. */
	size_t ring = len ? len - 1 : 0;
	bool full = ring && buf[ring - 1];
	uint32_t pos;

	if (!state || !state->have_zephyr_pos) {
		set_linear(d, buf, nul_index(buf, ring));
		if (full)
			d->caveat = "the ring is full and its write position "
				    "(ram_console.c's pos) is unknown: the "
				    "newest text may come first";
		return 0;
	}

	pos = state->zephyr_pos;
	if (pos >= ring)
		return rpd_fail(
			-EBADMSG,
			"zephyr: write position %u is outside the %zu-byte ring",
			pos, ring);
	/* .bss starts zeroed: until the ring fills, it ends at pos. */
	if (!full) {
		set_linear(d, buf, pos);
		return 0;
	}
	set_ring(d, buf, ring, pos);
	return 0;
}

/* ---- ST openamp_log: buf[offset] = ch; buf[offset + 1] = '\0' ---- */

static void decode_st(const uint8_t *buf, size_t len, struct decoded *d)
{
	size_t newest_end = nul_index(buf, len);
	size_t older_start, older_len;

	if (newest_end == len) {
		set_linear(d, buf, len);
		d->caveat =
			"no NUL in the buffer: not written by ST's log_buff";
		return;
	}
	/*
	 * The writer's NUL marks the newest end; what follows it, up to the
	 * NUL it left at the end of the buffer on its previous pass, is
	 * older text. A buffer that never wrapped has only zeros there.
	 */
	older_start = newest_end + 1;
	older_len = nul_index(buf + older_start, len - older_start);
	d->older = buf + older_start;
	d->older_len = older_len;
	d->newer = buf;
	d->newer_len = newest_end;
	d->wrapped = older_len > 0;
}

/* ---- plain NUL-terminated text ---- */

static void decode_text(const uint8_t *buf, size_t len, struct decoded *d)
{
	size_t n = nul_index(buf, len);

	set_linear(d, buf, n);
	if (n == len)
		d->caveat = "no NUL terminator: the whole buffer is shown";
	else if (len && n == len - 1)
		d->caveat = "the buffer is full: if the firmware writes it "
			    "as a ring, the newest text may come first";
}

/* ---- TI SysMin ---- */

/* Where the line starting at @p ends, after its '\n'; @n if it does not. */
static size_t line_end(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n);

	return nl ? (size_t)(nl - p) + 1 : n;
}

/*
 * SysMin copies a whole line into the ring and then sets writeidx, but it
 * writes the "[sec.usec] " stamp of the next line as soon as that line's
 * first character arrives: after a wrap, the bytes right after writeidx
 * may be that stamp over older text. The oldest line is also cut by the
 * wrap itself, so the text starts at the first complete line.
 */
static void drop_oldest_partial_line(struct decoded *d)
{
	const uint8_t *nl = memchr(d->older, '\n', d->older_len);
	size_t skip;

	if (nl) {
		skip = (size_t)(nl - d->older) + 1;
		d->older += skip;
		d->older_len -= skip;
		return;
	}
	skip = line_end(d->newer, d->newer_len);
	d->older_len = 0;
	d->newer += skip;
	d->newer_len -= skip;
}

static int decode_ti_sysmin(const uint8_t *buf, size_t len, struct decoded *d)
{
	size_t size = len > SYSMIN_INDEX_SIZE ? len - SYSMIN_INDEX_SIZE : 0;
	uint32_t writeidx;

	if (!size)
		return rpd_fail(
			-EBADMSG,
			"ti-sysmin: %zu bytes leave no room for text before the indices",
			len);
	writeidx = get_le32(buf + size);
	if (writeidx >= size)
		return rpd_fail(
			-EBADMSG,
			"ti-sysmin: write index %u is outside the %zu-byte ring",
			writeidx, size);
	/* The ring starts zeroed and SysMin never writes a NUL. */
	if (!buf[size - 1]) {
		set_linear(d, buf, writeidx);
		return 0;
	}
	set_ring(d, buf, size, writeidx);
	drop_oldest_partial_line(d);
	return 0;
}

/* ---- detection ---- */

/* "[", optional spaces, digits, ".", digits, "] ": SysMin's line stamp. */
static bool is_sysmin_stamp(const uint8_t *p, size_t n)
{
	size_t i = 0, digits;

	if (i >= n || p[i++] != '[')
		return false;
	while (i < n && p[i] == ' ')
		i++;
	for (int part = 0; part < 2; part++) {
		for (digits = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			digits++;
		if (!digits || i >= n || p[i++] != (part ? ']' : '.'))
			return false;
	}
	return i < n && p[i] == ' ';
}

static bool looks_like_sysmin(const uint8_t *buf, size_t len)
{
	size_t size, first;
	uint32_t writeidx, readidx;

	if (len <= SYSMIN_INDEX_SIZE)
		return false;
	size = len - SYSMIN_INDEX_SIZE;
	writeidx = get_le32(buf + size);
	readidx = get_le32(buf + size + 4);
	if (writeidx >= size || readidx > size)
		return false;
	/* Text ends at writeidx (which returns to 0 when a line ends the
	 * ring exactly); the first line after a wrap may be cut. */
	if (!buf[writeidx ? writeidx - 1 : size - 1])
		return false;
	first = buf[size - 1] ? line_end(buf, size) : 0;
	return is_sysmin_stamp(buf + first, size - first);
}

/*
 * The rules, in order, with their limits:
 *  - "RTRC" magic: ours;
 *  - "RAM_CONSOLE" and its NUL at offset 0: Zephyr with header;
 *  - the caller knows ram_console.c's pos: Zephyr;
 *  - a plausible write index (inside the ring, just after text) and read
 *    index in the last 8 bytes, and the first complete line starting with
 *    a "[sec.usec] " stamp: TI SysMin;
 *  - text after the first NUL: ST after a wrap (Zephyr's ring never has a
 *    NUL inside; a plain text buffer has only zeros after its end);
 *  - otherwise plain text, which is also how ST and Zephyr buffers that
 *    never wrapped read, but not a full Zephyr ring without its pos.
 */
static enum rpd_trace_format detect(const uint8_t *buf, size_t len,
				    const struct rpd_trace_state *state)
{
	size_t nul;

	if (len >= RTRC_HEADER_SIZE && get_le32(buf) == RPROC_TRACE_MAGIC)
		return RPD_TRACE_FORMAT_RTRC;
	if (len >= ZEPHYR_HEADER_SIZE &&
	    !memcmp(buf, ZEPHYR_HEADER_FLAG, sizeof(ZEPHYR_HEADER_FLAG)))
		return RPD_TRACE_FORMAT_ZEPHYR_HEADER;
	if (state && state->have_zephyr_pos)
		return RPD_TRACE_FORMAT_ZEPHYR;
	if (looks_like_sysmin(buf, len))
		return RPD_TRACE_FORMAT_TI_SYSMIN;
	nul = nul_index(buf, len);
	if (nul + 1 < len && !is_all_zero(buf + nul + 1, len - nul - 1))
		return RPD_TRACE_FORMAT_ST;
	return RPD_TRACE_FORMAT_TEXT;
}

/* ---- result ---- */

static int text_new(const struct decoded *d, enum rpd_trace_format format,
		    bool detected, struct rpd_trace_text **out)
{
	size_t len = d->older_len + d->newer_len;
	struct rpd_trace_text *t = malloc(sizeof(*t) + len + 1);

	if (!t)
		return rpd_fail(-ENOMEM, "trace: out of memory for %zu bytes",
				len);
	*t = (struct rpd_trace_text){
		.format = format,
		.detected = detected,
		.wrapped = d->wrapped,
		.lost_known = d->lost_known,
		.lost = d->lost,
		.caveat = d->caveat,
		.len = len,
	};
	if (d->older_len)
		memcpy(t->text, d->older, d->older_len);
	if (d->newer_len)
		memcpy(t->text + d->older_len, d->newer, d->newer_len);
	t->text[len] = '\0';
	*out = t;
	return 0;
}

/**
 * rpd_trace_decode() - the text of a trace buffer, oldest byte first
 * @buf: the buffer's bytes, as dumped
 * @len: their number (the RSC_TRACE entry's len)
 * @format: how to read them, or RPD_TRACE_FORMAT_AUTO to detect it
 * @state: what the format keeps outside the buffer, or NULL
 * @out: the text, to be freed with rpd_trace_text_free()
 *
 * Return: 0, -EBADMSG when the buffer's own indices or header cannot be
 * right for @format, -EINVAL for an unknown format, -ENOMEM.
 */
int rpd_trace_decode(const void *buf, size_t len, enum rpd_trace_format format,
		     const struct rpd_trace_state *state,
		     struct rpd_trace_text **out)
{
	static const uint8_t empty[1];
	const uint8_t *b = len ? buf : empty;
	struct decoded d = { 0 };
	bool detected = format == RPD_TRACE_FORMAT_AUTO;
	int r = 0;

	if (detected)
		format = detect(b, len, state);

	switch (format) {
	case RPD_TRACE_FORMAT_RTRC:
		r = decode_rtrc(b, len, &d);
		break;
	case RPD_TRACE_FORMAT_ZEPHYR_HEADER:
		r = decode_zephyr_header(b, len, &d);
		break;
	case RPD_TRACE_FORMAT_ZEPHYR:
		r = decode_zephyr(b, len, state, &d);
		break;
	case RPD_TRACE_FORMAT_TI_SYSMIN:
		r = decode_ti_sysmin(b, len, &d);
		break;
	case RPD_TRACE_FORMAT_ST:
		decode_st(b, len, &d);
		break;
	case RPD_TRACE_FORMAT_TEXT:
		decode_text(b, len, &d);
		break;
	default:
		return rpd_fail(-EINVAL, "trace: unknown format %u",
				(unsigned int)format);
	}
	if (r < 0)
		return r;
	return text_new(&d, format, detected, out);
}

void rpd_trace_text_free(struct rpd_trace_text *text)
{
	free(text);
}

/* ---- the trace note of a stored core ---- */

static const struct rpd_note *trace_note(const struct rpd_core *core)
{
	return rpd_core_find_note(core, RPD_NOTE_OWNER, RPD_NT_TRACE, 0);
}

size_t rpd_core_ntraces(const struct rpd_core *core)
{
	const struct rpd_note *note = trace_note(core);

	return note ? note->descsz / RPD_TRACE_ENTRY_SIZE : 0;
}

int rpd_core_trace(const struct rpd_core *core, size_t i,
		   struct rpd_trace_desc *desc, uint32_t *format)
{
	const struct rpd_note *note = trace_note(core);
	struct rpd_trace_entry e;

	if (i >= rpd_core_ntraces(core))
		return rpd_fail(-ENOENT, "core has no trace buffer %zu", i);
	rpd_trace_entry_decode(
		(const uint8_t *)note->desc + i * RPD_TRACE_ENTRY_SIZE, &e);
	desc->da = e.da;
	desc->len = e.len;
	memcpy(desc->name, e.name, sizeof(desc->name));
	*format = e.format;
	return 0;
}
