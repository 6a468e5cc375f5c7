/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * threads.h - every thread (RTOS task) of the crashed remote with its
 * state, stack use and backtrace: the "threads" verb and "crash --all".
 */
#ifndef RPD_THREADS_H
#define RPD_THREADS_H

#include <stdio.h>

#include "analyze.h"
#include "backtrace.h"

struct thread_entry {
	const struct rpd_thread *desc;
	struct backtrace bt; /* no frames without registers */
};

struct thread_list {
	struct thread_entry *entries;
	size_t n;
};

/* Unwinds every thread of th that has registers. */
int thread_list_build(struct backtracer *b, const struct rpd_core_threads *th,
		      struct thread_list *out);
void thread_list_release(struct thread_list *list);

void thread_list_print(FILE *f, const struct rpd_core_threads *th,
		       const struct thread_list *list);
void thread_list_json(struct json_writer *j, const char *key,
		      const struct thread_list *list);

/* "task work (FreeRTOS)", "the bare-metal program": what crashed. */
void thread_describe(const struct rpd_core_threads *th,
		     const struct rpd_thread *t, char *buf, size_t size);

#endif /* RPD_THREADS_H */
