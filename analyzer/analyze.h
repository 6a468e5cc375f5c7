/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze.h - what every rproc-analyze verb shares: options, the core being
 * analyzed with its firmware, and output as text or JSON.
 */
#ifndef RPD_ANALYZE_H
#define RPD_ANALYZE_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "rproc/rprocdump.h"

/* Exit statuses of rproc-analyze, documented in rproc-analyze(1). */
enum {
	EXIT_ANALYZE_OK = 0,
	EXIT_ANALYZE_ERROR = 1,	   /* unreadable or malformed input */
	EXIT_ANALYZE_USAGE = 2,	   /* bad command line */
	EXIT_ANALYZE_NO_MATCH = 3, /* no stored dump matches */
	EXIT_ANALYZE_DIFFERS = 4,  /* verify: memory differs from firmware */
};

#define ANALYZE_DEFAULT_STORE "/var/lib/rproc-dumps"

struct analyze_options {
	const char *store_dir;	    /* --directory, default the store */
	const char *firmware;	    /* --firmware FILE */
	const char **firmware_dirs; /* --firmware-dir DIR..., NULL-terminated,
				     * searched before the kernel's path */
	const char *trace_format;   /* trace --format, NULL: auto */
	bool json;		    /* --json */
	bool pretty;		    /* --json=pretty */
};

/* The stored core a verb works on, with the firmware found for it. */
struct analyzed_core {
	char *path; /* the file */
	struct rpd_core *core;
	struct rpd_firmware *fw; /* NULL if none was found */
	char fw_problem[256];	 /* why fw is NULL, or a mismatch warning */
};

/*
 * Opens CORE (a path) or the newest stored dump matching MATCH (remote or
 * firmware name, or part of a file name) and finds its firmware: --firmware,
 * else by name (info note "firmware") in --firmware-dir and the kernel's
 * search path, accepted only if its build-id equals the core's. Returns 0,
 * -ENOENT with "no dump matches" (EXIT_ANALYZE_NO_MATCH), or another
 * negative errno with a message.
 */
int analyzed_core_open(const struct analyze_options *o, const char *what,
		       struct analyzed_core *ac);
void analyzed_core_close(struct analyzed_core *ac);
/* analyzed_core_open() for a verb: on failure logs why and returns the
 * exit status to end with; EXIT_ANALYZE_OK when the core is open. */
int analyzed_core_open_verb(const struct analyze_options *o, const char *what,
			    struct analyzed_core *ac);
/* The same for a verb whose only argument is CORE or MATCH (argv[0] is
 * the verb): anything else is a usage error, EXIT_ANALYZE_USAGE. */
int analyzed_core_open_args(const struct analyze_options *o, int argc,
			    char **argv, struct analyzed_core *ac);

/* Where a verb writes: text to f, or JSON through json when o->json. */
struct output {
	FILE *f;
	struct json_writer json;
	bool is_json;
};

/* Verbs: argv[0] is the verb; each returns an EXIT_ANALYZE_* status. */
int verb_list(const struct analyze_options *o, struct output *out, int argc,
	      char **argv);
int verb_info(const struct analyze_options *o, struct output *out, int argc,
	      char **argv);
int verb_crash(const struct analyze_options *o, struct output *out, int argc,
	       char **argv);
int verb_threads(const struct analyze_options *o, struct output *out, int argc,
		 char **argv);
int verb_trace(const struct analyze_options *o, struct output *out, int argc,
	       char **argv);
int verb_verify(const struct analyze_options *o, struct output *out, int argc,
		char **argv);
int verb_extract(const struct analyze_options *o, struct output *out, int argc,
		 char **argv);
int verb_gdb(const struct analyze_options *o, struct output *out, int argc,
	     char **argv);

#endif
