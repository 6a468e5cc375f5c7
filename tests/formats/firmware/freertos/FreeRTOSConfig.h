/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FreeRTOSConfig.h - the smallest configuration that builds the FreeRTOS
 * kernel for a Cortex-M with rprocdump's crash hooks (compile test only):
 * every hook rproc_freertos.c provides is enabled, and the file ends as
 * formats/firmware/README.md tells firmware authors to end theirs.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#define configCPU_CLOCK_HZ 25000000u
#define configTICK_RATE_HZ 1000u
#define configUSE_PREEMPTION 1
#define configUSE_IDLE_HOOK 0
#define configUSE_TICK_HOOK 0
#define configMAX_PRIORITIES 5
#define configMINIMAL_STACK_SIZE 128
#define configTOTAL_HEAP_SIZE (8u * 1024u)
#define configMAX_TASK_NAME_LEN 12
#define configUSE_16_BIT_TICKS 0
#define configUSE_MUTEXES 1
#define configSUPPORT_DYNAMIC_ALLOCATION 1
#define configSUPPORT_STATIC_ALLOCATION 0
#define configCHECK_FOR_STACK_OVERFLOW 2
#define configUSE_MALLOC_FAILED_HOOK 1
#define configUSE_TIMERS 0
#define configKERNEL_INTERRUPT_PRIORITY (7u << 5)
#define configMAX_SYSCALL_INTERRUPT_PRIORITY (5u << 5)
#define configCHECK_HANDLER_INSTALLATION 1
#define configENABLE_FPU 0
#define configENABLE_MPU 0
#define configENABLE_TRUSTZONE 0
#define configRUN_FREERTOS_SECURE_ONLY 0
#define INCLUDE_vTaskDelay 1

#include "rproc_freertos.h"

#endif /* FREERTOS_CONFIG_H */
