// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gz_writer.c - write a .core.gz (gz_format.h): the input cut into members
 * of RPD_GZ_MEMBER_INPUT bytes, compressed on a pool of threads and written
 * to the fd in input order.
 *
 * The caller's thread, the producer, copies input into a ring of blocks and
 * queues each full block. Workers take queued blocks in ring order and turn
 * each into a complete member. The producer writes finished members to the
 * fd, oldest first, and only then refills their slot, so when every slot is
 * busy it waits for the oldest block. The ring has a fixed number of slots
 * per worker: memory use depends on the number of threads, never on the
 * size of the input.
 *
 * Dumps of remote memory are often mostly zero (unused RAM), and a full
 * block of zeros always compresses to the same member. The producer hands
 * that member out itself, without copying the block or waking a worker:
 * waking threads costs more than the check, above all on small boards.
 *
 * Writing from the producer's thread, rather than from a writer thread,
 * keeps write errors in the caller's thread, where rpd_error() reports them.
 */
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#define ZLIB_CONST
#include <zlib.h>

#include "gz_format.h"
#include "rproc/rprocdump.h"
#include "util.h"

/*
 * Slots of the ring per worker: one being compressed, the others queued or
 * waiting to be written, so that workers seldom wait for the producer and
 * the producer seldom waits for a worker.
 */
#define BLOCKS_PER_WORKER 4

/* Beyond this, more threads only cost memory: the fd is one stream. */
#define MAX_WORKERS 64

/* The BGZF end-of-file marker: an empty member. */
static const uint8_t gz_eof_member[GZ_EOF_MEMBER_SIZE] = {
	0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
	0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

struct gz_block {
	uint8_t *in; /* RPD_GZ_MEMBER_INPUT bytes of input */
	size_t in_len;
	uint8_t *out;	       /* room for the member deflate makes */
	const uint8_t *member; /* the finished member: out or zero_member */
	size_t member_len;
	int err;   /* negative errno if compression failed */
	bool done; /* member is ready (under the lock) */
	bool zero; /* all zeros: finished by the producer, no worker takes it */
};

struct gz_worker {
	struct rpd_gz_writer *w;
	z_stream zs;
	bool zs_ready;
	pthread_t thread;
	bool running;
};

struct rpd_gz_writer {
	int fd;
	char *target; /* what fd writes to, for messages */
	int level;
	uint8_t xfl;

	struct gz_worker *workers;
	unsigned nworkers;

	/* A full block of zero bytes, compressed once. */
	uint8_t *zero_member;
	size_t zero_member_len;

	struct gz_block *ring;
	size_t nblocks;
	size_t out_capacity; /* of each block's out */

	/*
	 * Blocks are numbered in input order; block s lives in slot
	 * s % nblocks. Blocks [written, taken) are being compressed or wait
	 * to be written, [taken, queued) wait for a worker (or are zero
	 * blocks, which workers step over), and block queued is the one the
	 * producer fills.
	 */
	pthread_mutex_t lock;
	pthread_cond_t block_queued; /* or stop */
	pthread_cond_t block_done;
	bool sync_ready;
	uint64_t written;
	uint64_t taken;
	uint64_t queued;
	bool stop;

	uint64_t compressed_size;
	bool finished;
	int err; /* the first failure: every later call fails */
	char errmsg[256];
};

static struct gz_block *block_at(struct rpd_gz_writer *w, uint64_t seq)
{
	return &w->ring[seq % w->nblocks];
}

/* Records the writer's first failure, so that later calls report it too. */
static int __attribute__((format(printf, 3, 4)))
writer_fail(struct rpd_gz_writer *w, int err, const char *fmt, ...)
{
	va_list ap;

	errno = err < 0 ? -err : err; /* for a %m in fmt */
	va_start(ap, fmt);
	vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
	va_end(ap);
	w->err = err;
	return rpd_fail(err, "%s", w->errmsg);
}

static int writer_error(const struct rpd_gz_writer *w)
{
	return rpd_fail(w->err, "%s", w->errmsg);
}

/* ---- compression (worker threads) ---- */

static void put_member_header(uint8_t *p, uint8_t xfl, size_t member_len)
{
	memset(p, 0, GZ_BGZF_HEADER_SIZE);
	p[0] = GZ_ID1;
	p[1] = GZ_ID2;
	p[GZ_OFF_CM] = GZ_CM_DEFLATE;
	p[GZ_OFF_FLG] = GZ_FEXTRA;
	p[GZ_OFF_XFL] = xfl;
	p[GZ_OFF_OS] = GZ_OS_UNKNOWN;
	put_le16(p + GZ_OFF_XLEN, GZ_BGZF_XLEN);
	p[GZ_OFF_EXTRA] = 'B';
	p[GZ_OFF_EXTRA + 1] = 'C';
	put_le16(p + GZ_OFF_EXTRA + 2, GZ_BC_SLEN);
	put_le16(p + GZ_OFF_BSIZE, (uint16_t)(member_len - 1));
}

/*
 * deflate_member() - compress @len bytes of @in into one complete member
 * @zs: a raw deflate stream
 * @xfl: the header's XFL
 * @out: where the member goes; @capacity bytes, which rpd_gz_writer_new()
 *	 has checked hold deflateBound(RPD_GZ_MEMBER_INPUT) plus header and
 *	 trailer, so deflate finishes in one call.
 * @member_len: set to the size of the member
 */
static int deflate_member(z_stream *zs, uint8_t xfl, const uint8_t *in,
			  size_t len, uint8_t *out, size_t capacity,
			  size_t *member_len)
{
	size_t size;

	if (deflateReset(zs) != Z_OK)
		return -EIO;
	zs->next_in = in;
	zs->avail_in = (uInt)len;
	zs->next_out = out + GZ_BGZF_HEADER_SIZE;
	zs->avail_out =
		(uInt)(capacity - GZ_BGZF_HEADER_SIZE - GZ_TRAILER_SIZE);
	if (deflate(zs, Z_FINISH) != Z_STREAM_END)
		return -EIO;

	size = GZ_BGZF_HEADER_SIZE + zs->total_out + GZ_TRAILER_SIZE;
	put_member_header(out, xfl, size);
	put_le32(out + size - GZ_TRAILER_SIZE,
		 (uint32_t)crc32(0, in, (uInt)len));
	put_le32(out + size - 4, (uint32_t)len);
	*member_len = size;
	return 0;
}

static void compress_block(struct rpd_gz_writer *w, z_stream *zs,
			   struct gz_block *b)
{
	b->member = b->out;
	b->err = deflate_member(zs, w->xfl, b->in, b->in_len, b->out,
				w->out_capacity, &b->member_len);
}

/* Steps over queued zero blocks, which are already finished. */
static void skip_zero_blocks(struct rpd_gz_writer *w)
{
	while (w->taken < w->queued && block_at(w, w->taken)->zero)
		w->taken++;
}

static void *worker_main(void *arg)
{
	struct gz_worker *wk = arg;
	struct rpd_gz_writer *w = wk->w;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct gz_block *b;

		skip_zero_blocks(w);
		if (w->stop)
			break;
		if (w->taken == w->queued) {
			pthread_cond_wait(&w->block_queued, &w->lock);
			continue;
		}
		b = block_at(w, w->taken++);
		pthread_mutex_unlock(&w->lock);

		compress_block(w, &wk->zs, b);

		pthread_mutex_lock(&w->lock);
		b->done = true;
		pthread_cond_signal(&w->block_done);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* ---- output (producer thread) ---- */

static int write_member(struct rpd_gz_writer *w, uint64_t seq,
			const struct gz_block *b)
{
	int ret;

	if (b->err < 0)
		return writer_fail(w, b->err,
				   "%s: compressing member %" PRIu64
				   ": deflate failed",
				   w->target, seq);
	ret = write_full(w->fd, b->member, b->member_len);
	if (ret < 0)
		return writer_fail(w, ret, "%s: writing compressed core: %m",
				   w->target);
	w->compressed_size += b->member_len;
	return 0;
}

/*
 * write_blocks() - write finished members to the fd, in order
 * @until: block number that must be written (waiting for workers if need
 *	   be) before returning
 *
 * Also writes every later member that is already finished, so that slots
 * free up as early as possible.
 */
static int write_blocks(struct rpd_gz_writer *w, uint64_t until)
{
	int ret = 0;

	pthread_mutex_lock(&w->lock);
	while (w->written < w->queued) {
		struct gz_block *b = block_at(w, w->written);

		if (!b->done) {
			if (w->written >= until)
				break;
			pthread_cond_wait(&w->block_done, &w->lock);
			continue;
		}
		/* Finished blocks are the producer's: write unlocked. */
		pthread_mutex_unlock(&w->lock);
		ret = write_member(w, w->written, b);
		pthread_mutex_lock(&w->lock);
		if (ret < 0)
			break;
		b->done = b->zero = false;
		b->in_len = 0;
		/* Only a zero block is done without being taken: step over it
		 * for the workers before its slot is refilled. */
		if (w->taken == w->written)
			w->taken++;
		w->written++;
	}
	pthread_mutex_unlock(&w->lock);
	return ret;
}

/*
 * Hands the block being filled to the workers, or with @zero finishes it
 * as the zero member, and frees the next slot.
 */
static int queue_block(struct rpd_gz_writer *w, bool zero)
{
	struct gz_block *b = block_at(w, w->queued);
	uint64_t next;

	pthread_mutex_lock(&w->lock);
	if (zero) {
		b->in_len = RPD_GZ_MEMBER_INPUT;
		b->member = w->zero_member;
		b->member_len = w->zero_member_len;
		b->err = 0;
		b->zero = b->done = true;
	}
	next = ++w->queued;
	if (!zero)
		pthread_cond_signal(&w->block_queued);
	pthread_mutex_unlock(&w->lock);

	/* Block next reuses the slot of block next - nblocks. */
	return write_blocks(w, next >= w->nblocks ? next - w->nblocks + 1 : 0);
}

int rpd_gz_writer_write(struct rpd_gz_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (w->err)
		return writer_error(w);
	if (w->finished)
		return rpd_fail(-EINVAL, "%s: compressed core already finished",
				w->target);

	while (len) {
		struct gz_block *b = block_at(w, w->queued);
		size_t n = MIN(len, RPD_GZ_MEMBER_INPUT - b->in_len);
		bool zero;
		int ret;

		if (!b->in_len && n == RPD_GZ_MEMBER_INPUT &&
		    is_all_zero(p, n)) {
			zero = true; /* straight from the input, no copy */
		} else {
			memcpy(b->in + b->in_len, p, n);
			b->in_len += n;
			if (b->in_len < RPD_GZ_MEMBER_INPUT)
				return 0;
			zero = is_all_zero(b->in, b->in_len);
		}
		p += n;
		len -= n;
		ret = queue_block(w, zero);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int rpd_gz_writer_finish(struct rpd_gz_writer *w)
{
	int ret;

	if (w->err)
		return writer_error(w);
	if (w->finished)
		return rpd_fail(-EINVAL, "%s: compressed core already finished",
				w->target);

	if (block_at(w, w->queued)->in_len) {
		ret = queue_block(w, false);
		if (ret < 0)
			return ret;
	}
	ret = write_blocks(w, w->queued);
	if (ret < 0)
		return ret;

	ret = write_full(w->fd, gz_eof_member, sizeof(gz_eof_member));
	if (ret < 0)
		return writer_fail(w, ret, "%s: writing compressed core: %m",
				   w->target);
	w->compressed_size += sizeof(gz_eof_member);
	w->finished = true;
	return 0;
}

static int sink_write(void *ctx, const void *buf, size_t len)
{
	return rpd_gz_writer_write(ctx, buf, len);
}

struct rpd_sink rpd_gz_writer_sink(struct rpd_gz_writer *w)
{
	return (struct rpd_sink){ .write = sink_write, .ctx = w };
}

uint64_t rpd_gz_writer_compressed_size(const struct rpd_gz_writer *w)
{
	return w->compressed_size;
}

/* ---- setup and teardown ---- */

/* What fd writes to ("/var/lib/rproc/x.core.gz"), for messages. */
static char *fd_target(int fd)
{
	char link[64], target[PATH_MAX], *name;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		return strdup(target);
	}
	if (asprintf(&name, "fd %d", fd) < 0)
		return NULL;
	return name;
}

static unsigned worker_count(unsigned nthreads)
{
	if (!nthreads) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = online > 0 ? (unsigned)MIN(online, MAX_WORKERS) : 1;
	}
	return MIN(nthreads, MAX_WORKERS);
}

static int init_sync(struct rpd_gz_writer *w)
{
	int ret = pthread_mutex_init(&w->lock, NULL);

	if (ret)
		return -ret;
	ret = pthread_cond_init(&w->block_queued, NULL);
	if (ret) {
		pthread_mutex_destroy(&w->lock);
		return -ret;
	}
	ret = pthread_cond_init(&w->block_done, NULL);
	if (ret) {
		pthread_cond_destroy(&w->block_queued);
		pthread_mutex_destroy(&w->lock);
		return -ret;
	}
	w->sync_ready = true;
	return 0;
}

static int init_streams(struct rpd_gz_writer *w)
{
	for (unsigned i = 0; i < w->nworkers; i++) {
		struct gz_worker *wk = &w->workers[i];

		wk->w = w;
		/* Raw deflate (-15): the writer writes the gzip framing. */
		if (deflateInit2(&wk->zs, w->level, Z_DEFLATED, -15, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return rpd_fail(-ENOMEM, "%s: cannot set up deflate",
					w->target);
		wk->zs_ready = true;
	}
	return 0;
}

/*
 * Sizes each block's output for the worst case deflate can produce, checks
 * it fits a BGZF member, and makes the member for a block of zeros.
 */
static int init_blocks(struct rpd_gz_writer *w)
{
	z_stream *zs = &w->workers[0].zs;
	_cleanup_free_ uint8_t *zeros = NULL;
	int ret;

	w->out_capacity = GZ_BGZF_HEADER_SIZE +
			  deflateBound(zs, RPD_GZ_MEMBER_INPUT) +
			  GZ_TRAILER_SIZE;
	if (w->out_capacity > GZ_MAX_MEMBER_SIZE)
		return rpd_fail(
			-EOVERFLOW,
			"%s: zlib's bound of %zu bytes per member exceeds BGZF's 64 KiB",
			w->target, w->out_capacity);

	zeros = calloc(1, RPD_GZ_MEMBER_INPUT);
	w->zero_member = malloc(w->out_capacity);
	w->ring = calloc(w->nblocks, sizeof(*w->ring));
	if (!zeros || !w->zero_member || !w->ring)
		return rpd_fail(-ENOMEM, "%s: out of memory", w->target);
	ret = deflate_member(zs, w->xfl, zeros, RPD_GZ_MEMBER_INPUT,
			     w->zero_member, w->out_capacity,
			     &w->zero_member_len);
	if (ret < 0)
		return rpd_fail(ret, "%s: deflate failed", w->target);

	for (size_t i = 0; i < w->nblocks; i++) {
		w->ring[i].in = malloc(RPD_GZ_MEMBER_INPUT);
		w->ring[i].out = malloc(w->out_capacity);
		if (!w->ring[i].in || !w->ring[i].out)
			return rpd_fail(-ENOMEM, "%s: out of memory",
					w->target);
	}
	return 0;
}

static int start_workers(struct rpd_gz_writer *w)
{
	for (unsigned i = 0; i < w->nworkers; i++) {
		struct gz_worker *wk = &w->workers[i];
		int ret = pthread_create(&wk->thread, NULL, worker_main, wk);

		if (ret)
			return rpd_fail(-ret, "%s: cannot start thread: %m",
					w->target);
		wk->running = true;
	}
	return 0;
}

static int writer_init(struct rpd_gz_writer *w, unsigned nworkers)
{
	int ret;

	w->nworkers = nworkers;
	w->nblocks = (size_t)nworkers * BLOCKS_PER_WORKER;
	w->workers = calloc(nworkers, sizeof(*w->workers));
	if (!w->workers)
		return rpd_fail(-ENOMEM, "%s: out of memory", w->target);
	ret = init_sync(w);
	if (ret < 0)
		return rpd_fail(ret, "%s: cannot set up threads: %m",
				w->target);
	ret = init_streams(w);
	if (ret < 0)
		return ret;
	ret = init_blocks(w);
	if (ret < 0)
		return ret;
	return start_workers(w);
}

int rpd_gz_writer_new(int fd, int level, unsigned nthreads,
		      struct rpd_gz_writer **out)
{
	struct rpd_gz_writer *w;
	int ret;

	if (level < 1 || level > 9)
		return rpd_fail(-EINVAL, "compression level %d: must be 1 to 9",
				level);
	w = calloc(1, sizeof(*w));
	if (!w)
		return rpd_fail(-ENOMEM, "out of memory");
	w->fd = fd;
	w->level = level;
	w->xfl = level == 9 ? GZ_XFL_SLOWEST : level == 1 ? GZ_XFL_FASTEST : 0;
	w->target = fd_target(fd);
	if (!w->target) {
		free(w);
		return rpd_fail(-ENOMEM, "out of memory");
	}

	ret = writer_init(w, worker_count(nthreads));
	if (ret < 0) {
		rpd_gz_writer_free(w);
		return ret;
	}
	*out = w;
	return 0;
}

static void stop_workers(struct rpd_gz_writer *w)
{
	if (!w->sync_ready)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->block_queued);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < w->nworkers; i++)
		if (w->workers[i].running)
			pthread_join(w->workers[i].thread, NULL);
}

/* Works in every state: half set up, failed, unfinished or finished. */
void rpd_gz_writer_free(struct rpd_gz_writer *w)
{
	if (!w)
		return;
	stop_workers(w);
	for (unsigned i = 0; w->workers && i < w->nworkers; i++)
		if (w->workers[i].zs_ready)
			deflateEnd(&w->workers[i].zs);
	for (size_t i = 0; w->ring && i < w->nblocks; i++) {
		free(w->ring[i].in);
		free(w->ring[i].out);
	}
	if (w->sync_ready) {
		pthread_cond_destroy(&w->block_done);
		pthread_cond_destroy(&w->block_queued);
		pthread_mutex_destroy(&w->lock);
	}
	free(w->ring);
	free(w->zero_member);
	free(w->workers);
	free(w->target);
	free(w);
}
