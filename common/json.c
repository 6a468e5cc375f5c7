// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * json.c - streaming JSON output (RFC 8259).
 */
#include <inttypes.h>

#include "json.h"

void json_init(struct json_writer *j, FILE *f, bool pretty)
{
	*j = (struct json_writer){ .f = f, .pretty = pretty };
	j->first[0] = true;
}

static void indent(struct json_writer *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			/* Control bytes and the bytes of broken UTF-8 alike
			 * are escaped: firmware text is not trusted. */
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Separator, indentation and key before a value. */
static void member(struct json_writer *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_scope(struct json_writer *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_scope(struct json_writer *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void json_begin_object(struct json_writer *j, const char *key)
{
	open_scope(j, key, '{');
}

void json_end_object(struct json_writer *j)
{
	close_scope(j, '}');
}

void json_begin_array(struct json_writer *j, const char *key)
{
	open_scope(j, key, '[');
}

void json_end_array(struct json_writer *j)
{
	close_scope(j, ']');
}

void json_string(struct json_writer *j, const char *key, const char *value)
{
	if (!value) {
		json_null(j, key);
		return;
	}
	member(j, key);
	put_string(j->f, value);
}

void json_int(struct json_writer *j, const char *key, int64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, value);
}

void json_uint(struct json_writer *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void json_bool(struct json_writer *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json_writer *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_finish(struct json_writer *j)
{
	fputc('\n', j->f);
}
