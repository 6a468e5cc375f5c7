/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json.h - a streaming JSON writer for --json output.
 *
 * Values are written as they come: the writer tracks nesting and commas,
 * escapes strings, and never buffers a document. Keys are given for members
 * of objects and NULL for array elements and the top-level value.
 */
#ifndef RPD_JSON_H
#define RPD_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *f;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no member written yet at this depth */
};

void json_init(struct json_writer *j, FILE *f, bool pretty);
void json_begin_object(struct json_writer *j, const char *key);
void json_end_object(struct json_writer *j);
void json_begin_array(struct json_writer *j, const char *key);
void json_end_array(struct json_writer *j);
/* A NULL value is written as null. */
void json_string(struct json_writer *j, const char *key, const char *value);
void json_int(struct json_writer *j, const char *key, int64_t value);
void json_uint(struct json_writer *j, const char *key, uint64_t value);
void json_bool(struct json_writer *j, const char *key, bool value);
void json_null(struct json_writer *j, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json_writer *j);

#endif
