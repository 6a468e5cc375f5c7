// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rproc-collect - store remote processor crash dumps as ELF cores.
 *
 * This file parses the command line and picks the mode. Modes: --input
 * converts a devcoredump saved to a file (or piped in) into a stored core.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "log.h"

enum {
	EXIT_COLLECT_FAILED = 1,
	EXIT_USAGE = 2,
};

static void help(void)
{
	printf("Usage: rproc-collect --input DUMP --output CORE [OPTIONS]\n"
	       "\n"
	       "Store a remoteproc devcoredump as an ELF core that GDB and\n"
	       "rproc-analyze can open: segments mirror the firmware's, registers\n"
	       "come from the firmware's crash record.\n"
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
	       "  -h, --help               show this help\n"
	       "      --version            show the version\n"
	       "\n"
	       "Exit status: 0 stored, 1 not stored (the error says why),\n"
	       "2 bad command line. See rproc-collect(8).\n");
}

static int parse_uint(const char *arg, const char *what, long min, long max,
		      long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		log_error("invalid %s '%s' (expected %ld to %ld)", what, arg, min,
			  max);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_NAME = 256, OPT_FW_NAME, OPT_CRASH_TYPE, OPT_CRASH_TIME,
	       OPT_KERNEL, OPT_FORCE, OPT_VERSION };
	static const struct option options[] = {
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 }
	};
	struct collect_request req = { .level = 6 };
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "i:f:o:l:j:h", options, NULL)) != -1) {
		switch (c) {
		case 'i':
			req.dump_path = optarg;
			break;
		case 'f':
			req.firmware_path = optarg;
			break;
		case 'o':
			req.output_path = optarg;
			break;
		case OPT_NAME:
			req.info.rproc_name = optarg;
			break;
		case OPT_FW_NAME:
			req.info.firmware_name = optarg;
			break;
		case OPT_CRASH_TYPE:
			req.info.crash_type = optarg;
			break;
		case OPT_CRASH_TIME:
			if (parse_uint(optarg, "crash time", 0, LONG_MAX, &v) < 0)
				return EXIT_USAGE;
			req.info.crash_time = v;
			break;
		case 'l':
			if (parse_uint(optarg, "level", 1, 9, &v) < 0)
				return EXIT_USAGE;
			req.level = (int)v;
			break;
		case 'j':
			if (parse_uint(optarg, "thread count", 0, 256, &v) < 0)
				return EXIT_USAGE;
			req.threads = (unsigned)v;
			break;
		case OPT_KERNEL:
			req.info.kernel_release = optarg;
			break;
		case OPT_FORCE:
			req.replace = true;
			break;
		case 'h':
			help();
			return 0;
		case OPT_VERSION:
			printf("rproc-collect " RPD_VERSION "\n");
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'; see --help", argv[optind]);
		return EXIT_USAGE;
	}
	if (!req.dump_path || !req.output_path) {
		log_error("--input and --output are required; see --help");
		return EXIT_USAGE;
	}

	if (!req.info.crash_time)
		req.info.crash_time = time(NULL);
	req.info.collector = "rproc-collect " RPD_VERSION;
	return collect_file(&req) < 0 ? EXIT_COLLECT_FAILED : 0;
}
