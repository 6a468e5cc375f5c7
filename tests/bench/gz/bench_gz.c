// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bench_gz.c - the .core.gz writer against `gzip -6` on data that looks like
 * the memory of a remote processor.
 *
 *   bench_gz [--size-mib N] [--level L] [--threads T] [--code FILE]
 *            [--check] WORKDIR
 *
 * Makes WORKDIR/memory.bin (N MiB, default 256), a repeating image of
 * a Cortex-M's memories: Thumb-2 code (synthetic, or the bytes of FILE),
 * RAM data (structs of pointers, counters, flags and names), noise (heap
 * garbage, keys, DMA buffers), zero runs and sparsely used zero areas. Then
 * compresses it with `gzip -L` and with the writer on 1 and T threads (each
 * in a child process, so that its time and peak RSS are its own), checks the
 * writer's files inflate back to the input with gzip -dc and with the
 * reader, and prints time, size and peak RSS of each.
 *
 * With --check, exits 1 unless the writer on T threads is at least twice as
 * fast as gzip and its file at most 5% larger.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rproc/rprocdump.h"

#define MiB (1024 * 1024)
#define CHUNK MiB

struct options {
	unsigned size_mib;
	int level;
	unsigned threads;
	const char *code_file;
	bool check;
	const char *workdir;
};

struct result {
	const char *what;
	double seconds;
	double cpu_seconds; /* user + system, of all its threads */
	double rss_mib;
	uint64_t size;
};

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench_gz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* ---- the memory image ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_random(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* Small values are more common than large ones, as in real immediates. */
static uint32_t small(unsigned bits)
{
	uint32_t v = next_random();

	return (v & ((1u << bits) - 1)) >> (v >> 28) % bits;
}

/*
 * Thumb-2 as a compiler emits it: functions of prologue, 16-bit loads,
 * stores, moves, compares and branches on low registers, 32-bit BLs, and
 * an epilogue followed by a literal pool of addresses and constants.
 */
static void make_code(uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i + 64 <= len) {
		unsigned body = 8 + small(6);

		put16(p + i,
		      0xb500 | (uint16_t)(0xf0 & next_random())); /* push */
		i += 2;
		for (unsigned k = 0; k < body && i + 48 <= len; k++) {
			uint32_t r = next_random();
			uint16_t rd = r & 7, rn = (r >> 3) & 7;

			switch ((r >> 8) % 10) {
			case 0: /* movs rd, #imm */
				put16(p + i, 0x2000 | rd << 8 | small(8));
				break;
			case 1: /* ldr rd, [rn, #imm] */
				put16(p + i,
				      0x6800 | small(5) << 6 | rn << 3 | rd);
				break;
			case 2: /* str rd, [rn, #imm] */
				put16(p + i,
				      0x6000 | small(5) << 6 | rn << 3 | rd);
				break;
			case 3: /* adds rd, rn, rm */
				put16(p + i, 0x1800 | ((r >> 6) & 7) << 6 |
						     rn << 3 | rd);
				break;
			case 4: /* cmp rn, #imm */
				put16(p + i, 0x2800 | rn << 8 | small(8));
				break;
			case 5: /* b<cond> */
				put16(p + i,
				      0xd000 | (uint16_t)(r >> 12 & 0xd) << 8 |
					      (uint16_t)(r >> 16 & 0xff));
				break;
			case 6: /* ldr rd, [pc, #imm] */
				put16(p + i, 0x4800 | rd << 8 | small(6));
				break;
			case 7: /* mov rd, rm */
				put16(p + i, 0x4600 | rn << 3 | rd);
				break;
			default: /* bl */
				put16(p + i,
				      0xf000 | (uint16_t)(r >> 16 & 0x7ff));
				i += 2;
				put16(p + i, 0xf800 | (uint16_t)(r & 0x7ff));
				break;
			}
			i += 2;
		}
		put16(p + i,
		      0xbd00 | (uint16_t)(0xf0 & next_random())); /* pop */
		i += 2;
		i = (i + 3) & ~(size_t)3;
		for (unsigned k = small(3); k && i + 4 <= len; k--, i += 4)
			put32(p + i,
			      (next_random() & 1 ? 0x20000000 : 0x08000000) |
				      small(16) << 2);
	}
	memset(p + i, 0, len - i);
}

/* An array of structs as RAM holds them: pointers, counters, names. */
static void make_data(uint8_t *p, size_t len)
{
	static const char *const names[] = {
		"idle", "rpmsg", "sensor", "timer",
		"i2c1", "dma0",	 "uart",   "wdog",
	};
	uint32_t counter = next_random() & 0xffff;

	for (size_t i = 0; i + 32 <= len; i += 32) {
		put32(p + i, 0x20000000 | small(16) << 2);
		put32(p + i + 4, 0x20000000 | small(16) << 2);
		put32(p + i + 8, counter++);
		put32(p + i + 12, small(4));
		put32(p + i + 16, next_random() % 3 ? 0 : next_random());
		memset(p + i + 20, 0, 12);
		strcpy((char *)p + i + 20, names[next_random() % 8]);
	}
}

static void make_noise(uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i += 4)
		put32(p + i, next_random());
}

/* Mostly unused RAM: a word here and there. */
static void make_sparse(uint8_t *p, size_t len)
{
	memset(p, 0, len);
	for (size_t i = 0; i + 4 <= len; i += 4 * (1 + small(10)))
		put32(p + i, next_random() & 0xff);
}

/* The code source: FILE's bytes, or synthetic code. */
static uint8_t *load_code(const char *path, size_t *len)
{
	uint8_t *code;
	struct stat st;
	int fd;

	if (!path) {
		*len = 4 * MiB;
		code = malloc(*len);
		if (!code)
			die("out of memory");
		make_code(code, *len);
		return code;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < MiB)
		die("%s: cannot read, or shorter than 1 MiB", path);
	*len = (size_t)st.st_size;
	code = malloc(*len);
	if (!code || read(fd, code, *len) != (ssize_t)*len)
		die("%s: cannot read", path);
	close(fd);
	return code;
}

/*
 * Writes the image, in 4 MiB periods: 1 MiB code, 768 KiB data, 256 KiB
 * noise, 512 KiB sparse, 1.5 MiB zeros.
 */
static void make_image(const char *path, unsigned size_mib,
		       const char *code_file)
{
	static const struct {
		void (*make)(uint8_t *p, size_t len);
		size_t len;
	} parts[] = {
		{ NULL, 1024 * 1024 }, /* code */
		{ make_data, 768 * 1024 },   { make_noise, 256 * 1024 },
		{ make_sparse, 512 * 1024 }, { NULL, 1536 * 1024 }, /* zeros */
	};
	size_t code_len, code_pos = 0, total = (size_t)size_mib * MiB;
	uint8_t *code = load_code(code_file, &code_len);
	uint8_t *buf = malloc(2 * MiB);
	FILE *f = fopen(path, "wb");

	if (!f || !buf)
		die("%s: cannot create", path);
	for (size_t done = 0, k = 0; done < total; k++) {
		size_t len = parts[k % 5].len;

		if (k % 5 == 0) {
			for (size_t i = 0; i < len; i++)
				buf[i] = code[(code_pos + i) % code_len];
			code_pos += len;
		} else if (parts[k % 5].make) {
			parts[k % 5].make(buf, len);
		} else {
			memset(buf, 0, len);
		}
		len = len < total - done ? len : total - done;
		if (fwrite(buf, 1, len, f) != len)
			die("%s: cannot write", path);
		done += len;
	}
	if (fclose(f))
		die("%s: cannot write", path);
	free(buf);
	free(code);
}

/* ---- runs ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		die("%s: missing", path);
	return (uint64_t)st.st_size;
}

/* The writer, as rproc-collect uses it: 1 MiB reads fed to the writer. */
static int compress_with_writer(const char *in, const char *out, int level,
				unsigned threads)
{
	struct rpd_gz_writer *w;
	uint8_t *buf = malloc(CHUNK);
	int ifd = open(in, O_RDONLY | O_CLOEXEC);
	int ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (!buf || ifd < 0 || ofd < 0)
		return 1;
	if (rpd_gz_writer_new(ofd, level, threads, &w) < 0) {
		fprintf(stderr, "%s\n", rpd_error());
		return 1;
	}
	while ((n = read(ifd, buf, CHUNK)) > 0) {
		if (rpd_gz_writer_write(w, buf, (size_t)n) < 0) {
			fprintf(stderr, "%s\n", rpd_error());
			return 1;
		}
	}
	if (n < 0 || rpd_gz_writer_finish(w) < 0) {
		fprintf(stderr, "%s\n", rpd_error());
		return 1;
	}
	rpd_gz_writer_free(w);
	free(buf);
	return close(ofd) ? 1 : 0;
}

/* Runs fn or argv in a child; its own time and peak RSS. */
static struct result run_child(const char *what, char *const argv[],
			       const char *stdout_path, const char *in,
			       const char *out, int level, unsigned threads)
{
	struct result res = { .what = what };
	struct rusage ru;
	double start = now();
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die("fork failed");
	if (!pid) {
		if (argv) {
			int fd = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC,
				      0644);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(127);
			execvp(argv[0], argv);
			_exit(127);
		}
		_exit(compress_with_writer(in, out, level, threads));
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("%s failed", what);
	res.seconds = now() - start;
	res.cpu_seconds =
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	res.rss_mib = (double)ru.ru_maxrss / 1024;
	res.size = file_size(argv ? stdout_path : out);
	return res;
}

/* The writer's file must inflate to the input, for gzip and the reader. */
static bool verify(const char *gz, const char *in)
{
	char cmd[4096];
	uint8_t *a = malloc(CHUNK), *b = malloc(CHUNK);
	struct rpd_gz_reader *r;
	bool ok = true;
	uint64_t size;
	int gfd, ifd;
	ssize_t n;

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' | cmp -s - '%s'", gz, in);
	if (system(cmd)) {
		fprintf(stderr, "%s: gzip -dc differs from %s\n", gz, in);
		return false;
	}
	gfd = open(gz, O_RDONLY | O_CLOEXEC);
	ifd = open(in, O_RDONLY | O_CLOEXEC);
	if (rpd_gz_reader_open(gfd, gz, &r) < 0 ||
	    rpd_gz_reader_size(r, &size) < 0) {
		fprintf(stderr, "%s\n", rpd_error());
		return false;
	}
	ok = size == file_size(in);
	for (uint64_t off = 0; ok && off < size; off += (uint64_t)n) {
		n = read(ifd, a, CHUNK);
		ok = n > 0 && rpd_gz_reader_pread(r, b, CHUNK, off) == n &&
		     !memcmp(a, b, (size_t)n);
	}
	if (!ok)
		fprintf(stderr, "%s: the reader's data differs from %s\n", gz,
			in);
	rpd_gz_reader_free(r);
	close(gfd);
	close(ifd);
	free(a);
	free(b);
	return ok;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "size-mib", required_argument, NULL, 's' },
		{ "level", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "code", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{}
	};
	int c;

	*o = (struct options){ .size_mib = 256, .level = 6, .threads = 2 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->size_mib = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			o->level = atoi(optarg);
			break;
		case 't':
			o->threads = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o->code_file = optarg;
			break;
		case 'C':
			o->check = true;
			break;
		default:
			exit(2);
		}
	}
	if (optind != argc - 1 || !o->size_mib || o->level < 1 ||
	    o->level > 9 || !o->threads)
		die("usage: bench_gz [--size-mib N] [--level L] [--threads T] [--code FILE] [--check] WORKDIR");
	o->workdir = argv[optind];
}

int main(int argc, char **argv)
{
	char in[4096], ref[4096], one[4096], many[4096], level_arg[8];
	char many_name[64];
	struct result res[3];
	struct options o;
	bool ok;

	parse_options(argc, argv, &o);
	mkdir(o.workdir, 0755);
	snprintf(in, sizeof(in), "%s/memory.bin", o.workdir);
	snprintf(ref, sizeof(ref), "%s/memory.bin.gzip.gz", o.workdir);
	snprintf(one, sizeof(one), "%s/memory.bin.1.gz", o.workdir);
	snprintf(many, sizeof(many), "%s/memory.bin.%u.gz", o.workdir,
		 o.threads);
	snprintf(level_arg, sizeof(level_arg), "-%d", o.level);
	snprintf(many_name, sizeof(many_name), "writer, %u threads", o.threads);
	make_image(in, o.size_mib, o.code_file);

	{
		char *const gzip_argv[] = { "gzip", level_arg, "-c", in, NULL };

		res[0] = run_child("gzip", gzip_argv, ref, NULL, NULL, 0, 0);
	}
	res[1] = run_child("writer, 1 thread", NULL, NULL, in, one, o.level, 1);
	res[2] = run_child(many_name, NULL, NULL, in, many, o.level, o.threads);
	ok = verify(one, in) && verify(many, in);

	printf("%u MiB of remote memory, level %d, %ld CPUs online\n",
	       o.size_mib, o.level, sysconf(_SC_NPROCESSORS_ONLN));
	printf("%-20s %8s %8s %8s %12s %8s %9s\n", "", "seconds", "speedup",
	       "CPU s", "bytes", "x gzip", "peak RSS");
	for (int i = 0; i < 3; i++)
		printf("%-20s %8.2f %8.2f %8.2f %12llu %8.4f %6.1f MiB\n",
		       res[i].what, res[i].seconds,
		       res[0].seconds / res[i].seconds, res[i].cpu_seconds,
		       (unsigned long long)res[i].size,
		       (double)res[i].size / (double)res[0].size,
		       res[i].rss_mib);

	if (o.check && res[0].seconds / res[2].seconds < 2.0) {
		printf("FAIL: less than twice as fast as gzip\n");
		ok = false;
	}
	if (o.check && (double)res[2].size > 1.05 * (double)res[0].size) {
		printf("FAIL: more than 5%% larger than gzip's\n");
		ok = false;
	}
	unlink(in);
	unlink(ref);
	unlink(one);
	unlink(many);
	printf("bench_gz: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
