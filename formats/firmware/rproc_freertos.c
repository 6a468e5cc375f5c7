/* SPDX-License-Identifier: MIT */
/*
 * rproc_freertos.c - FreeRTOS's crash hooks, recorded as rprocdump crashes.
 *
 * Compiled with the kernel's include paths and a FreeRTOSConfig.h that
 * includes rproc_freertos.h. Each hook exists only when FreeRTOSConfig.h
 * asks the kernel to call it; a firmware with hooks of its own leaves this
 * file out and calls rproc_crash_raise() from them.
 */
#include <stddef.h>

#include "FreeRTOS.h"
#include "task.h"

#include "rproc_freertos.h"

#if (configCHECK_FOR_STACK_OVERFLOW > 0)
#define STACK_OVERFLOW_PREFIX "stack overflow: "

/*
 * Called from the context switch (PendSV, on the main stack) while the
 * overflowing task is still the current one: the record's backtrace shows
 * the switch, the message names the task. The name lives in the TCB, which
 * the overflow may have trampled: never read past configMAX_TASK_NAME_LEN.
 */
void vApplicationStackOverflowHook(TaskHandle_t xTask, char *pcTaskName)
{
	char msg[RPROC_CRASH_MESSAGE_MAX];
	const char *prefix = STACK_OVERFLOW_PREFIX;
	size_t len = 0;
	size_t i;

	(void)xTask;
	while (*prefix)
		msg[len++] = *prefix++;
	for (i = 0; pcTaskName && i < configMAX_TASK_NAME_LEN &&
		    pcTaskName[i] && len < sizeof(msg) - 1;
	     i++)
		msg[len++] = pcTaskName[i];
	msg[len] = '\0';
	rproc_crash_raise(RPROC_CRASH_REASON_STACK_OVERFLOW, msg);
}
#endif

#if (configUSE_MALLOC_FAILED_HOOK == 1)
void vApplicationMallocFailedHook(void)
{
	rproc_crash_raise(RPROC_CRASH_REASON_PANIC, "malloc failed");
}
#endif
