// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * trace.c - rproc-analyze trace: what the firmware logged before it
 * crashed, from every trace buffer of the core, oldest text first.
 *
 * The buffers' bytes come from the core at the addresses the trace note
 * lists; librprocdump decodes them (rpd_trace_decode). What a format keeps
 * outside its buffer comes from the firmware's RAM in the core: Zephyr's
 * ram_console write position, a static of ram_console.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "log.h"
#include "macro.h"
#include "term_escape.h"
#include "unaligned.h"
#include "verb_options.h"

/* More than any remote's trace buffer; bounds what a hostile note costs. */
#define TRACE_MAX_LEN (64u << 20)

#define ZEPHYR_POS_FILE "ram_console.c"
#define ZEPHYR_POS_SYMBOL "pos"

struct trace_args {
	const char *what;
	const char *pos_symbol; /* --zephyr-pos-symbol */
	long index;		/* --index, -1: all */
	enum rpd_trace_format format;
};

static int parse_trace_options(const struct analyze_options *o, int argc,
			       char **argv, struct trace_args *a)
{
	enum { OPT_INDEX = 256, OPT_POS_SYMBOL };
	static const struct option options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "zephyr-pos-symbol", required_argument, NULL,
		  OPT_POS_SYMBOL },
		{}
	};
	char *end;
	int c;

	*a = (struct trace_args){ .index = -1 };
	optind = 0;
	while ((c = verb_getopt(argc, argv, "", options)) != -1) {
		switch (c) {
		case OPT_INDEX:
			errno = 0;
			a->index = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || a->index < 0) {
				log_error("trace: invalid --index '%s'",
					  optarg);
				return -EINVAL;
			}
			break;
		case OPT_POS_SYMBOL:
			a->pos_symbol = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	if (argc - optind > 1) {
		log_error("trace: one CORE or MATCH at most");
		return -EINVAL;
	}
	a->what = optind < argc ? argv[optind] : NULL;
	if (o->trace_format &&
	    rpd_trace_format_parse(o->trace_format, &a->format) < 0) {
		log_error("trace: %s", rpd_error());
		return -EINVAL;
	}
	return 0;
}

/*
 * Where Zephyr's ram_console keeps its write position: --zephyr-pos-symbol,
 * else the "pos" that ram_console.c defines (other files have statics of
 * that name too). -ENOENT when the firmware has neither.
 */
static int zephyr_pos_address(const struct analyzed_core *ac,
			      const struct trace_args *a, uint64_t *addr)
{
	const struct rpd_symbol *sym;
	uint64_t size;
	int r;

	if (!ac->fw)
		return -ENOENT;
	if (a->pos_symbol) {
		r = rpd_firmware_symbol(ac->fw, a->pos_symbol, addr, &size);
		if (r < 0)
			log_warning("%s", rpd_error());
		return r;
	}
	r = rpd_firmware_symbol_in_file(ac->fw, ZEPHYR_POS_SYMBOL,
					ZEPHYR_POS_FILE, &sym);
	if (r < 0)
		return r;
	*addr = sym->addr;
	log_debug(
		"trace: Zephyr ram_console's write position is %s:%s at 0x%llx",
		sym->file, sym->name, (unsigned long long)sym->addr);
	return 0;
}

static void read_trace_state(const struct analyzed_core *ac,
			     const struct trace_args *a,
			     struct rpd_trace_state *state)
{
	uint8_t pos[4];
	uint64_t addr;

	*state = (struct rpd_trace_state){ 0 };
	if (zephyr_pos_address(ac, a, &addr) < 0)
		return;
	if (rpd_core_read(ac->core, addr, pos, sizeof(pos)) < 0) {
		log_warning("ram_console write position at 0x%" PRIx64
			    " was not dumped: %s",
			    addr, rpd_error());
		return;
	}
	state->have_zephyr_pos = true;
	state->zephyr_pos = get_le32(pos);
}

/* The decoded text of buffer i, or NULL with the reason in *error. */
static struct rpd_trace_text *decode_buffer(const struct analyzed_core *ac,
					    const struct rpd_trace_desc *d,
					    uint32_t note_format,
					    const struct trace_args *a,
					    const struct rpd_trace_state *state,
					    char *error, size_t error_size)
{
	enum rpd_trace_format format = a->format;
	struct rpd_trace_text *text = NULL;
	uint8_t *buf;

	if (d->len > TRACE_MAX_LEN) {
		snprintf(error, error_size,
			 "%" PRIu64 " bytes: too large for a trace buffer",
			 d->len);
		return NULL;
	}
	if (format == RPD_TRACE_FORMAT_AUTO &&
	    rpd_trace_format_name(note_format))
		format = (enum rpd_trace_format)note_format;
	log_debug("trace \"%s\": format %s (%s)", d->name,
		  rpd_trace_format_name(format),
		  a->format ? "--format" :
		  format    ? "the core's trace note" :
			      "detected from the bytes");
	buf = malloc(d->len ? d->len : 1);
	if (!buf) {
		snprintf(error, error_size, "out of memory");
		return NULL;
	}
	if (rpd_core_read(ac->core, d->da, buf, d->len) < 0)
		snprintf(error, error_size, "not dumped: %s", rpd_error());
	else if (rpd_trace_decode(buf, d->len, format, state, &text) < 0)
		snprintf(error, error_size, "%s", rpd_error());
	free(buf);
	return text;
}

static void print_header(FILE *f, size_t i, const struct rpd_trace_desc *d,
			 const struct rpd_trace_text *t, const char *error)
{
	fprintf(f, "-- trace %zu \"", i);
	term_fputs(d->name, f);
	fprintf(f, "\" at 0x%" PRIx64 ", %" PRIu64 " bytes", d->da, d->len);
	if (!t) {
		fputs(": ", f);
		term_fputs(error, f);
		fputc('\n', f);
		return;
	}
	fprintf(f, ": %s%s", rpd_trace_format_name(t->format),
		t->detected ? " (detected)" : "");
	if (t->wrapped && t->lost_known)
		fprintf(f, ", wrapped, %" PRIu64 " bytes lost", t->lost);
	else if (t->wrapped)
		fprintf(f, ", wrapped");
	fprintf(f, "\n");
	if (t->caveat) {
		fputs("-- best effort: ", f);
		term_fputs(t->caveat, f);
		fputc('\n', f);
	}
}

static void print_text(FILE *f, const char *escaped)
{
	size_t n = strlen(escaped);

	fputs(escaped, f);
	if (n && escaped[n - 1] != '\n')
		fputc('\n', f);
}

static void json_buffer(struct json_writer *j, const struct rpd_trace_desc *d,
			const struct rpd_trace_text *t, const char *escaped,
			const char *error)
{
	json_begin_object(j, NULL);
	json_string(j, "name", d->name);
	json_uint(j, "da", d->da);
	json_uint(j, "len", d->len);
	if (!t) {
		json_string(j, "error", error);
		json_end_object(j);
		return;
	}
	json_string(j, "format", rpd_trace_format_name(t->format));
	json_bool(j, "detected", t->detected);
	json_bool(j, "wrapped", t->wrapped);
	if (t->lost_known)
		json_uint(j, "lost", t->lost);
	else
		json_null(j, "lost");
	json_string(j, "caveat", t->caveat);
	json_string(j, "text", escaped);
	json_end_object(j);
}

/* Shows buffer i; returns false if it could not be read or decoded. */
static bool show_buffer(const struct analyzed_core *ac, size_t i,
			const struct trace_args *a,
			const struct rpd_trace_state *state, struct output *out)
{
	struct rpd_trace_desc d;
	struct rpd_trace_text *t;
	char error[512] = "";
	char *escaped = NULL;
	uint32_t note_format;

	if (rpd_core_trace(ac->core, i, &d, &note_format) < 0)
		return false;
	t = decode_buffer(ac, &d, note_format, a, state, error, sizeof(error));
	if (t) {
		escaped = term_escape_text(t->text, t->len);
		if (!escaped) {
			rpd_trace_text_free(t);
			t = NULL;
			snprintf(error, sizeof(error), "out of memory");
		}
	}
	if (out->is_json) {
		json_buffer(&out->json, &d, t, escaped, error);
	} else {
		print_header(out->f, i, &d, t, error);
		if (t)
			print_text(out->f, escaped);
	}
	if (!t)
		log_error("trace %zu (%s): %s", i, d.name, error);
	free(escaped);
	rpd_trace_text_free(t);
	return t != NULL;
}

int verb_trace(const struct analyze_options *o, struct output *out, int argc,
	       char **argv)
{
	_cleanup_(analyzed_core_close) struct analyzed_core ac = { 0 };
	struct trace_args a;
	struct rpd_trace_state state;
	size_t n, first, last;
	bool ok = true;
	int r;

	if (parse_trace_options(o, argc, argv, &a) < 0)
		return EXIT_ANALYZE_USAGE;
	r = analyzed_core_open_verb(o, a.what, &ac);
	if (r != EXIT_ANALYZE_OK)
		return r;

	n = rpd_core_ntraces(ac.core);
	if (a.index >= 0 && (size_t)a.index >= n) {
		log_error("%s: has %zu trace buffers, no index %ld", ac.path, n,
			  a.index);
		return EXIT_ANALYZE_ERROR;
	}
	first = a.index >= 0 ? (size_t)a.index : 0;
	last = a.index >= 0 ? first + 1 : n;
	read_trace_state(&ac, &a, &state);

	if (out->is_json) {
		json_begin_object(&out->json, NULL);
		json_begin_array(&out->json, "buffers");
	} else if (!n) {
		fprintf(out->f,
			"%s: no trace buffer (the firmware's resource "
			"table has no RSC_TRACE entry, or it was not "
			"known when the core was stored)\n",
			ac.path);
	}
	for (size_t i = first; i < last; i++)
		ok &= show_buffer(&ac, i, &a, &state, out);
	if (out->is_json) {
		json_end_array(&out->json);
		json_end_object(&out->json);
		json_finish(&out->json);
	}
	return ok ? EXIT_ANALYZE_OK : EXIT_ANALYZE_ERROR;
}
