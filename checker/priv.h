/*
 * priv.h - the checker gives up root once its configuration needs none:
 * connecting needs no privilege, so only SO_MARK (fwmark), source ports
 * below 1024, raw ICMP and scripts configured for another user keep it.
 */
#ifndef DD_CHK_PRIV_H
#define DD_CHK_PRIV_H

#include <stddef.h>

#include "checker/engine.h"

/**
 * chk_priv_need - why a configuration needs the checker to stay root.
 * @c: the configuration
 * @user: the user the checker would become
 * @icmp_ok: unprivileged ICMP sockets are allowed for that user
 * @why: receives the first reason
 * @len: size of @why
 * Returns 1 when privilege is needed, 0 when not.
 */
int chk_priv_need(const struct cfg *c, const char *user, int icmp_ok, char *why,
		  size_t len);

/**
 * chk_priv_drop - become the script user (or nobody) unless the current
 * configuration needs root; logs the decision. Uses the credentials given
 * to chk_priv_preset when they are for that user, else the user and group
 * databases.
 */
void chk_priv_drop(struct chk_engine *e);

/**
 * chk_priv_preset - adopt credentials that chk_priv_resolve wrote, so
 * chk_priv_drop needs no user database lookup: in the exec'd checker that
 * would load the NSS modules (and their libraries) for one call.
 * @s: "USER:UID:GID:G1,G2,..." as chk_priv_resolve wrote it
 * Returns 0, or -1 when @s is malformed (nothing adopted).
 */
int chk_priv_preset(const char *s);

/**
 * chk_priv_check - after a reload: warn when the new configuration needs
 * privilege the process already gave up.
 */
void chk_priv_check(struct chk_engine *e);

#endif
