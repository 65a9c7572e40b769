/*
 * notify.h - what the checker tells the outside world about health changes:
 * notify_up/notify_down and quorum_up/quorum_down scripts, and the ordered
 * FIFO lines keepalived writes ("RS [ip]:tcp:port [vip]:tcp:port UP").
 */
#ifndef DD_CHK_NOTIFY_H
#define DD_CHK_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "checker/engine.h"

#define CHK_NAME_MAX 96

/**
 * chk_fmt_vs - keepalived's name of a virtual server ("[192.0.2.1]:tcp:80",
 * "FWM 5", "[group NAME]").
 * @c: the configuration (for group names)
 * @vs: the virtual server
 * @buf: output, CHK_NAME_MAX bytes
 * Returns @buf.
 */
const char *chk_fmt_vs(const struct cfg *c, const struct cfg_vs *vs, char *buf);

/**
 * chk_fmt_rs - keepalived's name of a real server ("[192.0.2.21]:tcp:80").
 * @vs: its virtual server (for the protocol)
 * @rs: the real server
 * @buf: output, CHK_NAME_MAX bytes
 * Returns @buf.
 */
const char *chk_fmt_rs(const struct cfg_vs *vs, const struct cfg_rs *rs,
		       char *buf);

/**
 * chk_notify_open - (re)open the configured FIFOs; call after each apply.
 */
void chk_notify_open(struct chk_engine *e);

/**
 * chk_notify_close - close the FIFOs.
 */
void chk_notify_close(struct chk_engine *e);

/**
 * chk_notify_rs - a real server changed health: run notify_up/notify_down
 * and write the RS line to the FIFOs.
 */
void chk_notify_rs(struct chk_engine *e, const struct chk_rs *rs);

/**
 * chk_notify_vs - a virtual server gained or lost quorum: run
 * quorum_up/quorum_down and write the VS line to the FIFOs.
 */
void chk_notify_vs(struct chk_engine *e, const struct chk_vs *vs);

#endif
