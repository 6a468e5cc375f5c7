/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * log.h - one line per decision on stderr, which the journal keeps.
 */
#ifndef RPD_LOG_H
#define RPD_LOG_H

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
