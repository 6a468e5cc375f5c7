/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.h - one line per decision on stderr, which the journal keeps.
 *
 * In systemd's manner: a function that fails logs where it knows what
 * failed and returns the error in the same statement,
 *
 *	if (fd < 0)
 *		return log_error_errno(-errno, "%s: cannot open: %m", path);
 *
 * where %m stands for that error (whatever errno holds meanwhile) and the
 * return value is it as a negative errno. Callers propagate it without
 * logging again, or log the decision they take because of it. Debug lines
 * say what was chosen and why (which firmware file, which register
 * context, which trace format); they are off unless --debug or
 * RPROC_LOG_LEVEL=debug turns them on.
 */
#ifndef RPD_LOG_H
#define RPD_LOG_H

#include <errno.h>
#include <syslog.h>

/* The environment variable that sets the level: err, warning, info, debug
 * (or 3, 4, 6, 7). */
#define LOG_LEVEL_ENV "RPROC_LOG_LEVEL"

/* Lines of a level above this are not printed (default LOG_INFO). */
void log_set_max_level(int level);
int log_get_max_level(void);
/* The level a name or number stands for; -EINVAL for anything else. */
int log_level_from_string(const char *s);
/* Applies $RPROC_LOG_LEVEL; a bad value is reported and ignored. */
void log_parse_environment(void);

/* Prints one line at level; returns -|error| (0 for error 0). */
int log_internal(int level, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_full_errno(level, error, ...) \
	log_internal(level, error, __VA_ARGS__)

#define log_debug(...) log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_internal(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(error, ...) log_internal(LOG_DEBUG, error, __VA_ARGS__)
#define log_info_errno(error, ...) log_internal(LOG_INFO, error, __VA_ARGS__)
#define log_warning_errno(error, ...) \
	log_internal(LOG_WARNING, error, __VA_ARGS__)
#define log_error_errno(error, ...) log_internal(LOG_ERR, error, __VA_ARGS__)

#define log_oom() log_error_errno(-ENOMEM, "out of memory")

#endif
