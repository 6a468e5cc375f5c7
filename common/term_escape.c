// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * term_escape.c - untrusted strings made safe for a terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "term_escape.h"

static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

bool term_is_plain(const char *s)
{
	for (; *s; s++)
		if (!plain((unsigned char)*s))
			return false;
	return true;
}

static char *escape(const char *s, size_t len, bool text)
{
	static const char hex[] = "0123456789abcdef";
	char *out = malloc(4 * len + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (plain(c) || (text && (c == '\n' || c == '\t'))) {
			*p++ = (char)c;
		} else if (text && c == '\r' && i + 1 < len &&
			   s[i + 1] == '\n') {
			continue; /* CRLF line ends read as lines */
		} else {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0xf];
		}
	}
	*p = '\0';
	return out;
}

char *term_escape(const char *s)
{
	return s ? escape(s, strlen(s), false) : NULL;
}

char *term_escape_text(const char *text, size_t len)
{
	return escape(text, len, true);
}

void term_fputs(const char *s, FILE *f)
{
	if (!s)
		s = "(null)";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (plain(c))
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}
