// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spool.c - the raw dump in the store, and its metadata, until it is
 * stored as a core.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "dump_name.h"
#include "io_util.h"
#include "log.h"
#include "macro.h"
#include "spool.h"
#include "string_util.h"

/* Spooling compresses for space, not size: level 1 is the fastest. */
#define SPOOL_GZ_LEVEL 1

void spool_meta_free(struct spool_meta *meta)
{
	free(meta->base);
	free(meta->remote);
	free(meta->firmware);
	free(meta->device);
	free(meta->devcd);
	free(meta->kernel_release);
	free(meta->data_name);
	*meta = (struct spool_meta){ 0 };
}

static int write_meta(int fd, const struct spool_meta *meta)
{
	_cleanup_free_ char *text = NULL;
	int n;

	n = asprintf(&text,
		     "base=%s\nremote=%s\nfirmware=%s\ndevice=%s\ndevcd=%s\n"
		     "kernel_release=%s\ncrash_time=%" PRId64 "\nspool=%s\n",
		     meta->base, meta->remote, meta->firmware, meta->device,
		     meta->devcd, meta->kernel_release, meta->crash_time,
		     meta->data_name);
	if (n < 0) {
		text = NULL;
		return -ENOMEM;
	}
	return write_full(fd, text, (size_t)n);
}

/* Longest metadata line read back; the collector writes far shorter. */
#define META_LINE_MAX 1024
/* Bound of the free-text fields (sysfs names, kernel release). */
#define META_TEXT_MAX 256
/* "devcd" and at most this many digits. */
#define META_DEVCD_DIGITS_MAX 10

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* One file-name component of [A-Za-z0-9_.-], no "..", 1 to max bytes. */
static bool valid_component(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len == 0 || len > max || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (!is_name_char(*s))
			return false;
	return true;
}

/* What dump_name_format() makes: not hidden. */
static bool valid_base(const char *s)
{
	return s[0] != '.' && valid_component(s, DUMP_NAME_BASE_MAX);
}

/* ".<base>.<devcd>.spool[.gz]" as spool_create() makes it; the parts are
 * checked against base and devcd once all fields are read. */
static bool valid_data_name(const char *s)
{
	return s[0] == '.' && valid_component(s, DUMP_NAME_BASE_MAX + 64) &&
	       (endswith(s, ".spool") || endswith(s, ".spool.gz"));
}

static bool valid_devcd(const char *s)
{
	const char *d = s + strlen("devcd");
	size_t n;

	if (strncmp(s, "devcd", strlen("devcd")))
		return false;
	n = strspn(d, "0123456789");
	return n > 0 && n <= META_DEVCD_DIGITS_MAX && d[n] == '\0';
}

/* Printable ASCII, bounded: sysfs names and the kernel release. */
static bool valid_text(const char *s)
{
	size_t len = strlen(s);

	if (len > META_TEXT_MAX)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* A decimal int64_t, nothing else: no space, no sign but '-', no
 * overflow. */
static bool parse_time(const char *s, int64_t *out)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	long long v;
	char *end;

	if (!*d || strspn(d, "0123456789") != strlen(d))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = (int64_t)v;
	return true;
}

/* The string fields of the metadata file, in the order written. */
static const struct meta_key {
	const char *key;
	size_t offset;
	bool (*valid)(const char *value);
} meta_keys[] = {
	{ "base", offsetof(struct spool_meta, base), valid_base },
	{ "remote", offsetof(struct spool_meta, remote), valid_text },
	{ "firmware", offsetof(struct spool_meta, firmware), valid_text },
	{ "device", offsetof(struct spool_meta, device), valid_text },
	{ "devcd", offsetof(struct spool_meta, devcd), valid_devcd },
	{ "kernel_release", offsetof(struct spool_meta, kernel_release),
	  valid_text },
	{ "spool", offsetof(struct spool_meta, data_name), valid_data_name },
};

static const struct meta_key *meta_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(meta_keys); i++)
		if (!strcmp(key, meta_keys[i].key))
			return &meta_keys[i];
	return NULL;
}

static char **meta_field(struct spool_meta *meta, const struct meta_key *k)
{
	return (char **)((char *)meta + k->offset);
}

/* data_name is exactly what spool_create() made of base and devcd. */
static bool data_name_matches(const struct spool_meta *meta)
{
	size_t bl = strlen(meta->base), dl = strlen(meta->devcd);
	const char *s = meta->data_name, *rest;

	if (s[0] != '.' || strncmp(s + 1, meta->base, bl) || s[1 + bl] != '.' ||
	    strncmp(s + 2 + bl, meta->devcd, dl))
		return false;
	rest = s + 2 + bl + dl;
	return !strcmp(rest, ".spool") || !strcmp(rest, ".spool.gz");
}

#define BAD_FIELD(store_path, name, field)                                     \
	log_warning_errno(-EBADMSG,                                            \
			  "%s/%s: invalid spool metadata field '%s', leaving " \
			  "the spool alone",                                   \
			  store_path, name, field)

/* Every field validated as it is read: the file is in the store, and
 * its names are joined to the store's path. */
static int parse_meta(FILE *f, const char *store_path, const char *name,
		      struct spool_meta *meta)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool have_time = false;
	int r = 0;

	*meta = (struct spool_meta){ 0 };
	while (r >= 0 && (n = getline(&line, &cap, f)) > 0) {
		char *eq, **field;
		const struct meta_key *k;

		if (n > META_LINE_MAX || strlen(line) != (size_t)n) {
			r = log_warning_errno(-EBADMSG,
					      "%s/%s: overlong or binary line "
					      "in spool metadata, leaving the "
					      "spool alone",
					      store_path, name);
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		eq = strchr(line, '=');
		if (!eq) {
			r = log_warning_errno(-EBADMSG,
					      "%s/%s: line without '=' in "
					      "spool metadata, leaving the "
					      "spool alone",
					      store_path, name);
			break;
		}
		*eq = '\0';
		if (!strcmp(line, "crash_time")) {
			if (have_time || !parse_time(eq + 1, &meta->crash_time))
				r = BAD_FIELD(store_path, name, "crash_time");
			have_time = true;
			continue;
		}
		k = meta_key(line);
		if (!k)
			continue; /* from a newer collector */
		field = meta_field(meta, k);
		if (*field || !k->valid(eq + 1)) {
			r = BAD_FIELD(store_path, name, k->key);
			break;
		}
		*field = strdup(eq + 1);
		if (!*field)
			r = log_oom();
	}
	free(line);
	if (r >= 0 && ferror(f))
		r = log_warning_errno(-EIO, "%s/%s: read error", store_path,
				      name);
	if (r >= 0) {
		const char *missing = !meta->base      ? "base" :
				      !meta->data_name ? "spool" :
				      !meta->remote    ? "remote" :
				      !meta->devcd     ? "devcd" :
							 NULL;

		if (missing)
			r = log_warning_errno(-EBADMSG,
					      "%s/%s: spool metadata field "
					      "'%s' missing, leaving the "
					      "spool alone",
					      store_path, name, missing);
		else if (!data_name_matches(meta))
			r = BAD_FIELD(store_path, name, "spool");
	}
	if (r < 0)
		spool_meta_free(meta);
	return r;
}

static int copy_meta(const struct spool_meta *from, struct spool_meta *to)
{
	*to = (struct spool_meta){ .crash_time = from->crash_time };
	to->base = strdup(from->base);
	to->remote = strdup(from->remote ? from->remote : "");
	to->firmware = strdup(from->firmware ? from->firmware : "");
	to->device = strdup(from->device ? from->device : "");
	to->devcd = strdup(from->devcd ? from->devcd : "");
	to->kernel_release =
		strdup(from->kernel_release ? from->kernel_release : "");
	if (!to->base || !to->remote || !to->firmware || !to->device ||
	    !to->devcd || !to->kernel_release) {
		spool_meta_free(to);
		return log_oom();
	}
	return 0;
}

static void spool_init(struct spool *sp, struct store *store)
{
	*sp = (struct spool){ .store = store, .meta_fd = -1, .data_fd = -1 };
}

/* Writes the metadata file and keeps it open, locked. */
static int create_meta(struct spool *sp)
{
	struct atomic_file f;
	int r;

	r = atomic_file_openat(sp->store->dir_fd, sp->meta_name, 0600, &f);
	if (r < 0)
		return r;
	if (flock(f.fd, LOCK_EX) < 0)
		r = log_error_errno(-errno, "%s/%s: flock: %m", sp->store->path,
				    sp->meta_name);
	if (r >= 0) {
		r = write_meta(f.fd, &sp->meta);
		if (r < 0)
			r = log_error_errno(r, "%s/%s: %m", sp->store->path,
					    sp->meta_name);
	}
	if (r >= 0)
		r = atomic_file_commit(&f, false);
	if (r >= 0)
		sp->meta_fd = TAKE_FD(f.fd);
	atomic_file_release(&f);
	return r;
}

int spool_create(struct store *store, const struct spool_meta *meta,
		 bool compressed, unsigned threads, struct spool *sp)
{
	int r;

	spool_init(sp, store);
	sp->compressed = compressed;
	r = copy_meta(meta, &sp->meta);
	if (r < 0)
		return r;
	if (asprintf(&sp->meta_name, ".%s.%s%s", meta->base, meta->devcd,
		     SPOOL_META_SUFFIX) < 0 ||
	    asprintf(&sp->meta.data_name, ".%s.%s.spool%s", meta->base,
		     meta->devcd, compressed ? ".gz" : "") < 0) {
		sp->meta_name = sp->meta.data_name = NULL;
		return log_oom();
	}
	r = create_meta(sp);
	if (r < 0)
		return r;
	sp->data_fd = openat(store->dir_fd, sp->meta.data_name,
			     O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0600);
	if (sp->data_fd < 0)
		return log_error_errno(-errno, "%s/%s: %m", store->path,
				       sp->meta.data_name);
	if (compressed) {
		r = rpd_gz_writer_new(sp->data_fd, SPOOL_GZ_LEVEL, threads,
				      &sp->gz);
		if (r < 0)
			return log_error_errno(r, "%s/%s: %s", store->path,
					       sp->meta.data_name, rpd_error());
	}
	return 0;
}

int spool_write(struct spool *sp, const void *buf, size_t len)
{
	int r;

	r = sp->gz ? rpd_gz_writer_write(sp->gz, buf, len) :
		     write_full(sp->data_fd, buf, len);
	if (r < 0)
		return log_error_errno(r, "%s/%s: %m", sp->store->path,
				       sp->meta.data_name);
	sp->written += len;
	return 0;
}

/* Errors of copy_file_range() that concern the spool, not the dump. */
static bool spool_side_error(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG || err == EROFS;
}

int spool_copy_from(struct spool *sp, int fd, uint64_t from, uint64_t max,
		    uint64_t *copied, int *read_err)
{
	loff_t in_off = (loff_t)from;

	*copied = 0;
	*read_err = 0;
	if (sp->gz)
		return -EOPNOTSUPP;
	while (*copied < max) {
		size_t want = (size_t)MIN(max - *copied, (uint64_t)1 << 30);
		ssize_t n = copy_file_range(fd, &in_off, sp->data_fd, NULL,
					    want, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !*copied &&
		    (errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP ||
		     errno == ENOSYS || errno == EBADF))
			return -EOPNOTSUPP;
		if (n < 0 && spool_side_error(errno))
			return log_error_errno(-errno, "%s/%s: %m",
					       sp->store->path,
					       sp->meta.data_name);
		if (n < 0)
			*read_err = errno;
		if (n <= 0)
			break;
		*copied += (uint64_t)n;
		sp->written += (uint64_t)n;
	}
	return 0;
}

int spool_copy_parallel(struct spool *sp, struct parallel_copy *pc)
{
	int r;

	if (sp->gz)
		return -EOPNOTSUPP;
	pc->dst_fd = sp->data_fd;
	r = parallel_copy(pc);
	if (r >= 0 && lseek(sp->data_fd, (off_t)pc->end, SEEK_SET) < 0)
		r = -errno;
	if (r < 0 && pc->readers) /* the spool's fault, not the dump's */
		return log_error_errno(r, "%s/%s: %m", sp->store->path,
				       sp->meta.data_name);
	if (r < 0)
		return r;
	sp->written += pc->end - pc->from;
	return 0;
}

int spool_finish_writing(struct spool *sp)
{
	int r;

	if (!sp->gz)
		return 0;
	r = rpd_gz_writer_finish(sp->gz);
	rpd_gz_writer_free(sp->gz);
	sp->gz = NULL;
	if (r < 0)
		return log_error_errno(r, "%s/%s: %m", sp->store->path,
				       sp->meta.data_name);
	return 0;
}

int spool_sync(struct spool *sp)
{
	if (fsync(sp->data_fd) < 0)
		return log_warning_errno(-errno, "%s/%s: fsync: %m",
					 sp->store->path, sp->meta.data_name);
	return 0;
}

/* Locks meta_name's file unless someone else holds it: 1, 0 or -errno. */
static int lock_meta(struct spool *sp, const char *meta_name)
{
	struct stat st;

	sp->meta_fd = openat(sp->store->dir_fd, meta_name,
			     O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (sp->meta_fd < 0 && errno == ENOENT)
		return 0;
	if (sp->meta_fd < 0)
		return log_error_errno(-errno, "%s/%s: %m", sp->store->path,
				       meta_name);
	if (flock(sp->meta_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return 0;
		return log_error_errno(-errno, "%s/%s: flock: %m",
				       sp->store->path, meta_name);
	}
	/* Finished (and unlinked) between our open and our lock? */
	if (fstat(sp->meta_fd, &st) < 0 || st.st_nlink == 0)
		return 0;
	return 1;
}

int spool_claim(struct store *store, const char *meta_name, struct spool *sp)
{
	_cleanup_fclose_ FILE *f = NULL;
	int fd, r;

	spool_init(sp, store);
	sp->meta_name = strdup(meta_name);
	if (!sp->meta_name)
		return log_oom();
	r = lock_meta(sp, meta_name);
	if (r <= 0)
		return r;
	fd = fcntl(sp->meta_fd, F_DUPFD_CLOEXEC, 3);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		r = log_error_errno(-errno, "%s/%s: %m", store->path,
				    meta_name);
		if (fd >= 0)
			close(fd);
		return r;
	}
	/* A file that fails is reported and left as it is: not ours to
	 * remove, and not to be committed. */
	r = parse_meta(f, store->path, meta_name, &sp->meta);
	if (r < 0)
		return r;
	sp->compressed = endswith(sp->meta.data_name, ".gz") != NULL;
	sp->data_fd = openat(store->dir_fd, sp->meta.data_name,
			     O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (sp->data_fd < 0 && errno == ENOENT) {
		/* Killed before it read anything: the kernel kept the dump. */
		log_info("%s/%s: no spooled bytes; removing it", store->path,
			 meta_name);
		unlinkat(store->dir_fd, meta_name, 0);
		return 0;
	}
	if (sp->data_fd < 0)
		return log_error_errno(-errno, "%s/%s: %m", store->path,
				       sp->meta.data_name);
	return 1;
}

int spool_open_dump(struct spool *sp, struct rpd_devcd **dump)
{
	int r;

	if (!sp->compressed)
		return rpd_devcd_open(sp->data_fd, sp->meta.data_name, dump);
	r = rpd_gz_reader_open(sp->data_fd, sp->meta.data_name, &sp->gz_in);
	if (r >= 0)
		r = rpd_gz_reader_as_reader(sp->gz_in, &sp->reader);
	if (r >= 0)
		r = rpd_devcd_open_reader(&sp->reader, sp->meta.data_name,
					  dump);
	return r;
}

int spool_keep_as(struct spool *sp, const char *suffix)
{
	struct atomic_file f = { .dir_fd = -1, .fd = -1 };
	char *final_name = NULL;
	int r;

	/* The spool is the temporary file of an atomic_file: commit renames
	 * it into place, never over an existing name. */
	f.dir_fd = fcntl(sp->store->dir_fd, F_DUPFD_CLOEXEC, 3);
	f.fd = fcntl(sp->data_fd, F_DUPFD_CLOEXEC, 3);
	f.tmp_name = strdup(sp->meta.data_name);
	if (f.dir_fd < 0 || f.fd < 0 || !f.tmp_name)
		r = log_oom();
	else
		r = store_commit(sp->store, &f, sp->meta.base, suffix,
				 &final_name);
	if (r < 0) {
		free(f.tmp_name); /* not ours to remove */
		f.tmp_name = NULL;
	} else {
		log_info("%s: kept the dump as read: %s/%s", sp->meta.remote,
			 sp->store->path, final_name);
		unlinkat(sp->store->dir_fd, sp->meta_name, 0);
	}
	free(final_name);
	atomic_file_release(&f);
	return r;
}

void spool_remove(struct spool *sp)
{
	if (sp->meta.data_name)
		unlinkat(sp->store->dir_fd, sp->meta.data_name, 0);
	if (sp->meta_name)
		unlinkat(sp->store->dir_fd, sp->meta_name, 0);
}

void spool_close(struct spool *sp)
{
	rpd_gz_writer_free(sp->gz);
	rpd_gz_reader_free(sp->gz_in);
	if (sp->data_fd >= 0)
		close(sp->data_fd);
	if (sp->meta_fd >= 0)
		close(sp->meta_fd);
	spool_meta_free(&sp->meta);
	free(sp->meta_name);
	spool_init(sp, NULL);
}
