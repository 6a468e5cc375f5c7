/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * standin.h - what the Zephyr-shaped stand-in firmware (kernel.c) and its
 * test (test_rtos_zephyr.c) agree on: the threads, their stacks and the
 * values the firmware's initialisers put in them. Plain constants, so the
 * host compiles it too; the layouts stay the ARM compiler's.
 */
#ifndef STANDIN_H
#define STANDIN_H

#define ZS_STACK_SIZE 512
#define ZS_NTHREADS 10

/* Each thread, in creation order (Zephyr prepends to _kernel.threads,
 * so the list runs from ZS_CONS down to ZS_MAIN). */
enum {
	ZS_MAIN,    /* the current thread: crashed */
	ZS_SENSOR,  /* pending on k_sem sem_data, with a timeout */
	ZS_LOGGER,  /* pending on k_mutex log_lock, held by main */
	ZS_RX,	    /* pending on k_msgq rx_msgq */
	ZS_SLEEPER, /* k_sleep() in 3.4: suspended, timeout armed */
	ZS_WORKER,  /* ready, preempted with an FP context */
	ZS_IDLE,    /* ready; its frame realigned (xPSR bit 9) */
	ZS_PARKED,  /* k_thread_suspend() */
	ZS_DONE,    /* returned: dead */
	ZS_CONS,    /* pending on the second of the k_sem array sems[] */
};

/* _THREAD_* of Zephyr 3.4's kernel_structs.h */
#define ZS_PENDING 0x02
#define ZS_DEAD 0x08
#define ZS_SUSPENDED 0x10
#define ZS_QUEUED 0x80

/* A switched-out thread's psp, this far below its stack's end */
#define ZS_PSP_BELOW(i) (0x100 + 8 * (i))
/* Its r4-r11 (k = 4..11) in callee_saved */
#define ZS_CALLEE(i, k) (0xc0de0000u | ((unsigned)(i) << 8) | (k))
/* The low byte of EXC_RETURN: thread mode, PSP, basic or FP frame */
#define ZS_EXC_RETURN_BASIC 0xfd
#define ZS_EXC_RETURN_FP 0xed
/* What zs_layout[] holds (offsets the test patches, by the compiler) */
enum {
	ZS_OFF_NEXT_THREAD,
	ZS_OFF_STACK_SIZE,
	ZS_OFF_PSP,
	ZS_SIZEOF_THREAD,
	ZS_NLAYOUT,
};

#endif /* STANDIN_H */
