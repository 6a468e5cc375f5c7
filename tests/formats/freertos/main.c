// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * main.c - the FreeRTOS walker's test firmware: tasks in every state the
 * walker tells apart, then a snapshot of the memory while they are.
 *
 *   ctrl     prio 3  blocked, receiving from queue "CtrlQ" (no timeout)
 *   prod     prio 2  blocked, sending to the full static queue full_q
 *                    (timeout: delayed list), static TCB and stack
 *   tick     prio 2  blocked in vTaskDelay
 *   notif    prio 2  blocked on a notification (no timeout), static
 *   evt      prio 2  blocked on an event group (no timeout)
 *   sleeper  prio 2  suspended
 *   mtx      prio 2  blocked on mutex "Lock", which snap holds (timeout),
 *                    once snap notifies it that it holds it
 *   work     prio 2  ready: its semaphore was given while the scheduler
 *                    was suspended (xPendingReadyList), static
 *   zombie   prio 3  deleted, not yet freed (xTasksWaitingTermination)
 *   spin     prio 1  ready (busy in a loop)
 *   fpu      prio 2  (FPU builds) blocked in vTaskDelay with live FP
 *                    registers: its saved context holds s16-s31
 *   snap     prio 1  running: takes "Lock", lets mtx block on it (and so
 *                    inherits mtx's priority 2), lets spin run for two
 *                    ticks, then calls fixture_snapshot() with the
 *                    scheduler suspended
 *   IDLE, Tmr Svc    the kernel's (IDLE never runs: spin is always ready)
 *
 * Every task but spin and snap blocks at once (higher priorities run
 * first), so the order of events does not depend on time. The recorder
 * (record.py) stops at fixture_snapshot() and saves the RAM;
 * fixture_handles[] lists every task for it.
 */
#include "FreeRTOS.h"
#include "event_groups.h"
#include "queue.h"
#include "semphr.h"
#include "task.h"
#include "timers.h"

#define LONG_WAIT 100000u
#define STATIC_STACK_WORDS (configMINIMAL_STACK_SIZE + 32u)
#define FIXTURE_MAX_HANDLES 16

#if configTASK_NOTIFICATION_ARRAY_ENTRIES > 1
#define NOTIFY_INDEX 2
#else
#define NOTIFY_INDEX 0
#endif

TaskHandle_t fixture_handles[FIXTURE_MAX_HANDLES];
volatile uint32_t fixture_nhandles;
volatile const char *fixture_assert_file;
volatile int fixture_assert_line;

static QueueHandle_t ctrl_q, full_q;
static TaskHandle_t mtx;
static SemaphoreHandle_t lock, work_sem;
static EventGroupHandle_t events;

static StaticQueue_t full_q_struct;
static uint8_t full_q_storage[sizeof(uint32_t)];

static StaticTask_t prod_tcb, notif_tcb, work_tcb;
static StackType_t prod_stack[STATIC_STACK_WORDS];
static StackType_t notif_stack[STATIC_STACK_WORDS];
static StackType_t work_stack[STATIC_STACK_WORDS];

static volatile uint32_t spin_count, work_done, sink;
#ifdef __ARM_FP
static volatile float fpu_sink;
#endif

void fixture_assert_failed(const char *file, int line)
{
	extern void fixture_fault(void);

	fixture_assert_file = file;
	fixture_assert_line = line;
	fixture_fault();
}

/* The recorder's breakpoint: everything is in place. */
__attribute__((noinline)) void fixture_snapshot(void)
{
	for (;;)
		__asm volatile("" ::: "memory");
}

static void add_handle(TaskHandle_t h)
{
	if (fixture_nhandles < FIXTURE_MAX_HANDLES)
		fixture_handles[fixture_nhandles++] = h;
}

static void ctrl_task(void *arg)
{
	uint32_t cmd;

	for (;;)
		if (xQueueReceive(ctrl_q, &cmd, portMAX_DELAY) == pdPASS)
			sink = cmd;
}

static void prod_task(void *arg)
{
	uint32_t v = 2;

	for (;;)
		xQueueSend(full_q, &v, LONG_WAIT);
}

static void tick_task(void *arg)
{
	for (;;)
		vTaskDelay(LONG_WAIT);
}

static void notif_task(void *arg)
{
	for (;;)
		sink = ulTaskNotifyTakeIndexed(NOTIFY_INDEX, pdTRUE,
					       portMAX_DELAY);
}

static void evt_task(void *arg)
{
	for (;;)
		sink = xEventGroupWaitBits(events, 0x5, pdTRUE, pdTRUE,
					   portMAX_DELAY);
}

static void sleeper_task(void *arg)
{
	for (;;)
		vTaskSuspend(NULL);
}

static void mtx_task(void *arg)
{
	/* Until snap holds the lock. */
	ulTaskNotifyTakeIndexed(0, pdTRUE, portMAX_DELAY);
	for (;;)
		if (xSemaphoreTake(lock, LONG_WAIT) == pdPASS)
			xSemaphoreGive(lock);
}

static void work_task(void *arg)
{
	for (;;)
		if (xSemaphoreTake(work_sem, portMAX_DELAY) == pdPASS)
			work_done++;
}

/* Busy, never blocking; preempted, never yielding (a yield per loop
 * would make the recorder stop in the context switch thousands of
 * times). */
static void spin_task(void *arg)
{
	for (;;)
		spin_count++;
}

static void zombie_task(void *arg)
{
	vTaskDelete(NULL);
}

#ifdef __ARM_FP
/* a and b live in callee-saved s16-s31 across vTaskDelay(). */
static void fpu_task(void *arg)
{
	float a = 1.25f, b = 0.5f;

	for (;;) {
		a = a * 1.5f + b;
		b = b - 0.25f;
		vTaskDelay(LONG_WAIT);
		fpu_sink = a * b;
	}
}
#endif

static void snap_task(void *arg)
{
	TaskHandle_t zombie;

	xSemaphoreTake(lock, 0);
	/* mtx preempts, blocks on the lock: its priority is ours now. */
	xTaskNotifyGiveIndexed(mtx, 0);
	/* spin runs meanwhile and is preempted. */
	vTaskDelay(2);
	/* Higher priority: runs and deletes itself at once. */
	xTaskCreate(zombie_task, "zombie", configMINIMAL_STACK_SIZE, NULL, 3,
		    &zombie);
	add_handle(zombie);
	add_handle(xTaskGetIdleTaskHandle());
	add_handle(xTimerGetTimerDaemonTaskHandle());
	vTaskSuspendAll();
	xSemaphoreGive(work_sem); /* work goes to xPendingReadyList */
	fixture_snapshot();
}

static void create(TaskFunction_t fn, const char *name, UBaseType_t prio)
{
	TaskHandle_t h;

	if (xTaskCreate(fn, name, configMINIMAL_STACK_SIZE, NULL, prio, &h) !=
	    pdPASS)
		fixture_assert_failed(__FILE__, __LINE__);
	add_handle(h);
}

int main(void)
{
	uint32_t one = 1;

	ctrl_q = xQueueCreate(4, sizeof(uint32_t));
	vQueueAddToRegistry(ctrl_q, "CtrlQ");
	full_q = xQueueCreateStatic(1, sizeof(uint32_t), full_q_storage,
				    &full_q_struct);
	xQueueSend(full_q, &one, 0);
	lock = xSemaphoreCreateMutex();
	vQueueAddToRegistry(lock, "Lock");
	work_sem = xSemaphoreCreateBinary();
	events = xEventGroupCreate();

	create(ctrl_task, "ctrl", 3);
	add_handle(xTaskCreateStatic(prod_task, "prod", STATIC_STACK_WORDS,
				     NULL, 2, prod_stack, &prod_tcb));
	create(tick_task, "tick", 2);
	add_handle(xTaskCreateStatic(notif_task, "notif", STATIC_STACK_WORDS,
				     NULL, 2, notif_stack, &notif_tcb));
	create(evt_task, "evt", 2);
	create(sleeper_task, "sleeper", 2);
	create(mtx_task, "mtx", 2);
	mtx = fixture_handles[fixture_nhandles - 1];
	add_handle(xTaskCreateStatic(work_task, "work", STATIC_STACK_WORDS,
				     NULL, 2, work_stack, &work_tcb));
	create(spin_task, "spin", 1);
#ifdef __ARM_FP
	create(fpu_task, "fpu", 2);
#endif
	create(snap_task, "snap", 1);
	vTaskStartScheduler();
	fixture_assert_failed(__FILE__, __LINE__);
	return 0;
}
