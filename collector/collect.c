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
#include "io_util.h"
#include "log.h"
#include "macro.h"
#include "string_util.h"

#define SPOOL_CHUNK (1024 * 1024)

double collect_seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Copies standard input into an unnamed temporary file in dir. */
static int spool_stdin(const char *dir)
{
	_cleanup_free_ uint8_t *buf = malloc(SPOOL_CHUNK);
	_cleanup_close_ int fd = -1;

	if (!buf)
		return log_oom();
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_error_errno(-errno,
				       "%s: cannot create spool file: %m", dir);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, SPOOL_CHUNK);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return log_error_errno(-errno,
					       "reading dump from stdin: %m");
		if (n == 0)
			return TAKE_FD(fd);
		r = write_full(fd, buf, (size_t)n);
		if (r < 0)
			return log_error_errno(r, "%s: spooling dump: %m", dir);
	}
}

/*
 * The dump reader needs random access; a pipe is first copied to an
 * unnamed temporary file beside the output.
 */
static int open_dump(const char *path, const char *output_path)
{
	_cleanup_free_ char *dir = NULL;
	const char *slash;
	int fd;

	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return log_error_errno(-errno, "%s: %m", path);
		return fd;
	}
	slash = strrchr(output_path, '/');
	dir = slash ? strndup(output_path, (size_t)(slash - output_path + 1)) :
		      strdup(".");
	if (!dir)
		return log_oom();
	return spool_stdin(dir);
}

int collect_write_gz(const struct rpd_devcd *dump,
		     const struct rpd_firmware *fw,
		     const struct rpd_convert_info *info, int level,
		     unsigned threads, int fd,
		     struct rpd_convert_result *result)
{
	_cleanup_(rpd_gz_writer_freep) struct rpd_gz_writer *gz = NULL;
	struct rpd_sink sink;
	int r;

	r = rpd_gz_writer_new(fd, level, threads, &gz);
	if (r < 0)
		return r;
	sink = rpd_gz_writer_sink(gz);
	r = rpd_convert(dump, fw, info, &sink, result);
	if (r < 0)
		return r;
	return rpd_gz_writer_finish(gz);
}

/* Converts into out_fd, through the gzip container when asked to. */
static int write_output(const struct collect_request *req,
			const struct rpd_devcd *dump,
			const struct rpd_firmware *fw, int out_fd,
			struct rpd_convert_result *result)
{
	struct rpd_sink sink;

	if (endswith(req->output_path, ".gz"))
		return collect_write_gz(dump, fw, &req->info, req->level,
					req->threads, out_fd, result);
	sink = rpd_sink_fd(out_fd);
	return rpd_convert(dump, fw, &req->info, &sink, result);
}

void collect_log_firmware(const char *who, const struct rpd_firmware *fw)
{
	uint64_t da, len;

	if (log_get_max_level() < LOG_DEBUG)
		return;
	if (!fw) {
		log_debug("%s: no firmware: no crash record, no trace buffers",
			  who);
		return;
	}
	log_debug("%s: firmware %s, build-id %s, %zu trace buffer(s)", who,
		  rpd_firmware_path(fw),
		  rpd_firmware_build_id_hex(fw) ?: "none",
		  rpd_firmware_ntraces(fw));
	if (rpd_firmware_crash_record(fw, &da, &len) == 0)
		log_debug(
			"%s: registers: the crash record at 0x%llx (%llu bytes)",
			who, (unsigned long long)da, (unsigned long long)len);
	else
		log_debug("%s: registers: none, %s", who, rpd_error());
}

void collect_log_stored(const char *who, const char *path,
			const struct rpd_convert_result *res, uint64_t stored,
			double seconds)
{
	log_info(
		"%s: stored %s (%.1f MiB core, %.1f MiB on disk, %zu segments, "
		"%.2f s): firmware %s, %s%s%s",
		who, path, (double)res->core_size / 1048576.0,
		(double)stored / 1048576.0, res->nsegments, seconds,
		rpd_firmware_match_name(res->firmware_match),
		res->have_registers ? "registers from the " : "no registers",
		res->have_registers ?
			rpd_register_source_name(res->register_source) :
			"",
		res->truncated ? ", TRUNCATED dump" : "");
}

int collect_file(const struct collect_request *req)
{
	_cleanup_(rpd_firmware_freep) struct rpd_firmware *fw = NULL;
	_cleanup_(rpd_devcd_freep) struct rpd_devcd *dump = NULL;
	_cleanup_(atomic_file_release) struct atomic_file out = { .dir_fd = -1,
								  .fd = -1 };
	struct rpd_convert_result result = { 0 };
	_cleanup_close_ int dump_fd = -1;
	struct timespec start;
	struct stat st;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	dump_fd = open_dump(req->dump_path, req->output_path);
	if (dump_fd < 0)
		return dump_fd;
	r = rpd_devcd_open(dump_fd, req->dump_path, &dump);
	if (r < 0)
		return log_error_errno(r, "%s", rpd_error());
	/* A core without firmware is still worth keeping. */
	if (req->firmware_path &&
	    rpd_firmware_open(req->firmware_path, &fw) < 0)
		log_warning("%s; storing the dump without it", rpd_error());
	collect_log_firmware(req->dump_path, fw);
	r = atomic_file_open(req->output_path, 0600, &out);
	if (r < 0)
		return r;
	r = write_output(req, dump, fw, out.fd, &result);
	if (r < 0)
		return log_error_errno(r, "%s", rpd_error());
	if (fstat(out.fd, &st) < 0)
		return log_error_errno(-errno, "%s: %m", req->output_path);
	r = atomic_file_commit(&out, req->replace);
	if (r == -EEXIST)
		return log_error_errno(r, "%s: %m (--force replaces it)",
				       req->output_path);
	if (r < 0)
		return r;
	collect_log_stored(req->info.rproc_name ? req->info.rproc_name :
						  req->dump_path,
			   req->output_path, &result, (uint64_t)st.st_size,
			   collect_seconds_since(&start));
	return 0;
}
