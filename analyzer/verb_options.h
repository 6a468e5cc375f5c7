/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * verb_options.h - getopt_long for a verb's own options, with errors in
 * rproc-analyze's words ("rproc-analyze: list: unknown option '--x'").
 */
#ifndef RPD_ANALYZE_VERB_OPTIONS_H
#define RPD_ANALYZE_VERB_OPTIONS_H

#include <getopt.h>

/*
 * As getopt_long() over a verb's argv (argv[0] is the verb), restarting
 * from its beginning when optind is 0. Returns the option, -1 at the end,
 * or '?' after reporting an unknown option or a missing value.
 */
int verb_getopt(int argc, char **argv, const char *shortopts,
		const struct option *longopts);

#endif
