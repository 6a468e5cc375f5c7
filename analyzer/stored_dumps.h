/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store.h - the dumps rproc-collect stored in a directory, newest first.
 */
#ifndef RPD_ANALYZE_STORE_H
#define RPD_ANALYZE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What list shows of one stored dump, read from its headers and notes. */
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
	char *reason; /* crash_reason, else crash_type */
};

struct store {
	struct stored_dump *dumps;
	size_t n;
};

/*
 * Reads every *.core and *.core.gz of dir (hidden files are collectors'
 * temporaries) and sorts them newest first. A file that cannot be read is
 * kept with its error. Returns 0, or a negative errno with rpd_error() when
 * the directory itself cannot be read (-ENOENT if it does not exist).
 */
int store_scan(const char *dir, struct store *s);
void store_free(struct store *s);

/* True if match names the dump's remote or firmware, or is part of its file
 * name. */
bool stored_dump_matches(const struct stored_dump *d, const char *match);

#endif
