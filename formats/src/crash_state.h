/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crash_state.h - what the crashed remote's memory says about its threads
 * and their registers, derived from the firmware and the memory alone.
 *
 * The registers of the crashed context come from the most trusted source
 * that holds them (enum rpd_register_source): the firmware's own crash
 * record, else Zephyr's coredump, else the exception frame the CPU stacked,
 * found on the running task's stack (RTOS) or on the main stack (bare
 * metal). An RTOS's bookkeeping (FreeRTOS, Zephyr) gives every other task,
 * with the context it
 * saved when it was switched out. The stored core makes one GDB thread
 * of each (rproc-core(5)); the converter and the analyzer's re-derivation from
 * an old core share this one derivation.
 */
#ifndef RPD_CRASH_STATE_H
#define RPD_CRASH_STATE_H

#include "rproc/crash_record.h"
#include "rproc/rprocdump.h"
#include "target_memory.h"

/* Bounds the threads a hostile task list can make us describe. */
#define RPD_MAX_THREADS 256

struct rpd_crash_thread {
	struct rpd_thread desc; /* desc.tid: 0 until numbered */
	struct rpd_arm_regs regs;
};

struct rpd_crash_state {
	enum rpd_register_source source;
	char source_detail[192]; /* where exactly, or why there is none */
	bool have_crash;
	struct rpd_crash crash;
	uint8_t crash_raw[RPROC_CRASH_RECORD_SIZE];
	const char *rtos; /* "FreeRTOS", or NULL */
	char rtos_port[32];
	struct rpd_crash_thread *threads; /* the crashed one first */
	size_t nthreads;
	char problems[512]; /* "; "-separated, each naming the thing */
	char reason[48];    /* without a crash record: Zephyr's K_ERR_* */
};

/*
 * rpd_crash_state_derive() - the crash state of fw's memory mem
 * @fw: the firmware that ran (NULL: nothing can be derived)
 * @mem: the memory at the addresses the remote's CPU used
 * @st: filled; release with rpd_crash_state_release() whatever the result
 *
 * A source that fails adds a problem and the next one is tried; nothing
 * found is not an error (st->source is RPD_REGS_NONE and source_detail
 * says why).
 *
 * Return: 0, or -ENOMEM.
 */
int rpd_crash_state_derive(const struct rpd_firmware *fw,
			   const struct rpd_memory *mem,
			   struct rpd_crash_state *st);
void rpd_crash_state_release(struct rpd_crash_state *st);

/* The signal GDB announces for the crash ("terminated with signal"). */
int16_t rpd_crash_state_signal(const struct rpd_crash_state *st);

#endif /* RPD_CRASH_STATE_H */
