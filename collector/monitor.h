/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * monitor.h - rproc-collect --monitor: a daemon for systems where neither
 * systemd nor a udev RUN rule starts the collector.
 */
#ifndef RPD_MONITOR_H
#define RPD_MONITOR_H

#include "config.h"

/*
 * Collects every devcoredump present at start, then listens with libudev
 * for devcoredump "add" events and collects each in a child process (so a
 * large dump never delays another remote's) until SIGTERM or SIGINT.
 * Returns 0 on a clean stop, a negative errno if it cannot listen.
 */
int monitor_run(const struct collect_config *cfg);

#endif
