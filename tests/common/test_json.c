// SPDX-License-Identifier: LGPL-2.1-or-later
/* test_json.c - the streaming JSON writer, checked by python3's parser too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "testutil.h"

static char *render(bool pretty)
{
	struct json_writer j;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	json_init(&j, f, pretty);
	json_begin_object(&j, NULL);
	json_string(&j, "name", "m4 \"core\"\n\x01\\");
	json_uint(&j, "pc", 0xfffffff9u);
	json_int(&j, "neg", -5);
	json_bool(&j, "truncated", false);
	json_null(&j, "firmware");
	json_string(&j, "null_string", NULL);
	json_begin_array(&j, "frames");
	json_begin_object(&j, NULL);
	json_string(&j, "function", "main");
	json_end_object(&j);
	json_uint(&j, NULL, 7);
	json_end_array(&j);
	json_begin_array(&j, "empty");
	json_end_array(&j);
	json_begin_object(&j, "none");
	json_end_object(&j);
	json_end_object(&j);
	json_finish(&j);
	fclose(f);
	return buf;
}

static void test_compact(void **state)
{
	char *s = render(false);

	assert_string_equal(
		s,
		"{\"name\":\"m4 \\\"core\\\"\\n\\u0001\\\\\",\"pc\":4294967289,"
		"\"neg\":-5,\"truncated\":false,\"firmware\":null,"
		"\"null_string\":null,\"frames\":[{\"function\":\"main\"},7],"
		"\"empty\":[],\"none\":{}}\n");
	free(s);
}

/* Whatever the layout, python's json module must read the same document. */
static void test_pretty_parses(void **state)
{
	char *dir = test_tmpdir("json");
	char *a = render(true), *b = render(false);
	char *pa = test_write_file(dir, "a.json", a, strlen(a));
	char *pb = test_write_file(dir, "b.json", b, strlen(b));
	char *out = test_run("python3 -c 'import json,sys; "
			     "print(json.load(open(sys.argv[1])) == "
			     "json.load(open(sys.argv[2])))' %s %s",
			     pa, pb);

	assert_string_equal(out, "True\n");
	free(out);
	free(a);
	free(b);
	free(pa);
	free(pb);
	test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_pretty_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
