/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stored_dumps.h - the cores of a store, as list shows them, newest first.
 */
#ifndef RPD_ANALYZE_STORED_DUMPS_H
#define RPD_ANALYZE_STORED_DUMPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What list shows of one stored core, read from its headers and notes. */
struct stored_dump {
	char *path;	  /* directory/file */
	const char *file; /* the file name within path */
	char *error;	  /* why the core could not be read, or NULL */
	int64_t time;	  /* crash_time, else the file's mtime */
	bool time_from_note;
	uint64_t disk_size; /* bytes on disk (compressed for .core.gz) */
	uint64_t core_size; /* bytes of the inflated core; 0 on error */
	bool truncated;
	/* From the info note; NULL when absent. */
	char *remote;
	char *firmware;
	char *reason;	 /* crash_reason, else crash_type */
	char *registers; /* where the crashed context's registers came from */
};

struct stored_dumps {
	struct stored_dump *dumps;
	size_t n;
};

/*
 * Reads every core of the store at dir (*.core and *.core.gz, whatever
 * their names; hidden files are collectors' temporaries) and sorts them
 * newest first. A core that cannot be read is kept with its error.
 * Returns 0, -ENOENT if dir does not exist, or another negative errno if
 * it cannot be read; failures are logged.
 */
int stored_dumps_scan(const char *dir, struct stored_dumps *s);
void stored_dumps_free(struct stored_dumps *s);

/* True if match names the dump's remote or firmware, or is part of its file
 * name. */
bool stored_dump_matches(const struct stored_dump *d, const char *match);

#endif
