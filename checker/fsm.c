/* fsm.c - pure health logic: checker state machine, quorum, MISC verdicts. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "checker/fsm.h"

void chk_fsm_init(struct chk_fsm *f, bool alpha)
{
	memset(f, 0, sizeof(*f));
	f->up = !alpha;
}

void chk_fsm_resume(struct chk_fsm *f, bool up)
{
	f->up = up;
	f->has_run = true;
	f->retry_it = 0;
}

struct chk_fsm_out chk_fsm_step(struct chk_fsm *f, enum chk_result r,
				unsigned retry)
{
	struct chk_fsm_out o = { CHK_T_NONE, CHK_NEXT_LOOP };
	bool first = !f->has_run;

	f->has_run = true;
	if (r != CHK_FAIL) {
		f->fails = 0;
		f->retry_it = 0;
		if (r == CHK_OK && !f->up) {
			f->up = true;
			o.trans = CHK_T_UP;
		}
		return o;
	}
	/* saturates: fails != 0 also says the last run failed */
	if (f->fails < UINT16_MAX)
		f->fails++;
	if (!f->up)
		return o; /* already down: keep polling at delay_loop */
	if (!first && f->retry_it < retry) {
		f->retry_it++;
		o.next = CHK_NEXT_RETRY;
		return o;
	}
	f->retry_it = 0;
	f->up = false;
	o.trans = CHK_T_DOWN;
	return o;
}

bool chk_quorum_eval(bool was_up, unsigned long sum, unsigned quorum,
		     unsigned hysteresis)
{
	/* keepalived keeps hysteresis below quorum, so an empty pool always
	 * loses it; core decides the sorry server the same way */
	if (!sum)
		return false;
	if (was_up)
		return sum + hysteresis >= quorum;
	return sum >= (unsigned long)quorum + hysteresis;
}

unsigned chk_quorum_cap(unsigned quorum, unsigned long total)
{
	return total < quorum ? (unsigned)total : quorum;
}

bool chk_misc_verdict(int status, bool dynamic, int *weight, char *reason,
		      size_t len)
{
	int code;

	*weight = -1;
	if (WIFSIGNALED(status)) {
		snprintf(reason, len, "script killed by signal %d",
			 WTERMSIG(status));
		return false;
	}
	code = WEXITSTATUS(status);
	if (code == 0)
		return true;
	if (code >= 2 && dynamic) {
		*weight = code - 2;
		return true;
	}
	if (code == 126 || code == 127)
		snprintf(reason, len, "script could not run (exit %d)", code);
	else
		snprintf(reason, len, "script exit %d", code);
	return false;
}
