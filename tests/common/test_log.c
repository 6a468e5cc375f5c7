// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_log.c - the tools' logging: levels and their names, %m bound to the
 * error given, the error returned negative, errno left alone, and the
 * syslog priority prefix exactly when stderr is the stream the journal
 * named in JOURNAL_STREAM.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "testutil.h"

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(log_level_from_string("debug"), LOG_DEBUG);
	assert_int_equal(log_level_from_string("INFO"), LOG_INFO);
	assert_int_equal(log_level_from_string("warning"), LOG_WARNING);
	assert_int_equal(log_level_from_string("err"), LOG_ERR);
	assert_int_equal(log_level_from_string("error"), LOG_ERR);
	assert_int_equal(log_level_from_string("7"), LOG_DEBUG);
	assert_int_equal(log_level_from_string("loud"), -EINVAL);
	assert_int_equal(log_level_from_string("8"), -EINVAL);
	assert_int_equal(log_level_from_string(""), -EINVAL);
}

static void test_errno_and_return(void **state)
{
	char *log;
	int r;

	(void)state;
	test_log_begin();
	errno = EPERM;
	r = log_error_errno(-ENOSPC, "store: %m");
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(errno, EPERM); /* left as it was */
	/* A positive error is the same error. */
	assert_int_equal(log_warning_errno(EIO, "x"), -EIO);
	assert_int_equal(log_info("no error: %d", 1), 0);
	log = test_log_end();
	assert_non_null(strstr(log, ": store: No space left on device\n"));
	assert_non_null(strstr(log, ": no error: 1\n"));
	assert_null(strstr(log, "<"));
	free(log);
}

static void test_max_level(void **state)
{
	int saved = log_get_max_level();
	char *log;

	(void)state;
	test_log_begin();
	log_debug("hidden by default");
	log_set_max_level(LOG_DEBUG);
	log_debug("shown at %s", "debug");
	log_set_max_level(LOG_WARNING);
	log_info("hidden at warning");
	/* The error comes back whether or not the line is printed. */
	assert_int_equal(log_info_errno(-EINVAL, "hidden"), -EINVAL);
	log_warning("shown at warning");
	log = test_log_end();
	assert_null(strstr(log, "hidden"));
	assert_non_null(strstr(log, "shown at debug"));
	assert_non_null(strstr(log, "shown at warning"));
	free(log);

	setenv(LOG_LEVEL_ENV, "debug", 1);
	log_set_max_level(LOG_INFO);
	log_parse_environment();
	assert_int_equal(log_get_max_level(), LOG_DEBUG);
	/* A bad value is said and ignored. */
	setenv(LOG_LEVEL_ENV, "chatty", 1);
	test_log_begin();
	log_parse_environment();
	log = test_log_end();
	assert_int_equal(log_get_max_level(), LOG_DEBUG);
	assert_non_null(strstr(log, "RPROC_LOG_LEVEL=chatty: not a log level"));
	free(log);
	unsetenv(LOG_LEVEL_ENV);
	log_set_max_level(saved);
}

/* "<3>" and "<6>" before the program name only on the journal's stream. */
static void test_journal_prefix(void **state)
{
	struct stat st;
	char env[64], *log;

	(void)state;
	test_log_begin();
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_error("to the journal");
	log_info("also");
	/* Another stream (a redirection in a child, say): no prefix. */
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", env, 1);
	log_error("not the journal");
	unsetenv("JOURNAL_STREAM");
	log = test_log_end();
	assert_non_null(strstr(log, "<3>test_log: to the journal\n"));
	assert_non_null(strstr(log, "<6>test_log: also\n"));
	assert_non_null(strstr(log, "\ntest_log: not the journal\n"));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_errno_and_return),
		cmocka_unit_test(test_max_level),
		cmocka_unit_test(test_journal_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
