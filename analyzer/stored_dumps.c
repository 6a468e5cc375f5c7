// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * store.c - enumerate the dumps of a store directory.
 *
 * Everything list shows comes from each core's ELF and program headers and
 * its notes, which rpd_core_open() reads from the first gzip member(s) of a
 * .core.gz without inflating the memory behind them. The cores are closed
 * again at once: a store may hold more dumps than a process has fds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rproc/rprocdump.h"
#include "store.h"
#include "util.h"

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

static bool is_core_name(const char *name)
{
	return name[0] != '.' &&
	       (has_suffix(name, ".core") || has_suffix(name, ".core.gz"));
}

static char *strdup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void describe_core(struct stored_dump *d, const struct rpd_core *core)
{
	const char *reason = rpd_core_info(core, "crash_reason");
	const char *truncated = rpd_core_info(core, "truncated");

	if (!reason || !*reason)
		reason = rpd_core_info(core, "crash_type");
	d->remote = strdup_or_null(rpd_core_info(core, "name"));
	d->firmware = strdup_or_null(rpd_core_info(core, "firmware"));
	d->reason = strdup_or_null(reason);
	d->truncated = truncated && !strcmp(truncated, "1");
	d->core_size = rpd_core_size(core);
	if (parse_int64(rpd_core_info(core, "crash_time"), &d->time))
		d->time_from_note = true;
}

/* Fills d for dir/name; an unreadable core is recorded, not fatal. */
static int read_dump(int dir_fd, const char *dir, const char *name,
		     struct stored_dump *d)
{
	struct rpd_core *core;
	struct stat st;

	if (fstatat(dir_fd, name, &st, 0) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (asprintf(&d->path, "%s/%s", dir, name) < 0) {
		d->path = NULL;
		return -ENOMEM;
	}
	d->file = d->path + strlen(dir) + 1;
	d->disk_size = (uint64_t)st.st_size;
	d->time = st.st_mtim.tv_sec;

	if (rpd_core_open(d->path, &core) < 0) {
		d->error = strdup(rpd_error());
		return d->error ? 1 : -ENOMEM;
	}
	describe_core(d, core);
	rpd_core_free(core);
	return 1;
}

static void stored_dump_clear(struct stored_dump *d)
{
	free(d->path);
	free(d->error);
	free(d->remote);
	free(d->firmware);
	free(d->reason);
}

/* Newest first; equal times by file name, so that the order is stable. */
static int compare_newest_first(const void *a, const void *b)
{
	const struct stored_dump *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	return strcmp(y->file, x->file);
}

static int add_dump(struct store *s, size_t *cap, DIR *d, const char *dir,
		    const char *name)
{
	struct stored_dump dump = { 0 };
	int r;

	if (s->n == *cap) {
		size_t n = *cap ? 2 * *cap : 16;
		struct stored_dump *p = reallocarray(s->dumps, n, sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->dumps = p;
		*cap = n;
	}
	r = read_dump(dirfd(d), dir, name, &dump);
	if (r <= 0) {
		stored_dump_clear(&dump);
		return r;
	}
	s->dumps[s->n++] = dump;
	return 0;
}

int store_scan(const char *dir, struct store *s)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int r = 0;

	*s = (struct store){ 0 };
	d = opendir(dir);
	if (!d)
		return rpd_fail(-errno, "%s: %s", dir, strerror(errno));
	while ((errno = 0, de = readdir(d))) {
		if (!is_core_name(de->d_name))
			continue;
		r = add_dump(s, &cap, d, dir, de->d_name);
		if (r < 0) {
			r = rpd_fail(r, "%s: %s", dir, strerror(-r));
			break;
		}
	}
	if (!r && errno)
		r = rpd_fail(-errno, "%s: %s", dir, strerror(errno));
	closedir(d);
	if (r < 0) {
		store_free(s);
		return r;
	}
	if (s->n)
		qsort(s->dumps, s->n, sizeof(*s->dumps), compare_newest_first);
	return 0;
}

void store_free(struct store *s)
{
	for (size_t i = 0; i < s->n; i++)
		stored_dump_clear(&s->dumps[i]);
	free(s->dumps);
	*s = (struct store){ 0 };
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool stored_dump_matches(const struct stored_dump *d, const char *match)
{
	if (d->remote && !strcmp(d->remote, match))
		return true;
	/* The sysfs firmware name may have directories; "m4.elf" names
	 * "vendor/m4.elf" too. */
	if (d->firmware && (!strcmp(d->firmware, match) ||
			    !strcmp(base_name(d->firmware), base_name(match))))
		return true;
	return strstr(d->file, match) != NULL;
}
