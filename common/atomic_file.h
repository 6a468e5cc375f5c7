/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * atomic_file.h - write a file so that it appears complete or not at all.
 *
 * The data goes to a hidden temporary name in the target's directory, opened
 * relative to the directory's fd and never through a symbolic link; commit
 * fsyncs it, renames it over the target and fsyncs the directory. A crash at
 * any point leaves either the old state or the complete new file, plus at
 * worst a ".#name.XXXXXX" temporary that a later run may remove.
 *
 * Failures are logged where they happen, naming the file.
 */
#ifndef RPD_ATOMIC_FILE_H
#define RPD_ATOMIC_FILE_H

#include <stdbool.h>
#include <sys/types.h>

struct atomic_file {
	int dir_fd;
	int fd;
	char *name;	/* final name within the directory */
	char *tmp_name; /* temporary name within the directory */
};

/* Creates the temporary file for path with the given mode. */
int atomic_file_open(const char *path, mode_t mode, struct atomic_file *f);
/* Same, within an already open directory. */
int atomic_file_openat(int dir_fd, const char *name, mode_t mode,
		       struct atomic_file *f);
/* fsync, rename into place (replace: allow an existing target), fsync dir.
 * Fails only before the rename: a failed fsync of the directory is logged.
 * Without replace, a taken name fails with -EEXIST and is not logged: the
 * caller may try another. */
int atomic_file_commit(struct atomic_file *f, bool replace);
/* Removes the temporary file and releases everything; safe after commit. */
void atomic_file_release(struct atomic_file *f);

#endif
