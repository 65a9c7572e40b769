/*
 * test_vrrp_fsm.c - every transition of RFC 5798 §6.4 (and keepalived's
 * Fault, preempt_delay, state MASTER, split-brain heal, stepdown), checked
 * as the exact ordered list of actions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp/fsm.h"
#include "vrrp/timer.h"

#define END VRRP_ACT_MAX

static struct addr A(const char *s) {
	struct addr a;

	if (addr_parse(s, &a) < 0)
		fail_msg("bad address in test: %s", s);
	return a;
}

/* Defaults as keepalived: v3, prio 100, 1 s, GARP 5 now + 5 after 5 s. */
static struct vrrp_fsm_cfg
base_cfg(void)
{
	struct vrrp_fsm_cfg c;

	memset(&c, 0, sizeof(c));
	c.version = 3;
	c.priority = 100;
	c.adver_int_us = 1000000;
	c.down_timer_adverts = 3;
	c.primary = A("192.0.2.1");
	c.garp_master_delay_us = 5000000;
	c.garp_master_repeat = 5;
	c.garp_lower_prio_delay_us = 5000000;
	c.garp_lower_prio_repeat = 5;
	return c;
}

/* Assert the exact ordered action types; END terminates the list. */
static void expect_acts(const struct vrrp_fsm_out *o, ...)
{
	enum vrrp_fsm_act_type want[VRRP_FSM_MAX_ACTS + 1];
	size_t n = 0, i;
	va_list ap;
	int t;

	va_start(ap, o);
	while ((t = va_arg(ap, int)) != END) {
		assert_true(n < VRRP_FSM_MAX_ACTS);
		want[n++] = (enum vrrp_fsm_act_type)t;
	}
	va_end(ap);
	for (i = 0; i < o->n || i < n; i++) {
		const char *got =
			i < o->n ? vrrp_fsm_act_name(o->act[i].type) : "(none)";
		const char *exp = i < n ? vrrp_fsm_act_name(want[i]) : "(none)";

		if (strcmp(got, exp))
			fail_msg("action %zu: got %s, want %s", i, got, exp);
	}
}

/* The first action of type @t (fails if absent). */
static const struct vrrp_fsm_action *act(const struct vrrp_fsm_out *o,
					 enum vrrp_fsm_act_type t)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->act[i].type == t)
			return &o->act[i];
	fail_msg("no %s action", vrrp_fsm_act_name(t));
	return NULL;
}

/* The @k-th (0-based) action of type @t. */
static const struct vrrp_fsm_action *act_n(const struct vrrp_fsm_out *o,
					   enum vrrp_fsm_act_type t, int k)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->act[i].type == t && k-- == 0)
			return &o->act[i];
	fail_msg("no such %s action", vrrp_fsm_act_name(t));
	return NULL;
}

static enum vrrp_state ev(struct vrrp_fsm *f, enum vrrp_fsm_ev_type t,
			  struct vrrp_fsm_out *o)
{
	struct vrrp_fsm_event e;

	memset(&e, 0, sizeof(e));
	e.type = t;
	return vrrp_fsm_handle(f, &e, o);
}

static enum vrrp_state advert(struct vrrp_fsm *f, unsigned prio,
			      const char *src, uint64_t int_us,
			      struct vrrp_fsm_out *o)
{
	struct vrrp_fsm_event e;

	memset(&e, 0, sizeof(e));
	e.type = VRRP_EV_ADVERT;
	e.priority = prio;
	e.src = A(src);
	e.adver_int_us = int_us;
	return vrrp_fsm_handle(f, &e, o);
}

static enum vrrp_state prio_ev(struct vrrp_fsm *f, unsigned prio,
			       struct vrrp_fsm_out *o)
{
	struct vrrp_fsm_event e;

	memset(&e, 0, sizeof(e));
	e.type = VRRP_EV_PRIORITY;
	e.priority = prio;
	return vrrp_fsm_handle(f, &e, o);
}

/* An instance brought to Backup (startup) or Master (then master-down). */
static void start_backup(struct vrrp_fsm *f, const struct vrrp_fsm_cfg *c)
{
	struct vrrp_fsm_out o;

	vrrp_fsm_init(f, c);
	assert_int_equal(ev(f, VRRP_EV_STARTUP, &o), VRRP_STATE_BACKUP);
}

static void start_master(struct vrrp_fsm *f, const struct vrrp_fsm_cfg *c)
{
	struct vrrp_fsm_out o;

	start_backup(f, c);
	assert_int_equal(ev(f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_MASTER);
}

/* ---- Initialize (§6.4.1) ---------------------------------------------- */

static void test_init_startup_backup(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(ev(&f, VRRP_EV_STARTUP, &o), VRRP_STATE_BACKUP);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_ARM, VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 3609375);
	assert_int_equal(act(&o, VRRP_ACT_STATE)->from, VRRP_STATE_INIT);
	assert_int_equal(act(&o, VRRP_ACT_STATE)->to, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_adver_int_us, 1000000);
}

/* The owner (255) goes Master at once: advert, VIPs, GARP, Adver_Timer. */
static void test_init_startup_owner(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.priority = 255;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_STARTUP, &o), VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADD_VIPS, VRRP_ACT_GARP,
		    VRRP_ACT_GARP, VRRP_ACT_ADVER_ARM, VRRP_ACT_SET_MASTER,
		    VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 255);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 0)->us, 0);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 0)->count, 5);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 1)->us, 5000000);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 1)->count, 5);
	assert_int_equal(act(&o, VRRP_ACT_ADVER_ARM)->us, 1000000);
	assert_true(addr_eq(&act(&o, VRRP_ACT_SET_MASTER)->addr, &c.primary));
}

/* keepalived: "state MASTER" below 255 starts in Backup like any other. */
static void test_init_state_master_not_owner(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.state_master = true;
	c.priority = 254;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_STARTUP, &o), VRRP_STATE_BACKUP);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 3007812);
}

static void test_init_startup_fault(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	vrrp_fsm_init(&f, &c);
	ev(&f, VRRP_EV_FAULT_ON, &o);
	expect_acts(&o, END);
	assert_int_equal(ev(&f, VRRP_EV_STARTUP, &o), VRRP_STATE_FAULT);
	expect_acts(&o, VRRP_ACT_STATE, END);
}

/* Before startup nothing happens, whatever arrives. */
static void test_init_ignores(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	vrrp_fsm_init(&f, &c);
	assert_int_equal(advert(&f, 200, "192.0.2.2", 1000000, &o),
			 VRRP_STATE_INIT);
	expect_acts(&o, END);
	assert_int_equal(ev(&f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_INIT);
	assert_int_equal(ev(&f, VRRP_EV_ADVER_TIMER, &o), VRRP_STATE_INIT);
	assert_int_equal(ev(&f, VRRP_EV_SHUTDOWN, &o), VRRP_STATE_INIT);
	expect_acts(&o, END);
}

/* ---- Backup (§6.4.2) -------------------------------------------------- */

static void test_backup_master_down(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_ADD_VIPS, VRRP_ACT_GARP, VRRP_ACT_GARP,
		    VRRP_ACT_ADVER_ARM, VRRP_ACT_SET_MASTER, VRRP_ACT_STATE,
		    END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 100);
	assert_int_equal(act(&o, VRRP_ACT_STATE)->from, VRRP_STATE_BACKUP);
}

/* garp_master_delay 0 and repeat 0: no bursts at all. */
static void test_backup_master_down_no_garp(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.garp_master_delay_us = 0;
	start_backup(&f, &c);
	ev(&f, VRRP_EV_MASTER_DOWN, &o);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_ADD_VIPS, VRRP_ACT_GARP, VRRP_ACT_ADVER_ARM,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_STATE, END);
	c.garp_master_repeat = 0;
	start_backup(&f, &c);
	ev(&f, VRRP_EV_MASTER_DOWN, &o);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_ADD_VIPS, VRRP_ACT_ADVER_ARM, VRRP_ACT_SET_MASTER,
		    VRRP_ACT_STATE, END);
}

/* Priority 0: Master_Down_Timer = Skew_Time. */
static void test_backup_prio0(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	assert_int_equal(advert(&f, 0, "192.0.2.2", 1000000, &o),
			 VRRP_STATE_BACKUP);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_ARM, END);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 609375);
}

/* Higher or equal priority: reset Master_Down_Timer, remember the master. */
static void test_backup_higher_and_equal(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;
	struct addr m = A("192.0.2.2");

	(void)state;
	start_backup(&f, &c);
	advert(&f, 200, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM, END);
	assert_true(addr_eq(&act(&o, VRRP_ACT_SET_MASTER)->addr, &m));
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 3609375);
	assert_int_equal(f.master_priority, 200);
	/* the same master again: no SET_MASTER */
	advert(&f, 200, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_ARM, END);
	/* equal priority is accepted in Backup whatever the address */
	advert(&f, 100, "192.0.2.0", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM, END);
}

/* Preempt (default) and lower priority: discard, the timer runs out. */
static void test_backup_preempt_lower(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, END); /* no timer reset */
	assert_int_equal(ev(&f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_MASTER);
}

static void test_backup_nopreempt_lower(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.nopreempt = true;
	start_backup(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM, END);
	/* keepalived ignores nopreempt with state MASTER */
	c.state_master = true;
	start_backup(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, END);
	/* and the owner always preempts (RFC 5798 §6.1); it is in Backup
	 * only after it stepped down and resumed */
	c.state_master = false;
	c.priority = 255;
	vrrp_fsm_init(&f, &c);
	ev(&f, VRRP_EV_STARTUP, &o);
	ev(&f, VRRP_EV_STEPDOWN, &o);
	ev(&f, VRRP_EV_RESUME, &o);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	advert(&f, 254, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, END);
}

/* v3: Master_Adver_Interval learned from the master (§6.4.2). */
static void test_backup_learn_interval(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	advert(&f, 200, "192.0.2.2", 500000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_LEARN_INTERVAL,
		    VRRP_ACT_MASTER_DOWN_ARM, END);
	assert_int_equal(act(&o, VRRP_ACT_LEARN_INTERVAL)->us, 500000);
	/* 3 * 0.5 s + (156 * 50 cs * 625 / 16) us */
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 1804687);
	assert_int_equal(f.master_adver_int_us, 500000);
	assert_int_equal(vrrp_fsm_master_down_us(&f), 1804687);
	/* prio 0 skew also uses the learned interval */
	advert(&f, 0, "192.0.2.2", 500000, &o);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 304687);

	/* v2 does not learn: all routers share the interval (RFC 3768) */
	c.version = 2;
	start_backup(&f, &c);
	advert(&f, 200, "192.0.2.2", 2000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM, END);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 3609375);
}

static void test_backup_shutdown(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_SHUTDOWN, &o), VRRP_STATE_INIT);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_CANCEL, VRRP_ACT_STATE, END);
	/* and it can start again */
	assert_int_equal(ev(&f, VRRP_EV_STARTUP, &o), VRRP_STATE_BACKUP);
}

/* Stale timers are ignored. */
static void test_stale_timers(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_ADVER_TIMER, &o), VRRP_STATE_BACKUP);
	expect_acts(&o, END);
	assert_int_equal(ev(&f, VRRP_EV_PREEMPT_DELAY, &o), VRRP_STATE_BACKUP);
	expect_acts(&o, END);
	start_master(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_MASTER);
	expect_acts(&o, END);
	assert_int_equal(ev(&f, VRRP_EV_PREEMPT_DELAY, &o), VRRP_STATE_MASTER);
	expect_acts(&o, END);
}

/* keepalived preempt_delay: starts at the first lower-priority advert,
 * adverts accepted until it expires, then discarded so we take over. */
static void test_backup_preempt_delay(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.preempt_delay_us = 30000000;
	start_backup(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_PREEMPT_ARM, END);
	assert_int_equal(act(&o, VRRP_ACT_PREEMPT_ARM)->us, 30000000);
	advert(&f, 50, "192.0.2.2", 1000000, &o); /* still running */
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_ARM, END);
	ev(&f, VRRP_EV_PREEMPT_DELAY, &o);
	expect_acts(&o, END);
	advert(&f, 50, "192.0.2.2", 1000000, &o); /* now discarded */
	expect_acts(&o, END);
	assert_int_equal(ev(&f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_MASTER);

	/* a higher-priority master stops a running delay */
	start_backup(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	advert(&f, 150, "192.0.2.3", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_PREEMPT_CANCEL, END);
	/* ... and the next lower advert starts a new one */
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_PREEMPT_ARM, END);
	/* taking over cancels it */
	ev(&f, VRRP_EV_MASTER_DOWN, &o);
	assert_int_equal(o.act[0].type, VRRP_ACT_MASTER_DOWN_CANCEL);
	assert_int_equal(o.act[1].type, VRRP_ACT_PREEMPT_CANCEL);

	/* keepalived ignores preempt_delay with state MASTER */
	c.state_master = true;
	start_backup(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, END);
}

/* ---- Master (§6.4.3) -------------------------------------------------- */

static void test_master_adver_timer(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_ADVER_TIMER, &o), VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADVER_ARM, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 100);
	assert_int_equal(act(&o, VRRP_ACT_ADVER_ARM)->us, 1000000);
}

/* Priority 0 from a leaving router: advertise now, reset Adver_Timer. */
static void test_master_prio0(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	assert_int_equal(advert(&f, 0, "192.0.2.2", 1000000, &o),
			 VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADVER_ARM, END);
}

static void test_master_higher(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	assert_int_equal(advert(&f, 150, "192.0.2.2", 200000, &o),
			 VRRP_STATE_BACKUP);
	expect_acts(&o, VRRP_ACT_ADVER_CANCEL, VRRP_ACT_GARP_CANCEL,
		    VRRP_ACT_DEL_VIPS, VRRP_ACT_LEARN_INTERVAL,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_LEARN_INTERVAL)->us, 200000);
	/* 3 * 0.2 s + 156 * 20 * 625 / 16 */
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 721875);
	assert_int_equal(act(&o, VRRP_ACT_STATE)->to, VRRP_STATE_BACKUP);
	/* back to Master: Master_Adver_Interval is ours again */
	ev(&f, VRRP_EV_MASTER_DOWN, &o);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_CANCEL, VRRP_ACT_LEARN_INTERVAL,
		    VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADD_VIPS, VRRP_ACT_GARP,
		    VRRP_ACT_GARP, VRRP_ACT_ADVER_ARM, VRRP_ACT_SET_MASTER,
		    VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_LEARN_INTERVAL)->us, 1000000);

	/* higher_prio_send_advert: one advert before yielding */
	c.higher_prio_send_advert = true;
	start_master(&f, &c);
	advert(&f, 150, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADVER_CANCEL,
		    VRRP_ACT_GARP_CANCEL, VRRP_ACT_DEL_VIPS,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 100);
}

/* Equal priority: the higher primary address wins (§6.4.3). */
static void test_master_equal_tiebreak(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c); /* we are 192.0.2.1 */
	assert_int_equal(advert(&f, 100, "192.0.2.2", 1000000, &o),
			 VRRP_STATE_BACKUP);
	start_master(&f, &c);
	assert_int_equal(advert(&f, 100, "192.0.2.0", 1000000, &o),
			 VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_GARP, VRRP_ACT_GARP,
		    END);
	/* our own advert looped back: nothing */
	assert_int_equal(advert(&f, 100, "192.0.2.1", 1000000, &o),
			 VRRP_STATE_MASTER);
	expect_acts(&o, END);
	/* byte order, not host order: 10.0.0.2 < 192.0.2.1 */
	assert_int_equal(advert(&f, 100, "10.0.0.2", 1000000, &o),
			 VRRP_STATE_MASTER);
	/* IPv6 */
	c.primary = A("fe80::1");
	start_master(&f, &c);
	assert_int_equal(advert(&f, 100, "fe80::2", 1000000, &o),
			 VRRP_STATE_BACKUP);
}

/* A lower-priority master (split brain healed): re-announce, with
 * keepalived's garp_lower_prio_* bursts; lower_prio_no_advert. */
static void test_master_lower(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.garp_lower_prio_delay_us = 2000000;
	c.garp_lower_prio_repeat = 3;
	start_master(&f, &c);
	assert_int_equal(advert(&f, 50, "192.0.2.2", 1000000, &o),
			 VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_GARP, VRRP_ACT_GARP,
		    END);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 0)->us, 0);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 0)->count, 3);
	assert_int_equal(act_n(&o, VRRP_ACT_GARP, 1)->us, 2000000);

	c.lower_prio_no_advert = true;
	c.garp_lower_prio_delay_us = 0;
	start_master(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_GARP, END);
	c.garp_lower_prio_repeat = 0;
	start_master(&f, &c);
	advert(&f, 50, "192.0.2.2", 1000000, &o);
	expect_acts(&o, END);
}

/* Shutdown: cancel Adver_Timer, priority 0, Initialize (§6.4.3). */
static void test_master_shutdown(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_SHUTDOWN, &o), VRRP_STATE_INIT);
	expect_acts(&o, VRRP_ACT_ADVER_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_GARP_CANCEL, VRRP_ACT_DEL_VIPS,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 0);
	assert_int_equal(act(&o, VRRP_ACT_SET_MASTER)->addr.family, 0);
}

/* ---- Fault (keepalived) ----------------------------------------------- */

static void test_fault(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_FAULT_ON, &o), VRRP_STATE_FAULT);
	expect_acts(&o, VRRP_ACT_ADVER_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_GARP_CANCEL, VRRP_ACT_DEL_VIPS,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 0);
	/* in Fault: adverts and timers do nothing, FAULT_ON is idempotent */
	advert(&f, 200, "192.0.2.2", 1000000, &o);
	expect_acts(&o, END);
	ev(&f, VRRP_EV_MASTER_DOWN, &o);
	expect_acts(&o, END);
	ev(&f, VRRP_EV_FAULT_ON, &o);
	expect_acts(&o, END);
	/* recovery: Backup with a fresh Master_Down_Timer */
	assert_int_equal(ev(&f, VRRP_EV_FAULT_OFF, &o), VRRP_STATE_BACKUP);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_ARM, VRRP_ACT_STATE, END);

	/* Backup -> Fault */
	assert_int_equal(ev(&f, VRRP_EV_FAULT_ON, &o), VRRP_STATE_FAULT);
	expect_acts(&o, VRRP_ACT_MASTER_DOWN_CANCEL, VRRP_ACT_STATE, END);
	/* Fault -> Initialize */
	assert_int_equal(ev(&f, VRRP_EV_SHUTDOWN, &o), VRRP_STATE_INIT);
	expect_acts(&o, VRRP_ACT_STATE, END);
	/* the tracker is still down: startup goes back to Fault */
	assert_int_equal(ev(&f, VRRP_EV_STARTUP, &o), VRRP_STATE_FAULT);
	/* FAULT_OFF outside Fault only clears the flag */
	start_backup(&f, &c);
	ev(&f, VRRP_EV_FAULT_OFF, &o);
	expect_acts(&o, END);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);

	/* the owner recovers straight to Master */
	c.priority = 255;
	vrrp_fsm_init(&f, &c);
	ev(&f, VRRP_EV_FAULT_ON, &o);
	ev(&f, VRRP_EV_STARTUP, &o);
	assert_int_equal(ev(&f, VRRP_EV_FAULT_OFF, &o), VRRP_STATE_MASTER);
}

/* ---- trackers, operator, reload -------------------------------------- */

static void test_priority_change(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_backup(&f, &c);
	prio_ev(&f, 200, &o);
	expect_acts(&o, END);
	assert_int_equal(f.priority, 200);
	/* the skew follows the effective priority (keepalived) */
	advert(&f, 250, "192.0.2.2", 1000000, &o);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 3218750);
	/* a lower-priority master is now preempted */
	advert(&f, 150, "192.0.2.2", 1000000, &o);
	expect_acts(&o, END);

	/* in Master, a change is advertised at once */
	start_master(&f, &c);
	prio_ev(&f, 60, &o);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADVER_ARM, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 60);
	prio_ev(&f, 60, &o); /* no change, no advert */
	expect_acts(&o, END);
	prio_ev(&f, 0, &o); /* clamped to 1..254 */
	assert_int_equal(f.priority, 1);
	prio_ev(&f, 300, &o);
	assert_int_equal(f.priority, 254);

	/* the owner is immune to trackers */
	c.priority = 255;
	vrrp_fsm_init(&f, &c);
	ev(&f, VRRP_EV_STARTUP, &o);
	prio_ev(&f, 100, &o);
	expect_acts(&o, END);
	assert_int_equal(f.priority, 255);
}

/* Planned handover: priority 0, Backup, and no preempting back. */
static void test_stepdown(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	c.priority = 200;
	start_master(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_STEPDOWN, &o), VRRP_STATE_BACKUP);
	expect_acts(&o, VRRP_ACT_ADVER_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_GARP_CANCEL, VRRP_ACT_DEL_VIPS,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_SEND_ADVERT)->priority, 0);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 3218750);
	/* the lower-priority peer took over: we keep following it */
	advert(&f, 100, "192.0.2.2", 1000000, &o);
	expect_acts(&o, VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM, END);
	/* resume: back to normal preemption */
	ev(&f, VRRP_EV_RESUME, &o);
	expect_acts(&o, END);
	advert(&f, 100, "192.0.2.2", 1000000, &o);
	expect_acts(&o, END);
	/* if nobody takes over, the down timer brings us back */
	ev(&f, VRRP_EV_STEPDOWN, &o); /* in Backup: only the hold */
	expect_acts(&o, END);
	assert_int_equal(ev(&f, VRRP_EV_MASTER_DOWN, &o), VRRP_STATE_MASTER);
	assert_false(f.held);
}

/* keepalived: a VIP deleted behind our back -> prio 0, Backup, skew. */
static void test_vip_lost(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg();
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	assert_int_equal(ev(&f, VRRP_EV_VIP_LOST, &o), VRRP_STATE_BACKUP);
	expect_acts(&o, VRRP_ACT_ADVER_CANCEL, VRRP_ACT_SEND_ADVERT,
		    VRRP_ACT_GARP_CANCEL, VRRP_ACT_DEL_VIPS,
		    VRRP_ACT_SET_MASTER, VRRP_ACT_MASTER_DOWN_ARM,
		    VRRP_ACT_STATE, END);
	assert_int_equal(act(&o, VRRP_ACT_MASTER_DOWN_ARM)->us, 609375);
	/* in Backup it means nothing */
	ev(&f, VRRP_EV_VIP_LOST, &o);
	expect_acts(&o, END);
}

static void test_reconfigure(void **state)
{
	struct vrrp_fsm_cfg c = base_cfg(), n;
	struct vrrp_fsm f;
	struct vrrp_fsm_out o;

	(void)state;
	start_master(&f, &c);
	/* unchanged: nothing, no flap */
	assert_int_equal(vrrp_fsm_reconfigure(&f, &c, &o), VRRP_STATE_MASTER);
	expect_acts(&o, END);
	/* a new priority is advertised, the tracker offset is kept */
	prio_ev(&f, 90, &o); /* trackers: -10 */
	n = c;
	n.priority = 150;
	assert_int_equal(vrrp_fsm_reconfigure(&f, &n, &o), VRRP_STATE_MASTER);
	expect_acts(&o, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ADVER_ARM, END);
	assert_int_equal(f.priority, 140);
	/* a new interval re-arms the Adver_Timer */
	n.adver_int_us = 100000;
	vrrp_fsm_reconfigure(&f, &n, &o);
	assert_int_equal(act(&o, VRRP_ACT_ADVER_ARM)->us, 100000);
	/* Backup keeps a learned v3 interval */
	start_backup(&f, &c);
	advert(&f, 200, "192.0.2.2", 500000, &o);
	n = c;
	n.priority = 120;
	vrrp_fsm_reconfigure(&f, &n, &o);
	expect_acts(&o, END);
	assert_int_equal(f.master_adver_int_us, 500000);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

/* Two simulated routers in split brain (both Master) converge to one
 * Master after each hears the other: the healed-partition case. */
static void test_split_brain_heal(void **state)
{
	struct vrrp_fsm_cfg ca = base_cfg(), cb = base_cfg();
	struct vrrp_fsm a, b;
	struct vrrp_fsm_out o;

	(void)state;
	cb.primary = A("192.0.2.2");
	/* equal priorities: the higher address keeps the role */
	start_master(&a, &ca);
	start_master(&b, &cb);
	advert(&a, b.priority, "192.0.2.2", 1000000, &o);
	advert(&b, a.priority, "192.0.2.1", 1000000, &o);
	assert_int_equal(a.state, VRRP_STATE_BACKUP);
	assert_int_equal(b.state, VRRP_STATE_MASTER);
	/* b re-announced: advert + GARP so the gateway follows it */
	assert_int_equal(o.act[0].type, VRRP_ACT_SEND_ADVERT);
	assert_int_equal(o.act[1].type, VRRP_ACT_GARP);

	/* different priorities, adverts crossing in the other order */
	ca.priority = 200;
	start_master(&a, &ca);
	start_master(&b, &cb);
	advert(&b, a.priority, "192.0.2.1", 1000000, &o);
	advert(&a, b.priority, "192.0.2.2", 1000000, &o);
	assert_int_equal(a.state, VRRP_STATE_MASTER);
	assert_int_equal(b.state, VRRP_STATE_BACKUP);
}

static void test_names(void **state)
{
	int i;

	(void)state;
	assert_string_equal(vrrp_state_name(VRRP_STATE_MASTER), "MASTER");
	assert_string_equal(vrrp_state_name(VRRP_STATE_BACKUP), "BACKUP");
	assert_string_equal(vrrp_state_name(VRRP_STATE_FAULT), "FAULT");
	assert_string_equal(vrrp_state_name(VRRP_STATE_INIT), "INIT");
	assert_string_equal(vrrp_state_name(VRRP_STATE_MAX), "UNKNOWN");
	for (i = 0; i < VRRP_EV_MAX; i++)
		assert_string_not_equal(vrrp_fsm_ev_name(i), "unknown");
	for (i = 0; i < VRRP_ACT_MAX; i++)
		assert_string_not_equal(vrrp_fsm_act_name(i), "unknown");
	assert_string_equal(vrrp_fsm_ev_name(VRRP_EV_MAX), "unknown");
	assert_string_equal(vrrp_fsm_act_name(VRRP_ACT_MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_startup_backup),
		cmocka_unit_test(test_init_startup_owner),
		cmocka_unit_test(test_init_state_master_not_owner),
		cmocka_unit_test(test_init_startup_fault),
		cmocka_unit_test(test_init_ignores),
		cmocka_unit_test(test_backup_master_down),
		cmocka_unit_test(test_backup_master_down_no_garp),
		cmocka_unit_test(test_backup_prio0),
		cmocka_unit_test(test_backup_higher_and_equal),
		cmocka_unit_test(test_backup_preempt_lower),
		cmocka_unit_test(test_backup_nopreempt_lower),
		cmocka_unit_test(test_backup_learn_interval),
		cmocka_unit_test(test_backup_shutdown),
		cmocka_unit_test(test_stale_timers),
		cmocka_unit_test(test_backup_preempt_delay),
		cmocka_unit_test(test_master_adver_timer),
		cmocka_unit_test(test_master_prio0),
		cmocka_unit_test(test_master_higher),
		cmocka_unit_test(test_master_equal_tiebreak),
		cmocka_unit_test(test_master_lower),
		cmocka_unit_test(test_master_shutdown),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_priority_change),
		cmocka_unit_test(test_stepdown),
		cmocka_unit_test(test_vip_lost),
		cmocka_unit_test(test_reconfigure),
		cmocka_unit_test(test_split_brain_heal),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
