/* SPDX-License-Identifier: MIT */
/*
 * trace_buffer.h - rprocdump's recommended trace buffer layout.
 *
 * Freestanding C for firmware. A remoteproc trace resource (RSC_TRACE) points
 * at a struct rproc_trace_buffer: a 16-byte header followed by @size bytes of
 * ring. Byte n of the text ever written lives at data[n % size]; @head counts
 * every byte ever written (mod 2^32), so a reader knows both where the newest
 * byte is and whether the ring wrapped, without any NUL convention. @size must
 * be a power of two so that the count stays consistent when it wraps at 2^32.
 *
 * The writer stores the byte first and advances @head after a barrier; the
 * host therefore never sees a count that runs ahead of the data.
 */
#ifndef RPROC_TRACE_BUFFER_H
#define RPROC_TRACE_BUFFER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RPROC_TRACE_MAGIC 0x43525452u /* "RTRC" in memory order */
#define RPROC_TRACE_VERSION 1u

struct rproc_trace_buffer {
	uint32_t magic;	      /* 0x00 RPROC_TRACE_MAGIC */
	uint16_t version;     /* 0x04 RPROC_TRACE_VERSION */
	uint16_t header_size; /* 0x06 offset of data[] (16) */
	uint32_t size;	      /* 0x08 bytes in data[], a power of two */
	uint32_t head;	      /* 0x0c bytes ever written, mod 2^32 */
#ifndef __cplusplus
	char data[]; /* 0x10 */
#endif
	/* In C++, which has no flexible array members, the ring follows
	 * without a name: only C code (rproc_trace.c) writes it. */
};

#ifdef __cplusplus
}
#endif

#endif /* RPROC_TRACE_BUFFER_H */
