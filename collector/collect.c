// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * collect.c - from a saved devcoredump to a stored core on disk.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "atomic_file.h"
#include "collect.h"
#include "log.h"
#include "util.h"

#define SPOOL_CHUNK (1024 * 1024)

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

double collect_seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * The dump reader needs random access; a pipe is first copied to an
 * unnamed temporary file beside the output.
 */
static int open_dump(const char *path, const char *output_path)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ uint8_t *buf = NULL;
	_cleanup_close_ int fd = -1;
	const char *slash;

	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return rpd_fail(-errno, "%s: %m", path);
		return TAKE_FD(fd);
	}

	slash = strrchr(output_path, '/');
	dir = slash ? strndup(output_path, (size_t)(slash - output_path + 1)) :
		      strdup(".");
	buf = malloc(SPOOL_CHUNK);
	if (!dir || !buf)
		return rpd_fail(-ENOMEM, "out of memory");
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return rpd_fail(-errno, "%s: cannot create spool file: %m",
				dir);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, SPOOL_CHUNK);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rpd_fail(-errno, "reading dump from stdin: %m");
		if (n == 0)
			break;
		r = write_full(fd, buf, (size_t)n);
		if (r < 0)
			return rpd_fail(r, "%s: spooling dump: %s", dir,
					strerror(-r));
	}
	return TAKE_FD(fd);
}

int collect_write_gz(const struct rpd_devcd *dump,
		     const struct rpd_firmware *fw,
		     const struct rpd_convert_info *info, int level,
		     unsigned threads, int fd,
		     struct rpd_convert_result *result)
{
	struct rpd_gz_writer *gz = NULL;
	struct rpd_sink sink;
	int r;

	r = rpd_gz_writer_new(fd, level, threads, &gz);
	if (r < 0)
		return r;
	sink = rpd_gz_writer_sink(gz);
	r = rpd_convert(dump, fw, info, &sink, result);
	if (r >= 0)
		r = rpd_gz_writer_finish(gz);
	rpd_gz_writer_free(gz);
	return r;
}

/* Converts into f, through the gzip container when asked to. */
static int write_output(const struct collect_request *req,
			const struct rpd_devcd *dump,
			const struct rpd_firmware *fw, int out_fd,
			struct rpd_convert_result *result)
{
	struct rpd_sink sink;

	if (ends_with(req->output_path, ".gz"))
		return collect_write_gz(dump, fw, &req->info, req->level,
					req->threads, out_fd, result);
	sink = rpd_sink_fd(out_fd);
	return rpd_convert(dump, fw, &req->info, &sink, result);
}

void collect_log_stored(const char *who, const char *path,
			const struct rpd_convert_result *res, uint64_t stored,
			double seconds)
{
	log_info(
		"%s: stored %s (%.1f MiB core, %.1f MiB on disk, %zu segments, "
		"%.2f s): firmware %s, %s%s",
		who, path, (double)res->core_size / 1048576.0,
		(double)stored / 1048576.0, res->nsegments, seconds,
		rpd_firmware_match_name(res->firmware_match),
		res->have_registers ? "registers from the crash record" :
				      "no registers",
		res->truncated ? ", TRUNCATED dump" : "");
}

int collect_file(const struct collect_request *req)
{
	struct rpd_firmware *fw = NULL;
	struct rpd_devcd *dump = NULL;
	struct rpd_convert_result result = { 0 };
	struct atomic_file out = { .dir_fd = -1, .fd = -1 };
	_cleanup_close_ int dump_fd = -1;
	struct timespec start;
	struct stat st;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	r = dump_fd = open_dump(req->dump_path, req->output_path);
	if (r >= 0)
		r = rpd_devcd_open(dump_fd, req->dump_path, &dump);
	if (r >= 0 && req->firmware_path) {
		r = rpd_firmware_open(req->firmware_path, &fw);
		if (r < 0) {
			/* A core without firmware is still worth keeping. */
			log_warning("%s; storing the dump without it",
				    rpd_error());
			r = 0;
		}
	}
	if (r >= 0)
		r = atomic_file_open(req->output_path, 0600, &out);
	if (r >= 0)
		r = write_output(req, dump, fw, out.fd, &result);
	if (r >= 0 && fstat(out.fd, &st) < 0)
		r = rpd_fail(-errno, "%s: %m", req->output_path);
	if (r >= 0)
		r = atomic_file_commit(&out, req->replace);

	if (r < 0)
		log_error("%s", rpd_error());
	else
		collect_log_stored(req->info.rproc_name ? req->info.rproc_name :
							  req->dump_path,
				   req->output_path, &result,
				   (uint64_t)st.st_size,
				   collect_seconds_since(&start));
	atomic_file_release(&out);
	rpd_firmware_free(fw);
	rpd_devcd_free(dump);
	return r;
}
