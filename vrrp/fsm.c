/*
 * fsm.c - VRRP state machine (pure, table-driven).
 *
 * One handler per (state, event) in fsm_table; an empty cell means the
 * event is ignored in that state (a stale timer, an advert while in Fault).
 * Section numbers are RFC 5798's (same in RFC 9568, "Active" for
 * "Master").
 */
#include <string.h>

#include "fsm.h"
#include "timer.h"

/* SET_MASTER value when the master is unknown. */
static const struct addr no_master;

typedef void (*fsm_handler)(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out);

/* ---- actions --------------------------------------------------------- */

static struct vrrp_fsm_action *emit(struct vrrp_fsm_out *out,
				    enum vrrp_fsm_act_type type)
{
	struct vrrp_fsm_action *a;

	/* VRRP_FSM_MAX_ACTS bounds the longest sequence below (become
	 * master: 10); the check only guards against a future mistake */
	if (out->n >= VRRP_FSM_MAX_ACTS)
		return NULL;
	a = &out->act[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void emit_simple(struct vrrp_fsm_out *out, enum vrrp_fsm_act_type t)
{
	emit(out, t);
}

static void emit_us(struct vrrp_fsm_out *out, enum vrrp_fsm_act_type t,
		    uint64_t us)
{
	struct vrrp_fsm_action *a = emit(out, t);

	if (a)
		a->us = us;
}

static void emit_advert(struct vrrp_fsm_out *out, unsigned priority)
{
	struct vrrp_fsm_action *a = emit(out, VRRP_ACT_SEND_ADVERT);

	if (a)
		a->priority = priority;
}

static void emit_garp(struct vrrp_fsm_out *out, uint64_t delay_us,
		      unsigned count)
{
	struct vrrp_fsm_action *a;

	if (!count)
		return;
	a = emit(out, VRRP_ACT_GARP);
	if (a) {
		a->us = delay_us;
		a->count = count;
	}
}

static void set_master(struct vrrp_fsm *f, struct vrrp_fsm_out *out,
		       const struct addr *m)
{
	struct vrrp_fsm_action *a;

	if (addr_eq(&f->master, m))
		return;
	f->master = *m;
	a = emit(out, VRRP_ACT_SET_MASTER);
	if (a)
		a->addr = *m;
}

static void set_state(struct vrrp_fsm *f, struct vrrp_fsm_out *out,
		      enum vrrp_state to)
{
	struct vrrp_fsm_action *a;

	if (f->state == to)
		return;
	a = emit(out, VRRP_ACT_STATE);
	if (a) {
		a->from = f->state;
		a->to = to;
	}
	f->state = to;
}

/* ---- helpers --------------------------------------------------------- */

/* keepalived: nopreempt and preempt_delay are ignored with state MASTER;
 * RFC 5798 §6.1: the owner preempts whatever Preempt_Mode says */
static bool nopreempt(const struct vrrp_fsm *f)
{
	return f->cfg.nopreempt && !f->cfg.state_master &&
	       f->cfg.priority != 255;
}

static uint64_t preempt_delay(const struct vrrp_fsm *f)
{
	return f->cfg.state_master ? 0 : f->cfg.preempt_delay_us;
}

uint64_t vrrp_fsm_master_down_us(const struct vrrp_fsm *f)
{
	return vrrp_timer_master_down_us(f->cfg.version, f->priority,
					 f->master_adver_int_us,
					 f->cfg.down_timer_adverts);
}

static uint64_t skew_us(const struct vrrp_fsm *f)
{
	return vrrp_timer_skew_us(f->cfg.version, f->priority,
				  f->master_adver_int_us);
}

static void preempt_reset(struct vrrp_fsm *f, struct vrrp_fsm_out *out)
{
	if (f->preempt == VRRP_PREEMPT_RUNNING)
		emit_simple(out, VRRP_ACT_PREEMPT_CANCEL);
	f->preempt = VRRP_PREEMPT_IDLE;
}

/* Master_Adver_Interval changes are reported, so status shows it. */
static void set_mai(struct vrrp_fsm *f, struct vrrp_fsm_out *out, uint64_t us)
{
	if (us == f->master_adver_int_us)
		return;
	f->master_adver_int_us = us;
	emit_us(out, VRRP_ACT_LEARN_INTERVAL, us);
}

/* v3 Backup: Master_Adver_Interval := the advert's (RFC 5798 §6.4.2). */
static void learn_interval(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			   struct vrrp_fsm_out *out)
{
	if (f->cfg.version == 3 && ev->adver_int_us)
		set_mai(f, out, ev->adver_int_us);
}

/* RFC 5798 §6.4.1 / §6.4.2 "transition to Master". */
static void become_master(struct vrrp_fsm *f, struct vrrp_fsm_out *out)
{
	if (f->state == VRRP_STATE_BACKUP)
		emit_simple(out, VRRP_ACT_MASTER_DOWN_CANCEL);
	preempt_reset(f, out);
	f->held = false;
	set_mai(f, out, f->cfg.adver_int_us);
	/* advert first, so the old master drops the VIPs before our GARPs */
	emit_advert(out, f->priority);
	emit_simple(out, VRRP_ACT_ADD_VIPS);
	emit_garp(out, 0, f->cfg.garp_master_repeat);
	if (f->cfg.garp_master_delay_us)
		emit_garp(out, f->cfg.garp_master_delay_us,
			  f->cfg.garp_master_repeat);
	emit_us(out, VRRP_ACT_ADVER_ARM, f->cfg.adver_int_us);
	set_master(f, out, &f->cfg.primary);
	set_state(f, out, VRRP_STATE_MASTER);
}

/* Undo Master: stop advertising, optionally say priority 0, drop VIPs. */
static void leave_master(struct vrrp_fsm_out *out, bool send_prio0)
{
	emit_simple(out, VRRP_ACT_ADVER_CANCEL);
	if (send_prio0)
		emit_advert(out, 0);
	emit_simple(out, VRRP_ACT_GARP_CANCEL);
	emit_simple(out, VRRP_ACT_DEL_VIPS);
}

/* Enter Backup with Master_Down_Timer = @down_us. */
static void enter_backup(struct vrrp_fsm *f, struct vrrp_fsm_out *out,
			 uint64_t down_us)
{
	preempt_reset(f, out);
	emit_us(out, VRRP_ACT_MASTER_DOWN_ARM, down_us);
	set_state(f, out, VRRP_STATE_BACKUP);
}

/* Startup, or recovery from Fault: owner -> Master, others -> Backup. */
static void start(struct vrrp_fsm *f, struct vrrp_fsm_out *out)
{
	if (f->fault) {
		set_state(f, out, VRRP_STATE_FAULT);
		return;
	}
	/* RFC 5798 §6.4.1: the owner goes Master at once; keepalived's
	 * "state MASTER" does too, but only at priority 255 */
	if (f->cfg.priority == 255) {
		become_master(f, out);
		return;
	}
	set_mai(f, out, f->cfg.adver_int_us);
	set_master(f, out, &no_master);
	enter_backup(f, out, vrrp_fsm_master_down_us(f));
}

/* ---- handlers -------------------------------------------------------- */

static void on_startup(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
		       struct vrrp_fsm_out *out)
{
	start(f, out);
}

static void backup_shutdown(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	emit_simple(out, VRRP_ACT_MASTER_DOWN_CANCEL);
	preempt_reset(f, out);
	f->held = false;
	set_state(f, out, VRRP_STATE_INIT);
}

/* RFC 5798 §6.4.3: cancel Adver_Timer, send priority 0, Initialize. */
static void master_shutdown(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	leave_master(out, true);
	f->held = false;
	set_master(f, out, &no_master);
	set_state(f, out, VRRP_STATE_INIT);
}

static void fault_shutdown(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			   struct vrrp_fsm_out *out)
{
	f->held = false;
	set_state(f, out, VRRP_STATE_INIT);
}

/* RFC 5798 §6.4.2: Backup receives an ADVERTISEMENT. */
static void backup_advert(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			  struct vrrp_fsm_out *out)
{
	bool delay_running;

	if (ev->priority == 0) {
		/* the master is leaving: take over after Skew_Time */
		emit_us(out, VRRP_ACT_MASTER_DOWN_ARM, skew_us(f));
		return;
	}
	/* keepalived: preempt_delay counts from the first lower-priority
	 * advert; until it expires such adverts are accepted */
	delay_running = preempt_delay(f) && f->preempt != VRRP_PREEMPT_EXPIRED;
	set_master(f, out, &ev->src);
	f->master_priority = ev->priority;
	if (!nopreempt(f) && !f->held && !delay_running &&
	    ev->priority < f->priority)
		return; /* discard: our Master_Down_Timer runs out, we preempt */

	learn_interval(f, ev, out);
	emit_us(out, VRRP_ACT_MASTER_DOWN_ARM, vrrp_fsm_master_down_us(f));
	if (!preempt_delay(f))
		return;
	if (ev->priority >= f->priority) {
		preempt_reset(f, out);
	} else if (f->preempt == VRRP_PREEMPT_IDLE) {
		f->preempt = VRRP_PREEMPT_RUNNING;
		emit_us(out, VRRP_ACT_PREEMPT_ARM, preempt_delay(f));
	}
}

/* RFC 5798 §6.4.3: Master receives an ADVERTISEMENT. */
static void master_advert(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			  struct vrrp_fsm_out *out)
{
	int cmp = addr_cmp(&ev->src, &f->cfg.primary);

	if (ev->priority == 0) {
		/* a leaving router: re-assert at once */
		emit_advert(out, f->priority);
		emit_us(out, VRRP_ACT_ADVER_ARM, f->cfg.adver_int_us);
		return;
	}
	if (ev->priority > f->priority ||
	    (ev->priority == f->priority && cmp > 0)) {
		/* higher priority, or equal and a higher primary address
		 * (§6.4.3): yield */
		if (f->cfg.higher_prio_send_advert)
			emit_advert(out, f->priority);
		leave_master(out, false);
		learn_interval(f, ev, out);
		set_master(f, out, &ev->src);
		f->master_priority = ev->priority;
		enter_backup(f, out, vrrp_fsm_master_down_us(f));
		return;
	}
	if (ev->priority == f->priority && cmp == 0)
		return; /* our own advert looped back */
	/* another master with lower priority: a healed split brain.
	 * Re-announce so it yields and the neighbours' caches follow us. */
	if (!f->cfg.lower_prio_no_advert)
		emit_advert(out, f->priority);
	emit_garp(out, 0, f->cfg.garp_lower_prio_repeat);
	if (f->cfg.garp_lower_prio_delay_us)
		emit_garp(out, f->cfg.garp_lower_prio_delay_us,
			  f->cfg.garp_lower_prio_repeat);
}

/* Backup: Master_Down_Timer fired (§6.4.2). */
static void backup_master_down(struct vrrp_fsm *f,
			       const struct vrrp_fsm_event *ev,
			       struct vrrp_fsm_out *out)
{
	become_master(f, out);
}

/* Master: Adver_Timer fired (§6.4.3). */
static void master_adver_timer(struct vrrp_fsm *f,
			       const struct vrrp_fsm_event *ev,
			       struct vrrp_fsm_out *out)
{
	emit_advert(out, f->priority);
	emit_us(out, VRRP_ACT_ADVER_ARM, f->cfg.adver_int_us);
}

static void set_fault(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
		      struct vrrp_fsm_out *out)
{
	f->fault = true;
}

static void backup_fault_on(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	f->fault = true;
	emit_simple(out, VRRP_ACT_MASTER_DOWN_CANCEL);
	preempt_reset(f, out);
	set_state(f, out, VRRP_STATE_FAULT);
}

/* keepalived: a Master going to Fault sends priority 0 first. */
static void master_fault_on(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	f->fault = true;
	leave_master(out, true);
	set_master(f, out, &no_master);
	set_state(f, out, VRRP_STATE_FAULT);
}

static void clear_fault(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			struct vrrp_fsm_out *out)
{
	f->fault = false;
}

static void fault_fault_off(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	f->fault = false;
	start(f, out);
}

/* The owner's priority is immune to trackers (keepalived). */
static bool update_priority(struct vrrp_fsm *f, unsigned prio)
{
	unsigned old = f->priority;

	if (f->cfg.priority == 255)
		return false;
	if (prio < 1)
		prio = 1;
	if (prio > 254)
		prio = 254;
	f->priority = prio;
	return prio != old;
}

static void on_priority(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			struct vrrp_fsm_out *out)
{
	update_priority(f, ev->priority);
}

/* Tell the backups at once, so a higher one preempts without waiting for
 * the next Adver_Timer. */
static void master_priority(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	if (!update_priority(f, ev->priority))
		return;
	emit_advert(out, f->priority);
	emit_us(out, VRRP_ACT_ADVER_ARM, f->cfg.adver_int_us);
}

/* Planned handover: priority 0 makes the best backup take over after its
 * Skew_Time; the hold keeps us from preempting it back. */
static void master_stepdown(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	leave_master(out, true);
	f->held = true;
	set_mai(f, out, f->cfg.adver_int_us);
	set_master(f, out, &no_master);
	enter_backup(f, out, vrrp_fsm_master_down_us(f));
}

static void backup_stepdown(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	f->held = true;
}

static void on_resume(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
		      struct vrrp_fsm_out *out)
{
	f->held = false;
}

static void backup_preempt_delay(struct vrrp_fsm *f,
				 const struct vrrp_fsm_event *ev,
				 struct vrrp_fsm_out *out)
{
	if (f->preempt == VRRP_PREEMPT_RUNNING)
		f->preempt = VRRP_PREEMPT_EXPIRED;
}

/* keepalived set_vrrp_backup(): priority 0, Backup, down timer = skew, so
 * we come back (and re-add the VIP) unless a peer takes over first. */
static void master_vip_lost(struct vrrp_fsm *f, const struct vrrp_fsm_event *ev,
			    struct vrrp_fsm_out *out)
{
	leave_master(out, true);
	set_mai(f, out, f->cfg.adver_int_us);
	set_master(f, out, &no_master);
	enter_backup(f, out, skew_us(f));
}

/* clang-format off */
static const fsm_handler fsm_table[VRRP_STATE_MAX][VRRP_EV_MAX] = {
	[VRRP_STATE_INIT] = {
		[VRRP_EV_STARTUP] = on_startup,
		[VRRP_EV_FAULT_ON] = set_fault,
		[VRRP_EV_FAULT_OFF] = clear_fault,
		[VRRP_EV_PRIORITY] = on_priority,
		[VRRP_EV_RESUME] = on_resume,
	},
	[VRRP_STATE_BACKUP] = {
		[VRRP_EV_SHUTDOWN] = backup_shutdown,
		[VRRP_EV_ADVERT] = backup_advert,
		[VRRP_EV_MASTER_DOWN] = backup_master_down,
		[VRRP_EV_FAULT_ON] = backup_fault_on,
		[VRRP_EV_FAULT_OFF] = clear_fault,
		[VRRP_EV_PRIORITY] = on_priority,
		[VRRP_EV_STEPDOWN] = backup_stepdown,
		[VRRP_EV_RESUME] = on_resume,
		[VRRP_EV_PREEMPT_DELAY] = backup_preempt_delay,
	},
	[VRRP_STATE_MASTER] = {
		[VRRP_EV_SHUTDOWN] = master_shutdown,
		[VRRP_EV_ADVERT] = master_advert,
		[VRRP_EV_ADVER_TIMER] = master_adver_timer,
		[VRRP_EV_FAULT_ON] = master_fault_on,
		[VRRP_EV_FAULT_OFF] = clear_fault,
		[VRRP_EV_PRIORITY] = master_priority,
		[VRRP_EV_STEPDOWN] = master_stepdown,
		[VRRP_EV_RESUME] = on_resume,
		[VRRP_EV_VIP_LOST] = master_vip_lost,
	},
	[VRRP_STATE_FAULT] = {
		[VRRP_EV_SHUTDOWN] = fault_shutdown,
		[VRRP_EV_FAULT_ON] = set_fault,
		[VRRP_EV_FAULT_OFF] = fault_fault_off,
		[VRRP_EV_PRIORITY] = on_priority,
		[VRRP_EV_RESUME] = on_resume,
	},
};
/* clang-format on */

/* ---- API ------------------------------------------------------------- */

void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_cfg *cfg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = VRRP_STATE_INIT;
	f->priority = cfg->priority;
	f->master_adver_int_us = cfg->adver_int_us;
}

enum vrrp_state vrrp_fsm_handle(struct vrrp_fsm *f,
				const struct vrrp_fsm_event *ev,
				struct vrrp_fsm_out *out)
{
	fsm_handler h = NULL;

	out->n = 0;
	if ((unsigned)f->state < VRRP_STATE_MAX &&
	    (unsigned)ev->type < VRRP_EV_MAX)
		h = fsm_table[f->state][ev->type];
	if (h)
		h(f, ev, out);
	return f->state;
}

enum vrrp_state vrrp_fsm_reconfigure(struct vrrp_fsm *f,
				     const struct vrrp_fsm_cfg *cfg,
				     struct vrrp_fsm_out *out)
{
	int delta = (int)f->priority - (int)f->cfg.priority;
	uint64_t old_int = f->cfg.adver_int_us;
	unsigned old_prio = f->priority;
	int prio;

	out->n = 0;
	f->cfg = *cfg;
	if (cfg->priority == 255) {
		f->priority = 255;
	} else {
		prio = (int)cfg->priority + delta;
		f->priority = prio < 1 ? 1 : prio > 254 ? 254 : (unsigned)prio;
	}
	if (f->state != VRRP_STATE_BACKUP || cfg->version != 3)
		set_mai(f, out, cfg->adver_int_us);
	if (f->state == VRRP_STATE_MASTER &&
	    (f->priority != old_prio || cfg->adver_int_us != old_int)) {
		emit_advert(out, f->priority);
		emit_us(out, VRRP_ACT_ADVER_ARM, cfg->adver_int_us);
	}
	return f->state;
}

const char *vrrp_state_name(enum vrrp_state s)
{
	static const char *const names[VRRP_STATE_MAX] = {
		[VRRP_STATE_INIT] = "INIT",
		[VRRP_STATE_BACKUP] = "BACKUP",
		[VRRP_STATE_MASTER] = "MASTER",
		[VRRP_STATE_FAULT] = "FAULT",
	};

	return (unsigned)s < VRRP_STATE_MAX ? names[s] : "UNKNOWN";
}

const char *vrrp_fsm_ev_name(enum vrrp_fsm_ev_type t)
{
	static const char *const names[VRRP_EV_MAX] = {
		[VRRP_EV_STARTUP] = "startup",
		[VRRP_EV_SHUTDOWN] = "shutdown",
		[VRRP_EV_ADVERT] = "advert",
		[VRRP_EV_MASTER_DOWN] = "master_down",
		[VRRP_EV_ADVER_TIMER] = "adver_timer",
		[VRRP_EV_FAULT_ON] = "fault_on",
		[VRRP_EV_FAULT_OFF] = "fault_off",
		[VRRP_EV_PRIORITY] = "priority",
		[VRRP_EV_STEPDOWN] = "stepdown",
		[VRRP_EV_RESUME] = "resume",
		[VRRP_EV_PREEMPT_DELAY] = "preempt_delay",
		[VRRP_EV_VIP_LOST] = "vip_lost",
	};

	return (unsigned)t < VRRP_EV_MAX ? names[t] : "unknown";
}

const char *vrrp_fsm_act_name(enum vrrp_fsm_act_type t)
{
	static const char *const names[VRRP_ACT_MAX] = {
		[VRRP_ACT_SEND_ADVERT] = "send_advert",
		[VRRP_ACT_ADD_VIPS] = "add_vips",
		[VRRP_ACT_DEL_VIPS] = "del_vips",
		[VRRP_ACT_GARP] = "garp",
		[VRRP_ACT_GARP_CANCEL] = "garp_cancel",
		[VRRP_ACT_MASTER_DOWN_ARM] = "master_down_arm",
		[VRRP_ACT_MASTER_DOWN_CANCEL] = "master_down_cancel",
		[VRRP_ACT_ADVER_ARM] = "adver_arm",
		[VRRP_ACT_ADVER_CANCEL] = "adver_cancel",
		[VRRP_ACT_PREEMPT_ARM] = "preempt_arm",
		[VRRP_ACT_PREEMPT_CANCEL] = "preempt_cancel",
		[VRRP_ACT_LEARN_INTERVAL] = "learn_interval",
		[VRRP_ACT_SET_MASTER] = "set_master",
		[VRRP_ACT_STATE] = "state",
	};

	return (unsigned)t < VRRP_ACT_MAX ? names[t] : "unknown";
}
