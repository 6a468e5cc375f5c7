/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * collect.h - turn one saved devcoredump into a stored core file.
 */
#ifndef RPD_COLLECT_H
#define RPD_COLLECT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "rproc/rprocdump.h"

struct collect_request {
	const char *dump_path;	   /* saved devcoredump, "-" for stdin */
	const char *firmware_path; /* NULL: collect without firmware */
	const char *output_path;   /* ".gz" suffix: compressed container */
	struct rpd_convert_info info;
	int level;	  /* gzip level */
	unsigned threads; /* compression threads, 0: all CPUs */
	bool replace;	  /* overwrite an existing output */
};

/* Writes the stored core and logs one line describing it; failures are
 * logged. */
int collect_file(const struct collect_request *req);

/* Converts dump into fd as a .core.gz container (level 1-9, threads 0: all
 * CPUs); the fd stays open. Not logged: the errors are the library's
 * (rpd_error()). */
int collect_write_gz(const struct rpd_devcd *dump,
		     const struct rpd_firmware *fw,
		     const struct rpd_convert_info *info, int level,
		     unsigned threads, int fd,
		     struct rpd_convert_result *result);
/* At debug level: the firmware a conversion uses and where it looks for
 * registers (the crash record) in the dump. */
void collect_log_firmware(const char *who, const struct rpd_firmware *fw);
/* The one line saying where a core went, how big, how long, what it has. */
void collect_log_stored(const char *who, const char *path,
			const struct rpd_convert_result *res, uint64_t stored,
			double seconds);
double collect_seconds_since(const struct timespec *start);

#endif
