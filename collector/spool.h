/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * spool.h - a dump's raw bytes in the store, between release and storage.
 *
 * The kernel's copy of a dump is released as soon as its bytes are in the
 * spool; converting and compressing come after, and a collector killed in
 * between leaves the spool for the next run. Each spool is two hidden files
 * in the store:
 *
 *   .<base>.<devcd>.meta        what finishing needs: key=value lines
 *                               (base, remote, firmware, device, devcd,
 *                               kernel_release, crash_time, spool)
 *   .<base>.<devcd>.spool[.gz]  the dump's bytes as read, plain or, when
 *                               the plain dump would not fit, compressed
 *                               (.core.gz container, level 1)
 *
 * The metadata file is written first (atomically) and stays locked
 * (flock) by the collector that owns the spool: a finisher takes only
 * spools whose lock it can get. A spool shorter than its dump's headers
 * is a dump cut short; the converter marks it so.
 *
 * Failures are logged where they happen, but for spool_open_dump(), whose
 * errors are the library's (rpd_error() says why).
 */
#ifndef RPD_SPOOL_H
#define RPD_SPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "parallel_copy.h"
#include "rproc/rprocdump.h"
#include "store.h"

#define SPOOL_META_SUFFIX ".meta"

struct spool_meta {
	char *base;	/* the stored dump's name, without its suffix */
	char *remote;	/* sysfs "name" */
	char *firmware; /* sysfs "firmware" */
	char *device;	/* "remoteproc0" */
	char *devcd;	/* "devcd3" */
	char *kernel_release;
	int64_t crash_time;
	char *data_name; /* the spool file within the store */
};

struct spool {
	struct store *store;
	struct spool_meta meta;
	char *meta_name;
	int meta_fd; /* holds the lock */
	int data_fd;
	bool compressed;
	struct rpd_gz_writer *gz;    /* while writing a compressed spool */
	struct rpd_gz_reader *gz_in; /* while reading it back */
	struct rpd_reader reader;
	uint64_t written; /* dump bytes written */
};

/*
 * Creates the spool files for meta (data_name is chosen here), plain or
 * compressed with threads threads.
 */
int spool_create(struct store *store, const struct spool_meta *meta,
		 bool compressed, unsigned threads, struct spool *sp);
int spool_write(struct spool *sp, const void *buf, size_t len);
/*
 * Copies up to max bytes from fd at offset from onto the end of a plain
 * spool inside the kernel (copy_file_range(), as cat does), so that the
 * dump is released sooner. Sets *copied, and *read_err if reading stopped
 * on an error (the kernel deleted the dump). Returns 0, -EOPNOTSUPP when
 * the spool is compressed or the kernel cannot copy from this source (the
 * caller then reads and writes), or another negative errno when the spool
 * cannot be written.
 */
int spool_copy_from(struct spool *sp, int fd, uint64_t from, uint64_t max,
		    uint64_t *copied, int *read_err);
/*
 * Copies pc's range of the dump into a plain spool, which holds pc->from
 * bytes so far, with parallel_copy() (pc->dst_fd is set here). Returns 0,
 * -EOPNOTSUPP when the spool is compressed, or another negative errno:
 * with pc->readers 0 nothing was read (no thread could open the dump), or
 * else the spool cannot be written.
 */
int spool_copy_parallel(struct spool *sp, struct parallel_copy *pc);

/* Flushes a compressed spool's last member (the bytes are then all in the
 * file, not yet on disk). */
int spool_finish_writing(struct spool *sp);
/* fsyncs the spool's bytes; a failure is logged as a warning. */
int spool_sync(struct spool *sp);

/*
 * Takes over the spool whose metadata file is meta_name. Returns 1 when
 * taken, 0 when another collector holds it or it is gone, a negative errno
 * when it cannot be read (a broken metadata file is removed, with a log
 * line).
 */
int spool_claim(struct store *store, const char *meta_name, struct spool *sp);

/* Opens the spooled dump; it stays valid until spool_close(). Not
 * logged: rpd_error() says what is wrong with the dump. */
int spool_open_dump(struct spool *sp, struct rpd_devcd **dump);

/* Renames the spooled bytes to base + suffix in the store (a dump kept as
 * read, when it cannot be converted) and removes the metadata. */
int spool_keep_as(struct spool *sp, const char *suffix);
/* Removes both files: the dump is stored. */
void spool_remove(struct spool *sp);
/* Closes (and unlocks) without removing anything. */
void spool_close(struct spool *sp);

void spool_meta_free(struct spool_meta *meta);

#endif
