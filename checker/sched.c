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

static uint64_t sched_rand(uint64_t max)
{
	uint64_t r = ((uint64_t)random() << 31) ^ (uint64_t)random();

	return max ? r % (max + 1) : 0;
}

static void sched_fire(struct ev_loop *l, void *arg)
{
	struct chk *k = arg;

	(void)l;
	k->timer = NULL;
	chk_probe_run(k->eng, k);
}

static void sched_arm(struct chk_engine *e, struct chk *k, uint64_t delay_us)
{
	k->timer = ev_timer_add(e->loop, ev_now_us() + delay_us, sched_fire, k);
	if (!k->timer)
		log_err("checker: out of memory arming a timer; check stops");
}

void chk_sched_start(struct chk_engine *e, struct chk *k)
{
	sched_arm(e, k, sched_rand(k->cfg->warmup_us));
}

void chk_sched_stop(struct chk_engine *e, struct chk *k)
{
	ev_timer_cancel(e->loop, k->timer);
	k->timer = NULL;
	if (k->probe)
		chk_probe_cancel(k->probe);
}

static void sched_log_result(struct chk_engine *e, struct chk *k,
			     enum chk_result r, struct chk_fsm_out o)
{
	char rs[CHK_NAME_MAX];
	const char *type = chk_type_name(k->cfg->type);

	chk_fmt_rs(k->rs->vs->cfg, k->rs->cfg, rs);
	if (o.trans == CHK_T_UP)
		log_info("%s %s: check succeeded, checker up", rs, type);
	else if (o.trans == CHK_T_DOWN)
		log_info("%s %s: %s, checker down", rs, type, k->reason);
	else if (r == CHK_FAIL &&
		 (k->cfg->log_all_failures ||
		  e->gen->cfg->global.checker_log_all_failures))
		log_info("%s %s: %s%s", rs, type, k->reason,
			 o.next == CHK_NEXT_RETRY ? ", retrying" : "");
	else if (r == CHK_FAIL)
		log_debug("%s %s: %s%s", rs, type, k->reason,
			  o.next == CHK_NEXT_RETRY ? ", retrying" : "");
}

void chk_sched_result(struct chk_engine *e, struct chk *k, enum chk_result r,
		      const char *reason, int weight)
{
	const struct cfg_check *cc = k->cfg;
	struct chk_fsm_out o = chk_fsm_step(&k->fsm, r, cc->retry);
	bool wchange = false;

	k->runs++;
	k->last_wall_ms = chk_wall_ms();
	if (r == CHK_FAIL) {
		k->url_streak = 0;
		snprintf(k->reason, sizeof(k->reason), "%s",
			 reason ? reason : "failed");
		memcpy(k->last_failure, k->reason, sizeof(k->reason));
	} else {
		k->reason[0] = '\0';
		if (cc->type == CFG_CHK_MISC && cc->misc_dynamic &&
		    weight != k->weight) {
			k->weight = weight;
			wchange = true;
		}
	}
	sched_log_result(e, k, r, o);
	if (r == CHK_PROGRESS && cc->fast_recovery)
		sched_arm(e, k, 0); /* next URL now, not after delay_loop */
	else
		sched_arm(e, k,
			  o.next == CHK_NEXT_RETRY ? cc->delay_before_retry_us :
						     cc->delay_loop_us);
	if (o.trans != CHK_T_NONE || wchange)
		chk_rs_update(e, k->rs, k->reason);
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
	vs->quorum_up = sched_vs_weight(vs) >= vs->cfg->quorum;
}

void chk_quorum_update(struct chk_engine *e, struct chk_vs *vs)
{
	bool up = chk_quorum_eval(vs->quorum_up, sched_vs_weight(vs),
				  vs->cfg->quorum, vs->cfg->hysteresis);
	char name[CHK_NAME_MAX];

	if (up == vs->quorum_up)
		return;
	vs->quorum_up = up;
	log_info("VS %s: quorum %s", chk_fmt_vs(e->gen->cfg, vs->cfg, name),
		 up ? "gained" : "lost");
	chk_notify_vs(e, vs);
}

void chk_rs_update(struct chk_engine *e, struct chk_rs *rs, const char *reason)
{
	struct ipc_rs_health h;
	bool up = true;
	int w = -1;
	size_t i;
	char name[CHK_NAME_MAX];

	for (i = 0; i < rs->n_checks; i++) {
		if (!rs->checks[i]->fsm.up)
			up = false;
		if (rs->checks[i]->weight >= 0)
			w = rs->checks[i]->weight;
	}
	if (up == rs->up && w == rs->weight)
		return;
	bool flip = up != rs->up;

	rs->up = up;
	rs->weight = w;
	if (flip) {
		rs->since_wall_ms = chk_wall_ms();
		if (!up)
			snprintf(rs->reason, sizeof(rs->reason), "%s",
				 reason && *reason ? reason : "check failed");
	}
	memset(&h, 0, sizeof(h));
	h.generation = e->gen->generation;
	h.vs = (uint32_t)rs->vs->idx;
	h.rs = (uint32_t)rs->idx;
	h.up = up;
	h.weight = w;
	snprintf(h.reason, sizeof(h.reason), "%s", up ? "" : rs->reason);
	chk_proc_send(e, IPC_RS_HEALTH, &h, sizeof(h));
	rs->reported = true;
	if (flip) {
		char vname[CHK_NAME_MAX];

		chk_fmt_rs(rs->vs->cfg, rs->cfg, name);
		chk_fmt_vs(e->gen->cfg, rs->vs->cfg, vname);
		if (up)
			log_info("%s VS %s: real server up", name, vname);
		else
			log_info("%s VS %s: real server down (%s)", name, vname,
				 rs->reason);
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
		struct chk *k = r->checks[i];

		chk_fsm_resume(&k->fsm, up);
		if (k->cfg->type == CFG_CHK_MISC && k->cfg->misc_dynamic)
			k->weight = weight;
	}
	r->up = up;
	r->weight = weight;
	r->reported = true;
	snprintf(r->reason, sizeof(r->reason), "%s", up ? "" : reason);
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
			snprintf(rs->reason, sizeof(rs->reason), "shutdown");
			chk_notify_rs(e, rs);
		}
		if (vs->quorum_up) {
			vs->quorum_up = false;
			chk_notify_vs(e, vs);
		}
	}
}
