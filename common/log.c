// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log.c - messages with the program name, and a syslog priority prefix
 * ("<3>") when stderr is the journal's stream, so that it files them at
 * the right priority.
 */
#include <errno.h> /* program_invocation_short_name */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "term_escape.h"

static int max_level = LOG_INFO;

void log_set_max_level(int level)
{
	max_level = level;
}

int log_get_max_level(void)
{
	return max_level;
}

int log_level_from_string(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
		{ "err", LOG_ERR },	    { "error", LOG_ERR },
		{ "warning", LOG_WARNING }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcasecmp(s, levels[i].name))
			return levels[i].level;
	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	return -EINVAL;
}

void log_parse_environment(void)
{
	const char *s = getenv(LOG_LEVEL_ENV);
	int level;

	if (!s || !*s)
		return;
	level = log_level_from_string(s);
	if (level < 0)
		log_warning(
			"%s=%s: not a log level (err, warning, info, debug); ignored",
			LOG_LEVEL_ENV, s);
	else
		max_level = level;
}

/*
 * Whether stderr is the stream systemd connected to the journal: the
 * service manager sets JOURNAL_STREAM to its device and inode, which a
 * redirection would change.
 */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 &&
	       fstat(STDERR_FILENO, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int log_internal(int level, int error, const char *fmt, ...)
{
	int saved = errno, ret = error < 0 ? error : -error;
	char line[2048];
	size_t n = 0;
	va_list ap;

	if (level > max_level)
		return ret;
	if (stderr_is_journal())
		n = (size_t)snprintf(line, sizeof(line), "<%d>", level);
	n += (size_t)snprintf(line + n, sizeof(line) - n,
			      "%s: ", program_invocation_short_name);
	errno = error ? -ret : saved; /* what %m prints */
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* Values in messages come from cores, firmware and sysfs: no control
	 * byte reaches the terminal or the journal (a newline would forge a
	 * line). One write, so that lines of threads and processes never
	 * mix. */
	if (term_is_plain(line + n)) {
		fprintf(stderr, "%s\n", line);
	} else {
		char *safe = term_escape(line + n);

		line[n] = '\0';
		fprintf(stderr, "%s%s\n", line,
			safe ? safe : "(out of memory)");
		free(safe);
	}
	errno = saved;
	return ret;
}
