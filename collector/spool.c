// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spool.c - the raw dump in the store, and its metadata, until it is
 * stored as a core.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

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

/* The string fields of the metadata file, in the order written. */
static char **meta_field(struct spool_meta *meta, const char *key)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{ "base", offsetof(struct spool_meta, base) },
		{ "remote", offsetof(struct spool_meta, remote) },
		{ "firmware", offsetof(struct spool_meta, firmware) },
		{ "device", offsetof(struct spool_meta, device) },
		{ "devcd", offsetof(struct spool_meta, devcd) },
		{ "kernel_release",
		  offsetof(struct spool_meta, kernel_release) },
		{ "spool", offsetof(struct spool_meta, data_name) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(key, fields[i].key))
			return (char **)((char *)meta + fields[i].offset);
	return NULL;
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

/* A hidden plain name: no '/', no newline, starts with '.'. */
static bool is_spool_name(const char *s)
{
	return s[0] == '.' && !strchr(s, '/') && !strstr(s, "..");
}

static int parse_meta(FILE *f, const char *store_path, const char *name,
		      struct spool_meta *meta)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	*meta = (struct spool_meta){ 0 };
	while (r >= 0 && (n = getline(&line, &cap, f)) > 0) {
		char *eq = strchr(line, '='), **field;

		line[strcspn(line, "\n")] = '\0';
		if (!eq) {
			r = log_warning_errno(-EBADMSG,
					      "%s/%s: line without '='",
					      store_path, name);
			break;
		}
		*eq = '\0';
		if (!strcmp(line, "crash_time")) {
			meta->crash_time = strtoll(eq + 1, NULL, 10);
			continue;
		}
		field = meta_field(meta, line);
		if (!field)
			continue; /* from a newer collector */
		free(*field);
		*field = strdup(eq + 1);
		if (!*field)
			r = log_oom();
	}
	free(line);
	if (r >= 0 && (!meta->base || !meta->data_name || !meta->remote ||
		       !is_spool_name(meta->data_name)))
		r = log_warning_errno(-EBADMSG,
				      "%s/%s: incomplete spool metadata",
				      store_path, name);
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
	r = parse_meta(f, store->path, meta_name, &sp->meta);
	if (r < 0) {
		log_warning("%s/%s: removing the broken metadata", store->path,
			    meta_name);
		unlinkat(store->dir_fd, meta_name, 0);
		return r;
	}
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
