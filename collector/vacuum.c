// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vacuum.c - MaxUse, KeepFree and MaxDumpsPerRemote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "vacuum.h"

#define MIB 1048576.0

struct vacuum {
	struct store *store;
	struct store_file *files; /* named dumps, oldest first */
	size_t n;
	bool *removed;
	const char *keep;
};

static int oldest_first(const void *a, const void *b)
{
	const struct store_file *x = a, *y = b;

	if (x->id.time != y->id.time)
		return x->id.time < y->id.time ? -1 : 1;
	if (x->st.st_mtime != y->st.st_mtime)
		return x->st.st_mtime < y->st.st_mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The store's named dumps, oldest first. */
static int list_named(struct vacuum *v)
{
	size_t n = 0;
	int r;

	r = store_list(v->store, false, &v->files, &v->n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < v->n; i++) {
		if (v->files[i].named)
			v->files[n++] = v->files[i];
		else
			free(v->files[i].name);
	}
	v->n = n;
	v->removed = calloc(n + 1, sizeof(*v->removed));
	if (!v->removed)
		return log_oom();
	if (n)
		qsort(v->files, n, sizeof(*v->files), oldest_first);
	return 0;
}

static uint64_t file_bytes(const struct store_file *f)
{
	return (uint64_t)f->st.st_blocks * 512; /* allocated on disk */
}

static int fs_space(struct store *s, uint64_t *total, uint64_t *avail)
{
	struct statvfs sv;

	if (fstatvfs(s->dir_fd, &sv) < 0)
		return log_error_errno(-errno, "%s: statvfs: %m", s->path);
	*total = (uint64_t)sv.f_blocks * sv.f_frsize;
	*avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	return 0;
}

int store_room(struct store *s, const struct collect_config *cfg,
	       uint64_t *room)
{
	uint64_t total = 0, avail = 0, keep;
	int r;

	r = fs_space(s, &total, &avail);
	if (r < 0)
		return r;
	keep = config_size_resolve(&cfg->keep_free, total);
	*room = avail > keep ? avail - keep : 0;
	return 0;
}

static void remove_file(struct vacuum *v, size_t i, const char *why)
{
	const struct store_file *f = &v->files[i];

	if (unlinkat(v->store->dir_fd, f->name, 0) < 0) {
		log_warning_errno(-errno, "%s/%s: cannot remove: %m",
				  v->store->path, f->name);
		return;
	}
	v->removed[i] = true;
	log_info("removed %s/%s (%.1f MiB): %s", v->store->path, f->name,
		 (double)file_bytes(f) / MIB, why);
}

static bool removable(const struct vacuum *v, size_t i)
{
	return !v->removed[i] &&
	       !(v->keep && !strcmp(v->files[i].name, v->keep));
}

static unsigned count_remote(const struct vacuum *v, const char *remote)
{
	unsigned count = 0;

	for (size_t i = 0; i < v->n; i++)
		count += !v->removed[i] &&
			 !strcmp(v->files[i].id.remote, remote);
	return count;
}

/* MaxDumpsPerRemote, with room for one more of incoming_remote. */
static void vacuum_count(struct vacuum *v, unsigned max,
			 const char *incoming_remote)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *remote = v->files[i].id.remote;
		bool incoming = incoming_remote &&
				!strcmp(remote, incoming_remote);
		unsigned count;
		char why[128];

		if (!removable(v, i))
			continue;
		/* The kept file counts, though it is never removed. */
		count = count_remote(v, remote);
		if (count + incoming <= max)
			continue;
		snprintf(why, sizeof(why),
			 "%u dumps of %s%s, MaxDumpsPerRemote=%u", count,
			 remote, incoming ? " and a new one" : "", max);
		remove_file(v, i, why);
	}
}

static uint64_t used_bytes(const struct vacuum *v)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < v->n; i++)
		if (!v->removed[i])
			sum += file_bytes(&v->files[i]);
	return sum;
}

/* MaxUse and KeepFree: the oldest go until both hold. */
static int vacuum_space(struct vacuum *v, uint64_t max_use, uint64_t keep_free)
{
	for (size_t i = 0; i < v->n; i++) {
		uint64_t total = 0, avail = 0, used = used_bytes(v);
		char why[160];
		int r;

		if (!removable(v, i))
			continue;
		r = fs_space(v->store, &total, &avail);
		if (r < 0)
			return r;
		if (used > max_use)
			snprintf(why, sizeof(why),
				 "the store uses %.1f MiB, MaxUse=%.1f MiB",
				 (double)used / MIB, (double)max_use / MIB);
		else if (avail < keep_free)
			snprintf(why, sizeof(why),
				 "%.1f MiB free, KeepFree=%.1f MiB",
				 (double)avail / MIB, (double)keep_free / MIB);
		else
			break;
		remove_file(v, i, why);
	}
	return 0;
}

int store_vacuum(struct store *s, const struct collect_config *cfg,
		 const char *incoming_remote, const char *keep)
{
	struct vacuum v = { .store = s, .keep = keep };
	uint64_t total = 0, avail = 0;
	int r;

	r = fs_space(s, &total, &avail);
	if (r >= 0)
		r = list_named(&v);
	if (r >= 0 && cfg->max_dumps_per_remote)
		vacuum_count(&v, cfg->max_dumps_per_remote, incoming_remote);
	if (r >= 0)
		r = vacuum_space(&v, config_size_resolve(&cfg->max_use, total),
				 config_size_resolve(&cfg->keep_free, total));
	store_files_free(v.files, v.n);
	free(v.removed);
	return r;
}
