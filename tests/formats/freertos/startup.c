// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * startup.c - vectors and reset code of the FreeRTOS test firmware. The
 * port's handlers are installed directly, as FreeRTOS checks
 * (configCHECK_HANDLER_INSTALLATION).
 */
#include <stdint.h>

extern uint32_t __stack_top, __data_load, __data_start, __data_end;
extern uint32_t __bss_start, __bss_end;

/* The ARMv8-M ports and the ARMv6-M port derived from them name their
 * handlers as CMSIS does. */
#ifdef FIXTURE_CMSIS_HANDLERS
#define vPortSVCHandler SVC_Handler
#define xPortPendSVHandler PendSV_Handler
#define xPortSysTickHandler SysTick_Handler
#endif

int main(void);
void Reset_Handler(void);
void fixture_fault(void);
void vPortSVCHandler(void);
void xPortPendSVHandler(void);
void xPortSysTickHandler(void);

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used))
const vector_t fixture_vectors[48] = {
	[0] = (vector_t)&__stack_top, [1] = Reset_Handler,
	[2 ... 10] = fixture_fault,   [11] = vPortSVCHandler,
	[12 ... 13] = fixture_fault,  [14] = xPortPendSVHandler,
	[15] = xPortSysTickHandler,   [16 ... 47] = fixture_fault,
};

/* Every unexpected exception ends here; the recorder stops on it. */
__attribute__((noinline)) void fixture_fault(void)
{
	for (;;)
		__asm volatile("" ::: "memory");
}

void Reset_Handler(void)
{
	uint32_t *src = &__data_load, *dst = &__data_start;

#ifdef __ARM_FP
	/* CPACR: full access to CP10 and CP11 before any FP instruction. */
	*(volatile uint32_t *)0xe000ed88u |= 0xfu << 20;
	__asm volatile("dsb\n\tisb" ::: "memory");
#endif
	while (dst < &__data_end)
		*dst++ = *src++;
	for (dst = &__bss_start; dst < &__bss_end;)
		*dst++ = 0;
	main();
	fixture_fault();
}
