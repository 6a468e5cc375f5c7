/* SPDX-License-Identifier: MIT */
/*
 * fw_trace.h - the firmware's trace buffer, declared once for the code that
 * logs and for the resource table (copy and rename as you like).
 */
#ifndef FW_TRACE_H
#define FW_TRACE_H

#include "rproc_trace.h"

/* 2 KiB of ring: the last 2048 characters logged survive a crash. */
RPROC_TRACE_BUFFER_DECLARE(fw_trace, 2048);

#define fw_log(...) rproc_trace_printf(&fw_trace.buf, __VA_ARGS__)

#endif /* FW_TRACE_H */
