/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scenario_assert.c - failed assertion.
 *
 * The stored configuration has a newer version than the firmware
 * understands; config_check() asserts on it, which ends in
 * rproc_crash_raise(RPROC_CRASH_REASON_ASSERT, "file:line: expr").
 */
#include <inttypes.h>
#include <stdint.h>

#include "fw.h"

const char fw_scenario_name[] = "assert";

#define CONFIG_MAGIC 0x47464e43u /* "CNFG" */
#define CONFIG_VERSION 2u

struct config {
	uint32_t magic;
	uint16_t version;
	uint16_t entries;
};

struct config fw_config = {
	.magic = CONFIG_MAGIC,
	.version = 3,
	.entries = 4,
};

FW_ALWAYS_INLINE void config_check(const struct config *cfg)
{
	FW_ASSERT(cfg->magic == CONFIG_MAGIC);
	FW_ASSERT(cfg->version == CONFIG_VERSION);
}

FW_NOINLINE int config_apply(const struct config *cfg)
{
	config_check(cfg);
	fw_log("config: %u entries applied\n", cfg->entries);
	return cfg->entries;
}

FW_NOINLINE int config_load(uint32_t slot)
{
	int entries;

	fw_log("config: loading slot %" PRIu32 ", version %u\n", slot,
	       fw_config.version);
	entries = config_apply(&fw_config);
	fw_log("config: slot %" PRIu32 " loaded\n", slot);
	return entries;
}

int scenario_run(uint32_t arg)
{
	int entries;

	fw_log("assert: command %" PRIu32 ", loading configuration\n", arg);
	entries = config_load(arg);
	fw_log("assert: %d entries\n", entries);
	return entries;
}
