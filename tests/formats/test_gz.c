// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_gz.c - the .core.gz container: writer and reader round trips,
 * the on-disk layout against gz_format.h, gzip's own tools reading what the
 * writer writes, random access, hostile files, write errors and bounded
 * memory.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "gz_format.h"
#include "rproc/rprocdump.h"
#include "testutil.h"
#include "util.h"

#define MEMBER RPD_GZ_MEMBER_INPUT
#define MiB (1024 * 1024)

static char *tmpdir;

/* Fails the test unless expr returned err and the message contains text. */
#define assert_fails_with(expr, err, text)                                   \
	do {                                                                 \
		long _r = (long)(expr);                                      \
		if (_r != (err) || !strstr(rpd_error(), (text)))             \
			fail_msg("%s = %ld \"%s\", expected %d with \"%s\"", \
				 #expr, _r, rpd_error(), (err), (text));     \
	} while (0)

/* ---- test data ---- */

static uint64_t next_random(uint64_t *state)
{
	/* xorshift64*: deterministic, fast, incompressible. */
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

static void fill_random(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t state = seed | 1;

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(next_random(&state) >> 56);
}

/* Text-like data: deflate finds matches but not only matches. */
static void fill_text(uint8_t *p, size_t len, uint64_t seed)
{
	static const char *const words[] = {
		"rproc",     "crash", "segment",  "0x20000000", "watchdog",
		"hardfault", "trace", "firmware", "\n",		"stack",
	};
	uint64_t state = seed | 1;
	size_t i = 0;

	while (i < len) {
		uint64_t v = next_random(&state);
		char word[32];
		int n;

		n = snprintf(word, sizeof(word), "%s%u ",
			     words[v % ARRAY_SIZE(words)],
			     (unsigned)(v >> 40) % 1000);
		for (int k = 0; k < n && i < len; k++)
			p[i++] = (uint8_t)word[k];
	}
}

/* Mostly zeros with random islands, like a dump of half-used RAM. */
static void fill_zero_runs(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t state = seed | 1;

	memset(p, 0, len);
	for (size_t i = 0; i < len;) {
		uint64_t v = next_random(&state);
		size_t island = MIN((size_t)(v % 5000), len - i);

		fill_random(p + i, island, v);
		i += island + (size_t)(v >> 40) % (3 * MEMBER);
	}
}

typedef void (*fill_fn)(uint8_t *p, size_t len, uint64_t seed);

static uint8_t *make_data(fill_fn fill, size_t len, uint64_t seed)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	fill(p, len, seed);
	return p;
}

/* ---- helpers ---- */

static char *tmp_path(const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
	return path;
}

/*
 * Compresses data to path with the writer, in writes of chunk bytes (the
 * last shorter), and checks the writer counted the bytes the file holds.
 */
static void write_gz(const char *path, const uint8_t *data, size_t len,
		     int level, unsigned nthreads, size_t chunk)
{
	struct rpd_gz_writer *w;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	off_t size;

	assert_true(fd >= 0);
	assert_int_equal(rpd_gz_writer_new(fd, level, nthreads, &w), 0);
	for (size_t off = 0; off < len; off += chunk)
		assert_int_equal(rpd_gz_writer_write(w, data + off,
						     MIN(chunk, len - off)),
				 0);
	assert_int_equal(rpd_gz_writer_finish(w), 0);
	size = lseek(fd, 0, SEEK_END);
	assert_int_equal(rpd_gz_writer_compressed_size(w), (uint64_t)size);
	rpd_gz_writer_free(w);
	close(fd);
}

/* Writes buf to path and opens it with the reader; returns the fd. */
static int open_gz_bytes(const char *name, const void *buf, size_t len,
			 struct rpd_gz_reader **r, int *ret)
{
	char *path = test_write_file(tmpdir, name, buf, len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	*ret = rpd_gz_reader_open(fd, name, r);
	free(path);
	return fd;
}

/* Reads all of a .core.gz back through the reader and compares it. */
static void check_gz_holds(const char *path, const uint8_t *data, size_t len)
{
	struct rpd_gz_reader *r;
	uint8_t *back = malloc(len + 1);
	uint64_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_non_null(back);
	assert_int_equal(rpd_gz_reader_open(fd, path, &r), 0);
	/* One byte more than there is: the read must stop at the end. */
	assert_int_equal(rpd_gz_reader_pread(r, back, len + 1, 0), len);
	assert_memory_equal(back, data, len);
	assert_int_equal(rpd_gz_reader_size(r, &size), 0);
	assert_int_equal(size, len);
	rpd_gz_reader_free(r);
	free(back);
	close(fd);
}

/* Offsets of the members of a .core.gz, found from BSIZE alone. */
static size_t member_offsets(const uint8_t *buf, size_t len, size_t *offs,
			     size_t max)
{
	size_t n = 0;

	for (size_t off = 0; off < len; n++) {
		assert_true(n < max);
		assert_true(off + GZ_BGZF_HEADER_SIZE <= len);
		offs[n] = off;
		off += get_le16(buf + off + GZ_OFF_BSIZE) + 1u;
		assert_true(off <= len);
	}
	return n;
}

/* A good .core.gz of count members of text, in memory. */
static uint8_t *make_gz(size_t count, uint8_t **data, size_t *data_len,
			size_t *gz_len)
{
	char *path = tmp_path("good.core.gz");
	uint8_t *gz;

	*data_len = count * MEMBER - 100;
	*data = make_data(fill_text, *data_len, 7);
	write_gz(path, *data, *data_len, 6, 2, 4096);
	gz = test_read_file(path, gz_len);
	assert_non_null(gz);
	unlink(path);
	free(path);
	return gz;
}

/* ---- writer and reader together ---- */

/*
 * Runs first: ru_maxrss is the peak of the whole process, so a test that
 * ran before with larger buffers would hide the growth measured here.
 */
static void test_memory_bounded(void **state)
{
	const size_t total = 256 * (size_t)MiB;
	struct rpd_gz_writer *w;
	struct rusage before, after;
	uint8_t *chunk = malloc(MiB);
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_non_null(chunk);
	memset(chunk, 0, MiB);
	assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);

	assert_int_equal(rpd_gz_writer_new(fd, 1, 2, &w), 0);
	for (size_t off = 0; off < total; off += MiB) {
		/* One MiB in eight is noise, the rest zeros. */
		if (off / MiB % 8 == 0)
			fill_random(chunk, MiB, off);
		else if (off / MiB % 8 == 1)
			memset(chunk, 0, MiB);
		assert_int_equal(rpd_gz_writer_write(w, chunk, MiB), 0);
	}
	assert_int_equal(rpd_gz_writer_finish(w), 0);
	assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);

	/* The noise does not compress: it all went through the writer. */
	assert_true(rpd_gz_writer_compressed_size(w) > total / 8);
	/* ru_maxrss is in KiB. */
	if (after.ru_maxrss - before.ru_maxrss >= 64 * 1024)
		fail_msg("writing %zu MiB grew the peak RSS by %ld KiB",
			 total / MiB, after.ru_maxrss - before.ru_maxrss);
	rpd_gz_writer_free(w);
	free(chunk);
	close(fd);
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = {
		0, 1, MEMBER - 1, MEMBER, MEMBER + 1, 3 * MiB + 17,
	};
	static const fill_fn fills[] = {
		fill_random,
		fill_text,
		fill_zero_runs,
	};
	static const unsigned threads[] = { 1, 3 };
	char *path = tmp_path("round-trip.core.gz");

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (size_t f = 0; f < ARRAY_SIZE(fills); f++) {
			uint8_t *data = make_data(fills[f], sizes[s], s + f);

			for (size_t t = 0; t < ARRAY_SIZE(threads); t++) {
				/* Odd write sizes cross member boundaries. */
				write_gz(path, data, sizes[s], 6, threads[t],
					 4093 + 65536 * t);
				check_gz_holds(path, data, sizes[s]);
			}
			free(data);
		}
	}
	free(path);
}

/* Members are independent: the thread count must not change a byte. */
static void test_output_independent_of_threads(void **state)
{
	const size_t len = 2 * MiB + 5;
	uint8_t *data = make_data(fill_zero_runs, len, 3);
	char *one = tmp_path("one.core.gz"), *four = tmp_path("four.core.gz");
	uint8_t *a, *b;
	size_t alen, blen;

	fill_text(data + MiB, MiB / 2, 4);
	write_gz(one, data, len, 6, 1, MiB);
	write_gz(four, data, len, 6, 4, 1000);
	a = test_read_file(one, &alen);
	b = test_read_file(four, &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	free(one);
	free(four);
	free(data);
}

/* Checks every member of a written file against gz_format.h. */
static void test_layout(void **state)
{
	static const uint8_t eof_member[GZ_EOF_MEMBER_SIZE] = {
		0x1f, 0x8b, 0x08, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff,
		0x06, 0x00, 0x42, 0x43, 0x02, 0x00, 0x1b, 0x00, 0x03, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const struct {
		int level;
		uint8_t xfl;
	} levels[] = { { 1, 4 }, { 6, 0 }, { 9, 2 } };
	const size_t len = 5 * MEMBER + 1234;
	uint8_t *data = make_data(fill_text, len, 11);
	char *path = tmp_path("layout.core.gz");

	for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
		size_t offs[16], n, gz_len;
		uint8_t *gz;

		write_gz(path, data, len, levels[l].level, 2, 100000);
		gz = test_read_file(path, &gz_len);
		n = member_offsets(gz, gz_len, offs, ARRAY_SIZE(offs));
		assert_int_equal(n, 7);
		for (size_t i = 0; i < n - 1; i++) {
			const uint8_t *m = gz + offs[i];
			size_t size = get_le16(m + GZ_OFF_BSIZE) + 1u;
			uint32_t isize = get_le32(m + size - 4);

			assert_memory_equal(m, "\x1f\x8b\x08\x04\0\0\0\0", 8);
			assert_int_equal(m[GZ_OFF_XFL], levels[l].xfl);
			assert_int_equal(m[GZ_OFF_OS], 0xff);
			assert_memory_equal(m + GZ_OFF_XLEN, "\x06\0BC\x02\0",
					    6);
			assert_int_equal(isize, i < 5 ? MEMBER : 1234);
			assert_int_equal(get_le32(m + size - 8),
					 crc32(0, data + i * MEMBER, isize));
		}
		assert_memory_equal(gz + offs[6], eof_member,
				    sizeof(eof_member));
		assert_int_equal(offs[6] + sizeof(eof_member), gz_len);
		free(gz);
	}
	free(path);
	free(data);
}

/* Full zero blocks come from the cached member; it must be a right one. */
static void test_zero_blocks(void **state)
{
	const size_t len = 64 * MEMBER;
	uint8_t *data = make_data(fill_random, len, 5);
	char *path = tmp_path("zeros.core.gz");
	size_t offs[80], n, gz_len, zero_len;
	uint8_t *gz;

	/* Zero members 1..62, and a member that is zero but its last byte. */
	memset(data + MEMBER, 0, 62 * MEMBER);
	data[62 * MEMBER - 1] = 1;
	write_gz(path, data, len, 6, 3, 3 * MEMBER);
	check_gz_holds(path, data, len);

	gz = test_read_file(path, &gz_len);
	n = member_offsets(gz, gz_len, offs, ARRAY_SIZE(offs));
	assert_int_equal(n, 65);
	zero_len = offs[2] - offs[1];
	assert_true(zero_len < 200);
	for (size_t i = 1; i < 61; i++) {
		assert_int_equal(offs[i + 1] - offs[i], zero_len);
		assert_memory_equal(gz + offs[i], gz + offs[1], zero_len);
	}
	assert_int_not_equal(get_le32(gz + offs[62] - 8),
			     get_le32(gz + offs[2] - 8));
	free(gz);
	free(path);
	free(data);
}

/*
 * Zero blocks are finished by the producer and stepped over by the workers;
 * mixed with blocks the workers compress, in any order of finishing, the
 * members still come out in input order. Written in whole blocks (zeros
 * taken straight from the input) and in odd pieces (zeros found after the
 * copy), with one to four workers.
 */
static void test_zero_blocks_interleaved(void **state)
{
	const size_t len = 96 * MEMBER + 777;
	static const size_t chunks[] = { MEMBER, 2 * MEMBER, 12345, 1 };
	uint8_t *data = make_data(fill_random, len, 11);
	char *path = tmp_path("interleaved.core.gz");

	(void)state;
	/* Runs of zero blocks of every length from 0 to 3 between data. */
	for (size_t i = 0, run = 0; i < 96; i += run + 1, run = (run + 1) % 4)
		memset(data + i * MEMBER, 0, MIN(run, 96 - i) * MEMBER);
	for (size_t c = 0; c < ARRAY_SIZE(chunks); c++) {
		for (unsigned threads = 1; threads <= 4; threads++) {
			if (chunks[c] == 1 && threads > 1)
				continue; /* byte by byte: slow, once is enough */
			write_gz(path, data, len, 1, threads, chunks[c]);
			check_gz_holds(path, data, len);
		}
	}
	free(path);
	free(data);
}

/* What gzip's own tools make of a written file. */
static void test_gzip_tools_accept(void **state)
{
	const size_t len = 3 * MiB + 333;
	uint8_t *data = make_data(fill_zero_runs, len, 9);
	char *gz = tmp_path("tools.core.gz"), *raw, *empty, *cmd;

	fill_text(data + MiB, MiB, 10);
	raw = test_write_file(tmpdir, "tools.core", data, len);
	write_gz(gz, data, len, 6, 2, 12345);

	assert_true(asprintf(&cmd, "gzip -t '%s'", gz) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_true(asprintf(&cmd, "gzip -dc '%s' | cmp -s - '%s'", gz, raw) >
		    0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	assert_true(asprintf(&cmd, "zcat '%s' | cmp -s - '%s'", gz, raw) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	/* No data at all: just the end-of-file member. */
	empty = tmp_path("empty.core.gz");
	write_gz(empty, data, 0, 6, 1, 1);
	assert_true(asprintf(&cmd, "gzip -t '%s' && test -z \"$(zcat '%s')\"",
			     empty, empty) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	free(empty);
	free(raw);
	free(gz);
	free(data);
}

static void test_random_access(void **state)
{
	const size_t len = 7 * MEMBER / 2;
	uint8_t *data = make_data(fill_text, len, 12), buf[3 * MEMBER];
	char *path = tmp_path("access.core.gz");
	struct rpd_gz_reader *r;
	uint64_t size;
	int fd;

	write_gz(path, data, len, 6, 2, len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_int_equal(rpd_gz_reader_open(fd, path, &r), 0);

	/* Far first, so the index grows before anything was read. */
	assert_int_equal(rpd_gz_reader_pread(r, buf, 10, len - 10), 10);
	assert_memory_equal(buf, data + len - 10, 10);
	for (size_t k = 1; k <= 3; k++) {
		size_t off = k * MEMBER;

		assert_int_equal(rpd_gz_reader_pread(r, buf, 1, off - 1), 1);
		assert_int_equal(buf[0], data[off - 1]);
		assert_int_equal(rpd_gz_reader_pread(r, buf, 1, off), 1);
		assert_int_equal(buf[0], data[off]);
		assert_int_equal(rpd_gz_reader_pread(r, buf, 6, off - 3), 6);
		assert_memory_equal(buf, data + off - 3, 6);
	}
	/* Across three members. */
	assert_int_equal(rpd_gz_reader_pread(r, buf, MEMBER + 2, MEMBER - 1),
			 MEMBER + 2);
	assert_memory_equal(buf, data + MEMBER - 1, MEMBER + 2);
	/* Small sequential reads. */
	for (size_t off = 0; off < len; off += 1000) {
		size_t n = MIN(1000, len - off);

		assert_int_equal(rpd_gz_reader_pread(r, buf, 1000, off), n);
		assert_memory_equal(buf, data + off, n);
	}
	/* At and past the end. */
	assert_int_equal(rpd_gz_reader_pread(r, buf, 100, len - 10), 10);
	assert_int_equal(rpd_gz_reader_pread(r, buf, 100, len), 0);
	assert_int_equal(rpd_gz_reader_pread(r, buf, 100, UINT64_MAX - 5), 0);
	assert_int_equal(rpd_gz_reader_pread(r, buf, 0, 5), 0);
	assert_int_equal(rpd_gz_reader_size(r, &size), 0);
	assert_int_equal(size, len);

	rpd_gz_reader_free(r);
	close(fd);
	free(path);
	free(data);
}

/* The sink writes through the writer. */
static void test_sink(void **state)
{
	const size_t len = MEMBER + 77;
	uint8_t *data = make_data(fill_text, len, 13);
	char *path = tmp_path("sink.core.gz");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct rpd_gz_writer *w;
	struct rpd_sink sink;

	assert_int_equal(rpd_gz_writer_new(fd, 6, 0, &w), 0);
	sink = rpd_gz_writer_sink(w);
	assert_int_equal(sink.write(sink.ctx, data, 10), 0);
	assert_int_equal(sink.write(sink.ctx, data + 10, len - 10), 0);
	assert_int_equal(rpd_gz_writer_finish(w), 0);
	rpd_gz_writer_free(w);
	close(fd);
	check_gz_holds(path, data, len);
	free(path);
	free(data);
}

/* ---- reading files of other writers ---- */

/*
 * One member as another BGZF writer may make it: FNAME, FCOMMENT and FHCRC,
 * a foreign subfield before BC, 65536 bytes of data.
 */
static size_t craft_member(uint8_t *out, const uint8_t *data, size_t len)
{
	static const uint8_t extra[] = { 'X', 'Y', 3, 0, 1, 2, 3,
					 'B', 'C', 2, 0, 0, 0 };
	z_stream zs = { 0 };
	size_t pos = 0, size;

	out[pos++] = GZ_ID1;
	out[pos++] = GZ_ID2;
	out[pos++] = GZ_CM_DEFLATE;
	out[pos++] = GZ_FEXTRA | GZ_FNAME | GZ_FCOMMENT | GZ_FHCRC;
	memset(out + pos, 0, 6);
	pos += 6;
	put_le16(out + pos, sizeof(extra));
	pos += 2;
	memcpy(out + pos, extra, sizeof(extra));
	pos += sizeof(extra);
	memcpy(out + pos, "a.core\0note\0\xaa\xbb", 14);
	pos += 14;

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out + pos;
	zs.avail_out = GZ_MAX_MEMBER_SIZE - pos - GZ_TRAILER_SIZE;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	size = pos + zs.total_out + GZ_TRAILER_SIZE;
	deflateEnd(&zs);
	put_le32(out + size - 8, (uint32_t)crc32(0, data, (uInt)len));
	put_le32(out + size - 4, (uint32_t)len);
	put_le16(out + GZ_FIXED_HEADER_SIZE + 7 + 4, (uint16_t)(size - 1));
	return size;
}

static void test_other_bgzf_writer(void **state)
{
	const size_t len = GZ_MAX_ISIZE;
	uint8_t *data = make_data(fill_text, len, 14), *gz, *back;
	struct rpd_gz_reader *r;
	size_t gz_len;
	uint64_t size;
	int fd, ret;

	gz = malloc(2 * GZ_MAX_MEMBER_SIZE);
	back = malloc(len);
	gz_len = craft_member(gz, data, len);
	/* An empty member in the middle is allowed. */
	memcpy(gz + gz_len,
	       "\x1f\x8b\x08\x04\0\0\0\0\0\xff\x06\0BC\x02\0\x1b\0"
	       "\x03\0\0\0\0\0\0\0\0\0",
	       GZ_EOF_MEMBER_SIZE);
	gz_len += GZ_EOF_MEMBER_SIZE;
	memcpy(gz + gz_len, gz, gz_len);
	gz_len *= 2;

	fd = open_gz_bytes("other.gz", gz, gz_len, &r, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(rpd_gz_reader_size(r, &size), 0);
	assert_int_equal(size, 2 * len);
	assert_int_equal(rpd_gz_reader_pread(r, back, len, len), len);
	assert_memory_equal(back, data, len);
	rpd_gz_reader_free(r);
	close(fd);

	/* One byte more than BGZF allows. */
	put_le32(gz + gz_len / 2 - GZ_EOF_MEMBER_SIZE - 4, GZ_MAX_ISIZE + 1);
	fd = open_gz_bytes("other.gz", gz, gz_len, &r, &ret);
	assert_int_equal(ret, 0);
	assert_fails_with(rpd_gz_reader_size(r, &size), -EBADMSG,
			  "member at offset 0: ISIZE 65537 exceeds");
	rpd_gz_reader_free(r);
	close(fd);

	free(back);
	free(gz);
	free(data);
}

/* ---- hostile files ---- */

/* A copy of a good file, damaged by the test, checked by the reader. */
struct damaged {
	uint8_t *gz;
	size_t gz_len;
	uint8_t *data;
	size_t data_len;
	size_t offs[8];
	size_t nmembers;
	struct rpd_gz_reader *r;
	int fd;
	uint8_t buf[2 * MEMBER];
};

static void damaged_make(struct damaged *d)
{
	d->gz = make_gz(4, &d->data, &d->data_len, &d->gz_len);
	d->nmembers =
		member_offsets(d->gz, d->gz_len, d->offs, ARRAY_SIZE(d->offs));
	assert_int_equal(d->nmembers, 5);
}

static void damaged_open(struct damaged *d)
{
	int ret;

	d->fd = open_gz_bytes("damaged.core.gz", d->gz, d->gz_len, &d->r, &ret);
	if (ret)
		fail_msg("open: %s", rpd_error());
}

static void damaged_free(struct damaged *d)
{
	rpd_gz_reader_free(d->r);
	close(d->fd);
	free(d->gz);
	free(d->data);
}

/* Data of member i reads back (the damage was after it). */
static void assert_member_reads(struct damaged *d, size_t i)
{
	assert_int_equal(rpd_gz_reader_pread(d->r, d->buf, MEMBER, i * MEMBER),
			 MEMBER);
	assert_memory_equal(d->buf, d->data + i * MEMBER, MEMBER);
}

static void test_truncated_inside_member(void **state)
{
	struct damaged d;
	char where[64];
	uint64_t size;

	damaged_make(&d);
	snprintf(where, sizeof(where), "member at offset %#zx: truncated",
		 d.offs[2]);
	d.gz_len = d.offs[2] + 100;
	damaged_open(&d);
	assert_member_reads(&d, 0);
	assert_member_reads(&d, 1);
	assert_fails_with(rpd_gz_reader_pread(d.r, d.buf, 1, 2 * MEMBER),
			  -ENODATA, where);
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -ENODATA, where);
	damaged_free(&d);

	/* Cut inside a header. */
	damaged_make(&d);
	d.gz_len = d.offs[1] + 14;
	damaged_open(&d);
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -ENODATA,
			  "ends inside its header");
	damaged_free(&d);
}

static void test_truncated_without_eof_member(void **state)
{
	struct damaged d;
	uint64_t size;

	damaged_make(&d);
	d.gz_len = d.offs[4];
	damaged_open(&d);
	/* All the data is there, but not the knowledge that it ends. */
	assert_int_equal(rpd_gz_reader_pread(d.r, d.buf, MEMBER,
					     d.data_len - MEMBER),
			 MEMBER);
	assert_fails_with(rpd_gz_reader_pread(d.r, d.buf, 2, d.data_len - 1),
			  -ENODATA, "truncated: no end-of-file member");
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -ENODATA,
			  "truncated: no end-of-file member");
	damaged_free(&d);
}

static void test_corrupt_data(void **state)
{
	struct damaged d;
	char where[64];
	uint64_t size;

	/* A flipped bit in the CRC32 of member 1. */
	damaged_make(&d);
	snprintf(where, sizeof(where), "member at offset %#zx: CRC32",
		 d.offs[1]);
	d.gz[d.offs[2] - 8] ^= 0x10;
	damaged_open(&d);
	assert_member_reads(&d, 0);
	assert_fails_with(rpd_gz_reader_pread(d.r, d.buf, 1, MEMBER + 5),
			  -EBADMSG, where);
	assert_member_reads(&d, 2);
	/* Only the data is damaged: the headers still give the size. */
	assert_int_equal(rpd_gz_reader_size(d.r, &size), 0);
	assert_int_equal(size, d.data_len);
	damaged_free(&d);

	/* A flipped byte in the deflate data of member 2. */
	damaged_make(&d);
	snprintf(where, sizeof(where), "member at offset %#zx: ", d.offs[2]);
	d.gz[(d.offs[2] + d.offs[3]) / 2] ^= 0xff;
	damaged_open(&d);
	assert_member_reads(&d, 1);
	assert_fails_with(rpd_gz_reader_pread(d.r, d.buf, MEMBER, 2 * MEMBER),
			  -EBADMSG, where);
	damaged_free(&d);
}

static void test_bad_bsize(void **state)
{
	struct damaged d;
	char where[64];
	uint64_t size;

	/* The last data member claims 64 KiB: past the end of the file. */
	damaged_make(&d);
	snprintf(where, sizeof(where), "member at offset %#zx: truncated",
		 d.offs[3]);
	put_le16(d.gz + d.offs[3] + GZ_OFF_BSIZE, 0xffff);
	damaged_open(&d);
	assert_member_reads(&d, 2);
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -ENODATA, where);
	damaged_free(&d);

	/* Smaller than a header and trailer. */
	damaged_make(&d);
	put_le16(d.gz + d.offs[1] + GZ_OFF_BSIZE, 20);
	damaged_open(&d);
	assert_fails_with(rpd_gz_reader_pread(d.r, d.buf, 1, MEMBER), -EBADMSG,
			  "BSIZE 20 is smaller than its header");
	damaged_free(&d);

	/* One too many: the hop lands inside the next member. */
	damaged_make(&d);
	put_le16(d.gz + GZ_OFF_BSIZE, get_le16(d.gz + GZ_OFF_BSIZE) + 1);
	damaged_open(&d);
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -EBADMSG,
			  "member at offset 0: ISIZE");
	damaged_free(&d);
}

static void test_bad_isize(void **state)
{
	struct damaged d;
	char where[64];
	uint64_t size;

	damaged_make(&d);
	snprintf(where, sizeof(where), "member at offset %#zx: ISIZE 131072",
		 d.offs[1]);
	put_le32(d.gz + d.offs[2] - 4, 0x20000);
	damaged_open(&d);
	assert_member_reads(&d, 0);
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -EBADMSG, where);
	damaged_free(&d);

	/* Smaller than what the member inflates to. */
	damaged_make(&d);
	put_le32(d.gz + d.offs[2] - 4, 100);
	damaged_open(&d);
	assert_fails_with(rpd_gz_reader_pread(d.r, d.buf, 1, MEMBER), -EBADMSG,
			  "inflates to 65280 bytes, ISIZE says 100");
	damaged_free(&d);
}

static void test_garbage_after_end(void **state)
{
	struct damaged d;
	uint64_t size;

	damaged_make(&d);
	d.gz = realloc(d.gz, d.gz_len + 64);
	memset(d.gz + d.gz_len, 'x', 64);
	d.gz_len += 64;
	damaged_open(&d);
	assert_fails_with(rpd_gz_reader_size(d.r, &size), -EBADMSG,
			  "no gzip magic (78 78)");
	damaged_free(&d);
}

static void test_not_a_core_gz(void **state)
{
	static const uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
	uint8_t *data = make_data(fill_text, 100000, 15);
	char *path = tmp_path("plain.gz"), *cmd;
	struct rpd_gz_reader *r;
	int fd, ret, pipefd[2];
	FILE *gzip;

	/* What a user gets from `gzip x.core`. */
	assert_true(asprintf(&cmd, "gzip -c > '%s'", path) > 0);
	gzip = popen(cmd, "w");
	assert_non_null(gzip);
	assert_int_equal(fwrite(data, 1, 100000, gzip), 100000);
	assert_int_equal(pclose(gzip), 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(rpd_gz_detect(fd));
	assert_fails_with(
		rpd_gz_reader_open(fd, "x.core.gz", &r), -EBADMSG,
		"x.core.gz: gzip file without BGZF block sizes (not written by rproc-collect); inflate it with gunzip first");
	close(fd);

	fd = open_gz_bytes("empty.core.gz", "", 0, &r, &ret);
	assert_false(rpd_gz_detect(fd));
	assert_fails_with(ret, -EBADMSG, "empty.core.gz: empty file");
	close(fd);

	fd = open_gz_bytes("elf.core.gz", elf, sizeof(elf), &r, &ret);
	assert_false(rpd_gz_detect(fd));
	assert_fails_with(ret, -EBADMSG,
			  "elf.core.gz: not a gzip file (starts with 7f 45)");
	close(fd);

	assert_int_equal(pipe(pipefd), 0);
	assert_fails_with(rpd_gz_reader_open(pipefd[0], "pipe", &r), -ESPIPE,
			  "pipe: not a regular file");
	close(pipefd[0]);
	close(pipefd[1]);

	free(cmd);
	free(path);
	free(data);
}

/* ---- writer errors and life cycle ---- */

static void test_write_error(void **state)
{
	uint8_t *data = make_data(fill_random, MiB, 16);
	struct rpd_gz_writer *w;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		skip();
	assert_int_equal(rpd_gz_writer_new(fd, 1, 2, &w), 0);
	/* The ring holds 8 blocks: the error shows within a few writes. */
	for (int i = 0; i < 4 && !ret; i++)
		ret = rpd_gz_writer_write(w, data, MiB);
	if (!ret)
		ret = rpd_gz_writer_finish(w);
	assert_fails_with(
		ret, -ENOSPC,
		"/dev/full: writing compressed core: No space left on device");
	/* Sticky: every later call says the same. */
	assert_fails_with(rpd_gz_writer_write(w, data, 1), -ENOSPC,
			  "No space left on device");
	assert_fails_with(rpd_gz_writer_finish(w), -ENOSPC,
			  "No space left on device");
	assert_int_equal(rpd_gz_writer_compressed_size(w), 0);
	rpd_gz_writer_free(w);
	close(fd);
	free(data);
}

/* Freeing must join the threads and release all, whatever the state. */
static void test_writer_life_cycle(void **state)
{
	uint8_t *data = make_data(fill_text, 3 * MEMBER, 17);
	struct rpd_gz_writer *w;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	assert_fails_with(rpd_gz_writer_new(fd, 0, 1, &w), -EINVAL,
			  "compression level 0: must be 1 to 9");
	assert_fails_with(rpd_gz_writer_new(fd, 10, 1, &w), -EINVAL,
			  "compression level 10");

	/* Never used. */
	assert_int_equal(rpd_gz_writer_new(fd, 6, 0, &w), 0);
	rpd_gz_writer_free(w);

	/* Blocks queued and being compressed, never finished. */
	assert_int_equal(rpd_gz_writer_new(fd, 9, 2, &w), 0);
	assert_int_equal(rpd_gz_writer_write(w, data, 3 * MEMBER), 0);
	rpd_gz_writer_free(w);

	/* Finished: nothing more may be written. */
	assert_int_equal(rpd_gz_writer_new(fd, 6, 2, &w), 0);
	assert_int_equal(rpd_gz_writer_write(w, data, 100), 0);
	assert_int_equal(rpd_gz_writer_finish(w), 0);
	assert_fails_with(rpd_gz_writer_write(w, data, 1), -EINVAL,
			  "already finished");
	assert_fails_with(rpd_gz_writer_finish(w), -EINVAL, "already finished");
	rpd_gz_writer_free(w);
	rpd_gz_writer_free(NULL);
	rpd_gz_reader_free(NULL);

	close(fd);
	free(data);
}

static int setup(void **state)
{
	tmpdir = test_tmpdir("test_gz");
	return 0;
}

static int teardown(void **state)
{
	test_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_output_independent_of_threads),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_zero_blocks),
		cmocka_unit_test(test_zero_blocks_interleaved),
		cmocka_unit_test(test_gzip_tools_accept),
		cmocka_unit_test(test_random_access),
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_other_bgzf_writer),
		cmocka_unit_test(test_truncated_inside_member),
		cmocka_unit_test(test_truncated_without_eof_member),
		cmocka_unit_test(test_corrupt_data),
		cmocka_unit_test(test_bad_bsize),
		cmocka_unit_test(test_bad_isize),
		cmocka_unit_test(test_garbage_after_end),
		cmocka_unit_test(test_not_a_core_gz),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_writer_life_cycle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
