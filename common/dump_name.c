// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dump_name.c - making and reading the names of stored dumps.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dump_name.h"
#include "macro.h"
#include "string_util.h"

static const struct {
	const char *suffix;
	enum dump_kind kind;
	bool collected; /* rproc-collect names files so */
} suffixes[] = {
	{ ".core.gz", DUMP_KIND_CORE, true },
	{ ".core", DUMP_KIND_CORE, false }, /* an extracted core */
	{ ".devcd.gz", DUMP_KIND_RAW, true },
	{ ".devcd", DUMP_KIND_RAW, true },
};

void dump_name_sanitize(const char *name, char *out, size_t size)
{
	size_t n = 0;

	if (!name || !*name)
		name = "unknown";
	for (; *name && n + 1 < size && n < DUMP_NAME_FIELD_MAX; name++) {
		unsigned char c = (unsigned char)*name;

		out[n++] = isalnum(c) || c == '_' || c == '-' ? (char)c : '_';
	}
	out[n] = '\0';
}

/* The boot id's first 8 hex digits, or "00000000" if it has fewer. */
static void boot_prefix(const char *boot_id, char out[9])
{
	size_t n = 0;

	for (; boot_id && *boot_id && n < 8; boot_id++)
		if (isxdigit((unsigned char)*boot_id))
			out[n++] = (char)tolower((unsigned char)*boot_id);
	while (n < 8)
		out[n++] = '0';
	out[8] = '\0';
}

void dump_name_format(const char *remote, const char *firmware, time_t t,
		      const char *boot_id, char *out, size_t size)
{
	char r[DUMP_NAME_FIELD_MAX + 1], f[DUMP_NAME_FIELD_MAX + 1];
	char stamp[20], boot[9];
	struct tm tm;

	dump_name_sanitize(remote, r, sizeof(r));
	dump_name_sanitize(firmware, f, sizeof(f));
	if (!gmtime_r(&t, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		snprintf(stamp, sizeof(stamp), "00000000T000000Z");
	boot_prefix(boot_id, boot);
	snprintf(out, size, "%s.%s.%s.%s", r, f, stamp, boot);
}

/* The length of name before its suffix (0 for none), the kind, and
 * whether the collector writes files with that suffix. */
static size_t strip_suffix(const char *name, enum dump_kind *kind,
			   bool *collected)
{
	for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
		const char *p = endswith(name, suffixes[i].suffix);

		if (p && p != name) {
			*kind = suffixes[i].kind;
			*collected = suffixes[i].collected;
			return (size_t)(p - name);
		}
	}
	*kind = DUMP_KIND_NONE;
	*collected = false;
	return 0;
}

enum dump_kind dump_name_kind(const char *name)
{
	enum dump_kind kind;
	bool collected;

	if (name[0] == '.')
		return DUMP_KIND_NONE;
	strip_suffix(name, &kind, &collected);
	return kind;
}

static bool is_field(const char *s, size_t len)
{
	if (!len || len > DUMP_NAME_FIELD_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool parse_stamp(const char *s, size_t len, int64_t *t)
{
	struct tm tm = { 0 };
	const char *end;

	if (len != 16)
		return false;
	end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
	if (end != s + len)
		return false;
	*t = (int64_t)timegm(&tm);
	return true;
}

static bool parse_seq(const char *s, size_t len, unsigned *seq)
{
	unsigned v = 0;

	if (!len || len > 4 || *s == '0')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*seq = v;
	return v >= 2;
}

bool dump_name_parse(const char *name, struct dump_name *out)
{
	const char *field[6];
	size_t flen[6], nfields = 0;
	enum dump_kind kind;
	bool collected;
	size_t len = strip_suffix(name, &kind, &collected);
	const char *p = name, *end = name + len;

	if (!len || !collected || name[0] == '.')
		return false;
	while (p <= end && nfields < ARRAY_SIZE(field)) {
		const char *dot = memchr(p, '.', (size_t)(end - p));

		if (!dot)
			dot = end;
		field[nfields] = p;
		flen[nfields++] = (size_t)(dot - p);
		p = dot + 1;
	}
	if (p <= end || nfields < 4 || nfields > 5)
		return false;
	*out = (struct dump_name){ 0 };
	if (!is_field(field[0], flen[0]) || !is_field(field[1], flen[1]) ||
	    !parse_stamp(field[2], flen[2], &out->time) || flen[3] != 8 ||
	    !is_field(field[3], 8))
		return false;
	if (nfields == 5 && !parse_seq(field[4], flen[4], &out->seq))
		return false;
	memcpy(out->remote, field[0], flen[0]);
	memcpy(out->firmware, field[1], flen[1]);
	memcpy(out->boot, field[3], 8);
	return true;
}
