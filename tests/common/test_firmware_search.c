// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_firmware_search.c - the kernel's firmware search order, under a
 * test root that stands for "/".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <cmocka.h>

#include "firmware_search.h"
#include "rproc/rprocdump.h"
#include "macro.h"
#include "testutil.h"

static char *root;
static struct utsname uts;

static void mkdirs(const char *rel)
{
	char path[1024], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

/* Creates root/dir/name holding dir, so a test can see which was found. */
static void put(const char *dir, const char *name)
{
	char d[1024];

	mkdirs(dir);
	snprintf(d, sizeof(d), "%s/%s", root, dir);
	free(test_write_file(d, name, dir, strlen(dir)));
}

static char *found_dir(const char *name)
{
	char *path, *text;
	size_t len;

	if (firmware_find(root, NULL, name, &path, NULL) < 0)
		return NULL;
	text = test_read_file(path, &len);
	text[len] = '\0';
	free(path);
	return text;
}

static int setup(void **state)
{
	root = test_tmpdir("fwsearch");
	uname(&uts);
	return 0;
}

static int teardown(void **state)
{
	test_rmtree(root);
	free(root);
	return 0;
}

static void test_kernel_order(void **state)
{
	char updates_rel[512], fw_rel[512];
	char *got;

	snprintf(updates_rel, sizeof(updates_rel), "lib/firmware/updates/%s",
		 uts.release);
	snprintf(fw_rel, sizeof(fw_rel), "lib/firmware/%s", uts.release);

	put("lib/firmware", "m4.elf");
	assert_string_equal(got = found_dir("m4.elf"), "lib/firmware");
	free(got);
	put(fw_rel, "m4.elf");
	assert_string_equal(got = found_dir("m4.elf"), fw_rel);
	free(got);
	put("lib/firmware/updates", "m4.elf");
	assert_string_equal(got = found_dir("m4.elf"), "lib/firmware/updates");
	free(got);
	put(updates_rel, "m4.elf");
	assert_string_equal(got = found_dir("m4.elf"), updates_rel);
	free(got);

	/* firmware_class.path comes before all of them. */
	put("custom/fw", "m4.elf");
	mkdirs("sys/module/firmware_class/parameters");
	{
		char d[1024];

		snprintf(d, sizeof(d),
			 "%s/sys/module/firmware_class/parameters", root);
		free(test_write_file(d, "path", "/custom/fw\n", 11));
	}
	assert_string_equal(got = found_dir("m4.elf"), "custom/fw");
	free(got);
}

static void test_subdirectory_and_missing(void **state)
{
	char *path = NULL, *got, *tried, *dirs[16], want[4096];
	size_t n;

	put("lib/firmware/vendor", "dsp.elf");
	assert_string_equal(got = found_dir("vendor/dsp.elf"),
			    "lib/firmware/vendor");
	free(got);

	assert_int_equal(firmware_find(root, NULL, "nothere.elf", &path,
				       &tried),
			 -ENOENT);
	assert_null(path);
	/* Where it looked, for the caller's message: the whole path. */
	n = firmware_search_path(root, NULL, dirs, ARRAY_SIZE(dirs));
	assert_true(n >= 2);
	want[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s%s", i ? ", " : "", dirs[i]);
	assert_string_equal(tried, want);
	assert_non_null(strstr(tried, "/lib/firmware"));
	firmware_search_free(dirs, n);
	free(tried);
}

static void test_unsafe_names(void **state)
{
	char *path;

	put("lib", "secret");
	assert_int_equal(firmware_find(root, NULL, "../secret", &path, NULL),
			 -EINVAL);
	assert_int_equal(firmware_find(root, NULL, "a/../../secret", &path,
				       NULL),
			 -EINVAL);
	assert_int_equal(firmware_find(root, NULL, "/etc/passwd", &path, NULL),
			 -EINVAL);
	assert_int_equal(firmware_find(root, NULL, "", &path, NULL), -EINVAL);
}

static void test_extra_first(void **state)
{
	char extra_dir[1024], *got;
	const char *extra[] = { extra_dir, NULL };
	char *path;

	put("lib/firmware", "x.elf");
	put("opt/fw", "x.elf");
	snprintf(extra_dir, sizeof(extra_dir), "%s/opt/fw", root);
	assert_int_equal(firmware_find(root, extra, "x.elf", &path, NULL), 0);
	got = test_read_file(path, &(size_t){ 0 });
	assert_memory_equal(got, "opt/fw", 6);
	free(got);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_subdirectory_and_missing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_extra_first, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
