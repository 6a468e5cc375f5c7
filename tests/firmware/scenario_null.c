/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario_null.c - NULL pointer read.
 *
 * sensor_read() looks up a sensor that is not configured and scales its
 * sample through the NULL result: the read hits the MPU NULL guard, a
 * MemManage fault (DACCVIOL, MMFAR = the field's offset).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

#include "fw.h"

const char fw_scenario_name[] = "null";

struct sensor {
	uint32_t id;
	int32_t gain;
	int32_t offset;
};

/* Sensor 3 was never configured. */
struct sensor fw_sensors[] = {
	{ .id = 1, .gain = 3, .offset = -2 },
	{ .id = 2, .gain = 5, .offset = 7 },
};

volatile int32_t fw_adc_sample = 41;

FW_NOINLINE struct sensor *sensor_find(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(fw_sensors) / sizeof(fw_sensors[0]); i++)
		if (fw_sensors[i].id == id)
			return &fw_sensors[i];
	return NULL;
}

FW_ALWAYS_INLINE int32_t sensor_scale(const struct sensor *s, int32_t raw)
{
	return raw * s->gain + s->offset;
}

FW_NOINLINE int32_t sensor_read(uint32_t id)
{
	struct sensor *s = sensor_find(id);

	return sensor_scale(s, fw_adc_sample);
}

FW_NOINLINE int32_t sensor_poll_all(uint32_t first, uint32_t count)
{
	int32_t sum = 0;
	uint32_t id;

	for (id = first; id < first + count; id++) {
		int32_t value = sensor_read(id);

		fw_log("sensor %" PRIu32 ": %" PRId32 "\n", id, value);
		sum += value;
	}
	return sum;
}

int scenario_run(uint32_t arg)
{
	int32_t sum;

	fw_log("null: command %" PRIu32 ", polling sensors 1..3\n", arg);
	sum = sensor_poll_all(1, 3);
	fw_log("null: sum %" PRId32 "\n", sum);
	return sum;
}
