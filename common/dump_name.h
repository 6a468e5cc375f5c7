/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dump_name.h - the names of stored dumps.
 *
 * A stored dump is named <remote>.<firmware>.<UTC time>.<boot>[.<n>]<suffix>
 * ("m4.rproc-m4-fw.20261124T071500Z.1a2b3c4d.core.gz"): remote and firmware
 * as sysfs names them with every byte outside [A-Za-z0-9_-] replaced by
 * '_', so that the name splits on '.'; the time as YYYYMMDDTHHMMSSZ; the
 * first 8 hex digits of the boot id; n from 2 up when the name was taken.
 * The suffix says what the file holds: a core (.core, .core.gz), or a dump
 * kept as it was read because it could not be converted (.devcd,
 * .devcd.gz). Names starting with '.' are the collector's own: spools,
 * temporaries, crash histories.
 */
#ifndef RPD_DUMP_NAME_H
#define RPD_DUMP_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "<remote>.<firmware>.<time>.<boot>" fits, with both names at their cap. */
#define DUMP_NAME_FIELD_MAX 64
#define DUMP_NAME_BASE_MAX (2 * DUMP_NAME_FIELD_MAX + 32)
#define DUMP_NAME_MAX (DUMP_NAME_BASE_MAX + 16)

/* What a file of the store holds, by its suffix. */
enum dump_kind {
	DUMP_KIND_NONE, /* not a stored dump */
	DUMP_KIND_CORE, /* .core or .core.gz: rproc-core(5) */
	DUMP_KIND_RAW,	/* .devcd or .devcd.gz: the dump as read */
};

/* A stored dump's name taken apart. */
struct dump_name {
	char remote[DUMP_NAME_FIELD_MAX + 1];
	char firmware[DUMP_NAME_FIELD_MAX + 1];
	int64_t time; /* seconds since the epoch, UTC */
	char boot[9];
	unsigned seq; /* 0, or the collision counter */
};

/* The suffix of the stored core the collector writes. */
#define DUMP_SUFFIX_CORE ".core.gz"

/* Copies name into out (size bytes) with every byte outside [A-Za-z0-9_-]
 * replaced by '_' and at most DUMP_NAME_FIELD_MAX kept; "unknown" for an
 * empty or NULL name. */
void dump_name_sanitize(const char *name, char *out, size_t size);
/* "<remote>.<firmware>.<time>.<boot>"; boot_id as the kernel prints it. */
void dump_name_format(const char *remote, const char *firmware, time_t t,
		      const char *boot_id, char *out, size_t size);
/* What name holds, by its suffix; a hidden name holds none. */
enum dump_kind dump_name_kind(const char *name);
/* Parses the name of a dump the collector stored (.core.gz, .devcd,
 * .devcd.gz); false for any other file, a .core among them: the collector
 * never writes one, so it is not the collector's to count or remove. */
bool dump_name_parse(const char *name, struct dump_name *out);

#endif
