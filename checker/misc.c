/*
 * misc.c - MISC_CHECK: misc_path runs through lib/script.c with the
 * checker's rules (checker/script.h): its own process group, its user, the
 * whole group killed on misc_timeout; the exit code is the verdict. The
 * loop never blocks: the exit arrives through the script's pidfd.
 */
#include <stdio.h>
#include <string.h>

#include "lib/script.h"
#include "checker/misc.h"
#include "checker/probe.h"
#include "checker/script.h"

static void misc_unlink(struct chk_probe *p)
{
	struct chk_probe **pp;

	for (pp = &p->eng->scripts; *pp; pp = &(*pp)->next_script) {
		if (*pp == p) {
			*pp = p->next_script;
			break;
		}
	}
	p->next_script = NULL;
}

static uint64_t misc_timeout_us(const struct chk_probe *p)
{
	return p->cc->misc_timeout_us ? p->cc->misc_timeout_us :
					p->cc->delay_loop_us;
}

static void misc_done(void *arg, int status)
{
	struct chk_probe *p = arg;
	int ws = script_wait_status(p->script);
	char why[CHK_REASON_MAX] = "";
	bool ok;

	p->script = NULL;
	misc_unlink(p);
	if (status < 0) {
		chk_probe_fail(p, "script timeout after %.1f s",
			       (double)misc_timeout_us(p) / 1e6);
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	ok = chk_misc_verdict(ws, p->cc->misc_dynamic, &p->weight, why,
			      sizeof(why));
	if (!ok)
		chk_probe_fail(p, "%s", why);
	chk_probe_finish(p, ok ? CHK_V_OK : CHK_V_FAIL);
}

void chk_misc_start(struct chk_probe *p)
{
	const char *cmd = p->cc->misc_path.cmd;
	const struct script_cred *cred;
	struct script_cred self;

	if (!cmd) {
		chk_probe_fail(p, "no misc_path");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	/* resolved when the configuration was applied (checker/apply.c) */
	cred = chk_script_cred_now(p->chk->misc_cred, &self);
	if (!cred) {
		chk_probe_fail(p, "script user or group unusable");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	p->script = script_start_flags(p->eng->loop, CHK_SCRIPT_SHELL, &cmd, 1,
				       cred, misc_timeout_us(p), misc_done, p,
				       SCRIPT_QUIET);
	if (!p->script) {
		chk_probe_fail(p, "cannot start script (logged)");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	p->next_script = p->eng->scripts;
	p->eng->scripts = p;
}

void chk_misc_cancel(struct chk_probe *p)
{
	script_cancel(p->script); /* its callback will not run */
	p->script = NULL;
	misc_unlink(p);
	chk_probe_finish(p, CHK_V_FAIL);
}

void chk_misc_kill_all(struct chk_engine *e)
{
	while (e->scripts)
		chk_misc_cancel(e->scripts);
}
