// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verb_options.c - a verb's options parsed, and their errors reported, the
 * same way for every verb. getopt's own messages would name the verb as if
 * it were the program.
 */
#include <stdio.h>

#include "log.h"
#include "verb_options.h"

int verb_getopt(int argc, char **argv, const char *shortopts,
		const struct option *longopts)
{
	char opts[64];
	const char *arg;
	int c;

	/* ':' first (after a '+' that stops at the first non-option): a
	 * missing value is then ':' rather than '?'. */
	if (shortopts[0] == '+')
		snprintf(opts, sizeof(opts), "+:%s", shortopts + 1);
	else
		snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	arg = argv[optind - 1];
	if (c == ':')
		log_error("%s: option '%s' needs a value", argv[0], arg);
	else if (optopt && arg[0] == '-' && arg[1] != '-')
		log_error("%s: unknown option '-%c'", argv[0], optopt);
	else
		log_error("%s: unknown option '%s'", argv[0], arg);
	return '?';
}
