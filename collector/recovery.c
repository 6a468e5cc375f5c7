// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * recovery.c - the recovery policy and the per-remote crash history.
 *
 * With recovery disabled the kernel leaves a crashed remote alone (state
 * "crashed", or "crashed-halted" on kernels that keep it halted for
 * inspection); Recover=yes makes the collector ask for recovery once the
 * dump is safe. A remote that crashes again and again is better left
 * halted for someone to look at than restarted forever: the history file
 * holds the times of its recent crashes, one decimal number per line.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "dump_name.h"
#include "log.h"
#include "macro.h"
#include "recovery.h"

/* Enough for any sensible CrashLoopMax; older entries are dropped. */
#define HISTORY_MAX 1024

struct crash_history {
	int64_t times[HISTORY_MAX];
	size_t n;
};

static void history_add(struct crash_history *h, int64_t t)
{
	if (h->n == HISTORY_MAX) {
		memmove(h->times, h->times + 1,
			(HISTORY_MAX - 1) * sizeof(h->times[0]));
		h->n--;
	}
	h->times[h->n++] = t;
}

/* Reads the history; a missing or unreadable file is an empty one. */
static void history_read(int dir_fd, const char *name, int64_t since,
			 struct crash_history *h)
{
	char line[32];
	FILE *f;
	int fd;

	h->n = 0;
	fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *end;
		long long t = strtoll(line, &end, 10);

		if (end != line && t >= since)
			history_add(h, t);
	}
	fclose(f);
}

static int history_write(struct store *store, const char *name,
			 const struct crash_history *h)
{
	struct atomic_file f;
	int r;

	r = atomic_file_openat(store->dir_fd, name, 0600, &f);
	if (r < 0)
		return r;
	for (size_t i = 0; r >= 0 && i < h->n; i++)
		if (dprintf(f.fd, "%" PRId64 "\n", h->times[i]) < 0)
			r = log_error_errno(-errno, "%s/%s: %m", store->path,
					    name);
	if (r >= 0)
		r = atomic_file_commit(&f, true);
	atomic_file_release(&f);
	return r;
}

/* Adds crash_time and returns how many crashes fall within the window. */
static int record_crash(struct store *store, const char *remote,
			int64_t crash_time, int64_t window, size_t *count)
{
	char name[DUMP_NAME_FIELD_MAX + 16], safe[DUMP_NAME_FIELD_MAX + 1];
	_cleanup_free_ struct crash_history *h = malloc(sizeof(*h));
	int r;

	if (!h)
		return log_oom();
	dump_name_sanitize(remote, safe, sizeof(safe));
	snprintf(name, sizeof(name), ".crashes.%s", safe);
	r = store_lock(store);
	if (r >= 0) {
		history_read(store->dir_fd, name, crash_time - window, h);
		history_add(h, crash_time);
		*count = h->n;
		r = history_write(store, name, h);
		store_unlock(store);
	}
	return r;
}

static bool is_crashed(const char *state)
{
	return !strcmp(state, "crashed") || !strcmp(state, "crashed-halted");
}

int recovery_apply(struct store *store, const struct collect_config *cfg,
		   struct devcd_source *src, time_t crash_time)
{
	const char *who = src->name;
	size_t count = 0;
	int r;

	/* Without a history, the loop limit cannot be judged: recover as if
	 * this were the first crash, rather than leave the remote down. */
	r = record_crash(store, src->name, crash_time,
			 (int64_t)cfg->crash_loop_minutes * 60, &count);
	if (r < 0)
		log_warning_errno(r, "%s: cannot record the crash: %m", who);
	r = devcd_source_refresh(src);
	if (r < 0)
		return r;
	if (!is_crashed(src->state) || strcmp(src->recovery, "disabled"))
		return 0; /* the kernel recovers it, or already has */
	if (!cfg->recover) {
		log_info("%s: stays %s: recovery is disabled and Recover=no",
			 who, src->state);
		return 0;
	}
	if (cfg->crash_loop_max && count > cfg->crash_loop_max) {
		log_info(
			"%s: %zu crashes in %u min: not recovering; the remote stays halted for inspection (echo recover > %s/class/remoteproc/%s/recovery to restart)",
			who, count, cfg->crash_loop_minutes, cfg->sysfs_root,
			src->device);
		return 0;
	}
	r = devcd_source_recover(src);
	if (r < 0)
		return r;
	log_info(
		"%s: was %s with recovery disabled: asked for recovery (Recover=yes, %zu crashes in %u min)",
		who, src->state, count, cfg->crash_loop_minutes);
	return 0;
}
