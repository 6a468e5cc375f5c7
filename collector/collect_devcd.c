// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * collect_devcd.c - from /sys/class/devcoredump/devcdN to a stored core.
 *
 * The order is what matters. The kernel holds the dump in memory for at
 * most five minutes, and a remote whose driver dumps "inline" cannot
 * recover until the dump is freed, so the dump is first copied as it is
 * into a spool file in the store (the fastest thing that makes it safe),
 * then released; only then come the recovery decision, fsync, conversion
 * and compression, which may take seconds or minutes on a small board. A
 * collector killed after the release leaves its spool to the next one
 * (collect_leftovers()).
 *
 * A dump that cannot be spooled (store unwritable, disk full) is not
 * released: it stays in the kernel for a later attempt until it expires.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "collect.h"
#include "collect_devcd.h"
#include "devcd_source.h"
#include "dump_name.h"
#include "firmware_search.h"
#include "io_util.h"
#include "log.h"
#include "macro.h"
#include "recovery.h"
#include "spool.h"
#include "store.h"
#include "string_util.h"
#include "vacuum.h"

/* Reads of a sysfs bin attribute return at most a page each; many of them
 * go into one buffer, which is then written in one go. */
#define READ_CHUNK (4u << 20)
#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define MIB 1048576.0

/* What spooling decided. */
enum spool_outcome {
	SPOOLED,
	DROPPED, /* over MaxDumpSize with OversizeDump=drop */
};

struct collection {
	const struct collect_config *cfg;
	struct store store;
	struct devcd_source src;
	struct spool spool;
	time_t crash_time;
	char boot_id[40];
	struct utsname uts;
	struct timespec start;
	uint64_t declared;   /* size the dump's headers give, 0 if unknown */
	uint64_t read;	     /* bytes read from the kernel */
	unsigned readers;    /* threads that read it, if more than one */
	bool kept_for_retry; /* its spool waits for room, or resources */
};

static void read_boot_id(char *out, size_t size)
{
	FILE *f = fopen(BOOT_ID_PATH, "re");

	if (!f || !fgets(out, (int)size, f))
		snprintf(out, size, "00000000");
	out[strcspn(out, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* The size of the dump its headers give, 0 if the first chunk does not
 * hold them (not an ELF, or headers beyond it). */
static uint64_t declared_size(const uint8_t *buf, size_t len)
{
	uint64_t size;

	return rpd_devcd_declared_size(buf, len, &size) < 0 ? 0 : size;
}

static const char *who(const struct collection *c)
{
	return c->src.name;
}

/*
 * When the remote crashed: the series' kernels put it in the dump's RPROC
 * note; for other kernels the start of the collection is the best guess.
 */
static void take_crash_time(struct collection *c, const uint8_t *buf,
			    size_t len)
{
	struct rpd_devcd *dump;
	int64_t t;

	/* The first chunk holds the headers and notes; the rest is clipped. */
	if (rpd_devcd_open_mem(buf, len, c->src.devcd, &dump) < 0)
		return;
	/* Up to 9999-12-31: a stored name has four digits of year. */
	if (safe_atoi64(rpd_devcd_info(dump, "crash_time"), &t) == 0 && t > 0 &&
	    t <= 253402300799 && (time_t)t == t) {
		c->crash_time = (time_t)t;
		log_debug("%s: crash time %lld from the dump's RPROC note",
			  who(c), (long long)t);
	}
	rpd_devcd_free(dump);
}

static int create_spool(struct collection *c, bool compressed)
{
	char base[DUMP_NAME_BASE_MAX];
	struct spool_meta meta = {
		.base = base,
		.remote = c->src.name,
		.firmware = c->src.firmware,
		.device = c->src.device,
		.devcd = c->src.devcd,
		.kernel_release = c->uts.release,
		.crash_time = c->crash_time,
	};

	dump_name_format(c->src.name, c->src.firmware, c->crash_time,
			 c->boot_id, base, sizeof(base));
	return spool_create(&c->store, &meta, compressed,
			    c->cfg->compress_threads, &c->spool);
}

/* Plain when the whole dump fits beside KeepFree, else compressed. */
static int choose_spool(struct collection *c, bool *compressed)
{
	uint64_t room, size = MIN(c->declared, c->cfg->max_dump_size);
	int r;

	r = store_room(&c->store, c->cfg, &room);
	if (r < 0)
		return r;
	*compressed = !c->declared || size > room;
	log_debug(
		"%s: dump %s declares %llu bytes, the store has room for %llu",
		who(c), c->src.devcd, (unsigned long long)c->declared,
		(unsigned long long)room);
	if (*compressed)
		log_info("%s: dump %s: %s; spooling it compressed", who(c),
			 c->src.devcd,
			 c->declared ?
				 "larger than the room left in the store" :
				 "size unknown");
	return 0;
}

static void log_oversize(const struct collection *c, const char *outcome)
{
	log_info(
		"%s: dump %s is larger than MaxDumpSize=%.1f MiB (%s%.1f MiB): %s",
		who(c), c->src.devcd, (double)c->cfg->max_dump_size / MIB,
		c->declared ? "" : "at least ",
		(double)MAX(c->declared, c->read) / MIB, outcome);
}

/* Logs why the dump ended early; the converter marks it truncated. */
static void log_short_read(const struct collection *c, int err)
{
	if (err)
		log_warning_errno(
			-err,
			"%s: reading dump %s failed after %.1f MiB (%m; deleted by the kernel?): keeping what was read, marked truncated",
			who(c), c->src.devcd, (double)c->read / MIB);
	else if (c->declared > c->read)
		log_warning(
			"%s: dump %s ended after %.1f of %.1f MiB: keeping what was read, marked truncated",
			who(c), c->src.devcd, (double)c->read / MIB,
			(double)c->declared / MIB);
}

/*
 * Copies the rest of the dump without a trip through our memory, if the
 * kernel can. Returns 0 when done (whatever stopped it is logged), 1 when
 * the caller must read and write instead, or a negative errno.
 */
static int copy_in_kernel(struct collection *c, int fd, int *err)
{
	uint64_t limit = c->cfg->max_dump_size, copied;
	int r;

	r = spool_copy_from(&c->spool, fd, c->read, limit - c->read, &copied,
			    err);
	if (r == -EOPNOTSUPP)
		return 1;
	if (r < 0)
		return r;
	c->read += copied;
	if (c->read >= limit && c->declared > limit)
		log_oversize(c, "keeping the first part, marked truncated");
	else
		log_short_read(c, *err);
	return 0;
}

static int open_data(void *ctx)
{
	return devcd_source_open_data(ctx);
}

/*
 * Copies the dump up to where its headers say it ends, within MaxDumpSize,
 * with a reader per CPU. Returns 0 when done (whatever stopped it is
 * logged), 1 when the caller must read on (a compressed spool, a size the
 * headers do not give, or bytes past the end they give), or -errno.
 */
static int copy_in_parallel(struct collection *c, int *err)
{
	uint64_t limit = c->cfg->max_dump_size;
	struct parallel_copy pc = {
		.open_source = open_data,
		.ctx = &c->src,
		.from = c->read,
		.to = MIN(c->declared, limit),
		.threads = c->cfg->read_threads,
	};
	int r;

	if (c->spool.compressed || pc.to <= pc.from)
		return 1;
	r = spool_copy_parallel(&c->spool, &pc);
	if (r < 0 && !pc.readers) {
		/* Out of fds or memory, say: the caller's fd reads on. */
		log_warning_errno(
			r,
			"%s: dump %s: cannot start more readers: %m; reading it with one thread",
			who(c), c->src.devcd);
		return 1;
	}
	if (r < 0)
		return r;
	c->read = pc.end;
	c->readers = pc.readers;
	*err = pc.source_err;
	if (c->read < pc.to) {
		log_short_read(c, *err);
		return 0;
	}
	if (c->read >= limit && c->declared > limit) {
		log_oversize(c, "keeping the first part, marked truncated");
		return 0;
	}
	return 1;
}

/* Copies the dump into the spool, within MaxDumpSize. */
static int spool_dump(struct collection *c, int fd, uint8_t *buf)
{
	uint64_t limit = c->cfg->max_dump_size;
	bool compressed, in_kernel = true;
	size_t n;
	int err, r;

	n = pread_some(fd, buf, READ_CHUNK, 0, &err);
	if (!n && err)
		return log_error_errno(-err, "%s: dump %s: %m", who(c),
				       c->src.devcd);
	if (!n)
		return log_error_errno(-ENODATA,
				       "%s: dump %s: empty (already freed?)",
				       who(c), c->src.devcd);
	c->declared = declared_size(buf, n);
	take_crash_time(c, buf, n);
	if (c->declared > limit && c->cfg->oversize == OVERSIZE_DROP) {
		log_oversize(c, "dropped (OversizeDump=drop)");
		return DROPPED;
	}
	r = choose_spool(c, &compressed);
	if (r >= 0)
		r = create_spool(c, compressed);
	while (r >= 0 && n) {
		size_t take = (size_t)MIN((uint64_t)n, limit - c->read);

		if (take < n && c->cfg->oversize == OVERSIZE_DROP) {
			log_oversize(c, "dropped (OversizeDump=drop)");
			return DROPPED;
		}
		r = spool_write(&c->spool, buf, take);
		if (r < 0)
			break;
		c->read += take;
		if (take < n) {
			log_oversize(
				c, "keeping the first part, marked truncated");
			break;
		}
		if (err || n < READ_CHUNK) {
			log_short_read(c, err);
			break;
		}
		if (in_kernel) {
			r = copy_in_kernel(c, fd, &err);
			if (r <= 0)
				break;
			in_kernel = false;
			r = copy_in_parallel(c, &err);
			if (r <= 0)
				break;
		}
		n = pread_some(fd, buf, READ_CHUNK, c->read, &err);
		if (!n)
			log_short_read(c, err);
	}
	if (r >= 0)
		r = spool_finish_writing(&c->spool);
	return r < 0 ? r : SPOOLED;
}

/* Spools and releases the dump: 0 spooled, 1 dropped, or -errno. */
static int take_dump(struct collection *c)
{
	_cleanup_free_ uint8_t *buf = malloc(READ_CHUNK);
	_cleanup_close_ int fd = -1;
	int outcome, r;

	if (!buf)
		return log_oom();
	fd = devcd_source_open_data(&c->src);
	if (fd < 0)
		return log_error_errno(fd, "%s/data: %m", c->src.devcd);
	outcome = spool_dump(c, fd, buf);
	if (outcome < 0 || outcome == DROPPED)
		spool_remove(&c->spool);
	if (outcome < 0)
		return outcome;
	r = devcd_source_release(&c->src);
	if (r < 0) {
		/* The bytes are safe; the kernel frees the dump in time. */
		log_warning_errno(r, "%s: %s/data: cannot release the dump: %m",
				  who(c), c->src.devcd);
	} else if (outcome == SPOOLED) {
		char readers[32] = "";

		if (c->readers > 1)
			snprintf(readers, sizeof(readers), ", %u readers",
				 c->readers);
		log_info(
			"%s (%s): dump %s spooled (%.1f MiB in %.2f s%s), released",
			c->src.device, who(c), c->src.devcd,
			(double)c->read / MIB, collect_seconds_since(&c->start),
			readers);
	} else {
		log_info("%s (%s): dump %s released", c->src.device, who(c),
			 c->src.devcd);
	}
	return outcome;
}

/*
 * The firmware the remote runs, found as the kernel finds it. A dump is
 * stored without it rather than not at all: the warning says why.
 */
static struct rpd_firmware *open_firmware(const struct collect_config *cfg,
					  const struct spool_meta *meta)
{
	const char *extra[] = { cfg->firmware_path, NULL };
	_cleanup_free_ char *path = NULL, *tried = NULL;
	struct rpd_firmware *fw;
	int r;

	if (!meta->firmware || !*meta->firmware) {
		log_warning(
			"%s: the remote names no firmware: storing the dump without firmware",
			meta->remote);
		return NULL;
	}
	r = firmware_find(NULL, extra, meta->firmware, &path, &tried);
	if (r == -ENOENT)
		log_warning(
			"%s: firmware '%s' not found in %s: storing the dump without firmware",
			meta->remote, meta->firmware, tried);
	else if (r == -EINVAL)
		log_warning(
			"%s: firmware name '%s' is not a relative path: storing the dump without firmware",
			meta->remote, meta->firmware);
	else if (r < 0)
		log_warning_errno(
			r,
			"%s: looking for firmware '%s': %m: storing the dump without firmware",
			meta->remote, meta->firmware);
	if (r < 0)
		return NULL;
	r = rpd_firmware_open(path, &fw);
	if (r < 0) {
		log_warning("%s: %s: storing the dump without firmware",
			    meta->remote, rpd_error());
		return NULL;
	}
	return fw;
}

/* ENOSPC and the like pass; a dump that cannot be converted does not. */
static bool worth_retrying(int r)
{
	return r == -ENOSPC || r == -EDQUOT || r == -EIO || r == -EROFS ||
	       r == -ENOMEM || r == -EMFILE || r == -ENFILE;
}

/* Writes the core into the store under the lock, within the limits. */
static int write_core(const struct collect_config *cfg, struct store *store,
		      struct spool *sp, const struct rpd_devcd *dump,
		      const struct rpd_firmware *fw,
		      struct rpd_convert_result *result, char **final_name,
		      uint64_t *disk)
{
	char remote[DUMP_NAME_FIELD_MAX + 1];
	const struct spool_meta *m = &sp->meta;
	struct rpd_convert_info info = {
		.rproc_name = m->remote,
		.firmware_name = m->firmware,
		.crash_time = m->crash_time,
		.kernel_release = m->kernel_release,
		.collector = "rproc-collect " RPD_VERSION,
	};
	_cleanup_(atomic_file_release) struct atomic_file f = { .dir_fd = -1,
								.fd = -1 };
	struct stat st;
	int r;

	dump_name_sanitize(m->remote, remote, sizeof(remote));
	r = store_lock(store);
	if (r >= 0)
		r = store_vacuum(store, cfg, remote, NULL);
	store_unlock(store);
	if (r < 0)
		return r;
	r = atomic_file_openat(store->dir_fd, m->base, 0600, &f);
	if (r < 0)
		return r;
	r = collect_write_gz(dump, fw, &info, cfg->compress_level,
			     cfg->compress_threads, f.fd, result);
	if (r < 0)
		return log_error_errno(r, "%s: %s", m->remote, rpd_error());
	if (fstat(f.fd, &st) < 0)
		return log_error_errno(-errno, "%s/%s: %m", store->path,
				       f.tmp_name);
	r = store_lock(store);
	if (r < 0)
		return r;
	*disk = (uint64_t)st.st_blocks * 512;
	r = store_commit(store, &f, m->base, DUMP_SUFFIX_CORE, final_name);
	/* Stored: a failure now must not make the spool stay, which would
	 * store the dump a second time. */
	if (r >= 0 && store_vacuum(store, cfg, NULL, *final_name) < 0)
		log_warning("%s: limits not applied", m->remote);
	store_unlock(store);
	return r;
}

/*
 * Converts a spool into a stored core and removes it. A dump the library
 * rejects is kept as read; one that failed for lack of space stays spooled
 * for the next collection.
 */
static int store_spool(const struct collect_config *cfg, struct store *store,
		       struct spool *sp)
{
	const struct spool_meta *m = &sp->meta;
	_cleanup_(rpd_firmware_freep) struct rpd_firmware *fw = NULL;
	_cleanup_(rpd_devcd_freep) struct rpd_devcd *dump = NULL;
	_cleanup_free_ char *final_name = NULL;
	struct rpd_convert_result result = { 0 };
	const char *kept = sp->compressed ? ".devcd.gz" : ".devcd";
	struct timespec start;
	uint64_t disk = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	r = spool_open_dump(sp, &dump);
	if (r < 0) {
		log_error_errno(r, "%s: %s", m->remote, rpd_error());
		spool_keep_as(sp, kept);
		return r;
	}
	fw = open_firmware(cfg, m);
	collect_log_firmware(m->remote, fw);
	r = write_core(cfg, store, sp, dump, fw, &result, &final_name, &disk);
	if (r >= 0) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", store->path, final_name);
		collect_log_stored(m->remote, path, &result, disk,
				   collect_seconds_since(&start));
		spool_remove(sp);
	} else if (worth_retrying(r)) {
		log_error_errno(
			r,
			"%s: cannot store dump %s: %m; its spool %s/%s is kept for the next collection",
			m->remote, m->devcd, store->path, m->data_name);
	} else {
		log_error_errno(r, "%s: cannot convert dump %s: %m", m->remote,
				m->devcd);
		spool_keep_as(sp, kept);
	}
	return r;
}

static int collect_remoteproc(struct collection *c)
{
	int r, r2;

	r = store_open(c->cfg->storage_dir, &c->store);
	if (r >= 0)
		r = take_dump(c);
	if (r < 0)
		return log_error_errno(
			r,
			"%s: dump %s not collected: %m; it stays in the kernel until it expires (5 min)",
			c->src.name, c->src.devcd);
	if (r == SPOOLED)
		spool_sync(&c->spool);
	r2 = recovery_apply(&c->store, c->cfg, &c->src, c->crash_time);
	if (r2 < 0)
		log_warning_errno(r2, "%s: recovery: %m", who(c));
	if (r == SPOOLED) {
		r = store_spool(c->cfg, &c->store, &c->spool);
		c->kept_for_retry = r < 0 && worth_retrying(r);
	}
	return r;
}

int collect_devcd(const struct collect_config *cfg, const char *devcd)
{
	struct collection c = { .cfg = cfg };
	int r;

	clock_gettime(CLOCK_MONOTONIC, &c.start);
	c.crash_time = time(NULL);
	read_boot_id(c.boot_id, sizeof(c.boot_id));
	if (uname(&c.uts) < 0)
		c.uts.release[0] = '\0';
	c.spool = (struct spool){ .meta_fd = -1, .data_fd = -1 };

	r = devcd_source_open(cfg->sysfs_root, devcd, &c.src);
	if (r == 0) {
		log_info(
			"%s: failing device is not a remoteproc (%s), left for other collectors",
			devcd, c.src.device);
	} else {
		r = collect_remoteproc(&c);
		spool_close(&c.spool);
		/* Last: the fresh dump had a deadline, leftovers do not. When
		 * it could not be stored for want of room or resources,
		 * neither could they. */
		if (c.store.dir_fd >= 0 && !c.kept_for_retry)
			collect_leftovers(cfg);
	}
	store_close(&c.store);
	devcd_source_close(&c.src);
	return r < 0 ? r : 0;
}

static bool is_meta_name(const char *name)
{
	const char *suffix = endswith(name, SPOOL_META_SUFFIX);

	/* ".#..." are atomic_file temporaries. */
	return name[0] == '.' && name[1] != '#' && suffix && suffix > name + 1;
}

/* The metadata files in the store now; new ones are their writers'. */
static int list_spools(struct store *store, char ***names, size_t *n)
{
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	*names = NULL;
	*n = 0;
	fd = openat(store->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		r = log_error_errno(-errno, "%s: %m", store->path);
		if (fd >= 0)
			close(fd);
		return r;
	}
	while (r >= 0 && (de = readdir(dir))) {
		char **grown;

		if (!is_meta_name(de->d_name))
			continue;
		grown = realloc(*names, (*n + 1) * sizeof(**names));
		if (grown)
			*names = grown;
		if (!grown || !(grown[*n] = strdup(de->d_name)))
			r = log_oom();
		else
			(*n)++;
	}
	closedir(dir);
	return r;
}

int collect_leftovers(const struct collect_config *cfg)
{
	struct store store;
	char **names;
	size_t n;
	int r, ret = 0;

	r = store_open(cfg->storage_dir, &store);
	if (r >= 0)
		r = list_spools(&store, &names, &n);
	if (r < 0) {
		store_close(&store);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		struct spool sp;

		r = spool_claim(&store, names[i], &sp);
		if (r > 0) {
			log_info(
				"%s: finishing dump %s that an earlier collection spooled and released",
				sp.meta.remote, sp.meta.devcd);
			r = store_spool(cfg, &store, &sp);
		}
		if (r < 0 && !ret)
			ret = r;
		spool_close(&sp);
		free(names[i]);
	}
	free(names);
	store_close(&store);
	return ret;
}
