/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * app.c - a FreeRTOS application integrated as formats/firmware/README.md
 * says: faults and the NMI to rproc_fault_entry, SVCall, PendSV and SysTick
 * to the port, configASSERT from rproc_freertos.h (see FreeRTOSConfig.h).
 * Linked, never run: check_firmware_build.py --mode freertos.
 */
#include <stdint.h>

#include "FreeRTOS.h"
#include "task.h"

#include "rproc_fault.h"

/* The main stack: exceptions, and main() until the scheduler starts. */
static uint32_t app_main_stack[256] __attribute__((aligned(8)));
void Reset_Handler(void);
int main(void);

/* The port's handlers under their names: ARM_CM0 uses CMSIS names. */
#if defined(__ARM_ARCH_6M__)
void SVC_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
#define APP_SVC_HANDLER SVC_Handler
#define APP_PENDSV_HANDLER PendSV_Handler
#define APP_SYSTICK_HANDLER SysTick_Handler
#else
void vPortSVCHandler(void);
void xPortPendSVHandler(void);
void xPortSysTickHandler(void);
#define APP_SVC_HANDLER vPortSVCHandler
#define APP_PENDSV_HANDLER xPortPendSVHandler
#define APP_SYSTICK_HANDLER xPortSysTickHandler
#endif

typedef void (*app_vector)(void);

/* The first 16 entries; device interrupts follow on a real part. */
__attribute__((section(".isr_vector"), used))
const app_vector app_vectors[16] = {
	(app_vector)(uintptr_t)(app_main_stack + 256),
	Reset_Handler,
	rproc_fault_entry, /* NMI: the watchdog */
	rproc_fault_entry, /* HardFault */
	rproc_fault_entry, /* MemManage */
	rproc_fault_entry, /* BusFault */
	rproc_fault_entry, /* UsageFault */
	0,
	0,
	0,
	0,
	APP_SVC_HANDLER,
	0, /* DebugMonitor */
	0,
	APP_PENDSV_HANDLER,
	APP_SYSTICK_HANDLER,
};

void Reset_Handler(void)
{
	main();
	for (;;)
		;
}

static void app_task(void *arg)
{
	configASSERT(arg != NULL);
	for (;;)
		vTaskDelay(10);
}

int main(void)
{
	static int app_arg;

	rproc_crash_enable_faults();
	xTaskCreate(app_task, "app", configMINIMAL_STACK_SIZE, &app_arg, 1,
		    NULL);
	vTaskStartScheduler();
	rproc_crash_raise(RPROC_CRASH_REASON_PANIC, "scheduler returned");
}
