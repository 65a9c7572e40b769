/*
 * cfg_int.h - internals of the configuration loader shared by its files:
 * the lexer interface, keyword tables, the parse context and the argument
 * parsers every keyword handler uses. Not for consumers of the model.
 */
#ifndef DD_CFG_INT_H
#define DD_CFG_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg.h"

#define CFG_ARGS_ANY 255

/* ---- lexer ------------------------------------------------------------ */

struct cfg_ctx;
struct cfg_lex;

/* One logical line after conditionals, definitions and includes. */
struct cfg_line {
	const char *file; /* interned in cfg->files */
	int line;
	int ntok;
	char **tok; /* valid until the next cfg_lex_next() */
	unsigned char *quoted; /* per token: 1 if it was quoted */
};

/**
 * cfg_lex_open - start reading @path (errors go to the context diag).
 * Returns the lexer, or NULL when the top file cannot be read.
 */
struct cfg_lex *cfg_lex_open(struct cfg_ctx *x, const char *path,
			     const char *config_id);

/**
 * cfg_lex_next - read the next non-empty logical line into @out.
 * Returns 1 with a line, 0 at the end of the last file.
 */
int cfg_lex_next(struct cfg_lex *lx, struct cfg_line *out);

/** cfg_lex_close - release the lexer (NULL is fine). */
void cfg_lex_close(struct cfg_lex *lx);

/* ---- keyword tables --------------------------------------------------- */

struct cfg_kw;

/*
 * A keyword handler. @k is its table entry, @obj the object of the
 * enclosing block, @argv the words after the keyword. A keyword that opens
 * a block returns the object of that block (NULL on error: the block is then
 * skipped); other handlers return NULL.
 */
typedef void *(*cfg_kw_fn)(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			   int argc, char **argv);
/* One line of a list block such as virtual_ipaddress { }. */
typedef void (*cfg_item_fn)(struct cfg_ctx *x, void *obj, int argc,
			    char **argv);
/* End of a block: checks that need the whole block. */
typedef void (*cfg_end_fn)(struct cfg_ctx *x, void *obj);

struct cfg_block;

struct cfg_kw {
	const char *name;
	cfg_kw_fn fn;
	unsigned char min, max; /* argument counts; max CFG_ARGS_ANY */
	const struct cfg_block *sub; /* non-NULL: opens a { } block */
	/* for the generic handlers below: field offset and range */
	size_t off;
	int64_t lo, hi;
};

struct cfg_block {
	const char *name; /* for messages, e.g. "vrrp_instance" */
	const struct cfg_kw *kw;
	size_t n_kw;
	cfg_item_fn item; /* list blocks: every line is an item */
	cfg_item_fn unknown; /* non-NULL: gets lines with an unknown keyword */
	cfg_end_fn end; /* NULL: no end-of-block checks */
	const struct cfg_block *also; /* more keywords (shared checker ones) */
};

#define CFG_NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define CFG_KW(name, fn, min, max)                \
	{                                         \
		name, fn, min, max, NULL, 0, 0, 0 \
	}
#define CFG_BLK(name, fn, min, max, sub)         \
	{                                        \
		name, fn, min, max, sub, 0, 0, 0 \
	}
/* a { } block without arguments that fills the member @m of struct @T */
#define CFG_SUB(name, T, m, sub)                                    \
	{                                                           \
		name, cfg_h_member, 0, 0, sub, offsetof(T, m), 0, 0 \
	}
/* generic handlers writing the field @m of struct @T */
#define CFG_TIME(name, T, m, max_s)                              \
	{                                                        \
		name, cfg_h_time, 1, 1, NULL, offsetof(T, m), 0, \
			(int64_t)(max_s)*1000000                 \
	}
#define CFG_UINT(name, T, m, lo, hi)                                 \
	{                                                            \
		name, cfg_h_uint, 1, 1, NULL, offsetof(T, m), lo, hi \
	}
#define CFG_FLAG(name, T, m)                                       \
	{                                                          \
		name, cfg_h_flag, 0, 1, NULL, offsetof(T, m), 0, 0 \
	}
#define CFG_STR(name, T, m)                                       \
	{                                                         \
		name, cfg_h_str, 1, 1, NULL, offsetof(T, m), 0, 0 \
	}
#define CFG_CMD(name, T, m)                                       \
	{                                                         \
		name, cfg_h_cmd, 1, 3, NULL, offsetof(T, m), 0, 0 \
	}
#define CFG_SCRIPT(name, T, m)                                                \
	{                                                                     \
		name, cfg_h_script, 1, CFG_ARGS_ANY, NULL, offsetof(T, m), 0, \
			0                                                     \
	}
#define CFG_USER(name, T, m)                                       \
	{                                                          \
		name, cfg_h_user, 1, 2, NULL, offsetof(T, m), 0, 0 \
	}
/* keepalived keywords directord ignores (warning) or refuses (error) */
#define CFG_IGNORED(name) CFG_KW(name, cfg_kw_ignored, 0, CFG_ARGS_ANY)
#define CFG_UNSUPPORTED(name) CFG_KW(name, cfg_kw_unsupported, 0, CFG_ARGS_ANY)

void *cfg_kw_ignored(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		     int argc, char **argv);
void *cfg_kw_unsupported(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			 int argc, char **argv);
/* a sub-block that fills the enclosing object itself */
void *cfg_h_self(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv);
/* a sub-block that fills the member at k->off of the enclosing object */
void *cfg_h_member(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv);
/* uint64_t microseconds, at most k->hi */
void *cfg_h_time(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv);
/* unsigned in [k->lo, k->hi] */
void *cfg_h_uint(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv);
/* bool, true without argument, else a BOOL word */
void *cfg_h_flag(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv);
/* char * (owned copy) */
void *cfg_h_str(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		char **argv);
/* struct cfg_cmd: "cmd" [user [group]] */
void *cfg_h_cmd(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		char **argv);
/* struct cfg_cmd: every word is part of the command, as keepalived's
 * "script" and "misc_path" (their user comes from a "user" keyword) */
void *cfg_h_script(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv);
/* user [group] of a struct cfg_cmd */
void *cfg_h_user(struct cfg_ctx *x, const struct cfg_kw *k, void *obj, int argc,
		 char **argv);

/* the tables, one per block, defined in cfg_kw_*.c */
extern const struct cfg_block cfg_blk_root, cfg_blk_global, cfg_blk_ssl;
extern const struct cfg_block cfg_blk_vrrp, cfg_blk_script, cfg_blk_sync,
	cfg_blk_track_file, cfg_blk_global_sched, cfg_blk_track_proc;
extern const struct cfg_block cfg_blk_vip, cfg_blk_evip, cfg_blk_peer;
/* track_interface/script/file/process { } of an instance or sync group;
 * their object is a struct cfg_trackers (CFG_SUB) */
extern const struct cfg_block cfg_blk_trk_if, cfg_blk_trk_script,
	cfg_blk_trk_file, cfg_blk_trk_proc;
extern const struct cfg_block cfg_blk_vsg, cfg_blk_vs, cfg_blk_rs;
/* options shared by the checkers, and SMTP_CHECK's host { } */
extern const struct cfg_block cfg_blk_chk_timing, cfg_blk_chk_conn,
	cfg_blk_smtp_host;
extern const struct cfg_block cfg_blk_tcp, cfg_blk_http, cfg_blk_ssl_get,
	cfg_blk_misc, cfg_blk_smtp, cfg_blk_dns, cfg_blk_udp, cfg_blk_ping;
/* handlers that open the main blocks */
void *cfg_kw_vrrp_instance(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			   int argc, char **argv);
void *cfg_kw_virtual_server(struct cfg_ctx *x, const struct cfg_kw *k,
			    void *obj, int argc, char **argv);
/* a checker block; k->lo holds its enum cfg_check_type */
void *cfg_kw_check(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
		   int argc, char **argv);
/* every block, for "belongs in" hints */
extern const struct cfg_block *const cfg_all_blocks[];
extern const size_t cfg_n_all_blocks;

/* ---- parse context ---------------------------------------------------- */

/* A name written in the file, resolved to an index after parsing. */
struct cfg_ref {
	struct cfg_loc loc;
	size_t owner; /* sync group index */
	bool bare; /* written without group { } (keepalived ignores it) */
	char name[CFG_NAME_MAX];
};

/* Per vrrp_instance values that fall back to global_defs when unset. */
struct cfg_vrrp_unset {
	signed char strict, accept, skip_check_adv_addr, check_unicast_src,
		lower_prio_no_advert, higher_prio_send_advert; /* -1 unset */
	struct cfg_loc advert_loc; /* where advert_int was given */
	bool version_set;
	bool no_vips; /* no_virtual_ipaddress */
};

#define CFG_KW_MEMO_BITS 7 /* struct cfg_ctx's keyword memo: 128 entries */

struct cfg_ctx {
	struct cfg *c;
	struct cfg_diag *diag;
	struct cfg_snap *record; /* from struct cfg_opts */
	struct cfg_snap *replay;
	struct cfg_loc loc; /* of the line being handled */
	struct cfg_vrrp_unset *vx; /* parallel to c->vrrps */
	size_t n_vx;
	struct cfg_ref *members; /* vrrp_sync_group members */
	size_t n_members;
	struct cfg_ref *vs_groups; /* "virtual_server group NAME", owner = VS */
	size_t n_vs_groups;
	struct cfg_loc sync_daemon_loc;
	struct cfg_loc ssl_ca_loc;
	struct cfg_loc ssl_cert_loc, ssl_key_loc; /* SSL { } keywords */
	/* SMTP_CHECK host { } blocks of the check being parsed */
	struct cfg_check *hosts;
	size_t n_hosts;
	struct cfg_rs *cur_rs; /* real server being parsed */
	struct cfg_vs *cur_vs; /* virtual server being parsed */
	struct cfg_vrrp *cur_vrrp;
	/* keywords found lately, by a hash of block and name: a big
	 * configuration repeats a few (real_server, weight) thousands of
	 * times, each a linear search of a long table */
	struct cfg_kw_memo {
		const struct cfg_block *b;
		const struct cfg_kw *k;
	} kw_memo[1u << CFG_KW_MEMO_BITS];
};

/* ---- diagnostics (cfg_diag.c) ----------------------------------------- */

/** cfg_err - report an error at the current line. */
void cfg_err(struct cfg_ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** cfg_warn - report a warning at the current line. */
void cfg_warn(struct cfg_ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** cfg_msg_at - report a message at @loc (NULL: no place). */
void cfg_msg_at(struct cfg_ctx *x, enum cfg_sev sev, const struct cfg_loc *loc,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- memory helpers (cfg_util.c) --------------------------------------- */

/**
 * cfg_push - append one zeroed element to a growable array.
 * @arr: address of the array pointer
 * @n: address of the element count (incremented)
 * @size: element size
 * Returns the new element; aborts on out-of-memory.
 */
void *cfg_push(void *arr, size_t *n, size_t size);
/** cfg_xstrdup - strdup that aborts on out-of-memory. */
char *cfg_xstrdup(const char *s);
/** cfg_xcalloc - calloc that aborts on out-of-memory. */
void *cfg_xcalloc(size_t n, size_t size);
/** cfg_set_str - replace *@dst by a copy of @s. */
void cfg_set_str(char **dst, const char *s);
/** cfg_strv_free - free the @n strings of @v and @v itself. */
void cfg_strv_free(char **v, size_t n);
/** cfg_edit_distance - Levenshtein distance, capped at 100. */
unsigned cfg_edit_distance(const char *a, const char *b);

/* ---- argument parsers (cfg_args.c) -------------------------------------
 * Each reports its own error naming @what and returns 0, or -1 on error.
 */
int cfg_arg_uint(struct cfg_ctx *x, const char *what, const char *s,
		 unsigned long lo, unsigned long hi, unsigned *out);
int cfg_arg_int(struct cfg_ctx *x, const char *what, const char *s, long lo,
		long hi, int *out);
/* decimal seconds with microsecond resolution, at most @max_us */
int cfg_arg_time(struct cfg_ctx *x, const char *what, const char *s,
		 uint64_t max_us, uint64_t *out);
int cfg_arg_bool(struct cfg_ctx *x, const char *what, const char *s, bool *out);
/* optional BOOL: no argument means true */
int cfg_arg_optbool(struct cfg_ctx *x, const char *what, int argc, char **argv,
		    bool *out);
int cfg_arg_addr(struct cfg_ctx *x, const char *what, const char *s,
		 struct addr *out);
int cfg_arg_port(struct cfg_ctx *x, const char *what, const char *s,
		 uint16_t *out);
int cfg_arg_name(struct cfg_ctx *x, const char *what, const char *s, char *out,
		 size_t size);
/* "cmd" [user [group]] */
int cfg_arg_cmd(struct cfg_ctx *x, int argc, char **argv, struct cfg_cmd *out);
/* NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum] */
int cfg_arg_fwd(struct cfg_ctx *x, int argc, char **argv,
		struct cfg_fwd_method *out);
/* "inet" / "inet6" */
int cfg_arg_family(struct cfg_ctx *x, const char *s, int *out);
const char *cfg_family_name(int family);

/* ---- shared parts of blocks ------------------------------------------- */

/**
 * cfg_def_weight - "weight N [reverse|noreverse]" of a vrrp_script or
 * track_file block.
 * @x: the parse context
 * @argc: 1 or 2
 * @argv: the arguments after "weight"
 * @max: the weight's bound, either way
 * @weight: set to N
 * @reverse: set to true by "reverse"
 * Returns 0, or -1 after reporting the error.
 */
int cfg_def_weight(struct cfg_ctx *x, int argc, char **argv, long max,
		   int *weight, bool *reverse);
/** cfg_kw_track_file - open a top-level track_file NAME { } block. */
void *cfg_kw_track_file(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv);
/** cfg_kw_track_proc - open a top-level vrrp_track_process NAME { } block. */
void *cfg_kw_track_proc(struct cfg_ctx *x, const struct cfg_kw *k, void *obj,
			int argc, char **argv);
/** cfg_check_init - a checker with unset inheritable values. */
void cfg_check_init(struct cfg_check *chk, enum cfg_check_type type);
/** cfg_check_free - release what a checker owns (not @chk itself). */
void cfg_check_free(struct cfg_check *chk);
/**
 * cfg_share_last_rs - at the end of a real_server block: when its checkers
 * and what they inherit from it are those of the real server before it in
 * @vs but for their file:line, free them and share the earlier array.
 * @vs: the virtual server whose last real server just ended
 */
void cfg_share_last_rs(struct cfg_vs *vs);
/** cfg_cmd_free - release a command. */
void cfg_cmd_free(struct cfg_cmd *cmd);

/* ---- validation (cfg_validate.c, cfg_inherit.c) ----------------------- */

/** cfg_validate - cross-object checks and name resolution. */
void cfg_validate(struct cfg_ctx *x);
/** cfg_inherit_vs - resolve VS -> RS -> checker values of one VS. */
void cfg_inherit_vs(const struct cfg_global *g, struct cfg_vs *vs);
/** cfg_vrrp_defaults - apply global_defs to instances left unset. */
void cfg_vrrp_defaults(struct cfg_ctx *x);

/** cfg_unknown_kw - report an unknown keyword of block @b, with a hint. */
void cfg_unknown_kw(struct cfg_ctx *x, const struct cfg_block *b,
		    const char *name);

/** cfg_parse - parse the whole token stream into x->c. */
void cfg_parse(struct cfg_ctx *x, struct cfg_lex *lx);

#endif
