/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * recovery.h - whether to restart a crashed remote: Recover= and the
 * crash-loop limit.
 */
#ifndef RPD_RECOVERY_H
#define RPD_RECOVERY_H

#include <time.h>

#include "config.h"
#include "devcd_source.h"
#include "store.h"

/*
 * Records a crash of src's remote at crash_time in its history
 * (.crashes.<remote> in the store) and, when the remote sits crashed with
 * recovery disabled and Recover=yes, asks the kernel to recover it unless
 * it crashed more than CrashLoopMax times within CrashLoopMinutes. Logs the
 * decision. Returns 0, or a negative errno (logged) if the remote's state
 * or its recovery attribute cannot be read or written; a history that
 * cannot be written is a warning.
 */
int recovery_apply(struct store *store, const struct collect_config *cfg,
		   struct devcd_source *src, time_t crash_time);

#endif
