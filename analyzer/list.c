// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * list.c - the "list" verb: the stored dumps, newest first, one per line,
 * as coredumpctl list shows the host's. A dump that cannot be read is a
 * line saying why, not a failure of the listing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "log.h"
#include "macro.h"
#include "term_escape.h"
#include "stored_dumps.h"
#include "string_util.h"
#include "verb_options.h"

struct list_filter {
	const char *match;
	const char *remote;
	const char *firmware;
	int64_t since, until;
};

/*
 * Parses a UTC time: "@SECONDS", "SECONDS", "YYYY-MM-DD", and that with
 * " HH:MM", " HH:MM:SS" or "THH:MM:SS" after it.
 */
static int parse_utc_time(const char *s, int64_t *t)
{
	static const char *const formats[] = {
		"%Y-%m-%d %H:%M:%S",
		"%Y-%m-%dT%H:%M:%S",
		"%Y-%m-%d %H:%M",
		"%Y-%m-%d",
	};
	char *end;

	if (*s == '@' || (*s >= '0' && *s <= '9' && !strchr(s, '-'))) {
		long long v;

		errno = 0;
		v = strtoll(s + (*s == '@'), &end, 10);
		if (!errno && end != s + (*s == '@') && !*end) {
			*t = v;
			return 0;
		}
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		struct tm tm = { 0 };

		end = strptime(s, formats[i], &tm);
		if (end &&
		    (!*end || !strcmp(end, "Z") || !strcmp(end, " UTC"))) {
			*t = timegm(&tm);
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_list_options(int argc, char **argv, struct list_filter *f)
{
	static const struct option options[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "remote", required_argument, NULL, 'r' },
		{}
	};
	int c;

	optind = 0;
	while ((c = verb_getopt(argc, argv, "S:U:r:", options)) != -1) {
		switch (c) {
		case 'S':
		case 'U':
			if (parse_utc_time(optarg, c == 'S' ? &f->since :
							      &f->until) < 0) {
				log_error(
					"invalid time '%s' (YYYY-MM-DD [HH:MM[:SS]] UTC, or @SECONDS)",
					optarg);
				return -EINVAL;
			}
			break;
		case 'r':
			f->remote = optarg;
			break;
		default:
			return -EINVAL; /* getopt said why */
		}
	}
	if (argc - optind > 1) {
		log_error("list: one MATCH at most, got '%s' and '%s'",
			  argv[optind], argv[optind + 1]);
		return -EINVAL;
	}
	f->match = optind < argc ? argv[optind] : NULL;
	return 0;
}

static bool dump_selected(const struct stored_dump *d,
			  const struct list_filter *f)
{
	if (f->match && !stored_dump_matches(d, f->match))
		return false;
	if (f->remote && (!d->remote || strcmp(d->remote, f->remote)))
		return false;
	if (f->firmware && (!d->firmware || (strcmp(d->firmware, f->firmware) &&
					     strcmp(base_name(d->firmware),
						    base_name(f->firmware)))))
		return false;
	return d->time >= f->since && d->time <= f->until;
}

static const char *corefile_state(const struct stored_dump *d)
{
	if (d->error)
		return "error";
	return d->truncated ? "truncated" : "complete";
}

/* "2026-01-31 12:00:00" for the table, ISO 8601 for JSON; UTC, as the
 * crash times stored. */
static void format_time(int64_t t, bool iso, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;

	if (gmtime_r(&tt, &tm))
		n = iso ? strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) :
			  strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	if (!n)
		snprintf(buf, size, "@%lld", (long long)t);
}

/* 1023B, 1.5K, 12M, 2.0G: the SIZE column. */
static void format_size(uint64_t n, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lluB", (unsigned long long)n);
	else
		snprintf(buf, size, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

enum {
	COL_TIME,
	COL_REMOTE,
	COL_FIRMWARE,
	COL_REASON,
	COL_SIZE,
	COL_STATE,
	COL_FILE,
	NCOLS
};

/* The strings from the core (and the file name) are escaped for the
 * terminal into owned[], which the caller frees with free_owned(). */
#define NOWNED 4
static void dump_columns(const struct stored_dump *d, char *time_buf,
			 char *size_buf, const char *cols[NCOLS],
			 char *owned[NOWNED])
{
	format_time(d->time, false, time_buf, 32);
	format_size(d->disk_size, size_buf, 16);
	owned[0] = term_escape(or_dash(d->remote));
	owned[1] = term_escape(or_dash(d->firmware));
	owned[2] = term_escape(or_dash(d->reason));
	owned[3] = term_escape(d->file);
	cols[COL_TIME] = time_buf;
	cols[COL_REMOTE] = owned[0] ?: "?";
	cols[COL_FIRMWARE] = owned[1] ?: "?";
	cols[COL_REASON] = owned[2] ?: "?";
	cols[COL_SIZE] = size_buf;
	cols[COL_STATE] = corefile_state(d);
	cols[COL_FILE] = owned[3] ?: "?";
}

static void free_owned(char *owned[NOWNED])
{
	for (int i = 0; i < NOWNED; i++)
		free(owned[i]);
}

static void print_table(FILE *f, const struct stored_dumps *s,
			const bool *selected)
{
	static const char *const heads[NCOLS] = { "TIME",     "REMOTE",
						  "FIRMWARE", "REASON",
						  "SIZE",     "COREFILE",
						  "FILE" };
	char time_buf[32], size_buf[16];
	const char *cols[NCOLS];
	char *owned[NOWNED];
	int width[NCOLS];

	for (int c = 0; c < NCOLS; c++)
		width[c] = (int)strlen(heads[c]);
	for (size_t i = 0; i < s->n; i++) {
		if (!selected[i])
			continue;
		dump_columns(&s->dumps[i], time_buf, size_buf, cols, owned);
		for (int c = 0; c < NCOLS; c++)
			width[c] = MAX(width[c], (int)strlen(cols[c]));
		free_owned(owned);
	}

	fprintf(f, "%-*s  %-*s  %-*s  %-*s  %*s  %-*s  %s\n", width[0],
		heads[0], width[1], heads[1], width[2], heads[2], width[3],
		heads[3], width[4], heads[4], width[5], heads[5], heads[6]);
	for (size_t i = 0; i < s->n; i++) {
		if (!selected[i])
			continue;
		dump_columns(&s->dumps[i], time_buf, size_buf, cols, owned);
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %*s  %-*s  %s", width[0],
			cols[0], width[1], cols[1], width[2], cols[2], width[3],
			cols[3], width[4], cols[4], width[5], cols[5], cols[6]);
		free_owned(owned);
		if (s->dumps[i].error) {
			fputs("  error: ", f);
			term_fputs(s->dumps[i].error, f);
		}
		fputc('\n', f);
	}
}

static void print_json(struct json_writer *j, const struct stored_dumps *s,
		       const bool *selected)
{
	char time_buf[32];

	json_begin_array(j, NULL);
	for (size_t i = 0; i < s->n; i++) {
		const struct stored_dump *d = &s->dumps[i];

		if (!selected[i])
			continue;
		format_time(d->time, true, time_buf, sizeof(time_buf));
		json_begin_object(j, NULL);
		json_int(j, "time", d->time);
		json_string(j, "time_utc", time_buf);
		json_string(j, "time_source",
			    d->time_from_note ? "crash_time" : "mtime");
		json_string(j, "remote", d->remote);
		json_string(j, "firmware", d->firmware);
		json_string(j, "reason", d->reason);
		json_string(j, "registers", d->registers);
		json_uint(j, "size", d->disk_size);
		if (d->error)
			json_null(j, "core_size");
		else
			json_uint(j, "core_size", d->core_size);
		json_string(j, "corefile", corefile_state(d));
		json_bool(j, "truncated", d->truncated);
		json_string(j, "file", d->path);
		json_string(j, "error", d->error);
		json_end_object(j);
	}
	json_end_array(j);
	json_finish(j);
}

int verb_list(const struct analyze_options *o, struct output *out, int argc,
	      char **argv)
{
	struct list_filter f = { .firmware = o->firmware,
				 .since = INT64_MIN,
				 .until = INT64_MAX };
	_cleanup_(stored_dumps_free) struct stored_dumps s = { 0 };
	_cleanup_free_ bool *selected = NULL;
	size_t nselected = 0;
	int r;

	if (parse_list_options(argc, argv, &f) < 0)
		return EXIT_ANALYZE_USAGE;
	r = stored_dumps_scan(o->store_dir, &s);
	if (r < 0)
		return r == -ENOENT ? EXIT_ANALYZE_NO_MATCH :
				      EXIT_ANALYZE_ERROR;
	selected = calloc(s.n + 1, sizeof(*selected));
	if (!selected) {
		log_oom();
		return EXIT_ANALYZE_ERROR;
	}
	for (size_t i = 0; i < s.n; i++)
		nselected += selected[i] = dump_selected(&s.dumps[i], &f);

	if (out->is_json)
		print_json(&out->json, &s, selected);
	else if (nselected)
		print_table(out->f, &s, selected);
	if (!nselected) {
		log_error(s.n ? "no dump in %s matches" :
				"no dump stored in %s",
			  o->store_dir);
		return EXIT_ANALYZE_NO_MATCH;
	}
	return EXIT_ANALYZE_OK;
}
