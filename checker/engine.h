/*
 * engine.h - the checker process's runtime objects: virtual servers, real
 * servers and checkers built from a configuration, their schedule, and the
 * probes (one run of one checker) in flight. Internal to checker/.
 */
#ifndef DD_CHK_ENGINE_H
#define DD_CHK_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "cfg.h"
#include "checker/fsm.h"
#include "checker/slots.h"
#include "checker/strpool.h"
#include "checker/timerq.h"

struct ev_loop;
struct ev_timer;
struct chk_probe;
struct script_cred;
typedef struct ssl_ctx_st SSL_CTX;

#define CHK_REASON_MAX 128

/* the busy event loop's gathering interval (ev_set_coalesce): a probe's
 * steps and timeouts may come up to this much later */
#define CHK_COALESCE_US 1000

/* a loaded configuration, shared by the engine and the probes still using it */
struct chk_gen {
	struct cfg *cfg;
	uint32_t generation;
	unsigned refs;
};

struct chk_rs;

/* one checker of one real server; thousands of them: kept to 104 bytes
 * (a 112-byte malloc chunk) */
struct chk {
	struct chk_rs *rs; /* its engine is rs->vs->eng */
	const struct cfg_check *cfg; /* in the engine's current generation */
	struct chk_tmr timer; /* next run; disarmed while a probe runs */
	struct chk_probe *probe; /* the run in flight, or NULL */
	/* MISC: who runs misc_path, resolved when the generation was applied
	 * (chk_script_cred); NULL when that failed (logged then) */
	struct script_cred *misc_cred;
	/* the last failure ever seen, NULL none: strings only where there
	 * are failures keep ten thousand healthy checkers small; the last
	 * run failed (for this reason) when fsm.fails is not 0 */
	const char *last_failure; /* interned (strpool.h) */
	uint64_t last_wall_ms; /* wall clock of the last completed run */
	uint32_t last_duration_us; /* bounded by the timeouts */
	uint32_t runs; /* wraps after 136 years of one run a second */
	struct chk_fsm fsm;
	uint16_t url_it; /* HTTP: next URL to check (CFG_URLS_MAX) */
	uint16_t url_streak; /* HTTP: URLs passed in a row while down */
	int16_t weight; /* MISC misc_dynamic weight (0-253), -1 none */
	bool waiting; /* in the engine's waitq for a probe slot */
	/* the pool of the source address its connections had (sockpool.c),
	 * 0 not known */
	uint8_t src;
};
_Static_assert(sizeof(struct chk) <= 104, "struct chk outgrew its chunk");

struct chk_vs;

struct chk_rs {
	struct chk_vs *vs;
	const struct cfg_rs *cfg;
	/* its checkers (chk_rs_check): the usual single one is kept inline,
	 * not in an array of its own */
	union {
		struct chk *one; /* n_checks <= 1 (NULL for none) */
		struct chk **many; /* n_checks > 1 */
	} checks;
	/* why it is down, or the last failure; NULL none; interned */
	const char *reason;
	uint64_t since_wall_ms; /* last transition */
	uint32_t idx; /* index in the vs's rss (the IPC identity) */
	uint32_t n_checks;
	int weight; /* dynamic weight, -1 none */
	bool up;
	bool reported; /* core has been told at least once */
};

struct chk_vs {
	struct chk_engine *eng; /* for its checkers' timer callbacks */
	const struct cfg_vs *cfg;
	size_t idx;
	struct chk_rs **rss;
	size_t n_rss;
	unsigned quorum; /* the configured one capped at the total weight */
	bool quorum_up;
};

/* idle TCP sockets kept for reuse (sockpool.c): pools 0 and 1 hold
 * sockets of AF_INET and AF_INET6 not bound to an address, the others
 * sockets bound to the source address of the pool */
#define CHK_POOL_SRC 2 /* the first pool of a source address */
#define CHK_POOLS 16
#define CHK_POOL_STALE 0xff /* chk_probe.pool_src: sources changed */

/* a stack, the least recently used at the bottom */
struct chk_sockpool {
	int *fd;
	size_t n, cap;
	size_t low; /* the fewest idle since the last trim */
	/* pools >= CHK_POOL_SRC: the source address (port 0); family 0
	 * while the pool is unused */
	union {
		struct sockaddr sa;
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} src;
};

struct chk_engine {
	struct ev_loop *loop;
	struct chk_sockpool pool[CHK_POOLS];
	size_t pool_idle; /* sockets idle in the pools */
	size_t pool_open; /* sockets of the pools, idle or lent to a probe */
	int srcwatch_fd; /* routing changes (srcwatch.c), -1 none */
	struct ev_timer *pool_trim; /* armed while a pool holds sockets */
	struct chk_tqs tqs; /* timers of checkers and probes */
	int ipc_fd; /* -1 when running without core (genhash, tests) */
	struct chk_gen *gen;
	struct chk_vs **vss;
	size_t n_vss;
	SSL_CTX *tls;
	/* notify FIFOs (-1 closed): notify_fifo, lvs_notify_fifo */
	int fifo_fd[2];
	char *fifo_path[2]; /* the path fifo_fd[i] was opened from */
	pid_t fifo_reader; /* lvs_notify_fifo_script, 0 none */
	/* status reporting */
	struct ev_timer *status_timer;
	bool status_dirty;
	uint64_t status_sent_us;
	/* scripts */
	uid_t script_uid;
	gid_t script_gid;
	bool script_user_ok; /* script_uid/gid resolved */
	uint64_t probes_started;
	/* probes in flight (slots.h): descriptors they hold, the most they
	 * and the idle pool may hold, checks waiting for room */
	unsigned long slots_used, slots_budget;
	struct chk_waitq waitq;
	struct ev_timer *slots_drain; /* starts waiting checks, or NULL */
	uint64_t slots_deferred; /* starts that had to wait */
	int64_t wall_off_us; /* wall clock - monotonic clock */
	uint64_t wall_sync_us; /* monotonic time of that reading, 0 none */
	struct chk_probe *scripts; /* MISC probes whose script runs */
	bool dropped; /* privileges given up */
	bool stopping; /* scripts started now outlive the process */
};

/**
 * chk_str - @s, or "" for NULL.
 */
static inline const char *chk_str(const char *s)
{
	return s ? s : "";
}

/**
 * chk_failed - whether the last run of @k failed.
 */
static inline bool chk_failed(const struct chk *k)
{
	return k->fsm.fails != 0; /* consecutive failures, saturating */
}

/**
 * chk_reason - why the last run of @k failed, "" when it passed.
 */
static inline const char *chk_reason(const struct chk *k)
{
	return chk_failed(k) ? chk_str(k->last_failure) : "";
}

/**
 * chk_rs_check - the checker @i of @rs.
 * @rs: the real server
 * @i: below rs->n_checks
 */
static inline struct chk *chk_rs_check(const struct chk_rs *rs, size_t i)
{
	return rs->n_checks > 1 ? rs->checks.many[i] : rs->checks.one;
}

/**
 * chk_eng - the engine of checker @k.
 */
static inline struct chk_engine *chk_eng(const struct chk *k)
{
	return k->rs->vs->eng;
}

/**
 * chk_gen_put - drop a reference to a generation; frees it at zero.
 */
void chk_gen_put(struct chk_gen *g);

/**
 * chk_engine_apply - build the runtime from @g, keeping what stays.
 * @e: the engine
 * @g: the new generation (the engine takes one reference)
 * @err: receives a reason on failure
 * @errlen: size of @err
 * Real servers present before and after keep their checkers' state and
 * schedule; new ones start as alpha says; removed ones stop being checked.
 * Returns 0, or -1 when @g cannot be applied (the old runtime stays).
 */
int chk_engine_apply(struct chk_engine *e, struct chk_gen *g, char *err,
		     size_t errlen);

/**
 * chk_engine_clear - stop every checker and free the runtime.
 */
void chk_engine_clear(struct chk_engine *e);

/**
 * chk_sched_start - arm a new checker's first run (random in [0, warmup]).
 */
void chk_sched_start(struct chk_engine *e, struct chk *k);

/**
 * chk_sched_stop - cancel a checker's timer and its probe in flight.
 */
void chk_sched_stop(struct chk_engine *e, struct chk *k);

/**
 * chk_sched_result - account for the end of a run of @k and schedule the next.
 * @e: the engine
 * @k: the checker
 * @r: the outcome
 * @reason: why it failed (NULL or "" on success)
 * @weight: MISC misc_dynamic weight, -1 none
 * @now_us: ev_now_us() at the end of the run
 */
void chk_sched_result(struct chk_engine *e, struct chk *k, enum chk_result r,
		      const char *reason, int weight, uint64_t now_us);

/**
 * chk_rs_update - recompute a real server's health from its checkers and
 * report a change (IPC, notify scripts, FIFOs, quorum).
 * @e: the engine
 * @rs: the real server
 * @reason: the reason to report with the change
 */
void chk_rs_update(struct chk_engine *e, struct chk_rs *rs, const char *reason);

/**
 * chk_rs_resume - adopt the health core remembers for a real server.
 * @e: the engine
 * @generation: the generation the indices refer to
 * @vs: index of the virtual server
 * @rs: index of the real server
 * @up: its health
 * @weight: its dynamic weight, -1 none
 * @reason: why it is down, as core reports it
 */
void chk_rs_resume(struct chk_engine *e, uint32_t generation, uint32_t vs,
		   uint32_t rs, bool up, int weight, const char *reason);

/**
 * chk_omega - on shutdown, for virtual servers with "omega": run the
 * notify_down of every live real server and quorum_down, and write their
 * FIFO lines, as keepalived does.
 */
void chk_omega(struct chk_engine *e);

/**
 * chk_quorum_init - set a virtual server's quorum state without notifying.
 */
void chk_quorum_init(struct chk_vs *vs);

/**
 * chk_quorum_update - re-evaluate a virtual server's quorum; on a change
 * run quorum_up/quorum_down and write the VS line.
 */
void chk_quorum_update(struct chk_engine *e, struct chk_vs *vs);

/**
 * chk_status_changed - note that status output is stale (sent within 1 s).
 */
void chk_status_changed(struct chk_engine *e);

/**
 * chk_wall_ms - the wall clock in milliseconds since the epoch (for status).
 */
uint64_t chk_wall_ms(void);

/**
 * chk_wall_ms_at - the wall clock at monotonic time @mono_us, in ms.
 * @e: the engine (keeps the offset between the clocks, re-read once a
 *     second: one clock read less per check)
 * @mono_us: an ev_now_us() reading
 */
uint64_t chk_wall_ms_at(struct chk_engine *e, uint64_t mono_us);

/**
 * chk_type_name - keepalived's keyword for a checker type ("HTTP_GET").
 */
const char *chk_type_name(enum cfg_check_type t);

#endif
