// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log.c - messages with the program name, and a syslog priority prefix
 * ("<3>") when stderr goes to the journal, so that it files them right.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

extern const char *program_invocation_short_name;

static void log_line(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void log_line(int priority, const char *fmt, va_list ap)
{
	static int journal = -1;

	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	if (journal)
		fprintf(stderr, "<%d>", priority);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_LOG(fn, priority)             \
	void fn(const char *fmt, ...)        \
	{                                    \
		va_list ap;                  \
		va_start(ap, fmt);           \
		log_line(priority, fmt, ap); \
		va_end(ap);                  \
	}

DEFINE_LOG(log_error, 3)
DEFINE_LOG(log_warning, 4)
DEFINE_LOG(log_info, 6)
