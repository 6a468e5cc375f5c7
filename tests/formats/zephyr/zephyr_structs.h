/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * zephyr_structs.h - Zephyr 3.4's kernel data structures, as a Cortex-M
 * build with these options lays them out:
 *
 *   CONFIG_THREAD_MONITOR, CONFIG_THREAD_NAME (MAX_NAME_LEN 32),
 *   CONFIG_THREAD_STACK_INFO, CONFIG_SYS_CLOCK_EXISTS, CONFIG_ERRNO,
 *   CONFIG_FPU and CONFIG_FPU_SHARING, CONFIG_ARM_STORE_EXC_RETURN,
 *   CONFIG_SCHED_DUMB, CONFIG_WAITQ_DUMB, one CPU; no SMP, no userspace,
 *   no CONFIG_SCHED_DEADLINE, CONFIG_TIMESLICE_PER_THREAD,
 *   CONFIG_SCHED_THREAD_USAGE, CONFIG_PM, CONFIG_POLL, CONFIG_EVENTS.
 *
 * Member names and types are Zephyr's (zephyrproject-rtos/zephyr):
 * - include/zephyr/kernel/thread.h @ aee5b892be41a0d8d69daacb097ef56a0430f5e1
 *   (struct _thread_base, _thread_stack_info, __thread_entry, k_thread;
 *   the nearest stored version to 3.4.0: it adds only
 *   CONFIG_OBJ_CORE_THREAD and CONFIG_PIPES members, both off here);
 * - include/zephyr/arch/arm/aarch32/thread.h @
 *   b5f8300bba0ee6dd2e904fb8960c0789ecdf0c76 (struct _callee_saved,
 *   _preempt_float, _thread_arch);
 * - include/zephyr/kernel_structs.h (struct _cpu, z_kernel, _ready_q,
 *   _wait_q_t, _timeout; the 3.4 members, cf. @ 0485c1a2 for newer ones)
 *   and include/zephyr/sys/dlist.h (struct _dnode);
 * - include/zephyr/kernel.h (struct k_sem, k_mutex, k_msgq).
 * Only declarations: none of Zephyr's code is here.
 */
#ifndef ZEPHYR_STRUCTS_H
#define ZEPHYR_STRUCTS_H

#include <stddef.h>
#include <stdint.h>

/* include/zephyr/sys/dlist.h */
struct _dnode {
	union {
		struct _dnode *head; /* ptr to head of list (sys_dlist_t) */
		struct _dnode *next; /* ptr to next node    (sys_dnode_t) */
	};
	union {
		struct _dnode *tail; /* ptr to tail of list (sys_dlist_t) */
		struct _dnode *prev; /* ptr to previous node (sys_dnode_t) */
	};
};
typedef struct _dnode sys_dlist_t;
typedef struct _dnode sys_dnode_t;

/* include/zephyr/sys/rb.h */
struct rbnode {
	struct rbnode *children[2];
};

/* include/zephyr/kernel_structs.h (CONFIG_WAITQ_DUMB) */
typedef struct {
	sys_dlist_t waitq;
} _wait_q_t;

struct _timeout;
typedef void (*_timeout_func_t)(struct _timeout *t);

struct _timeout {
	sys_dnode_t node;
	_timeout_func_t fn;
	int32_t dticks; /* !CONFIG_TIMEOUT_64BIT */
};

/* include/zephyr/kernel/thread.h */
typedef void (*k_thread_entry_t)(void *p1, void *p2, void *p3);

struct __thread_entry {
	k_thread_entry_t pEntry;
	void *parameter1;
	void *parameter2;
	void *parameter3;
};

struct _thread_base {
	union {
		sys_dnode_t qnode_dlist;
		struct rbnode qnode_rb;
	};
	_wait_q_t *pended_on;
	uint8_t user_options;
	uint8_t thread_state;
	union {
		struct {
			int8_t prio;
			uint8_t sched_locked;
		};
		uint16_t preempt;
	};
	uint32_t order_key;
	void *swap_data;
	struct _timeout timeout;
};

struct _thread_stack_info {
	uintptr_t start;
	size_t size;
	size_t delta;
};

/* include/zephyr/arch/arm/aarch32/thread.h */
struct _callee_saved {
	uint32_t v1;  /* r4 */
	uint32_t v2;  /* r5 */
	uint32_t v3;  /* r6 */
	uint32_t v4;  /* r7 */
	uint32_t v5;  /* r8 */
	uint32_t v6;  /* r9 */
	uint32_t v7;  /* r10 */
	uint32_t v8;  /* r11 */
	uint32_t psp; /* r13 */
};

struct _preempt_float {
	float s16, s17, s18, s19, s20, s21, s22, s23;
	float s24, s25, s26, s27, s28, s29, s30, s31;
};

struct _thread_arch {
	uint32_t basepri;
	uint32_t swap_return_value;
	struct _preempt_float preempt_float;
	union {
		uint32_t mode;
		struct {
			uint8_t mode_bits;
			uint8_t mode_exc_return;
			uint16_t mode_reserved2;
		};
	};
};

struct k_heap;

struct k_thread {
	struct _thread_base base;
	struct _callee_saved callee_saved;
	void *init_data;
	_wait_q_t join_queue;
	struct __thread_entry entry;
	struct k_thread *next_thread;
	char name[32];
	int errno_var;
	struct _thread_stack_info stack_info;
	struct k_heap *resource_pool;
	struct _thread_arch arch;
};

/* include/zephyr/kernel_structs.h */
struct _ready_q {
	struct k_thread *cache;
	sys_dlist_t runq; /* CONFIG_SCHED_DUMB */
};

struct _cpu_arch {
	uint32_t unused[0]; /* empty on Cortex-M */
};

struct _cpu {
	uint32_t nested;
	char *irq_stack;
	struct k_thread *current;
	struct k_thread *idle_thread;
	uint8_t id;
	struct _cpu_arch arch;
};

struct z_kernel {
	struct _cpu cpus[1];
	struct _ready_q ready_q;
	struct k_thread *current_fp; /* CONFIG_FPU_SHARING */
	struct k_thread *threads;    /* CONFIG_THREAD_MONITOR */
};

/* include/zephyr/kernel.h */
struct k_spinlock {
	uint8_t unused[0];
};

struct k_sem {
	_wait_q_t wait_q;
	unsigned int count;
	unsigned int limit;
};

struct k_mutex {
	_wait_q_t wait_q;
	struct k_thread *owner;
	uint32_t lock_count;
	int owner_orig_prio;
};

struct k_msgq {
	_wait_q_t wait_q;
	struct k_spinlock lock;
	size_t msg_size;
	uint32_t max_msgs;
	char *buffer_start;
	char *buffer_end;
	char *read_ptr;
	char *write_ptr;
	uint32_t used_msgs;
	uint8_t flags;
};

#endif /* ZEPHYR_STRUCTS_H */
