/*
 * sched.c - when each checker runs, what a result means for its real
 * server, and reporting changes to core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evloop.h"
#include "ipc.h"
#include "log.h"
#include "checker/notify.h"
#include "checker/probe.h"
#include "checker/proc.h"

const char *chk_type_name(enum cfg_check_type t)
{
	static const char *const names[] = {
		[CFG_CHK_TCP] = "TCP_CHECK",   [CFG_CHK_HTTP] = "HTTP_GET",
		[CFG_CHK_SSL] = "SSL_GET",     [CFG_CHK_MISC] = "MISC_CHECK",
		[CFG_CHK_SMTP] = "SMTP_CHECK", [CFG_CHK_DNS] = "DNS_CHECK",
		[CFG_CHK_UDP] = "UDP_CHECK",   [CFG_CHK_PING] = "PING_CHECK",
	};

	if ((unsigned)t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "CHECK";
}

uint64_t chk_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t chk_wall_ms_at(struct chk_engine *e, uint64_t mono_us)
{
	if (!e->wall_sync_us || mono_us < e->wall_sync_us ||
	    mono_us - e->wall_sync_us > 1000000) {
		struct timespec ts;
		uint64_t m = ev_now_us();

		clock_gettime(CLOCK_REALTIME, &ts);
		e->wall_off_us = (int64_t)((uint64_t)ts.tv_sec * 1000000 +
					   (uint64_t)ts.tv_nsec / 1000) -
				 (int64_t)m;
		e->wall_sync_us = m;
	}
	return (uint64_t)((int64_t)mono_us + e->wall_off_us) / 1000;
}

/* warmup: the first run at a random point of [0, warmup], one of this many
 * steps after the first, so that the checks of a step share one FIFO timer
 * queue: a loop timer each (allocated, freed once fired) left ten thousand
 * small holes in the heap for good */
#define SCHED_WARMUP_STEPS 32

static uint64_t sched_warmup(uint64_t warmup_us)
{
	uint64_t r = ((uint64_t)random() << 31) ^ (uint64_t)random();
	uint64_t d =
		warmup_us / SCHED_WARMUP_STEPS * (r % (SCHED_WARMUP_STEPS + 1));

	/* 0 would be a loop timer of its own: the loop's next turn */
	return d ? d : 1;
}

static void sched_fire(struct chk_tmr *t)
{
	struct chk *k = chk_tmr_owner(t, struct chk, timer);

	chk_probe_run(chk_eng(k), k);
}

/* @fifo: @delay_us is one of the checker's fixed delays */
static void sched_arm(struct chk_engine *e, struct chk *k, uint64_t from_us,
		      uint64_t delay_us, bool fifo)
{
	if (chk_tmr_arm(&e->tqs, &k->timer, from_us, delay_us, fifo,
			sched_fire) < 0) {
		char rs[CHK_NAME_MAX];

		log_err("%s %s: out of memory arming a timer; check stops",
			chk_fmt_rs(k->rs->vs->cfg, k->rs->cfg, rs),
			chk_type_name(k->cfg->type));
	}
}

void chk_sched_start(struct chk_engine *e, struct chk *k)
{
	sched_arm(e, k, ev_now_us(), sched_warmup(k->cfg->warmup_us), true);
}

void chk_sched_stop(struct chk_engine *e, struct chk *k)
{
	chk_tmr_cancel(&e->tqs, &k->timer);
	chk_slot_forget(e, k);
	if (k->probe)
		chk_probe_cancel(k->probe);
}

static void sched_log_result(struct chk_engine *e, struct chk *k,
			     enum chk_result r, struct chk_fsm_out o)
{
	char rs[CHK_NAME_MAX];
	const char *type = chk_type_name(k->cfg->type);

	/* most runs pass without news: no name formatting for them */
	if (o.trans == CHK_T_NONE && r != CHK_FAIL)
		return;
	chk_fmt_rs(k->rs->vs->cfg, k->rs->cfg, rs);
	if (o.trans == CHK_T_UP)
		log_info("%s %s: check succeeded, checker up", rs, type);
	else if (o.trans == CHK_T_DOWN)
		log_info("%s %s: %s, checker down", rs, type, chk_reason(k));
	else if (r == CHK_FAIL &&
		 (k->cfg->log_all_failures ||
		  e->gen->cfg->global.checker_log_all_failures))
		log_info("%s %s: %s%s", rs, type, chk_reason(k),
			 o.next == CHK_NEXT_RETRY ? ", retrying" : "");
	else if (r == CHK_FAIL)
		log_debug("%s %s: %s%s", rs, type, chk_reason(k),
			  o.next == CHK_NEXT_RETRY ? ", retrying" : "");
}

void chk_sched_result(struct chk_engine *e, struct chk *k, enum chk_result r,
		      const char *reason, int weight, uint64_t now_us)
{
	const struct cfg_check *cc = k->cfg;
	struct chk_fsm_out o = chk_fsm_step(&k->fsm, r, cc->retry);
	bool wchange = false;

	k->runs++;
	k->last_wall_ms = chk_wall_ms_at(e, now_us);
	if (r == CHK_FAIL) {
		k->url_streak = 0;
		/* fsm.fails, counted above, marks the run failed */
		chk_str_set(&k->last_failure,
			    reason && *reason ? reason : "failed");
	} else if (cc->type == CFG_CHK_MISC && cc->misc_dynamic &&
		   weight != k->weight) {
		k->weight = (int16_t)weight;
		wchange = true;
	}
	sched_log_result(e, k, r, o);
	/* fast_recovery: the next URL now, not after delay_loop */
	if (r == CHK_PROGRESS && cc->fast_recovery)
		sched_arm(e, k, now_us, 0, false);
	else
		sched_arm(e, k, now_us,
			  o.next == CHK_NEXT_RETRY ? cc->delay_before_retry_us :
						     cc->delay_loop_us,
			  true);
	/* a real server that stays down shows why it fails now: the failure
	 * that took it down may have been a probe cut short when the server
	 * stopped ("connection reset"), not what it says since ("refused") */
	if (o.trans != CHK_T_NONE || wchange || (r == CHK_FAIL && !k->rs->up))
		chk_rs_update(e, k->rs, chk_reason(k));
	chk_status_changed(e);
}

static unsigned long sched_vs_weight(const struct chk_vs *vs)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < vs->n_rss; i++) {
		const struct chk_rs *rs = vs->rss[i];

		if (rs->up)
			sum += (unsigned long)(rs->weight >= 0 ?
						       rs->weight :
						       rs->cfg->weight);
	}
	return sum;
}

void chk_quorum_init(struct chk_vs *vs)
{
	vs->quorum_up = chk_quorum_eval(false, sched_vs_weight(vs), vs->quorum,
					vs->cfg->hysteresis);
}

void chk_quorum_update(struct chk_engine *e, struct chk_vs *vs)
{
	bool up = chk_quorum_eval(vs->quorum_up, sched_vs_weight(vs),
				  vs->quorum, vs->cfg->hysteresis);
	char name[CHK_NAME_MAX];

	if (up == vs->quorum_up)
		return;
	vs->quorum_up = up;
	log_info("VS %s: quorum %s", chk_fmt_vs(e->gen->cfg, vs->cfg, name),
		 up ? "gained" : "lost");
	chk_notify_vs(e, vs);
}

/* keep @rs's down reason while a checker still fails with it, else take
 * the failure of the first checker still down; true when it changed */
static bool rs_reason_follow(struct chk_rs *rs)
{
	const char *first = NULL;
	size_t i;

	for (i = 0; i < rs->n_checks; i++) {
		const struct chk *k = chk_rs_check(rs, i);

		if (k->fsm.up || !k->last_failure)
			continue;
		if (rs->reason && !strcmp(k->last_failure, rs->reason))
			return false;
		if (!first)
			first = k->last_failure;
	}
	if (!first)
		return false;
	chk_str_set(&rs->reason, first);
	return true;
}

void chk_rs_update(struct chk_engine *e, struct chk_rs *rs, const char *reason)
{
	struct ipc_rs_health h;
	bool up = true;
	int w = -1;
	size_t i;
	char name[CHK_NAME_MAX];

	for (i = 0; i < rs->n_checks; i++) {
		const struct chk *k = chk_rs_check(rs, i);

		if (!k->fsm.up)
			up = false;
		if (k->weight >= 0)
			w = k->weight;
	}
	/* still down, but the checker that took it down may have recovered
	 * while another fails: the reason follows one that still fails */
	if (!up && !rs->up && rs_reason_follow(rs))
		chk_status_changed(e);
	if (up == rs->up && w == rs->weight)
		return;
	bool flip = up != rs->up;

	rs->up = up;
	rs->weight = w;
	if (flip) {
		rs->since_wall_ms = chk_wall_ms();
		if (!up)
			chk_str_set(&rs->reason, reason && *reason ?
							 reason :
							 "check failed");
	}
	memset(&h, 0, sizeof(h));
	h.generation = e->gen->generation;
	h.vs = (uint32_t)rs->vs->idx;
	h.rs = rs->idx;
	h.up = up;
	h.weight = w;
	snprintf(h.reason, sizeof(h.reason), "%s",
		 up ? "" : chk_str(rs->reason));
	chk_proc_send(e, IPC_RS_HEALTH, &h, ipc_rs_health_len(&h));
	rs->reported = true;
	if (flip) {
		char vname[CHK_NAME_MAX];

		chk_fmt_rs(rs->vs->cfg, rs->cfg, name);
		chk_fmt_vs(e->gen->cfg, rs->vs->cfg, vname);
		if (up)
			log_info("%s VS %s: real server up", name, vname);
		else
			log_info("%s VS %s: real server down (%s)", name, vname,
				 chk_str(rs->reason));
		chk_notify_rs(e, rs);
		chk_quorum_update(e, rs->vs);
	}
	chk_status_changed(e);
}

void chk_rs_resume(struct chk_engine *e, uint32_t generation, uint32_t vs,
		   uint32_t rs, bool up, int weight, const char *reason)
{
	struct chk_rs *r;
	size_t i;

	if (generation != e->gen->generation || vs >= e->n_vss ||
	    rs >= e->vss[vs]->n_rss) {
		log_warn("checker: health for unknown real server %u/%u "
			 "(generation %u) ignored",
			 vs, rs, generation);
		return;
	}
	r = e->vss[vs]->rss[rs];
	for (i = 0; i < r->n_checks; i++) {
		struct chk *k = chk_rs_check(r, i);

		chk_fsm_resume(&k->fsm, up);
		if (k->cfg->type == CFG_CHK_MISC && k->cfg->misc_dynamic)
			k->weight = (int16_t)weight;
	}
	r->up = up;
	r->weight = weight;
	r->reported = true;
	chk_str_set(&r->reason, up ? NULL : reason);
	chk_quorum_init(r->vs);
	chk_status_changed(e);
}

void chk_omega(struct chk_engine *e)
{
	size_t i, j;

	e->stopping = true;
	for (i = 0; i < e->n_vss; i++) {
		struct chk_vs *vs = e->vss[i];

		if (!vs->cfg->omega)
			continue;
		for (j = 0; j < vs->n_rss; j++) {
			struct chk_rs *rs = vs->rss[j];

			if (!rs->up)
				continue;
			rs->up = false;
			chk_str_set(&rs->reason, "shutdown");
			chk_notify_rs(e, rs);
		}
		if (vs->quorum_up) {
			vs->quorum_up = false;
			chk_notify_vs(e, vs);
		}
	}
}
