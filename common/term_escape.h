/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * term_escape.h - strings from a core or a firmware, safe for a terminal.
 *
 * Cores and firmware are untrusted: a name or message in them may hold
 * ESC sequences, CR, BEL or newlines that would rewrite what the user sees.
 * Everything but printable ASCII (0x20..0x7e) is shown as \xNN.
 */
#ifndef RPD_TERM_ESCAPE_H
#define RPD_TERM_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* s escaped, malloc'ed; NULL if s is NULL or out of memory. */
char *term_escape(const char *s);

/* The text of a log (len bytes, may hold NULs): as term_escape, but
 * newlines and tabs kept and a CR before a newline dropped. Malloc'ed,
 * NULL if out of memory. */
char *term_escape_text(const char *text, size_t len);

/* Writes s escaped to f ("(null)" for NULL), allocating nothing. */
void term_fputs(const char *s, FILE *f);

/* True if s needs no escaping. */
bool term_is_plain(const char *s);

#endif
