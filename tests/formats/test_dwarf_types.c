// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_dwarf_types.c - rpd_dwarf_* on firmware built at test time.
 *
 * The expected offsets, sizes and lengths are the compiler's: the test
 * firmware carries offsetof() and sizeof() of what is looked up in a
 * table (expect[]), read back from the image, so DWARF is checked against
 * the layout the code was compiled with, not against itself. Hostile
 * DWARF is written in assembly (loops of typedefs, of siblings, of
 * anonymous members) and made by corrupting the good image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dwarf_types.h"
#include "rproc/rprocdump.h"
#include "testutil.h"
#include "util.h"

/* The indices of expect[], as both sides name them. */
#define EXPECTED_VALUES(X)                                       \
	X(OUTER_SIZE, sizeof(struct outer))                      \
	X(OUTER_TAG, offsetof(struct outer, tag))                \
	X(OUTER_FIRST_B, offsetof(struct outer, first.b))        \
	X(OUTER_FIRST_U64, offsetof(struct outer, first.u.u64))  \
	X(OUTER_X, offsetof(struct outer, x))                    \
	X(OUTER_DEEP_U, offsetof(struct outer, deep.u))          \
	X(OUTER_WORD, offsetof(struct outer, word))              \
	X(OUTER_BYTES, offsetof(struct outer, bytes))            \
	X(OUTER_ARR, offsetof(struct outer, arr))                \
	X(OUTER_ARR_SIZE, sizeof(((struct outer *)0)->arr))      \
	X(OUTER_NEXT, offsetof(struct outer, next))              \
	X(OUTER_REGS, offsetof(struct outer, regs))              \
	X(OUTER_REGS_LEN, sizeof(((struct outer *)0)->regs) / 4) \
	X(OUTER_FLEX, offsetof(struct outer, flex))              \
	X(INNER_SIZE, sizeof(struct inner))                      \
	X(OPAQUE_SIZE, sizeof(struct opaque_fwd))                \
	X(OPAQUE_NAME, offsetof(struct opaque_fwd, name))        \
	X(COLOR_SIZE, sizeof(enum color))

#define AS_ENUM(name, value) IDX_##name,
enum { EXPECTED_VALUES(AS_ENUM) NEXPECTED };

#define AS_SOURCE(name, value) "\t" #value ",\n"

static const char types_h[] = "#include <stddef.h>\n"
			      "#include <stdint.h>\n"
			      "struct opaque_fwd { int a; char name[12]; };\n";

static const char main_c[] =
	"#include \"types.h\"\n"
	"typedef volatile uint32_t reg_t;\n"
	"struct inner { uint8_t a; uint32_t b;\n"
	"	union { uint16_t u16; uint64_t u64; } u; };\n"
	"typedef struct inner inner_t;\n"
	"typedef const inner_t cinner_t;\n"
	"struct outer {\n"
	"	char tag[7];\n"
	"	cinner_t first;\n"
	"	struct { uint8_t x; struct inner deep; };\n"
	"	union { uint32_t word; uint8_t bytes[4]; };\n"
	"	inner_t arr[3][2];\n"
	"	struct outer *next;\n"
	"	reg_t regs[5];\n"
	"	unsigned bits : 3;\n"
	"	int flex[];\n"
	"};\n"
	"typedef struct outer outer_t;\n"
	"enum color { RED = 3, GREEN = -2, BLUE = 0x7fffffff };\n"
	"enum shade { DARK = 7 };\n"
	"volatile enum color favourite = GREEN;\n"
	"enum shade shade = DARK;\n"
	"outer_t the_outer;\n"
	"static inner_t lonely[5] __attribute__((used));\n"
	"/* only declared in this unit: its definition is in other.c */\n"
	"struct opaque;\n"
	"struct opaque *handle;\n"
	"void *untyped;\n"
	"const uint32_t expect[] = {\n" EXPECTED_VALUES(
		AS_SOURCE) "};\n"
			   "void reset(void) { for (;;) the_outer.word++; }\n";

/* A static of main.c's name, and the definition of main.c's opaque. */
static const char other_c[] =
	"#include \"types.h\"\n"
	"struct opaque { int a; char name[12]; } opaque_obj;\n"
	"static uint16_t lonely __attribute__((used)) = 5;\n"
	"static uint8_t only_here __attribute__((used)) = 6;\n"
	"struct opaque_fwd fwd;\n";

static const char fw_ld[] =
	"ENTRY(reset)\n"
	"MEMORY { FLASH (rx) : ORIGIN = 0, LENGTH = 256K\n"
	"	 RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 64K }\n"
	"SECTIONS { .text : { *(.text*) *(.rodata*) } > FLASH\n"
	"	   .data : { *(.data*) } > RAM AT > FLASH\n"
	"	   .bss (NOLOAD) : { *(.bss*) *(COMMON) } > RAM }\n";

/*
 * Hostile DWARF 4, by hand: a typedef that names itself through another,
 * a struct whose anonymous member is the struct itself, an array of
 * itself, a DW_AT_sibling that points back at its own DIE, and a variable
 * of each.
 */
static const char hostile_s[] =
	"	.section .debug_abbrev,\"\",%progbits\n"
	"	.uleb128 1, 0x11, 1\n"	     /* compile_unit, children */
	"	.uleb128 0x03, 0x08, 0, 0\n" /* name string */
	"	.uleb128 2, 0x16, 0\n"	     /* typedef */
	"	.uleb128 0x03, 0x08, 0x49, 0x13, 0, 0\n"
	"	.uleb128 3, 0x34, 0\n" /* variable */
	"	.uleb128 0x03, 0x08, 0x49, 0x13, 0x02, 0x18, 0x3f, 0x19, 0, 0\n"
	"	.uleb128 4, 0x13, 1\n" /* structure_type, children */
	"	.uleb128 0x03, 0x08, 0x0b, 0x0b, 0, 0\n"
	"	.uleb128 5, 0x0d, 0\n" /* member without a name */
	"	.uleb128 0x49, 0x13, 0x38, 0x0b, 0, 0\n"
	"	.uleb128 6, 0x01, 1\n" /* array_type, children */
	"	.uleb128 0x49, 0x13, 0, 0\n"
	"	.uleb128 7, 0x21, 0\n" /* subrange_type */
	"	.uleb128 0x37, 0x0b, 0, 0\n"
	"	.uleb128 8, 0x24, 0\n" /* base_type, with a sibling */
	"	.uleb128 0x03, 0x08, 0x01, 0x13, 0, 0\n"
	"	.uleb128 0\n"
	"	.section .debug_info,\"\",%progbits\n"
	"cu:	.4byte cu_end - cu_version\n"
	"cu_version:\n"
	"	.2byte 4\n"
	"	.4byte 0\n"
	"	.byte 4\n"
	"	.uleb128 1\n"
	"	.asciz \"hostile.c\"\n"
	"t_a:	.uleb128 2\n"
	"	.asciz \"loop_a\"\n"
	"	.4byte t_b - cu\n"
	"t_b:	.uleb128 2\n"
	"	.asciz \"loop_b\"\n"
	"	.4byte t_a - cu\n"
	"	.uleb128 3\n"
	"	.asciz \"looping\"\n"
	"	.4byte t_a - cu\n"
	"	.byte 5, 3\n"
	"	.4byte 0x20000000\n"
	"t_s:	.uleb128 4\n"
	"	.asciz \"selfish\"\n"
	"	.byte 8\n"
	"	.uleb128 5\n"
	"	.4byte t_s - cu\n"
	"	.byte 0\n"
	"	.byte 0\n"
	"	.uleb128 3\n"
	"	.asciz \"self\"\n"
	"	.4byte t_s - cu\n"
	"	.byte 5, 3\n"
	"	.4byte 0x20000010\n"
	"t_r:	.uleb128 6\n"
	"	.4byte t_r - cu\n"
	"	.uleb128 7\n"
	"	.byte 4\n"
	"	.byte 0\n"
	"	.uleb128 3\n"
	"	.asciz \"recursive\"\n"
	"	.4byte t_r - cu\n"
	"	.byte 5, 3\n"
	"	.4byte 0x20000020\n"
	"	.byte 0\n"
	"cu_end:\n"
	/* A second unit, whose only child names itself its sibling. */
	"cu2:	.4byte cu2_end - cu2_version\n"
	"cu2_version:\n"
	"	.2byte 4\n"
	"	.4byte 0\n"
	"	.byte 4\n"
	"	.uleb128 1\n"
	"	.asciz \"siblings.c\"\n"
	"t_l:	.uleb128 8\n"
	"	.asciz \"sibling_loop\"\n"
	"	.4byte t_l - cu2\n"
	"	.byte 0\n"
	"cu2_end:\n"
	"	.text\n"
	"	.global reset\n"
	"	.thumb_func\n"
	"reset:	b reset\n";

static struct {
	char *dir;
	char *fw_path;
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	uint32_t expect[NEXPECTED];
	uint8_t *image;
	size_t size;
} t;

static int setup(void **state)
{
	char *log;
	uint64_t addr, size;

	t.dir = test_tmpdir("test_dwarf_types");
	free(test_write_file(t.dir, "types.h", types_h, strlen(types_h)));
	free(test_write_file(t.dir, "main.c", main_c, strlen(main_c)));
	free(test_write_file(t.dir, "other.c", other_c, strlen(other_c)));
	free(test_write_file(t.dir, "fw.ld", fw_ld, strlen(fw_ld)));
	free(test_write_file(t.dir, "hostile.s", hostile_s, strlen(hostile_s)));
	log = test_capture(
		"cd %s && arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -O2 -g "
		"-nostdlib -ffreestanding -T fw.ld -o fw.elf main.c other.c 2>&1 &&"
		" arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -nostdlib -T fw.ld"
		" -o hostile.elf hostile.s 2>&1",
		t.dir);
	if (!log) {
		fprintf(stderr,
			"cannot build the test firmware in %s (arm-none-eabi-gcc: Debian package gcc-arm-none-eabi)\n",
			t.dir);
		return -1;
	}
	free(log);
	if (asprintf(&t.fw_path, "%s/fw.elf", t.dir) < 0 ||
	    rpd_firmware_open(t.fw_path, &t.fw) < 0 ||
	    rpd_dwarf_open(t.fw, &t.dw) < 0 ||
	    rpd_firmware_symbol(t.fw, "expect", &addr, &size) < 0 ||
	    size != sizeof(t.expect) ||
	    rpd_firmware_read(t.fw, addr, t.expect, sizeof(t.expect)) < 0) {
		fprintf(stderr, "%s: %s\n", t.fw_path, rpd_error());
		return -1;
	}
	t.image = test_read_file(t.fw_path, &t.size);
	return t.image ? 0 : -1;
}

static int teardown(void **state)
{
	rpd_dwarf_free(t.dw);
	rpd_firmware_free(t.fw);
	if (t.dir)
		test_rmtree(t.dir);
	free(t.dir);
	free(t.fw_path);
	free(t.image);
	return 0;
}

#define EXPECT(name) ((uint64_t)t.expect[IDX_##name])

static struct rpd_dwarf_type type_named(const char *name)
{
	struct rpd_dwarf_type type;

	if (rpd_dwarf_type(t.dw, name, &type) < 0)
		fail_msg("%s: %s", name, rpd_error());
	return type;
}

static uint64_t offset_of(const struct rpd_dwarf_type *type, const char *path)
{
	struct rpd_dwarf_member m;

	if (rpd_dwarf_member(t.dw, type, path, &m) < 0)
		fail_msg("%s: %s", path, rpd_error());
	return m.offset;
}

static void test_variable(void **state)
{
	struct rpd_dwarf_variable var;
	uint64_t addr, size;

	assert_int_equal(rpd_dwarf_variable(t.dw, "the_outer", &var), 0);
	assert_int_equal(rpd_firmware_symbol(t.fw, "the_outer", &addr, &size),
			 0);
	assert_int_equal(var.addr, addr);
	assert_int_equal(var.type.kind, RPD_DWARF_STRUCT);
	assert_int_equal(var.type.size, EXPECT(OUTER_SIZE));
	assert_int_equal(var.type.size, size);

	/* An enum through volatile. */
	assert_int_equal(rpd_dwarf_variable(t.dw, "favourite", &var), 0);
	assert_int_equal(var.type.kind, RPD_DWARF_ENUM);
	assert_int_equal(var.type.size, EXPECT(COLOR_SIZE));

	test_assert_error(rpd_dwarf_variable(t.dw, "nowhere", &var), -ENOENT,
			  "no variable nowhere");
}

/* Two statics named lonely: the one the symbol table finds first, with
 * the type of its own unit. */
static void test_static_matches_symbol_table(void **state)
{
	struct rpd_dwarf_variable var;
	uint64_t addr, size;

	assert_int_equal(rpd_dwarf_variable(t.dw, "lonely", &var), 0);
	assert_int_equal(rpd_firmware_symbol(t.fw, "lonely", &addr, &size), 0);
	assert_int_equal(var.addr, addr);
	assert_int_equal(var.type.size, size);
	assert_true(var.type.kind == RPD_DWARF_ARRAY ||
		    var.type.kind == RPD_DWARF_BASE);
}

static void test_members(void **state)
{
	struct rpd_dwarf_type outer = type_named("outer_t");
	struct rpd_dwarf_member m;

	assert_int_equal(outer.size, EXPECT(OUTER_SIZE));
	assert_int_equal(offset_of(&outer, "tag"), EXPECT(OUTER_TAG));
	/* Through a const typedef of a typedef. */
	assert_int_equal(offset_of(&outer, "first.b"), EXPECT(OUTER_FIRST_B));
	/* Through a named union inside. */
	assert_int_equal(offset_of(&outer, "first.u.u64"),
			 EXPECT(OUTER_FIRST_U64));
	/* Members of an anonymous struct and union, as C names them. */
	assert_int_equal(offset_of(&outer, "x"), EXPECT(OUTER_X));
	assert_int_equal(offset_of(&outer, "deep.u"), EXPECT(OUTER_DEEP_U));
	assert_int_equal(offset_of(&outer, "word"), EXPECT(OUTER_WORD));
	assert_int_equal(offset_of(&outer, "bytes"), EXPECT(OUTER_BYTES));
	assert_int_equal(offset_of(&outer, "next"), EXPECT(OUTER_NEXT));

	assert_int_equal(rpd_dwarf_member(t.dw, &outer, "first", &m), 0);
	assert_int_equal(m.type.kind, RPD_DWARF_STRUCT);
	assert_int_equal(m.type.size, EXPECT(INNER_SIZE));
	assert_int_equal(rpd_dwarf_member(t.dw, &outer, "next", &m), 0);
	assert_int_equal(m.type.kind, RPD_DWARF_POINTER);
	assert_int_equal(m.type.size, 4);

	assert_true(rpd_dwarf_has_member(t.dw, &outer, "first.u.u16"));
	assert_false(rpd_dwarf_has_member(t.dw, &outer, "first.c"));
	assert_false(rpd_dwarf_has_member(t.dw, &outer, "xStateListItem"));
	test_assert_error(rpd_dwarf_member(t.dw, &outer, "tag.x", &m), -EINVAL,
			  "tag: not a struct or union");
	test_assert_error(rpd_dwarf_member(t.dw, &outer, "first..b", &m),
			  -EINVAL, "bad member path");
	test_assert_error(rpd_dwarf_member(t.dw, &outer, "first.", &m), -EINVAL,
			  "bad member path");
	test_assert_error(rpd_dwarf_member(t.dw, &outer, "", &m), -EINVAL,
			  "bad member path");
	test_assert_error(rpd_dwarf_member(t.dw, &outer, "bits", &m), -EINVAL,
			  "bit-field");
}

static void test_arrays(void **state)
{
	struct rpd_dwarf_type outer = type_named("struct outer");
	struct rpd_dwarf_array array;
	struct rpd_dwarf_member m;

	assert_int_equal(rpd_dwarf_member(t.dw, &outer, "arr", &m), 0);
	assert_int_equal(m.offset, EXPECT(OUTER_ARR));
	assert_int_equal(m.type.size, EXPECT(OUTER_ARR_SIZE));
	assert_int_equal(rpd_dwarf_array(t.dw, &m.type, &array), 0);
	assert_int_equal(array.count, 6); /* [3][2] */
	assert_int_equal(array.element.size, EXPECT(INNER_SIZE));

	/* Elements through volatile and a typedef. */
	assert_int_equal(rpd_dwarf_member(t.dw, &outer, "regs", &m), 0);
	assert_int_equal(m.offset, EXPECT(OUTER_REGS));
	assert_int_equal(rpd_dwarf_array(t.dw, &m.type, &array), 0);
	assert_int_equal(array.count, EXPECT(OUTER_REGS_LEN));
	assert_int_equal(array.element.kind, RPD_DWARF_BASE);
	assert_int_equal(array.element.size, 4);

	assert_int_equal(rpd_dwarf_member(t.dw, &outer, "tag", &m), 0);
	assert_int_equal(rpd_dwarf_array(t.dw, &m.type, &array), 0);
	assert_int_equal(array.count, 7);

	/* A flexible array has no length. */
	assert_int_equal(rpd_dwarf_member(t.dw, &outer, "flex", &m), 0);
	assert_int_equal(m.offset, EXPECT(OUTER_FLEX));
	test_assert_error(rpd_dwarf_array(t.dw, &m.type, &array), -ENOENT,
			  "without a constant length");
	test_assert_error(rpd_dwarf_array(t.dw, &outer, &array), -EINVAL,
			  "not an array");
}

/* A pointer to a struct its unit only declares: the definition in
 * another unit. */
static void test_opaque_pointer(void **state)
{
	struct rpd_dwarf_variable var;
	struct rpd_dwarf_type target;

	assert_int_equal(rpd_dwarf_variable(t.dw, "handle", &var), 0);
	assert_int_equal(var.type.kind, RPD_DWARF_POINTER);
	assert_int_equal(rpd_dwarf_pointee(t.dw, &var.type, &target), 0);
	assert_int_equal(target.kind, RPD_DWARF_STRUCT);
	assert_int_equal(target.size, EXPECT(OPAQUE_SIZE));
	assert_int_equal(offset_of(&target, "name"), EXPECT(OPAQUE_NAME));

	assert_int_equal(rpd_dwarf_variable(t.dw, "untyped", &var), 0);
	test_assert_error(rpd_dwarf_pointee(t.dw, &var.type, &target), -ENOENT,
			  "pointer to void");
	test_assert_error(rpd_dwarf_pointee(t.dw, &target, &target), -EINVAL,
			  "not a pointer");
}

static void test_enumerators(void **state)
{
	struct rpd_dwarf_type color = type_named("enum color");
	struct rpd_dwarf_type shade = type_named("shade");
	int64_t v;

	assert_int_equal(color.kind, RPD_DWARF_ENUM);
	assert_int_equal(rpd_dwarf_enumerator(t.dw, NULL, "RED", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(rpd_dwarf_enumerator(t.dw, &color, "BLUE", &v), 0);
	assert_int_equal(v, 0x7fffffff);
	assert_int_equal(rpd_dwarf_enumerator(t.dw, &color, "GREEN", &v), 0);
	assert_int_equal(v, -2);
	assert_int_equal(rpd_dwarf_enumerator(t.dw, &shade, "DARK", &v), 0);
	assert_int_equal(v, 7);
	test_assert_error(rpd_dwarf_enumerator(t.dw, &shade, "RED", &v),
			  -ENOENT, "no enumerator RED");
	test_assert_error(rpd_dwarf_enumerator(t.dw, NULL, "PURPLE", &v),
			  -ENOENT, "no enumerator PURPLE");
}

static void test_types(void **state)
{
	struct rpd_dwarf_type type;

	/* A typedef, a tag, and "struct" naming tags only. */
	assert_int_equal(type_named("inner_t").size, EXPECT(INNER_SIZE));
	assert_int_equal(type_named("inner").size, EXPECT(INNER_SIZE));
	assert_int_equal(type_named("cinner_t").kind, RPD_DWARF_STRUCT);
	assert_int_equal(type_named("reg_t").kind, RPD_DWARF_BASE);
	test_assert_error(rpd_dwarf_type(t.dw, "struct inner_t", &type),
			  -ENOENT, "no type struct inner_t");
	test_assert_error(rpd_dwarf_type(t.dw, "union outer", &type), -ENOENT,
			  "no type union outer");
}

static bool unit_is(void *arg, const char *name)
{
	return path_endswith(name, arg);
}

static void test_unit_names(void **state)
{
	assert_non_null(rpd_dwarf_unit_names(t.dw, unit_is, "other.c"));
	assert_null(rpd_dwarf_unit_names(t.dw, unit_is, "tasks.c"));
}

/* A lookup indexes only the units it needs: the static's, first. */
static void test_lazy(void **state)
{
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	struct rpd_dwarf_variable var;

	assert_int_equal(rpd_firmware_open(t.fw_path, &fw), 0);
	assert_int_equal(rpd_dwarf_open(fw, &dw), 0);
	/* A global: the units in order, main.c before other.c. */
	assert_int_equal(rpd_dwarf_variable(dw, "fwd", &var), 0);
	assert_int_equal(rpd_dwarf_indexed_units(dw), 2);
	rpd_dwarf_free(dw);
	/* A static: its STT_FILE's unit only. */
	assert_int_equal(rpd_dwarf_open(fw, &dw), 0);
	assert_int_equal(rpd_dwarf_variable(dw, "only_here", &var), 0);
	assert_int_equal(rpd_dwarf_indexed_units(dw), 1);
	rpd_dwarf_free(dw);
	assert_int_equal(rpd_dwarf_open(fw, &dw), 0);
	assert_int_equal(rpd_dwarf_variable(dw, "the_outer", &var), 0);
	assert_int_equal(rpd_dwarf_indexed_units(dw), 1);
	rpd_dwarf_free(dw);
	rpd_firmware_free(fw);
}

static void test_no_dwarf(void **state)
{
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	char *path = NULL;

	free(test_run("cd %s && arm-none-eabi-strip -g -o stripped.elf fw.elf",
		      t.dir));
	assert_true(asprintf(&path, "%s/stripped.elf", t.dir) > 0);
	assert_int_equal(rpd_firmware_open(path, &fw), 0);
	test_assert_error(rpd_dwarf_open(fw, &dw), -ENOENT,
			  "has no DWARF debug information");
	rpd_firmware_free(fw);
	free(path);
}

static void test_hostile(void **state)
{
	struct rpd_dwarf_variable var;
	struct rpd_dwarf_array array;
	struct rpd_dwarf_type type;
	struct rpd_firmware *fw;
	struct rpd_dwarf *dw;
	char *path = NULL;
	int r;

	assert_true(asprintf(&path, "%s/hostile.elf", t.dir) > 0);
	assert_int_equal(rpd_firmware_open(path, &fw), 0);
	assert_int_equal(rpd_dwarf_open(fw, &dw), 0);
	test_assert_error(rpd_dwarf_variable(dw, "looping", &var), -ELOOP,
			  "type chain longer than");
	test_assert_error(rpd_dwarf_type(dw, "loop_a", &type), -ELOOP,
			  "type chain longer than");
	/* The anonymous member is the struct itself: searched 8 deep. */
	assert_int_equal(rpd_dwarf_variable(dw, "self", &var), 0);
	assert_int_equal(var.addr, 0x20000010);
	assert_false(rpd_dwarf_has_member(dw, &var.type, "nothing"));
	/* An array of itself has no size, and ends. */
	assert_int_equal(rpd_dwarf_variable(dw, "recursive", &var), 0);
	assert_int_equal(var.type.kind, RPD_DWARF_ARRAY);
	assert_int_equal(var.type.size, 0);
	assert_int_equal(rpd_dwarf_array(dw, &var.type, &array), 0);
	assert_int_equal(array.count, 4);
	assert_int_equal(array.element.size, 0);
	/* The unit whose DIE is its own sibling: libdw refuses the loop or
	 * the walk spends its budget; either way the lookup ends. */
	r = rpd_dwarf_type(dw, "nothing_here", &type);
	assert_true(r == -ENOENT || r == -E2BIG);
	rpd_dwarf_free(dw);
	rpd_firmware_free(fw);
	free(path);
}

/* Random bytes of .debug_info and .debug_abbrev changed: lookups fail or
 * succeed, in bounded time, and ASan sees nothing. */
static void test_corrupted(void **state)
{
	static const char *const names[] = { "the_outer", "lonely", "handle",
					     "favourite", "expect" };
	uint64_t off_info, len_info;
	uint32_t seed = 12345;
	char *out;
	unsigned long long o, l;
	time_t start = time(NULL);
	int opened = 0, found = 0;

	out = test_run("arm-none-eabi-readelf -SW %s | sed -n "
		       "'s/.*\\.debug_info *[A-Z]* *[0-9a-f]* \\([0-9a-f]*\\) "
		       "\\([0-9a-f]*\\).*/\\1 \\2/p'",
		       t.fw_path);
	assert_int_equal(sscanf(out, "%llx %llx", &o, &l), 2);
	free(out);
	off_info = o;
	len_info = l;
	for (int round = 0; round < 200; round++) {
		uint8_t *copy = malloc(t.size);
		struct rpd_firmware *fw;
		struct rpd_dwarf *dw;

		memcpy(copy, t.image, t.size);
		for (int i = 0; i < 8; i++) {
			seed = seed * 1103515245u + 12345u;
			copy[off_info + (seed >> 8) % len_info] ^=
				(uint8_t)(1u << (seed & 7));
		}
		if (rpd_firmware_open_mem(copy, t.size, "corrupt.elf", &fw) ==
		    0) {
			if (rpd_dwarf_open(fw, &dw) == 0) {
				opened++;
				for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
					struct rpd_dwarf_variable var;
					struct rpd_dwarf_member m;

					if (rpd_dwarf_variable(dw, names[i],
							       &var) < 0)
						continue;
					found++;
					rpd_dwarf_member(dw, &var.type,
							 "first.u.u64", &m);
				}
				rpd_dwarf_free(dw);
			}
			rpd_firmware_free(fw);
		}
		free(copy);
	}
	assert_true(time(NULL) - start < 60);
	/* Most corruptions leave most names readable. */
	assert_true(opened > 150);
	assert_true(found > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variable),
		cmocka_unit_test(test_static_matches_symbol_table),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_opaque_pointer),
		cmocka_unit_test(test_enumerators),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_unit_names),
		cmocka_unit_test(test_lazy),
		cmocka_unit_test(test_no_dwarf),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_corrupted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
