// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * store.c - the store directory: opening it safely, naming dumps, keeping
 * within the configured limits.
 *
 * Every file is opened relative to the directory's fd and never through a
 * symbolic link, so that whoever can plant a link in the store cannot make
 * the collector (root) write elsewhere. The limits are systemd-coredump's:
 * the oldest dumps go first, and the dump being written is never removed.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "log.h"
#include "store.h"
#include "util.h"

#define MIB 1048576.0
#define MAX_SEQ 1000

int store_open(const char *path, struct store *s)
{
	struct stat st;

	*s = (struct store){ .dir_fd = -1 };
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return rpd_fail(-errno, "%s: cannot create store directory: %m",
				path);
	s->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dir_fd < 0) {
		int r = -errno;

		if (r == -ELOOP || r == -ENOTDIR)
			return rpd_fail(
				r,
				"%s: not a directory (a symbolic link?): refusing to store dumps there",
				path);
		return rpd_fail(r, "%s: cannot open store directory: %m", path);
	}
	if (fstat(s->dir_fd, &st) < 0) {
		store_close(s);
		return rpd_fail(-errno, "%s: %m", path);
	}
	if (st.st_uid != geteuid()) {
		store_close(s);
		return rpd_fail(
			-EPERM,
			"%s: owned by uid %u, not by us (uid %u): refusing to store dumps there",
			path, (unsigned)st.st_uid, (unsigned)geteuid());
	}
	if (st.st_mode & 077) {
		log_warning(
			"%s: mode %04o lets others read crash dumps; setting 0700",
			path, (unsigned)(st.st_mode & 07777));
		if (fchmod(s->dir_fd, 0700) < 0) {
			store_close(s);
			return rpd_fail(-errno, "%s: chmod 0700: %m", path);
		}
	}
	s->path = strdup(path);
	if (!s->path) {
		store_close(s);
		return rpd_fail(-ENOMEM, "out of memory");
	}
	return 0;
}

void store_close(struct store *s)
{
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	free(s->path);
	*s = (struct store){ .dir_fd = -1 };
}

int store_lock(struct store *s)
{
	while (flock(s->dir_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return rpd_fail(-errno, "%s: cannot lock: %m", s->path);
	s->locked = true;
	return 0;
}

void store_unlock(struct store *s)
{
	if (s->locked)
		flock(s->dir_fd, LOCK_UN);
	s->locked = false;
}

/* ---- names ----------------------------------------------------------- */

void store_sanitize(const char *name, char *out, size_t size)
{
	size_t n = 0;

	if (!name || !*name)
		name = "unknown";
	for (; *name && n + 1 < size && n < STORE_NAME_FIELD_MAX; name++) {
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

void store_base_name(const char *remote, const char *firmware, time_t t,
		     const char *boot_id, char *out, size_t size)
{
	char r[STORE_NAME_FIELD_MAX + 1], f[STORE_NAME_FIELD_MAX + 1];
	char stamp[20], boot[9];
	struct tm tm;

	store_sanitize(remote, r, sizeof(r));
	store_sanitize(firmware, f, sizeof(f));
	if (!gmtime_r(&t, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm))
		snprintf(stamp, sizeof(stamp), "00000000T000000Z");
	boot_prefix(boot_id, boot);
	snprintf(out, size, "%s.%s.%s.%s", r, f, stamp, boot);
}

static bool is_field(const char *s, size_t len)
{
	if (!len || len > STORE_NAME_FIELD_MAX)
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

static const char *const stored_suffixes[] = { ".core.gz", ".devcd",
					       ".devcd.gz" };

/* The length of name without its stored-dump suffix, or 0. */
static size_t strip_suffix(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(stored_suffixes); i++) {
		size_t m = strlen(stored_suffixes[i]);

		if (len > m && !strcmp(name + len - m, stored_suffixes[i]))
			return len - m;
	}
	return 0;
}

bool store_name_parse(const char *name, struct store_name *out)
{
	const char *field[6];
	size_t flen[6], nfields = 0, len = strip_suffix(name);
	const char *p = name, *end = name + len;

	if (!len || name[0] == '.')
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
	*out = (struct store_name){ 0 };
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

int store_commit(struct store *s, struct atomic_file *f, const char *base,
		 const char *suffix, char **final_name)
{
	for (unsigned seq = 1; seq < MAX_SEQ; seq++) {
		char *name;
		int r;

		if ((seq == 1 ?
			     asprintf(&name, "%s%s", base, suffix) :
			     asprintf(&name, "%s.%u%s", base, seq, suffix)) < 0)
			return rpd_fail(-ENOMEM, "out of memory");
		free(f->name);
		f->name = name;
		r = atomic_file_commit(f, false);
		if (r == -EEXIST)
			continue;
		if (r < 0)
			return rpd_fail_prefix(r, "%s", s->path);
		/* Committed: nothing may fail from here on. */
		*final_name = f->name;
		f->name = NULL;
		return 0;
	}
	return rpd_fail(-EEXIST, "%s/%s%s: %u dumps of that name exist",
			s->path, base, suffix, MAX_SEQ);
}

/* ---- limits ------------------------------------------------------------ */

struct stored_file {
	char *name;
	struct store_name id;
	int64_t mtime;
	uint64_t bytes; /* allocated on disk */
	bool removed;
};

struct store_list {
	struct stored_file *files;
	size_t n;
};

static void store_list_free(struct store_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->files[i].name);
	free(l->files);
	*l = (struct store_list){ 0 };
}

static int oldest_first(const void *a, const void *b)
{
	const struct stored_file *x = a, *y = b;

	if (x->id.time != y->id.time)
		return x->id.time < y->id.time ? -1 : 1;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int add_file(struct store_list *l, int dir_fd, const char *name)
{
	struct stored_file *file, *grown;
	struct store_name id;
	struct stat st;

	if (!store_name_parse(name, &id))
		return 0;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	grown = realloc(l->files, (l->n + 1) * sizeof(*l->files));
	if (!grown)
		return -ENOMEM;
	l->files = grown;
	file = &l->files[l->n];
	*file = (struct stored_file){ .name = strdup(name),
				      .id = id,
				      .mtime = st.st_mtime,
				      .bytes = (uint64_t)st.st_blocks * 512 };
	if (!file->name)
		return -ENOMEM;
	l->n++;
	return 0;
}

/* Stored dumps, oldest first. */
static int store_list(struct store *s, struct store_list *l)
{
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	*l = (struct store_list){ 0 };
	fd = openat(s->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rpd_fail(-errno, "%s: %m", s->path);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return rpd_fail(-errno, "%s: %m", s->path);
	}
	while (r >= 0 && (de = readdir(dir)))
		r = add_file(l, s->dir_fd, de->d_name);
	closedir(dir);
	if (r < 0) {
		store_list_free(l);
		return rpd_fail(r, "out of memory");
	}
	if (l->n)
		qsort(l->files, l->n, sizeof(*l->files), oldest_first);
	return 0;
}

static int fs_space(struct store *s, uint64_t *total, uint64_t *avail)
{
	struct statvfs sv;

	if (fstatvfs(s->dir_fd, &sv) < 0)
		return rpd_fail(-errno, "%s: statvfs: %m", s->path);
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

static void remove_file(struct store *s, struct stored_file *f, const char *why)
{
	if (unlinkat(s->dir_fd, f->name, 0) < 0) {
		log_warning("%s/%s: cannot remove: %m", s->path, f->name);
		return;
	}
	f->removed = true;
	log_info("removed %s/%s (%.1f MiB): %s", s->path, f->name,
		 (double)f->bytes / MIB, why);
}

static bool removable(const struct stored_file *f, const char *keep)
{
	return !f->removed && !(keep && !strcmp(f->name, keep));
}

static unsigned count_remote(const struct store_list *l, const char *remote)
{
	unsigned count = 0;

	for (size_t i = 0; i < l->n; i++)
		count += !l->files[i].removed &&
			 !strcmp(l->files[i].id.remote, remote);
	return count;
}

/* MaxDumpsPerRemote, with room for one more of incoming_remote. */
static void vacuum_count(struct store *s, struct store_list *l, unsigned max,
			 const char *incoming_remote, const char *keep)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *remote = l->files[i].id.remote;
		bool incoming = incoming_remote &&
				!strcmp(remote, incoming_remote);
		unsigned count;
		char why[128];

		if (!removable(&l->files[i], keep))
			continue;
		/* The kept file counts, though it is never removed. */
		count = count_remote(l, remote);
		if (count + incoming <= max)
			continue;
		snprintf(why, sizeof(why),
			 "%u dumps of %s%s, MaxDumpsPerRemote=%u", count,
			 remote, incoming ? " and a new one" : "", max);
		remove_file(s, &l->files[i], why);
	}
}

static uint64_t used_bytes(const struct store_list *l)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!l->files[i].removed)
			sum += l->files[i].bytes;
	return sum;
}

/* MaxUse and KeepFree: the oldest go until both hold. */
static int vacuum_space(struct store *s, struct store_list *l, uint64_t max_use,
			uint64_t keep_free, const char *keep)
{
	for (size_t i = 0; i < l->n; i++) {
		uint64_t total = 0, avail = 0, used = used_bytes(l);
		char why[160];
		int r;

		if (!removable(&l->files[i], keep))
			continue;
		r = fs_space(s, &total, &avail);
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
		remove_file(s, &l->files[i], why);
	}
	return 0;
}

int store_vacuum(struct store *s, const struct collect_config *cfg,
		 const char *incoming_remote, const char *keep)
{
	struct store_list l;
	uint64_t total = 0, avail = 0;
	int r;

	r = fs_space(s, &total, &avail);
	if (r < 0)
		return r;
	r = store_list(s, &l);
	if (r < 0)
		return r;
	if (cfg->max_dumps_per_remote)
		vacuum_count(s, &l, cfg->max_dumps_per_remote, incoming_remote,
			     keep);
	r = vacuum_space(s, &l, config_size_resolve(&cfg->max_use, total),
			 config_size_resolve(&cfg->keep_free, total), keep);
	store_list_free(&l);
	return r;
}
