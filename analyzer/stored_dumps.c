// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * stored_dumps.c - enumerate the cores of a store.
 *
 * Everything list shows comes from each core's ELF and program headers and
 * its notes, which rpd_core_open() reads from the first gzip member(s) of a
 * .core.gz without inflating the memory behind them. The cores are closed
 * again at once: a store may hold more dumps than a process has fds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "rproc/rprocdump.h"
#include "store.h"
#include "stored_dumps.h"
#include "string_util.h"

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
	d->registers = strdup_or_null(rpd_core_info(core, "registers"));
	d->firmware = strdup_or_null(rpd_core_info(core, "firmware"));
	d->reason = strdup_or_null(reason);
	d->truncated = truncated && !strcmp(truncated, "1");
	d->core_size = rpd_core_size(core);
	if (safe_atoi64(rpd_core_info(core, "crash_time"), &d->time) == 0)
		d->time_from_note = true;
}

/* Fills d for the core f; an unreadable core is recorded, not fatal. */
static int read_dump(const struct store *s, const struct store_file *f,
		     struct stored_dump *d)
{
	_cleanup_(rpd_core_freep) struct rpd_core *core = NULL;

	if (asprintf(&d->path, "%s/%s", s->path, f->name) < 0) {
		d->path = NULL;
		return -ENOMEM;
	}
	d->file = d->path + strlen(s->path) + 1;
	d->disk_size = (uint64_t)f->st.st_size;
	d->time = f->st.st_mtim.tv_sec;
	if (rpd_core_open(d->path, &core) < 0) {
		d->error = strdup(rpd_error());
		return d->error ? 0 : -ENOMEM;
	}
	describe_core(d, core);
	return 0;
}

static void stored_dump_clear(struct stored_dump *d)
{
	free(d->path);
	free(d->error);
	free(d->remote);
	free(d->firmware);
	free(d->reason);
	free(d->registers);
}

/* Newest first; equal times by file name, so that the order is stable. */
static int compare_newest_first(const void *a, const void *b)
{
	const struct stored_dump *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? 1 : -1;
	return strcmp(y->file, x->file);
}

static int read_dumps(const struct store *store, const struct store_file *files,
		      size_t n, struct stored_dumps *s)
{
	s->dumps = calloc(n + 1, sizeof(*s->dumps));
	if (!s->dumps)
		return log_oom();
	for (size_t i = 0; i < n; i++) {
		if (files[i].kind != DUMP_KIND_CORE)
			continue;
		if (read_dump(store, &files[i], &s->dumps[s->n]) < 0) {
			stored_dump_clear(&s->dumps[s->n]);
			return log_oom();
		}
		s->n++;
	}
	return 0;
}

int stored_dumps_scan(const char *dir, struct stored_dumps *s)
{
	struct store_file *files = NULL;
	struct store store;
	size_t n = 0;
	int r;

	*s = (struct stored_dumps){ 0 };
	r = store_open_readonly(dir, &store);
	if (r == -ENOENT)
		return log_error_errno(r, "no dump stored in %s: %m", dir);
	if (r < 0)
		return log_error_errno(r, "%s: %m", dir);
	r = store_list(&store, true, &files, &n);
	if (r >= 0)
		r = read_dumps(&store, files, n, s);
	store_files_free(files, n);
	store_close(&store);
	if (r < 0) {
		stored_dumps_free(s);
		return r;
	}
	if (s->n)
		qsort(s->dumps, s->n, sizeof(*s->dumps), compare_newest_first);
	return 0;
}

void stored_dumps_free(struct stored_dumps *s)
{
	for (size_t i = 0; i < s->n; i++)
		stored_dump_clear(&s->dumps[i]);
	free(s->dumps);
	*s = (struct stored_dumps){ 0 };
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
