// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_config.c - /etc/rproc-collect.conf parsing on hostile text.
 *
 * The input is the file's contents, handed to config_load() through a
 * memfd; the values parsed are resolved against a filesystem size, as the
 * store does.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "io_util.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct collect_config cfg;
	char path[64];
	int fd = memfd_create("rproc-collect.conf", MFD_CLOEXEC);

	if (fd < 0 || write_full(fd, data, size) < 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* The parser logs every error; printing them would only slow down. */
	log_set_max_level(LOG_EMERG);
	config_defaults(&cfg);
	if (config_load(path, &cfg) == 0) {
		(void)config_size_resolve(&cfg.max_use, UINT64_MAX);
		(void)config_size_resolve(&cfg.keep_free, 1u << 20);
	}
	config_free(&cfg);
	close(fd);
	return 0;
}
