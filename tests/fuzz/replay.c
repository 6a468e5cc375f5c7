// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * replay.c - runs a fuzz target over files and directories of inputs, for
 * builds without libFuzzer. Exits non-zero if an input cannot be read; a bug
 * in the target shows up as a sanitizer report or a crash.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "%s: cannot read: %m\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 1;
}

static int run_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	int n = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %m\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %m\n", path);
		return -1;
	}
	while ((de = readdir(dir))) {
		char child[4096];
		int r;

		if (de->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		r = run_path(child);
		if (r < 0) {
			closedir(dir);
			return r;
		}
		n += r;
	}
	closedir(dir);
	return n;
}

int main(int argc, char **argv)
{
	int total = 0;

	for (int i = 1; i < argc; i++) {
		int r = run_path(argv[i]);

		if (r < 0)
			return 1;
		total += r;
	}
	printf("%d inputs replayed\n", total);
	return 0;
}
