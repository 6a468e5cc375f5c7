/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FreeRTOSConfig.h - the FreeRTOS walker's test firmware, for QEMU
 * mps2-an385 (ARM_CM3), mps2-an386 (ARM_CM4F), mps2-an505 (ARM_CM33_NTZ,
 * secure side only) and microbit (ARM_CM0).
 *
 * The builds differ where the TCB and list layouts depend on the
 * configuration, so that offsets read from DWARF are tested against more
 * than one layout (the CMake file passes -DFIXTURE_VARIANT_B for cm4f and
 * cm33):
 *   A  (cm3, cm0)   no list integrity bytes, 1 notification slot, no
 *                   pxEndOfStack, no trace facility, tick count from 0
 *   B  (cm4f, cm33) list integrity bytes, 3 notification slots,
 *                   pxEndOfStack, trace facility, the tick count 256 ticks
 *                   before its wrap (long delays go to the overflow list)
 * and FIXTURE_SMALL_RAM (cm0) fits the micro:bit's 16 KiB.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#include <stdint.h>

#define configCPU_CLOCK_HZ 25000000u
#define configTICK_RATE_HZ 1000u
#define configUSE_PREEMPTION 1
#define configUSE_TIME_SLICING 1
#define configUSE_IDLE_HOOK 0
#define configUSE_TICK_HOOK 0
#define configMAX_PRIORITIES 6
#ifdef FIXTURE_SMALL_RAM
#define configMINIMAL_STACK_SIZE 100
#define configTOTAL_HEAP_SIZE (5 * 1024)
#else
#define configMINIMAL_STACK_SIZE 160
#define configTOTAL_HEAP_SIZE (16 * 1024)
#endif
#define configUSE_16_BIT_TICKS 0
#define configIDLE_SHOULD_YIELD 1
#define configUSE_MUTEXES 1
#define configUSE_RECURSIVE_MUTEXES 1
#define configUSE_COUNTING_SEMAPHORES 1
#define configQUEUE_REGISTRY_SIZE 6
#define configUSE_TASK_NOTIFICATIONS 1
#define configSUPPORT_STATIC_ALLOCATION 1
#define configSUPPORT_DYNAMIC_ALLOCATION 1
#define configKERNEL_PROVIDED_STATIC_MEMORY 1
#define configCHECK_FOR_STACK_OVERFLOW 0
#define configUSE_MALLOC_FAILED_HOOK 0

#define configUSE_TIMERS 1
#define configTIMER_TASK_PRIORITY 4
#define configTIMER_QUEUE_LENGTH 4
#define configTIMER_TASK_STACK_DEPTH (configMINIMAL_STACK_SIZE + 40)

#ifdef FIXTURE_VARIANT_B
#define configMAX_TASK_NAME_LEN 16
#define configUSE_LIST_DATA_INTEGRITY_CHECK_BYTES 1
#define configTASK_NOTIFICATION_ARRAY_ENTRIES 3
#define configRECORD_STACK_HIGH_ADDRESS 1
#define configUSE_TRACE_FACILITY 1
/* 256 ticks before the wrap: long delays land in the overflow list. */
#define configINITIAL_TICK_COUNT 0xffffff00u
#else
#define configMAX_TASK_NAME_LEN 12
#define configUSE_LIST_DATA_INTEGRITY_CHECK_BYTES 0
#define configTASK_NOTIFICATION_ARRAY_ENTRIES 1
#define configRECORD_STACK_HIGH_ADDRESS 0
#define configUSE_TRACE_FACILITY 0
#endif

/* The ARMv8-M and ARMv6-M ports' options: no MPU, no TrustZone; the
 * ARM_CM33_NTZ port runs on the secure side, where the core boots. */
#define configENABLE_MPU 0
#define configENABLE_TRUSTZONE 0
#define configRUN_FREERTOS_SECURE_ONLY 1
#define configENABLE_MVE 0
#ifdef __ARM_FP
#define configENABLE_FPU 1
#else
#define configENABLE_FPU 0
#endif

/* The test reads the layouts the compiler gave (fixture_layout.h). */
#define configINCLUDE_FREERTOS_TASK_C_ADDITIONS_H 1

#define INCLUDE_vTaskPrioritySet 1
#define INCLUDE_uxTaskPriorityGet 1
#define INCLUDE_vTaskDelete 1
#define INCLUDE_vTaskSuspend 1
#define INCLUDE_vTaskDelayUntil 1
#define INCLUDE_vTaskDelay 1
#define INCLUDE_xTaskGetSchedulerState 1
#define INCLUDE_uxTaskGetStackHighWaterMark 1
#define INCLUDE_xTaskGetCurrentTaskHandle 1
#define INCLUDE_xTaskGetIdleTaskHandle 1

/* mps2 boards implement 3 priority bits. */
#define configPRIO_BITS 3
#define configKERNEL_INTERRUPT_PRIORITY (7u << (8 - configPRIO_BITS))
#define configMAX_SYSCALL_INTERRUPT_PRIORITY (4u << (8 - configPRIO_BITS))

void fixture_assert_failed(const char *file, int line);
#define configASSERT(x)                                            \
	do {                                                       \
		if (!(x))                                          \
			fixture_assert_failed(__FILE__, __LINE__); \
	} while (0)

#endif /* FREERTOS_CONFIG_H */
