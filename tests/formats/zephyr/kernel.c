// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kernel.c - a Zephyr-shaped stand-in firmware: Zephyr 3.4's _kernel and
 * ten statically defined threads in the states standin.h lists, linked
 * into _kernel.threads as Zephyr's thread monitor links them, with the
 * kernel objects they pend on. No Zephyr code: the layouts are
 * zephyr_structs.h's, the contents what Zephyr would leave after a
 * crash of main; the test writes the stacks (fill, saved frames).
 */
#include "standin.h"
#include "zephyr_structs.h"

#define STACK(var)                 \
	__attribute__((aligned(8), \
		       used)) unsigned char var##_stack[ZS_STACK_SIZE]

STACK(main);
STACK(sensor);
STACK(logger);
STACK(rx);
STACK(sleeper);
STACK(worker);
STACK(idle);
STACK(parked);
STACK(done);
STACK(cons);

/* The timeout queue a sleeping or timed wait is linked on. */
static sys_dlist_t timeout_list __attribute__((used));

extern struct k_thread t_main;

struct k_sem sem_data;
struct k_mutex log_lock = { .owner = &t_main, .lock_count = 1 };
struct k_msgq rx_msgq = { .msg_size = 4, .max_msgs = 8 };
struct k_sem sems[2];

__attribute__((noinline, used)) void thread_code(void *p1, void *p2, void *p3)
{
	(void)p1;
	(void)p2;
	(void)p3;
	__asm__ volatile(".rept 64\n\tnop\n\t.endr");
}

/* Where main crashed: thread_code, called from here (the stacked lr is
 * fault_return, just after a BL, as the frame scan requires). */
__attribute__((noinline, used)) void main_work(void)
{
	__asm__ volatile("bl thread_code\n\t"
			 ".global fault_return\n"
			 "fault_return:\n\t"
			 "nop" ::
				 : "r0", "r1", "r2", "r3", "r12", "lr",
				   "memory");
}

__attribute__((noinline, used)) void
z_thread_entry(k_thread_entry_t entry, void *p1, void *p2, void *p3)
{
	entry(p1, p2, p3);
	for (;;)
		__asm__ volatile("nop");
}

#define THREAD(var, i, nm, pr, st, pend, tmo, nxt, excr, ...)                  \
	struct k_thread t_##var = {                                            \
		.base = { .pended_on = (pend),                                 \
			  .thread_state = (st),                                \
			  .prio = (pr),                                        \
			  .timeout = { .node = { .next = (tmo) } } },          \
		.callee_saved = { ZS_CALLEE(i, 4), ZS_CALLEE(i, 5),            \
				  ZS_CALLEE(i, 6), ZS_CALLEE(i, 7),            \
				  ZS_CALLEE(i, 8), ZS_CALLEE(i, 9),            \
				  ZS_CALLEE(i, 10), ZS_CALLEE(i, 11),          \
				  (uint32_t)(uintptr_t)&var##_stack            \
					  [ZS_STACK_SIZE - ZS_PSP_BELOW(i)] }, \
		.entry = { .pEntry = thread_code },                            \
		.next_thread = (nxt),                                          \
		.name = nm,                                                    \
		.stack_info = { .start = (uintptr_t)var##_stack,               \
				.size = ZS_STACK_SIZE },                       \
		.arch = { .mode_exc_return = (excr), __VA_ARGS__ },            \
	}

#define ARMED (&timeout_list)
#define BASIC ZS_EXC_RETURN_BASIC

THREAD(main, ZS_MAIN, "main", 0, ZS_QUEUED, 0, 0, 0, BASIC);
THREAD(sensor, ZS_SENSOR, "sensor", -2, ZS_PENDING, &sem_data.wait_q, ARMED,
       &t_main, BASIC);
THREAD(logger, ZS_LOGGER, "logger", 5, ZS_PENDING, &log_lock.wait_q, 0,
       &t_sensor, BASIC);
THREAD(rx, ZS_RX, "rx", 3, ZS_PENDING, &rx_msgq.wait_q, 0, &t_logger, BASIC);
THREAD(sleeper, ZS_SLEEPER, "sleeper", 7, ZS_SUSPENDED, 0, ARMED, &t_rx, BASIC);
THREAD(worker, ZS_WORKER, "worker", 4, ZS_QUEUED, 0, 0, &t_sleeper,
       ZS_EXC_RETURN_FP,
       .preempt_float = { 16.0f, 17.0f, 18.0f, 19.0f, 20.0f, 21.0f, 22.0f,
			  23.0f, 24.0f, 25.0f, 26.0f, 27.0f, 28.0f, 29.0f,
			  30.0f, 31.0f });
THREAD(idle, ZS_IDLE, "idle", 15, ZS_QUEUED, 0, 0, &t_worker, BASIC);
THREAD(parked, ZS_PARKED, "parked", 6, ZS_SUSPENDED, 0, 0, &t_idle, BASIC);
THREAD(done, ZS_DONE, "done", 8, ZS_DEAD, 0, 0, &t_parked, BASIC);
THREAD(cons, ZS_CONS, "cons", 9, ZS_PENDING, &sems[1].wait_q, 0, &t_done,
       BASIC);

struct z_kernel _kernel = {
	.cpus = { { .current = &t_main, .idle_thread = &t_idle } },
	.threads = &t_cons,
};

/* The compiler's offsets, for the test to corrupt what it means to. */
__attribute__((used)) const uint32_t zs_layout[ZS_NLAYOUT] = {
	[ZS_OFF_NEXT_THREAD] = offsetof(struct k_thread, next_thread),
	[ZS_OFF_STACK_SIZE] = offsetof(struct k_thread, stack_info.size),
	[ZS_OFF_PSP] = offsetof(struct k_thread, callee_saved.psp),
	[ZS_SIZEOF_THREAD] = sizeof(struct k_thread),
};
