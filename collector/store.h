/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store.h - the directory of stored dumps: its names, its lock, its limits.
 *
 * A stored dump is named <remote>.<firmware>.<UTC time>.<boot>[.<n>].core.gz
 * ("m4.rproc-m4-fw.20261124T071500Z.1a2b3c4d.core.gz"): remote and firmware
 * as sysfs names them with every byte outside [A-Za-z0-9_-] replaced by
 * '_', so that the name splits on '.'; the time as YYYYMMDDTHHMMSSZ; the
 * first 8 hex digits of the boot id; n from 2 up when the name was taken.
 * A dump that could not be converted is kept as it was read, with the
 * suffix .devcd or .devcd.gz instead. Names starting with '.' are the
 * collector's own: spools, temporaries, crash histories.
 */
#ifndef RPD_STORE_H
#define RPD_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "atomic_file.h"
#include "config.h"

/* "<remote>.<firmware>.<time>.<boot>" fits, with both names at their cap. */
#define STORE_NAME_FIELD_MAX 64
#define STORE_BASE_MAX (2 * STORE_NAME_FIELD_MAX + 32)
#define STORE_NAME_MAX (STORE_BASE_MAX + 16)

struct store {
	int dir_fd;
	char *path;
	bool locked;
};

/* A stored dump's name taken apart. */
struct store_name {
	char remote[STORE_NAME_FIELD_MAX + 1];
	char firmware[STORE_NAME_FIELD_MAX + 1];
	int64_t time; /* seconds since the epoch, UTC */
	char boot[9];
	unsigned seq; /* 0, or the collision counter */
};

/*
 * Opens the store directory, creating it 0700 if missing. Refuses a
 * symbolic link, and a directory another user owns; tightens a group- or
 * world-accessible mode to 0700 with a warning.
 */
int store_open(const char *path, struct store *s);
void store_close(struct store *s);

/* Serialises collectors: held around vacuum, commit and history updates. */
int store_lock(struct store *s);
void store_unlock(struct store *s);

/* Copies name into out (size bytes) with every byte outside [A-Za-z0-9_-]
 * replaced by '_'; "unknown" for an empty name. */
void store_sanitize(const char *name, char *out, size_t size);
/* "<remote>.<firmware>.<time>.<boot>"; boot_id as the kernel prints it. */
void store_base_name(const char *remote, const char *firmware, time_t t,
		     const char *boot_id, char *out, size_t size);
/* Parses a stored dump's name; false for any other file. */
bool store_name_parse(const char *name, struct store_name *out);

/*
 * Commits f (opened with any name) as base + suffix in the store, or as
 * base.2 + suffix, base.3 + suffix, ... if that exists: never replaces or
 * follows what is there. Sets *final_name (malloc'ed). Call locked.
 */
int store_commit(struct store *s, struct atomic_file *f, const char *base,
		 const char *suffix, char **final_name);

/*
 * Removes the oldest dumps (by the time in their name, then mtime) until
 * the limits hold: at most MaxDumpsPerRemote dumps per remote, counting
 * one more for incoming_remote (a dump about to be written; NULL after),
 * at most MaxUse bytes in the store, at least KeepFree bytes free. Never
 * removes the file named keep (may be NULL). Logs one line per removal.
 * Call locked.
 */
int store_vacuum(struct store *s, const struct collect_config *cfg,
		 const char *incoming_remote, const char *keep);

/* Bytes free for a new dump: available space minus KeepFree. */
int store_room(struct store *s, const struct collect_config *cfg,
	       uint64_t *room);

#endif
