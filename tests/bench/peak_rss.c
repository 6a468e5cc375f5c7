// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * peak_rss - run a command and report its wall time and peak RSS.
 *
 *   peak_rss [-o FILE] COMMAND [ARG...]
 *
 * Prints "SECONDS PEAK_RSS_KIB" on stderr after the command exits, and exits
 * with its status. Linux keeps the RSS high-water mark of a process across
 * exec, so a command started from a big process (python) would report that
 * process's size; this launcher is small, so what it reports is the
 * command's own peak. -o sends the command's stdout to FILE.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int status, argi = 1;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-o")) {
		out = argv[2];
		argi = 3;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: peak_rss [-o FILE] COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
				perror(out);
				_exit(127);
			}
		}
		execvp(argv[argi], argv + argi);
		perror(argv[argi]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%.3f %ld\n",
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
