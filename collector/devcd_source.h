/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * devcd_source.h - a devcoredump in sysfs and the remoteproc it came from.
 */
#ifndef RPD_DEVCD_SOURCE_H
#define RPD_DEVCD_SOURCE_H

#include <stdbool.h>

struct devcd_source {
	char *devcd;  /* "devcd3" */
	int devcd_fd; /* <sysfs>/class/devcoredump/devcd3 */
	int rproc_fd; /* its failing device, when a remoteproc */
	char *device; /* "remoteproc0", or "net/wlan0" for another device */
	/* The remoteproc's attributes, as sysfs prints them (no newline). */
	char *name;
	char *firmware;
	char *state;
	char *recovery;
};

/*
 * Opens sysfs_root/class/devcoredump/devcd and its failing device. Returns
 * 1 for a remoteproc (with its attributes read), 0 for another device
 * (src->device names it), a negative errno if the dump is gone or sysfs
 * cannot be read (logged). devcd must be "devcd<N>".
 */
int devcd_source_open(const char *sysfs_root, const char *devcd,
		      struct devcd_source *src);
void devcd_source_close(struct devcd_source *src);

/* Re-reads state and recovery (they change once the dump is released);
 * logs a failure. */
int devcd_source_refresh(struct devcd_source *src);

/* Opens the dump's data for reading: an fd, or -errno (not logged: every
 * reader thread opens one, and the caller knows what a failure means). */
int devcd_source_open_data(const struct devcd_source *src);
/* Writes to data, which makes the kernel free the dump; -errno, not
 * logged. */
int devcd_source_release(const struct devcd_source *src);
/* Writes "recover" to the remoteproc's recovery attribute; logs a
 * failure. */
int devcd_source_recover(const struct devcd_source *src);

#endif
