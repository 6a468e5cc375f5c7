// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * firmware_search.c - the kernel's firmware search order, from userspace.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "firmware_search.h"
#include "log.h"
#include "macro.h"

#define FIRMWARE_CLASS_PATH "/sys/module/firmware_class/parameters/path"
#define MAX_DIRS 16

static char *joined(const char *root, const char *dir)
{
	char *s;

	if (asprintf(&s, "%s%s", root && strcmp(root, "/") ? root : "", dir) <
	    0)
		return NULL;
	return s;
}

/* The firmware_class.path parameter, without its newline; NULL if unset. */
static char *custom_path(const char *root)
{
	_cleanup_free_ char *param = joined(root, FIRMWARE_CLASS_PATH);
	char buf[4096];
	FILE *f;
	size_t n;

	if (!param || !(f = fopen(param, "re")))
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? strdup(buf) : NULL;
}

static void add(char **dirs, size_t *n, size_t max, char *dir)
{
	if (dir && *n < max)
		dirs[(*n)++] = dir;
	else
		free(dir);
}

size_t firmware_search_path(const char *root, const char *const *extra,
			    char **dirs, size_t max)
{
	static const struct {
		const char *dir;
		bool per_release; /* followed by /$(uname -r) */
	} kernel_order[] = {
		{ "/lib/firmware/updates", true },
		{ "/lib/firmware/updates", false },
		{ "/lib/firmware", true },
		{ "/lib/firmware", false },
	};
	_cleanup_free_ char *custom = custom_path(root);
	struct utsname uts;
	size_t n = 0;

	if (uname(&uts) < 0)
		uts.release[0] = '\0';
	for (size_t i = 0; extra && extra[i]; i++)
		add(dirs, &n, max, strdup(extra[i]));
	if (custom)
		add(dirs, &n, max, joined(root, custom));
	for (size_t i = 0; i < ARRAY_SIZE(kernel_order); i++) {
		char dir[512];

		if (kernel_order[i].per_release && !uts.release[0])
			continue;
		snprintf(dir, sizeof(dir), "%s%s%s", kernel_order[i].dir,
			 kernel_order[i].per_release ? "/" : "",
			 kernel_order[i].per_release ? uts.release : "");
		add(dirs, &n, max, joined(root, dir));
	}
	return n;
}

void firmware_search_free(char **dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
}

/* The kernel refuses names that leave the firmware directories too. */
static bool name_is_safe(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return false;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2))
			return false;
		p += len;
		p += *p == '/';
	}
	return true;
}

int firmware_find(const char *root, const char *const *extra, const char *name,
		  char **out, char **tried)
{
	_cleanup_free_ char *looked = NULL;
	char *dirs[MAX_DIRS];
	size_t n, looked_len;
	FILE *list;
	int r = -ENOENT;

	*out = NULL;
	if (tried)
		*tried = NULL;
	if (!name_is_safe(name))
		return -EINVAL;
	list = open_memstream(&looked, &looked_len);
	if (!list)
		return -ENOMEM;
	n = firmware_search_path(root, extra, dirs, MAX_DIRS);
	for (size_t i = 0; i < n && r == -ENOENT; i++) {
		struct stat st;
		char *path;

		if (asprintf(&path, "%s/%s", dirs[i], name) < 0) {
			r = -ENOMEM;
			break;
		}
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			log_debug("firmware '%s': found %s", name, path);
			*out = path;
			r = 0;
			break;
		}
		log_debug("firmware '%s': not in %s", name, dirs[i]);
		free(path);
		fprintf(list, "%s%s", i ? ", " : "", dirs[i]);
	}
	fclose(list);
	firmware_search_free(dirs, n);
	if (r == -ENOENT && tried)
		*tried = TAKE_PTR(looked);
	return r;
}
