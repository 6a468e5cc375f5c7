// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rproc-collect - store remote processor crash dumps as ELF cores.
 *
 * This file parses the command line and picks the mode:
 *   --devcd devcdN  collect one devcoredump from sysfs into the store (what
 *                   the udev rule and rproc-collect@.service run),
 *   --monitor       collect every devcoredump as udev announces it,
 *   --input DUMP    convert a devcoredump saved to a file (or piped in).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "collect_devcd.h"
#include "config.h"
#include "log.h"
#include "monitor.h"

enum {
	EXIT_COLLECT_FAILED = 1,
	EXIT_USAGE = 2,
};

/* Which devcoredump attribute tree to read; tests point it elsewhere. */
#define SYSFS_ENV "RPROC_COLLECT_SYSFS"

enum mode {
	MODE_NONE,
	MODE_INPUT,
	MODE_DEVCD,
	MODE_MONITOR,
};

struct options {
	enum mode mode;
	const char *devcd;
	const char *config_path;
	struct collect_request req;
};

static void help(void)
{
	printf("Usage: rproc-collect --devcd devcdN [--config FILE]\n"
	       "       rproc-collect --monitor [--config FILE]\n"
	       "       rproc-collect --input DUMP --output CORE [OPTIONS]\n"
	       "\n"
	       "Store a remoteproc devcoredump as an ELF core that GDB and\n"
	       "rproc-analyze can open: segments mirror the firmware's, registers\n"
	       "come from the firmware's crash record.\n"
	       "\n"
	       "      --devcd=devcdN       collect /sys/class/devcoredump/devcdN into\n"
	       "                           the store, release it, apply the recovery\n"
	       "                           policy (run by the udev rule and\n"
	       "                           rproc-collect@devcdN.service)\n"
	       "      --monitor            collect every devcoredump, present or new,\n"
	       "                           until SIGTERM\n"
	       "  -c, --config=FILE        configuration (default " CONFIG_DEFAULT_PATH
	       ")\n"
	       "\n"
	       "  -i, --input=DUMP         devcoredump saved to a file, - for stdin\n"
	       "  -f, --firmware=FW.elf    firmware the remote was running\n"
	       "  -o, --output=CORE        core to write; a .gz suffix compresses\n"
	       "      --name=NAME          remote processor name (sysfs \"name\")\n"
	       "      --firmware-name=NAME firmware name as configured in sysfs\n"
	       "      --crash-type=TYPE    crash type the kernel reported\n"
	       "      --crash-time=SECONDS crash time, seconds since the epoch\n"
	       "      --kernel-release=REL kernel that exported the dump\n"
	       "  -l, --level=N            gzip level 1-9 (default 6)\n"
	       "  -j, --threads=N          compression threads (default: all CPUs)\n"
	       "      --force              replace an existing output file\n"
	       "      --debug              log every decision (also RPROC_LOG_LEVEL=debug)\n"
	       "  -h, --help               show this help\n"
	       "      --version            show the version\n"
	       "\n"
	       "Exit status: 0 stored, or deliberately not (another device's dump,\n"
	       "dropped by policy); 1 not stored (the log says why); 2 bad\n"
	       "command line. See rproc-collect(8).\n");
}

static int parse_uint(const char *arg, const char *what, long min, long max,
		      long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		log_error("invalid %s '%s' (expected %ld to %ld)", what, arg,
			  min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int set_mode(struct options *o, enum mode mode)
{
	if (o->mode != MODE_NONE && o->mode != mode) {
		log_error("--devcd, --monitor and --input exclude each other");
		return -1;
	}
	o->mode = mode;
	return 0;
}

/* 0 to go on, 1 when done (help, version), -1 for a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_NAME = 256,
		OPT_FW_NAME,
		OPT_CRASH_TYPE,
		OPT_CRASH_TIME,
		OPT_KERNEL,
		OPT_FORCE,
		OPT_VERSION,
		OPT_DEVCD,
		OPT_MONITOR,
		OPT_DEBUG,
	};
	static const struct option options[] = {
		{ "devcd", required_argument, NULL, OPT_DEVCD },
		{ "monitor", no_argument, NULL, OPT_MONITOR },
		{ "config", required_argument, NULL, 'c' },
		{ "input", required_argument, NULL, 'i' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "firmware-name", required_argument, NULL, OPT_FW_NAME },
		{ "crash-type", required_argument, NULL, OPT_CRASH_TYPE },
		{ "crash-time", required_argument, NULL, OPT_CRASH_TIME },
		{ "kernel-release", required_argument, NULL, OPT_KERNEL },
		{ "level", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 'j' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 }
	};
	struct collect_request *req = &o->req;
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "c:i:f:o:l:j:h", options, NULL)) !=
	       -1) {
		switch (c) {
		case OPT_DEVCD:
			o->devcd = optarg;
			if (set_mode(o, MODE_DEVCD) < 0)
				return -1;
			break;
		case OPT_MONITOR:
			if (set_mode(o, MODE_MONITOR) < 0)
				return -1;
			break;
		case 'c':
			o->config_path = optarg;
			break;
		case 'i':
			req->dump_path = optarg;
			if (set_mode(o, MODE_INPUT) < 0)
				return -1;
			break;
		case 'f':
			req->firmware_path = optarg;
			break;
		case 'o':
			req->output_path = optarg;
			break;
		case OPT_NAME:
			req->info.rproc_name = optarg;
			break;
		case OPT_FW_NAME:
			req->info.firmware_name = optarg;
			break;
		case OPT_CRASH_TYPE:
			req->info.crash_type = optarg;
			break;
		case OPT_CRASH_TIME:
			if (parse_uint(optarg, "crash time", 0, LONG_MAX, &v) <
			    0)
				return -1;
			req->info.crash_time = v;
			break;
		case 'l':
			if (parse_uint(optarg, "level", 1, 9, &v) < 0)
				return -1;
			req->level = (int)v;
			break;
		case 'j':
			if (parse_uint(optarg, "thread count", 0, 256, &v) < 0)
				return -1;
			req->threads = (unsigned)v;
			break;
		case OPT_KERNEL:
			req->info.kernel_release = optarg;
			break;
		case OPT_FORCE:
			req->replace = true;
			break;
		case OPT_DEBUG:
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			help();
			return 1;
		case OPT_VERSION:
			printf("rproc-collect " RPD_VERSION "\n");
			return 1;
		default:
			return -1;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'; see --help", argv[optind]);
		return -1;
	}
	if (o->mode == MODE_NONE) {
		log_error(
			"one of --devcd, --monitor or --input is required; see --help");
		return -1;
	}
	if (o->mode == MODE_INPUT && !req->output_path) {
		log_error("--input needs --output; see --help");
		return -1;
	}
	if (o->mode != MODE_INPUT && (req->output_path || req->firmware_path)) {
		log_error(
			"--output and --firmware go with --input only; the store and firmware search path come from the configuration");
		return -1;
	}
	return 0;
}

static int run_input(struct collect_request *req)
{
	req->info.collector = "rproc-collect " RPD_VERSION;
	return collect_file(req);
}

/* --devcd and --monitor: the configuration, then the trigger's work. */
static int run_store_mode(const struct options *o)
{
	const char *sysfs = getenv(SYSFS_ENV);
	struct collect_config cfg;
	int r;

	config_defaults(&cfg);
	r = config_load(o->config_path ? o->config_path : CONFIG_DEFAULT_PATH,
			&cfg);
	if (r >= 0 && sysfs && *sysfs) {
		free(cfg.sysfs_root);
		cfg.sysfs_root = strdup(sysfs);
	}
	if (r >= 0 && (!cfg.storage_dir || !cfg.sysfs_root))
		r = log_oom();
	if (r >= 0)
		r = o->mode == MODE_DEVCD ? collect_devcd(&cfg, o->devcd) :
					    monitor_run(&cfg);
	config_free(&cfg);
	return r;
}

int main(int argc, char **argv)
{
	struct options o = { .req = { .level = 6 } };
	int r;

	log_parse_environment();
	r = parse_options(argc, argv, &o);
	if (r)
		return r > 0 ? 0 : EXIT_USAGE;
	r = o.mode == MODE_INPUT ? run_input(&o.req) : run_store_mode(&o);
	return r < 0 ? EXIT_COLLECT_FAILED : 0;
}
