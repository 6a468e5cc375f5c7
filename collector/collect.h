/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * collect.h - turn one saved devcoredump into a stored core file.
 */
#ifndef RPD_COLLECT_H
#define RPD_COLLECT_H

#include <stdbool.h>

#include "rproc/rprocdump.h"

struct collect_request {
	const char *dump_path;	   /* saved devcoredump, "-" for stdin */
	const char *firmware_path; /* NULL: collect without firmware */
	const char *output_path;   /* ".gz" suffix: compressed container */
	struct rpd_convert_info info;
	int level;		   /* gzip level */
	unsigned threads;	   /* compression threads, 0: all CPUs */
	bool replace;		   /* overwrite an existing output */
};

/* Writes the stored core and logs one line describing it. */
int collect_file(const struct collect_request *req);

#endif
