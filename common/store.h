/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store.h - the directory of stored dumps (/var/lib/rproc-dumps).
 *
 * The collector writes it and the analyzer reads it; both see it through
 * this one object. Every file is opened relative to the directory's fd
 * and never through a symbolic link, so that whoever can plant a link in
 * the store cannot make the collector (root) write elsewhere, nor the
 * analyzer read elsewhere.
 */
#ifndef RPD_STORE_H
#define RPD_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "dump_name.h"

struct store {
	int dir_fd;
	char *path;
	bool locked;
};

/*
 * Opens the store directory for writing, creating it 0700 if missing.
 * Refuses a symbolic link, and a directory another user owns; tightens a
 * group- or world-accessible mode to 0700 with a warning. Logs failures.
 */
int store_open(const char *path, struct store *s);
/* Opens an existing store for reading; -ENOENT if it does not exist.
 * Logs nothing: a reader decides what a missing store means. */
int store_open_readonly(const char *path, struct store *s);
void store_close(struct store *s);

/* Serialises collectors: held around vacuum, commit and history updates. */
int store_lock(struct store *s);
void store_unlock(struct store *s);

/*
 * Commits f (opened in the store with any name) as base + suffix, or as
 * base.2 + suffix, base.3 + suffix, ... if that exists: never replaces or
 * follows what is there. Sets *final_name (malloc'ed). Call locked.
 */
int store_commit(struct store *s, struct atomic_file *f, const char *base,
		 const char *suffix, char **final_name);

/* A regular file of the store that holds a dump. */
struct store_file {
	char *name;
	enum dump_kind kind;
	bool named;	     /* its name follows dump_name(5)'s scheme */
	struct dump_name id; /* when named */
	struct stat st;
};

/* The store's dumps (DUMP_KIND_CORE and _RAW), in directory order: regular
 * files, or with follow_links also symbolic links to them (a reader may
 * follow what its user linked there; the collector never does). */
int store_list(const struct store *s, bool follow_links,
	       struct store_file **files, size_t *n);
void store_files_free(struct store_file *files, size_t n);

#endif
