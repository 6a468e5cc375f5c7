/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rprocdump.h - read and write remote processor crash dumps.
 *
 * The one public header of librprocdump. It covers:
 *   - remoteproc devcoredumps as the kernel exports them (rpd_devcd_*),
 *   - firmware ELF images (rpd_firmware_*),
 *   - firmware crash records (rpd_crash_*),
 *   - stored cores, rproc-core(5), written as a stream and read back with
 *     full validation (rpd_core_writer_*, rpd_core_*),
 *   - the .core.gz container: independent gzip members (rpd_gz_*),
 *   - the conversion of a devcoredump into a stored core (rpd_convert).
 *
 * Conventions. Every function that can fail returns 0 (or a count) on
 * success and a negative errno on failure; rpd_error() then returns a
 * message for the calling thread that names the file or object and what is
 * wrong with it. Objects are created by the *_open() and *_new()
 * functions and released by the matching *_free(), which accepts NULL;
 * for GNU C's cleanup attribute each has a *_freep() taking the
 * variable's address. Pointers returned by accessors stay valid until
 * their owner is freed. Addresses and sizes are uint64_t for ELF32 and
 * ELF64 alike. Only little-endian ELF is supported, as in the kernel's
 * remoteproc code. Nothing here writes to stdout or stderr.
 *
 * Link with pkg-config's librprocdump; every symbol is versioned
 * (LIBRPROCDUMP_0).
 */
#ifndef RPROC_RPROCDUMP_H
#define RPROC_RPROCDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ------------------------------------------------------------ */

/* Message describing the last failure in this thread ("" if none). */
const char *rpd_error(void);

/* ---- common types ------------------------------------------------------ */

struct rpd_elf_ident {
	uint8_t elf_class; /* ELFCLASS32 or ELFCLASS64 */
	uint16_t machine;  /* EM_*, often EM_NONE in kernel dumps */
	uint32_t flags;	   /* e_flags */
	uint64_t entry;	   /* e_entry */
};

/* A loadable range of an ELF file (a PT_LOAD program header). */
struct rpd_segment {
	uint64_t vaddr;	 /* p_vaddr: address the CPU sees */
	uint64_t paddr;	 /* p_paddr: device address it is loaded to */
	uint64_t memsz;	 /* p_memsz */
	uint64_t filesz; /* bytes present in the file */
	uint64_t offset; /* p_offset */
	uint32_t flags;	 /* PF_R | PF_W | PF_X */
};

/* An allocated section of the firmware that the program never writes. */
struct rpd_section {
	char name[32];	/* truncated to fit */
	uint64_t vaddr; /* sh_addr: where the CPU sees it */
	uint64_t paddr; /* where the kernel loaded it */
	uint64_t size;
};

/* A remoteproc trace buffer (RSC_TRACE resource). */
struct rpd_trace_desc {
	uint64_t da;
	uint64_t len;
	char name[33];
};

/* Where output goes: the core writer writes to a sink, and the gzip writer
 * is one. write() returns 0 or a negative errno and writes all of buf. */
struct rpd_sink {
	int (*write)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

/* A sink writing to a file descriptor (ctx holds the fd). */
struct rpd_sink rpd_sink_fd(int fd);

/* ---- firmware ELF ------------------------------------------------------ */

struct rpd_firmware;

int rpd_firmware_open(const char *path, struct rpd_firmware **out);
/* As above on a caller-owned buffer, which must outlive the object. */
int rpd_firmware_open_mem(const void *buf, size_t len, const char *name,
			  struct rpd_firmware **out);
void rpd_firmware_free(struct rpd_firmware *fw);

const char *rpd_firmware_path(const struct rpd_firmware *fw);
const struct rpd_elf_ident *rpd_firmware_ident(const struct rpd_firmware *fw);
/* PT_LOAD segments with p_memsz != 0, in program header order. */
size_t rpd_firmware_nsegments(const struct rpd_firmware *fw);
const struct rpd_segment *rpd_firmware_segment(const struct rpd_firmware *fw,
					       size_t i);
/* GNU build-id; -ENOENT if the firmware has none. */
int rpd_firmware_build_id(const struct rpd_firmware *fw, const uint8_t **id,
			  size_t *len);
/* Longest build-id the hex form is kept for (SHA-1 takes 20 bytes). */
#define RPD_BUILD_ID_MAX 64
/* The build-id in lower-case hex, as dumps and cores record it; NULL if
 * the firmware has none (or a longer one). */
const char *rpd_firmware_build_id_hex(const struct rpd_firmware *fw);

/* Whether fw is the build a dump or core was taken from, by build-id. */
enum rpd_build_id_check {
	RPD_BUILD_ID_MATCH,	 /* the same build */
	RPD_BUILD_ID_MISMATCH,	 /* another build */
	RPD_BUILD_ID_UNRECORDED, /* nothing recorded to compare with */
	RPD_BUILD_ID_ABSENT,	 /* the firmware has no build-id */
};

/* Compares fw's build-id with one recorded in hex (NULL or "": none),
 * ignoring case. */
enum rpd_build_id_check
rpd_firmware_check_build_id(const struct rpd_firmware *fw,
			    const char *recorded);

/* Value and size of a symbol from .symtab (or .dynsym), a global one
 * before locals of the same name; -ENOENT. The value is st_value: for an
 * ARM Thumb function bit 0 is set. */
int rpd_firmware_symbol(const struct rpd_firmware *fw, const char *name,
			uint64_t *addr, uint64_t *size);

/* A symbol of the firmware's table; strings belong to the firmware. */
struct rpd_symbol {
	const char *name;
	uint64_t value; /* st_value */
	uint64_t addr;	/* the address it names: value, Thumb bit cleared */
	uint64_t size;
	uint8_t type; /* STT_FUNC, STT_OBJECT or STT_NOTYPE */
	bool global;
	const char *file; /* source file (STT_FILE) of a local, or NULL */
};

/* The function or object holding addr, else the nearest label below it
 * (absolute symbols excluded); -ENOENT. */
int rpd_firmware_symbol_at(const struct rpd_firmware *fw, uint64_t addr,
			   const struct rpd_symbol **sym);
/* The local symbol name of a source file whose path ends with the
 * components file ("ram_console.c"); -ENOENT. */
int rpd_firmware_symbol_in_file(const struct rpd_firmware *fw, const char *name,
				const char *file,
				const struct rpd_symbol **sym);
/* RSC_TRACE entries of the .resource_table section, in table order. */
size_t rpd_firmware_ntraces(const struct rpd_firmware *fw);
const struct rpd_trace_desc *rpd_firmware_trace(const struct rpd_firmware *fw,
						size_t i);
/* Where the crash record lives: the RPROC_RSC_CRASH_RECORD resource entry,
 * else the symbol rproc_crash_record; -ENOENT if neither exists. */
int rpd_firmware_crash_record(const struct rpd_firmware *fw, uint64_t *da,
			      uint64_t *len);
/* Sections whose bytes must be in memory exactly as in the image: allocated,
 * not writable, with contents in a PT_LOAD (code, read-only data, vector
 * tables), except .resource_table, which the kernel rewrites when it loads
 * the firmware. In section header order. */
size_t rpd_firmware_nreadonly(const struct rpd_firmware *fw);
const struct rpd_section *rpd_firmware_readonly(const struct rpd_firmware *fw,
						size_t i);
/* Bytes of the image at a CPU address (p_vaddr), from the file contents of
 * PT_LOAD segments; -ENOENT where the file has no bytes. */
int rpd_firmware_read(const struct rpd_firmware *fw, uint64_t vaddr, void *buf,
		      size_t len);

/* ---- remoteproc devcoredump ------------------------------------------ */

enum rpd_devcd_layout {
	RPD_DEVCD_MAINLINE, /* bare PT_LOADs, as Linux 6.12 writes */
	RPD_DEVCD_PATCHED,  /* with the RPROC notes of rproc-core(5) */
};

struct rpd_devcd;

/* Parses the ELF and program headers of a dump read through fd with
 * pread(). The file may be shorter than its headers claim (a dump the
 * kernel deleted while it was read): segments are then clipped to what is
 * present and rpd_devcd_truncated() says so. The fd stays the caller's. */
int rpd_devcd_open(int fd, const char *name, struct rpd_devcd **out);
int rpd_devcd_open_mem(const void *buf, size_t len, const char *name,
		       struct rpd_devcd **out);
void rpd_devcd_free(struct rpd_devcd *dump);

enum rpd_devcd_layout rpd_devcd_layout(const struct rpd_devcd *dump);
const struct rpd_elf_ident *rpd_devcd_ident(const struct rpd_devcd *dump);
bool rpd_devcd_truncated(const struct rpd_devcd *dump);
/* PT_LOADs in file order; vaddr/paddr are device addresses, filesz is what
 * the file really holds (< memsz when truncated). */
size_t rpd_devcd_nsegments(const struct rpd_devcd *dump);
const struct rpd_segment *rpd_devcd_segment(const struct rpd_devcd *dump,
					    size_t i);
/* End of the headers and notes: segment data starts at or after this. */
uint64_t rpd_devcd_data_offset(const struct rpd_devcd *dump);
/* Memory at device address da; -ENOENT if not dumped, -ENODATA if cut. */
int rpd_devcd_read(const struct rpd_devcd *dump, uint64_t da, void *buf,
		   size_t len);
/* Random access to bytes that are not a plain file (a compressed spool). */
struct rpd_reader {
	/* Reads up to len bytes at off: the count (0 at the end) or -errno. */
	ssize_t (*pread)(void *ctx, void *buf, size_t len, uint64_t off);
	void *ctx;
	uint64_t size; /* bytes available */
};

/* As rpd_devcd_open, from a reader that must outlive the object. */
int rpd_devcd_open_reader(const struct rpd_reader *src, const char *name,
			  struct rpd_devcd **out);

/* Patched layout: a value of the RPROC info note ("name", "firmware",
 * "build_id", "crash_type", ...), or NULL. */
const char *rpd_devcd_info(const struct rpd_devcd *dump, const char *key);

/* The size a dump declares, from its first len bytes: where its last
 * segment or note ends by its ELF and program headers. -EINVAL unless
 * head starts with the headers of a little-endian ELF and holds all of
 * them. Checks nothing else: rpd_devcd_open() does. */
int rpd_devcd_declared_size(const void *head, size_t len, uint64_t *size);

/* ---- firmware crash record -------------------------------------------- */

/* Host-side decoded struct rproc_crash_record (see crash_record.h). */
struct rpd_crash {
	uint32_t version;
	uint32_t arch;
	uint32_t reason;
	uint32_t sequence;
	uint32_t flags;
	uint32_t exc_number;
	uint32_t r[13];
	uint32_t sp, lr, pc, xpsr;
	uint32_t msp, psp, exc_return, handler_pc;
	uint32_t cfsr, hfsr, mmfar, bfar;
	char message[65];
};

/* -EBADMSG: no or incomplete record (bad magic); -EMSGSIZE: cut short;
 * -EPROTONOSUPPORT: unknown version or arch. */
int rpd_crash_parse(const void *buf, size_t len, struct rpd_crash *out);
const char *rpd_crash_reason_name(uint32_t reason);

/* One register context, as in ARM's NT_PRSTATUS: r0-r12, sp, lr, pc, xpsr. */
struct rpd_arm_regs {
	uint32_t r[16];
	uint32_t xpsr;
};

/* The registers of the code that crashed, as the record holds them. */
void rpd_crash_interrupted_regs(const struct rpd_crash *crash,
				struct rpd_arm_regs *regs);

/* The contexts a debugger should show, current first: the handler frame
 * (pc = handler, lr = EXC_RETURN) from which GDB unwinds through the stacked
 * exception frame, and the interrupted context itself, for unwinders that
 * cannot step through an exception frame (first when GDB cannot either:
 * a frame on the PSP or an FPU frame). A record without a handler
 * (handler_pc 0: a crash raised by a call, RPROC_CRASH_F_RAISED, or taken
 * from another handler's frame) has the crashed context only. Returns how
 * many (1 or 2). */
size_t rpd_crash_contexts(const struct rpd_crash *crash,
			  struct rpd_arm_regs ctx[2]);

/* ---- stored core: notes ----------------------------------------------- */

#define RPD_NOTE_OWNER "RPROC"
/*
 * BFD (GDB, objdump) reads core notes by type whatever their owner, so the
 * types are chosen where no core note lives ("RP" in the high half). Cores
 * of format 1 used 1-4, which BFD took for NT_PRSTATUS, NT_FPREGSET and
 * NT_PRPSINFO; the reader maps those to these.
 */
enum rpd_note_type {
	RPD_NT_INFO = 0x52500001,	  /* NUL-separated key=value strings */
	RPD_NT_TRACE = 0x52500002,	  /* trace buffers (rproc-core(5)) */
	RPD_NT_CRASH_RECORD = 0x52500003, /* raw struct rproc_crash_record */
	RPD_NT_SEGMAP = 0x52500004,	  /* segment map (rproc-core(5)) */
	RPD_NT_THREADS = 0x52500005,	  /* tasks of the remote's RTOS */
};

/* Where the registers of the crashed context came from, in order of
 * trust; the core's info note names it (key "registers"). */
enum rpd_register_source {
	RPD_REGS_NONE,
	RPD_REGS_CRASH_RECORD,	  /* the firmware's rprocdump crash record */
	RPD_REGS_ZEPHYR_COREDUMP, /* Zephyr's coredump, found in RAM */
	RPD_REGS_EXCEPTION_FRAME, /* recovered from memory: see rproc-core(5) */
};
const char *rpd_register_source_name(enum rpd_register_source source);

enum rpd_thread_state {
	RPD_THREAD_UNKNOWN,
	RPD_THREAD_RUNNING,
	RPD_THREAD_READY,
	RPD_THREAD_BLOCKED,
	RPD_THREAD_SUSPENDED,
	RPD_THREAD_DELETED,
};
const char *rpd_thread_state_name(enum rpd_thread_state state);

#define RPD_THREAD_CRASHED (1u << 0)	    /* the context that crashed */
#define RPD_THREAD_STACK_OVERFLOW (1u << 1) /* went past its stack */
#define RPD_THREAD_HAVE_PRIORITY (1u << 2)
#define RPD_THREAD_HAVE_STACK_UNUSED (1u << 3)
#define RPD_THREAD_FP_CONTEXT (1u << 4) /* its saved context has s16-s31 */

#define RPD_THREAD_NAME_SIZE 32
#define RPD_THREAD_BLOCKED_ON_SIZE 64

/* A task (thread) of the remote, as the RPROC threads note records it. */
struct rpd_thread {
	int32_t tid; /* pr_pid of its NT_PRSTATUS; 0: no registers */
	enum rpd_thread_state state;
	uint32_t flags;	  /* RPD_THREAD_* */
	int32_t priority; /* with RPD_THREAD_HAVE_PRIORITY; RTOS's own scale */
	uint64_t tcb;	  /* address of its control block, 0 if none */
	uint64_t stack_low, stack_high; /* [low, high); 0 0: unknown */
	uint64_t stack_unused; /* with RPD_THREAD_HAVE_STACK_UNUSED: bytes of
				* the stack never written (fill intact) */
	uint32_t regs_known;   /* bit n: r[n] known; bit 16: xPSR */
	/* Printable ASCII, whatever the remote wrote. */
	char name[RPD_THREAD_NAME_SIZE + 1];
	char blocked_on[RPD_THREAD_BLOCKED_ON_SIZE + 1]; /* "" if not blocked */
};
/* The "format" the info note of cores written by this library carries. */
#define RPD_CORE_FORMAT_VERSION 2

/* How one of the core's segments relates to the firmware: an entry of the
 * RPROC segment map note. */
struct rpd_segmap_entry {
	uint32_t load_index;	/* among the core's PT_LOADs, or NO_LOAD */
	int32_t firmware_index; /* among the firmware's PT_LOADs, or -1 */
	uint64_t vaddr;
	uint64_t source_da; /* device address the bytes were read from */
	uint64_t size;	    /* bytes captured */
	uint32_t flags;	    /* RPD_SEGMAP_* */
};

/* A firmware segment that was not dumped has no PT_LOAD. */
#define RPD_SEGMAP_NO_LOAD UINT32_MAX
#define RPD_SEGMAP_FROM_FIRMWARE (1u << 0) /* mirrors a firmware PT_LOAD */
#define RPD_SEGMAP_PARTIAL (1u << 1)	   /* fewer bytes than p_memsz */
#define RPD_SEGMAP_NOT_DUMPED (1u << 2)	   /* no byte was dumped */
#define RPD_SEGMAP_UNDESCRIBED (1u << 3)   /* dumped, in no firmware PT_LOAD */

#define RPD_ARM_PRSTATUS_SIZE 148
#define RPD_ARM_PRPSINFO_SIZE 124

void rpd_note_arm_prstatus(uint8_t out[RPD_ARM_PRSTATUS_SIZE],
			   const struct rpd_arm_regs *regs, int32_t pid,
			   int16_t cursig);
void rpd_note_arm_prpsinfo(uint8_t out[RPD_ARM_PRPSINFO_SIZE],
			   const char *fname, const char *psargs, int32_t pid);
/* GDB target description (NT_GDB_TDESC) for an M-profile core. */
const char *rpd_note_tdesc_arm_m_profile(void);

/* ---- stored core: writer ------------------------------------------------ */

/*
 * Streaming writer. Declare notes and segments first; rpd_core_writer_start
 * emits the ELF header, the program headers (PT_NOTE first, then PT_LOADs in
 * the order they were added) and the notes; then the segments' file bytes
 * follow through rpd_core_writer_write, in the same order, in pieces of any
 * size. Memory use does not depend on the segments' sizes.
 */
struct rpd_core_writer;

int rpd_core_writer_new(const struct rpd_elf_ident *ident, struct rpd_sink *out,
			struct rpd_core_writer **w);
void rpd_core_writer_free(struct rpd_core_writer *w);
int rpd_core_writer_add_note(struct rpd_core_writer *w, const char *owner,
			     uint32_t type, const void *desc, size_t descsz);
/* seg->offset is ignored (the writer lays the file out); returns the
 * segment's index among PT_LOADs. */
int rpd_core_writer_add_segment(struct rpd_core_writer *w,
				const struct rpd_segment *seg);
int rpd_core_writer_start(struct rpd_core_writer *w);
int rpd_core_writer_write(struct rpd_core_writer *w, const void *buf,
			  size_t len);
/* Writes n zero bytes of segment data without a buffer. */
int rpd_core_writer_write_zeros(struct rpd_core_writer *w, uint64_t n);
/* Fails with -EIO unless every declared byte was written. */
int rpd_core_writer_finish(struct rpd_core_writer *w);

/* ---- stored core: reader ------------------------------------------------ */

struct rpd_note {
	const char *owner;
	uint32_t type;
	const void *desc;
	size_t descsz;
};

struct rpd_core;

/* Opens a plain core (mmap) or a .core.gz (reads members as needed), and
 * validates every header, offset, size and known note. */
int rpd_core_open(const char *path, struct rpd_core **out);
/* Validates a core held in memory; buf must outlive the object. */
int rpd_core_open_mem(const void *buf, size_t len, struct rpd_core **out);
void rpd_core_free(struct rpd_core *core);

const struct rpd_elf_ident *rpd_core_ident(const struct rpd_core *core);
size_t rpd_core_nsegments(const struct rpd_core *core);
const struct rpd_segment *rpd_core_segment(const struct rpd_core *core,
					   size_t i);
size_t rpd_core_nnotes(const struct rpd_core *core);
const struct rpd_note *rpd_core_note(const struct rpd_core *core, size_t i);
/* The nth note (from 0) with this owner and type, or NULL. */
const struct rpd_note *rpd_core_find_note(const struct rpd_core *core,
					  const char *owner, uint32_t type,
					  size_t nth);
/* A value of the RPROC info note, or NULL. */
const char *rpd_core_info(const struct rpd_core *core, const char *key);
/* The i-th key=value of the info note, in note order; -ENOENT past the
 * last. The key is the *keylen bytes at *key (no NUL after it). */
int rpd_core_info_at(const struct rpd_core *core, size_t i, const char **key,
		     size_t *keylen, const char **value);

/* A register context: one NT_PRSTATUS note, read back. */
struct rpd_context {
	int32_t tid;	/* pr_pid: the thread id GDB shows */
	int16_t signal; /* pr_cursig */
	struct rpd_arm_regs regs;
};

/* The core's NT_PRSTATUS notes, in note order: the context a debugger
 * starts from first (rproc-core(5)). */
size_t rpd_core_ncontexts(const struct rpd_core *core);
/* Context i; -ENOENT past the last, -EPROTONOSUPPORT for a machine whose
 * register layout this library does not know (only EM_ARM so far). */
int rpd_core_context(const struct rpd_core *core, size_t i,
		     struct rpd_context *ctx);

/* Entries of the RPROC segment map note (none without one). */
size_t rpd_core_nsegmap(const struct rpd_core *core);
int rpd_core_segmap(const struct rpd_core *core, size_t i,
		    struct rpd_segmap_entry *entry);

/* The crashed remote's threads with their registers, the crashed first. */
struct rpd_core_threads {
	enum rpd_register_source source; /* of the crashed thread's registers */
	char source_detail[192];
	bool derived; /* from the core's memory and fw, not from its notes */
	bool have_crash;
	struct rpd_crash crash; /* the crash record, with have_crash */
	char reason[48]; /* else the reason a Zephyr coredump gives, or "" */
	char rtos[16];	 /* "FreeRTOS", "Zephyr", or "" */
	char rtos_port[32];
	char problems[512]; /* what could not be read, "; "-separated */
	size_t n;
	struct rpd_thread *threads;
	struct rpd_arm_regs *regs; /* regs[i] of threads[i], if its tid != 0 */
};

/*
 * rpd_core_threads() - the threads of a core, with their registers
 * @core: the core
 * @fw: the firmware that ran, or NULL
 * @out: filled; release with rpd_core_threads_release()
 *
 * Read from the core's notes; but when the core has no threads note
 * (format 1) or no registers (the firmware was missing when it was
 * collected) and fw is given, derived anew from the core's memory and fw
 * as rpd_convert() would: the crash record, RTOS tasks, an exception frame.
 *
 * Return: 0 or a negative errno.
 */
int rpd_core_threads(const struct rpd_core *core, const struct rpd_firmware *fw,
		     struct rpd_core_threads *out);
void rpd_core_threads_release(struct rpd_core_threads *threads);

/* One copy of a read-only section of the firmware in the core's memory. */
struct rpd_readonly_check {
	const struct rpd_section *section;
	uint64_t base;	   /* address of the copy's first byte */
	const char *copy;  /* "load", "run", or "load+run" when they agree */
	uint64_t compared; /* bytes of it the core holds, all compared */
	uint64_t differing;
};

/* Called for every byte of check that differs from the image. */
typedef void rpd_difference_fn(void *ctx, size_t check, uint64_t addr,
			       uint8_t expected, uint8_t found);

/*
 * Compares every read-only section of fw (rpd_firmware_readonly()) with the
 * core: at its load address, where nothing writes it, and at its run
 * address too when the program runs a copy. Bytes the core does not hold
 * count as neither compared nor differing. Fills checks (at most max;
 * 2 * rpd_firmware_nreadonly() always suffice) and returns how many were
 * made, or a negative errno; on_difference may be NULL.
 */
int rpd_core_compare_firmware(const struct rpd_core *core,
			      const struct rpd_firmware *fw,
			      struct rpd_readonly_check *checks, size_t max,
			      rpd_difference_fn *on_difference, void *ctx);
/* Memory at a CPU address, possibly spanning adjacent segments; -ENOENT
 * where no segment has file bytes. */
int rpd_core_read(const struct rpd_core *core, uint64_t vaddr, void *buf,
		  size_t len);
/* Total size of the (inflated) core file. */
uint64_t rpd_core_size(const struct rpd_core *core);

/* ---- trace buffers ---------------------------------------------------- */

/* How a trace buffer's bytes are laid out; the numbers are those of the
 * RPROC trace note, rproc-core(5). */
enum rpd_trace_format {
	RPD_TRACE_FORMAT_AUTO = 0,	    /* unknown: detect from bytes */
	RPD_TRACE_FORMAT_RTRC = 1,	    /* rprocdump trace_buffer.h */
	RPD_TRACE_FORMAT_TEXT = 2,	    /* NUL-terminated text */
	RPD_TRACE_FORMAT_ST = 3,	    /* ST: NUL after newest char */
	RPD_TRACE_FORMAT_TI_SYSMIN = 4,	    /* index in the last 8 bytes */
	RPD_TRACE_FORMAT_ZEPHYR = 5,	    /* Zephyr ram_console */
	RPD_TRACE_FORMAT_ZEPHYR_HEADER = 6, /* ram_console with header */
};

/* "auto", "rtrc", "text", "st", "ti-sysmin", "zephyr", "zephyr-header";
 * NULL for a number this library does not know. */
const char *rpd_trace_format_name(uint32_t format);
/* The format of a name above; -EINVAL (with a message) for others. */
int rpd_trace_format_parse(const char *name, enum rpd_trace_format *format);

/* What a format keeps outside its buffer, read from the firmware's RAM. */
struct rpd_trace_state {
	bool have_zephyr_pos;
	uint32_t zephyr_pos; /* ram_console.c's static int pos */
};

/* The text of a trace buffer, oldest byte first. */
struct rpd_trace_text {
	enum rpd_trace_format format; /* as given, or as detected */
	bool detected;		      /* format was detected from the bytes */
	bool wrapped;		      /* older text was overwritten */
	bool lost_known;	      /* lost is exact (or a lower bound) */
	uint64_t lost;		      /* bytes overwritten, if lost_known */
	const char *caveat;	      /* NULL, or why order or extent is a
				       * best effort */
	size_t len;
	char text[]; /* len bytes (any byte value), then a NUL */
};

/*
 * Decodes a trace buffer's bytes as the firmware left them. format AUTO
 * detects it (see rproc-analyze(1) for the rules); state may be NULL.
 * Indices the buffer holds are checked against its size: -EBADMSG with a
 * message when they cannot be right. Free the result with
 * rpd_trace_text_free().
 */
int rpd_trace_decode(const void *buf, size_t len, enum rpd_trace_format format,
		     const struct rpd_trace_state *state,
		     struct rpd_trace_text **out);
void rpd_trace_text_free(struct rpd_trace_text *text);

/* Trace buffers listed by a stored core's RPROC trace note: where they are
 * and the format the collector found (AUTO if unknown). -ENOENT past the
 * last. */
size_t rpd_core_ntraces(const struct rpd_core *core);
int rpd_core_trace(const struct rpd_core *core, size_t i,
		   struct rpd_trace_desc *desc, uint32_t *format);

/* ---- .core.gz container --------------------------------------------------- */

/* Input bytes per gzip member, so that every member (with the BGZF header)
 * stays within 64 KiB even for data that does not compress. */
#define RPD_GZ_MEMBER_INPUT 0xff00

struct rpd_gz_writer;

/* Compresses to fd with zlib level 1-9 on nthreads threads (0: all CPUs).
 * Memory use is bounded by nthreads, not by the input size. */
int rpd_gz_writer_new(int fd, int level, unsigned nthreads,
		      struct rpd_gz_writer **out);
int rpd_gz_writer_write(struct rpd_gz_writer *w, const void *buf, size_t len);
/* Flushes, writes the end-of-file member; the fd stays open. */
int rpd_gz_writer_finish(struct rpd_gz_writer *w);
void rpd_gz_writer_free(struct rpd_gz_writer *w);
struct rpd_sink rpd_gz_writer_sink(struct rpd_gz_writer *w);
/* Bytes written to the fd so far. */
uint64_t rpd_gz_writer_compressed_size(const struct rpd_gz_writer *w);

struct rpd_gz_reader;

/* fd must be seekable; it stays the caller's and must outlive the reader. */
int rpd_gz_reader_open(int fd, const char *name, struct rpd_gz_reader **out);
void rpd_gz_reader_free(struct rpd_gz_reader *r);
/* Reads inflated bytes at off, inflating only the members needed. Returns
 * the number of bytes read (short only at the end of the data). */
ssize_t rpd_gz_reader_pread(struct rpd_gz_reader *r, void *buf, size_t len,
			    uint64_t off);
/* Total inflated size; walks every member header the first time. */
int rpd_gz_reader_size(struct rpd_gz_reader *r, uint64_t *size);
/* A struct rpd_reader over the inflated bytes (walks all member headers
 * once for the size). A container without its end-of-file member (cut
 * short) serves the bytes of its complete members. */
int rpd_gz_reader_as_reader(struct rpd_gz_reader *r, struct rpd_reader *out);
/* True if the fd starts with the gzip magic. */
bool rpd_gz_detect(int fd);

/* ---- conversion ------------------------------------------------------- */

/* What the collector knows about the crash beyond the dump itself. Any
 * field may be NULL/0; the patched layout's notes fill what is missing,
 * and a crash_time nobody gives is the time of the conversion. */
struct rpd_convert_info {
	const char *rproc_name;	   /* remoteproc "name", e.g. "m4" */
	const char *firmware_name; /* sysfs "firmware" */
	const char *crash_type;	   /* "watchdog", "fatal error", ... */
	int64_t crash_time;	   /* seconds since the epoch, UTC */
	const char *kernel_release;
	const char *collector; /* "rproc-collect 0.1" */
};

/* How the firmware relates to the dump, recorded in the info note. */
enum rpd_firmware_match {
	RPD_FW_MISSING,	  /* no firmware given */
	RPD_FW_UNCHECKED, /* no read-only segment was dumped */
	RPD_FW_MATCH,	  /* build-id or read-only contents equal */
	RPD_FW_CORRUPTED, /* same firmware, a few read-only bytes differ */
	RPD_FW_MISMATCH,  /* another build: its layout is not used */
};

struct rpd_convert_result {
	enum rpd_firmware_match firmware_match;
	bool have_registers; /* of the crashed context, from any source */
	enum rpd_register_source register_source;
	bool truncated;
	size_t nsegments;   /* PT_LOADs written */
	uint64_t core_size; /* bytes of the (uncompressed) core */
};

const char *rpd_firmware_match_name(enum rpd_firmware_match m);

/* Writes the stored core for dump (with fw, which may be NULL) to out.
 * Reads the dump once in file order, plus small preads for the crash
 * record and trace buffers; memory use does not depend on the dump size. */
int rpd_convert(const struct rpd_devcd *dump, const struct rpd_firmware *fw,
		const struct rpd_convert_info *info, struct rpd_sink *out,
		struct rpd_convert_result *result);

/* ---- cleanup ------------------------------------------------------------ */

/* rpd_core_freep(&core) and the like, for __attribute__((cleanup)). */
#define RPD_DEFINE_FREEP(type, fn)                \
	static inline void fn##p(struct type **p) \
	{                                         \
		fn(*p);                           \
	}
RPD_DEFINE_FREEP(rpd_firmware, rpd_firmware_free)
RPD_DEFINE_FREEP(rpd_devcd, rpd_devcd_free)
RPD_DEFINE_FREEP(rpd_core_writer, rpd_core_writer_free)
RPD_DEFINE_FREEP(rpd_core, rpd_core_free)
RPD_DEFINE_FREEP(rpd_trace_text, rpd_trace_text_free)
RPD_DEFINE_FREEP(rpd_gz_writer, rpd_gz_writer_free)
RPD_DEFINE_FREEP(rpd_gz_reader, rpd_gz_reader_free)
#undef RPD_DEFINE_FREEP

#ifdef __cplusplus
}
#endif

#endif /* RPROC_RPROCDUMP_H */
