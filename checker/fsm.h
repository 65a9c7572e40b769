/*
 * fsm.h - pure health logic: the per-checker state machine (keepalived's
 * retry accounting turned into up/down transitions and the delay to the
 * next run), quorum with hysteresis, and what a MISC_CHECK exit code means.
 */
#ifndef DD_CHK_FSM_H
#define DD_CHK_FSM_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* outcome of one run of a check */
enum chk_result {
	CHK_OK, /* the check passed */
	CHK_FAIL, /* the check failed */
	CHK_PROGRESS, /* passed, but more runs are needed before "up" */
};

enum chk_trans { CHK_T_NONE, CHK_T_UP, CHK_T_DOWN };

/* when the next run starts */
enum chk_next { CHK_NEXT_LOOP, CHK_NEXT_RETRY };

struct chk_fsm {
	bool up; /* the checker's current verdict */
	bool has_run; /* a run has completed since start */
	/* consecutive failed runs (for status; saturates at 65535) */
	uint16_t fails;
	unsigned retry_it; /* retries spent in the current failure streak */
};

struct chk_fsm_out {
	enum chk_trans trans;
	enum chk_next next;
};

/**
 * chk_fsm_init - state of a new checker.
 * @f: the state
 * @alpha: true to start down (keepalived "alpha"), false to start up
 */
void chk_fsm_init(struct chk_fsm *f, bool alpha);

/**
 * chk_fsm_step - feed the result of one run.
 * @f: the state, updated
 * @r: the result
 * @retry: the checker's effective "retry" count
 * Returns the transition (if any) and whether the next run is a retry
 * (after delay_before_retry) or a normal one (after delay_loop).
 *
 * Rules (keepalived): a pass while down brings the checker up; while up,
 * a failure is retried @retry times before the checker goes down, so an up
 * checker goes down on the (@retry + 1)th consecutive failure; the first
 * failure after start marks it down at once.
 */
struct chk_fsm_out chk_fsm_step(struct chk_fsm *f, enum chk_result r,
				unsigned retry);

/**
 * chk_fsm_resume - adopt a verdict known from before a restart.
 * @f: the state
 * @up: the verdict core remembered
 */
void chk_fsm_resume(struct chk_fsm *f, bool up);

/**
 * chk_quorum_eval - quorum with hysteresis (pure).
 * @was_up: the current quorum state
 * @sum: the sum of the weights of the live real servers
 * @quorum: the quorum, capped (chk_quorum_cap)
 * @hysteresis: the configured hysteresis
 * Returns the new quorum state: it is lost below quorum - hysteresis and
 * regained at quorum + hysteresis; never up with no live weight at all.
 */
bool chk_quorum_eval(bool was_up, unsigned long sum, unsigned quorum,
		     unsigned hysteresis);

/**
 * chk_quorum_cap - the quorum a virtual server can actually reach (pure).
 * @quorum: the configured quorum
 * @total: the sum of the configured weights of its real servers
 * Returns @quorum, or @total when @quorum exceeds it: keepalived lowers it
 * (with a warning) so that the quorum is not lost forever.
 */
unsigned chk_quorum_cap(unsigned quorum, unsigned long total);

/**
 * chk_misc_verdict - what a script's wait status means (pure).
 * @status: from waitpid
 * @dynamic: misc_dynamic is set
 * @weight: set to the new weight (exit code - 2) for 2..255 with @dynamic,
 *          else -1
 * @reason: receives the failure reason
 * @len: size of @reason
 * Returns true when the check passed: exit 0, or 2..255 with @dynamic.
 */
bool chk_misc_verdict(int status, bool dynamic, int *weight, char *reason,
		      size_t len);

#endif
