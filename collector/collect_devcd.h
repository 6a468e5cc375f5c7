/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * collect_devcd.h - collect one devcoredump: the path every trigger takes.
 */
#ifndef RPD_COLLECT_DEVCD_H
#define RPD_COLLECT_DEVCD_H

#include "config.h"

/*
 * Collects /sys/class/devcoredump/<devcd> ("devcd3"): if its failing
 * device is a remoteproc, spools the dump into the store, releases it (so a
 * held recovery proceeds), applies the recovery policy, then converts and
 * compresses it into the stored core. A dump of another device is left
 * alone. Returns 0 when the dump was stored or deliberately not (another
 * device, dropped by policy), a negative errno otherwise; every decision is
 * logged in one line.
 */
int collect_devcd(const struct collect_config *cfg, const char *devcd);

/*
 * Finishes collections a crashed or killed collector left behind: spool
 * files still in the store are converted and stored. Safe to run any time
 * (spools a running collector holds are skipped); collect_devcd() calls it
 * after its own dump is stored, never before: a fresh dump has the
 * kernel's deadline, leftovers are already safe on disk.
 */
int collect_leftovers(const struct collect_config *cfg);

#endif
