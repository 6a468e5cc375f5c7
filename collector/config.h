/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.h - /etc/rproc-collect.conf.
 *
 * systemd-style: a [Collect] section of Key=Value lines, '#' comments.
 * Sizes take K, M, G, T suffixes (powers of 1024) or "infinity"; MaxUse and
 * KeepFree also take a percentage of the store's filesystem. A missing file
 * means all defaults; an unknown key or bad value is an error naming the
 * file, line and key.
 */
#ifndef RPD_CONFIG_H
#define RPD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define CONFIG_DEFAULT_PATH "/etc/rproc-collect.conf"
#define CONFIG_DEFAULT_STORAGE "/var/lib/rproc-dumps"

enum oversize_policy {
	OVERSIZE_TRUNCATE, /* keep the first MaxDumpSize bytes, marked */
	OVERSIZE_DROP,	   /* store nothing, log why */
};

/* A size that may be relative to the store's filesystem. */
struct config_size {
	uint64_t bytes;	  /* when !percent */
	unsigned percent; /* 0-100, when percent */
	bool is_percent;
	/* Bounds of a percentage, as systemd-coredump puts on its defaults
	 * (0: none); a value from the file is not bounded. */
	uint64_t min_bytes, max_bytes;
};

struct collect_config {
	char *storage_dir; /* StorageDir= */
	struct config_size
		max_use; /* MaxUse= (default 10%, clamped to [1M, 4G]) */
	struct config_size keep_free; /* KeepFree= (default 15%, at most 4G) */
	unsigned max_dumps_per_remote; /* MaxDumpsPerRemote= (default 8, 0: no limit) */
	uint64_t max_dump_size;	       /* MaxDumpSize= (default 4G) */
	enum oversize_policy oversize; /* OversizeDump=truncate|drop */
	int compress_level;	       /* CompressLevel= 1-9 (default 6) */
	unsigned compress_threads; /* CompressThreads= (default 0: all CPUs) */
	unsigned read_threads;	   /* ReadThreads= (default 0: all CPUs) */
	bool recover;		   /* Recover= ask for recovery when the
					 * remote sits crashed with recovery
					 * disabled (default no) */
	unsigned crash_loop_max;   /* CrashLoopMax= crashes ... (default 5) */
	unsigned crash_loop_minutes; /* CrashLoopMinutes= ... within (default 10):
					 * more stops recovery, keeps the remote
					 * halted for inspection */
	char *firmware_path;	     /* FirmwarePath= extra directory searched
					 * before the kernel's */
	char *sysfs_root; /* not in the file: "/sys" (tests: RPROC_COLLECT_SYSFS) */
};

void config_defaults(struct collect_config *cfg);
/* Reads path over the defaults; a missing file is not an error. Errors
 * are logged ("file:line: key: problem") and return -EINVAL, or the errno
 * of reading. */
int config_load(const char *path, struct collect_config *cfg);
void config_free(struct collect_config *cfg);
/* The byte value of a size for a filesystem of fs_bytes. */
uint64_t config_size_resolve(const struct config_size *size, uint64_t fs_bytes);

#endif
