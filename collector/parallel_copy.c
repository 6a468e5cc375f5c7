// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * parallel_copy.c - copy a byte range with one reader per CPU.
 *
 * Threads claim stripes in order from a shared counter, so that a slow
 * reader does not hold up the others. The first place where the source
 * ends or fails cuts the copy there: stripes beyond it are not started,
 * and whatever other threads wrote beyond it is cut off at the end, so
 * the destination holds exactly the bytes before the first gap.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "io_util.h"
#include "macro.h"
#include "parallel_copy.h"

#define STRIPE (1u << 20)
#define MAX_THREADS 16

struct copy_state {
	struct parallel_copy *pc;
	pthread_mutex_t lock;
	uint64_t next; /* the next stripe's offset */
	uint64_t cut;  /* the source ends or failed here (starts at to) */
	int source_err;
	int dst_err;	     /* first write error: everyone stops */
	uint64_t dst_err_at; /* the lowest offset a write failed at */
	unsigned readers;    /* threads that opened the source */
	int open_err;	     /* why a thread could not */
};

/* Under the lock: where the next stripe starts, or false when done. */
static bool claim_stripe(struct copy_state *st, uint64_t *off, size_t *len)
{
	bool more;

	pthread_mutex_lock(&st->lock);
	more = !st->dst_err && st->next < st->cut;
	if (more) {
		*off = st->next;
		*len = (size_t)MIN((uint64_t)STRIPE, st->cut - st->next);
		st->next += *len;
	}
	pthread_mutex_unlock(&st->lock);
	return more;
}

/* The source ended (err 0) or failed at off. */
static void source_stopped(struct copy_state *st, uint64_t off, int err)
{
	pthread_mutex_lock(&st->lock);
	if (off < st->cut) {
		st->cut = off;
		st->source_err = err;
	}
	pthread_mutex_unlock(&st->lock);
}

static void dst_failed(struct copy_state *st, int err, uint64_t off)
{
	pthread_mutex_lock(&st->lock);
	if (!st->dst_err || off < st->dst_err_at) {
		st->dst_err = err;
		st->dst_err_at = off;
	}
	pthread_mutex_unlock(&st->lock);
}

/* Reads [off, off + len) into buf; returns the bytes read before a stop. */
static size_t read_stripe(struct copy_state *st, int fd, uint8_t *buf,
			  uint64_t off, size_t len)
{
	int err;
	size_t got = pread_some(fd, buf, len, off, &err);

	if (got < len)
		source_stopped(st, off + got, err);
	return got;
}

static void *copy_thread(void *arg)
{
	struct copy_state *st = arg;
	_cleanup_free_ uint8_t *buf = malloc(STRIPE);
	_cleanup_close_ int fd = -1;
	uint64_t off;
	size_t len;

	fd = buf ? st->pc->open_source(st->pc->ctx) : -ENOMEM;
	pthread_mutex_lock(&st->lock);
	if (fd >= 0)
		st->readers++;
	else
		st->open_err = -fd;
	pthread_mutex_unlock(&st->lock);
	/* The other threads take this one's share. */
	if (fd < 0)
		return NULL;
	while (claim_stripe(st, &off, &len)) {
		size_t got = read_stripe(st, fd, buf, off, len);
		int r = got ? pwrite_full(st->pc->dst_fd, buf, got, off) : 0;

		if (r < 0)
			dst_failed(st, r, off);
		if (r < 0 || got < len)
			break;
	}
	return NULL;
}

static unsigned thread_count(const struct parallel_copy *pc)
{
	uint64_t stripes = (pc->to - pc->from + STRIPE - 1) / STRIPE;
	unsigned n = pc->threads;

	if (!n) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		n = online > 0 ? (unsigned)MIN(online, MAX_THREADS) : 1;
	}
	return (unsigned)MIN((uint64_t)MIN(n, MAX_THREADS), MAX(stripes, 1));
}

int parallel_copy(struct parallel_copy *pc)
{
	struct copy_state st = { .pc = pc, .next = pc->from, .cut = pc->to };
	pthread_t threads[MAX_THREADS];
	unsigned n = thread_count(pc), started = 0;
	int r;

	pc->end = pc->from;
	pc->source_err = 0;
	pc->readers = 0;
	if (pc->from >= pc->to)
		return 0;
	r = -pthread_mutex_init(&st.lock, NULL);
	if (r < 0)
		return r;
	/* Fewer threads than asked for only make it slower. */
	while (started < n &&
	       !(r = pthread_create(&threads[started], NULL, copy_thread, &st)))
		started++;
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&st.lock);

	pc->readers = st.readers;
	if (!started)
		return -r;
	if (!st.readers)
		return -st.open_err;
	/* A write that failed past where the source ended does not count. */
	if (st.dst_err && st.dst_err_at < st.cut)
		return st.dst_err;
	/* Threads past the cut may have written beyond it. */
	if (ftruncate(pc->dst_fd, (off_t)st.cut) < 0)
		return -errno;
	pc->end = st.cut;
	pc->source_err = st.source_err;
	return 0;
}
