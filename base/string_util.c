// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * string_util.c - base names, suffixes, numbers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "string_util.h"

const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

const char *endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (m > n || strcmp(s + n - m, suffix))
		return NULL;
	return s + n - m;
}

bool path_endswith(const char *path, const char *tail)
{
	const char *p = *tail ? endswith(path, tail) : NULL;

	return p && (p == path || p[-1] == '/');
}

int safe_atoi64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}
