/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firmware_search.h - find a firmware file the way the kernel does.
 */
#ifndef RPD_FIRMWARE_SEARCH_H
#define RPD_FIRMWARE_SEARCH_H

#include <stddef.h>

/*
 * The directories the kernel's firmware loader tries, in its order
 * (drivers/base/firmware_loader/main.c, fw_path[]): the firmware_class.path
 * parameter if set, /lib/firmware/updates/$(uname -r), /lib/firmware/updates,
 * /lib/firmware/$(uname -r), /lib/firmware. Entries of extra (may be NULL)
 * come first. root prefixes every directory (NULL: "/"), for tests and for
 * images mounted elsewhere. Returns the number of directories written to dirs
 * (malloc'ed strings the caller frees with firmware_search_free).
 */
size_t firmware_search_path(const char *root, const char *const *extra,
			    char **dirs, size_t max);
void firmware_search_free(char **dirs, size_t n);

/*
 * Finds name (as in the remoteproc's sysfs "firmware", possibly with
 * subdirectories) in the search path. Returns 0 and a malloc'ed path in
 * *out; -ENOENT if no directory has it, -EINVAL for a name that climbs out
 * of the directories ("..", absolute), -ENOMEM. When tried is not NULL it
 * receives the directories looked in ("a, b, c", malloc'ed) for the
 * caller's message. Logs every look at debug level, nothing else.
 */
int firmware_find(const char *root, const char *const *extra, const char *name,
		  char **out, char **tried);

#endif
