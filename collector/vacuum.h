/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vacuum.h - keeping the store within its configured limits.
 *
 * The limits are systemd-coredump's: the oldest dumps go first, and the
 * dump being written is never removed. Only files named as stored dumps
 * (dump_name.h) count and are removed; anything else in the store is not
 * the collector's to delete.
 */
#ifndef RPD_VACUUM_H
#define RPD_VACUUM_H

#include <stdint.h>

#include "config.h"
#include "store.h"

/*
 * Removes the oldest dumps (by the time in their name, then mtime) until
 * the limits hold: at most MaxDumpsPerRemote dumps per remote, counting
 * one more for incoming_remote (a dump about to be written; NULL after),
 * at most MaxUse bytes in the store, at least KeepFree bytes free. Never
 * removes the file named keep (may be NULL). Logs one line per removal.
 * Call locked.
 */
int store_vacuum(struct store *s, const struct collect_config *cfg,
		 const char *incoming_remote, const char *keep);

/* Bytes free for a new dump: available space minus KeepFree. */
int store_room(struct store *s, const struct collect_config *cfg,
	       uint64_t *room);

#endif
