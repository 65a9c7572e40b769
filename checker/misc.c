/*
 * misc.c - MISC_CHECK: run misc_path through the shell in its own process
 * group; the exit code is the verdict; the group is killed on misc_timeout.
 * The loop never blocks: the exit arrives through SIGCHLD.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "evloop.h"
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

static void misc_kill(struct chk_probe *p)
{
	if (p->pid > 0)
		kill(-p->pid, SIGKILL);
	misc_unlink(p);
	p->pid = 0;
}

static void misc_timeout(void *arg)
{
	struct chk_probe *p = arg;
	uint64_t t = p->cc->misc_timeout_us ? p->cc->misc_timeout_us :
					      p->cc->delay_loop_us;

	misc_kill(p);
	chk_probe_fail(p, "script timeout after %.1f s", (double)t / 1e6);
	chk_probe_finish(p, CHK_V_FAIL);
}

void chk_misc_start(struct chk_probe *p)
{
	uint64_t t = p->cc->misc_timeout_us ? p->cc->misc_timeout_us :
					      p->cc->delay_loop_us;

	if (!p->cc->misc_path.cmd) {
		chk_probe_fail(p, "no misc_path");
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	p->pid = chk_script_spawn(p->eng, &p->cc->misc_path);
	if (p->pid < 0) {
		p->pid = 0;
		chk_probe_fail(p, "cannot start script: %s", strerror(errno));
		chk_probe_finish(p, CHK_V_FAIL);
		return;
	}
	p->next_script = p->eng->scripts;
	p->eng->scripts = p;
	if (chk_tmr_arm(&p->eng->tqs, &p->deadline, p->start_us, t, true,
			misc_timeout, p) < 0) {
		misc_kill(p);
		chk_probe_fail(p, "out of memory");
		chk_probe_finish(p, CHK_V_FAIL);
	}
}

void chk_misc_cancel(struct chk_probe *p)
{
	misc_kill(p);
	chk_probe_finish(p, CHK_V_FAIL);
}

void chk_misc_reaped(struct chk_engine *e, pid_t pid, int status)
{
	struct chk_probe *p;
	bool ok;

	for (p = e->scripts; p && p->pid != pid; p = p->next_script)
		;
	if (!p)
		return; /* a notify script, or one killed on timeout */
	misc_unlink(p);
	p->pid = 0;
	ok = chk_misc_verdict(status, p->cc->misc_dynamic, &p->weight,
			      p->reason, sizeof(p->reason));
	chk_probe_finish(p, ok ? CHK_V_OK : CHK_V_FAIL);
}

void chk_misc_kill_all(struct chk_engine *e)
{
	while (e->scripts)
		chk_misc_cancel(e->scripts);
}
