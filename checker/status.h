/*
 * status.h - the checker's state as JSON for core (IPC_STATUS_JSON), sent
 * on change and at most once a second. Format (one object):
 *   {"generation":N, "probes":N, "truncated":false,
 *    "virtual_servers":[{"index":I, "name":"[192.0.2.1]:tcp:80",
 *      "quorum_up":true, "real_servers":[{"index":J,
 *        "name":"[192.0.2.21]:tcp:80", "up":true, "weight":1,
 *        "dynamic_weight":-1 (MISC misc_dynamic, -1 none),
 *        "reason":"why it is down", "last_failure":"...",
 *        "since":EPOCH_MS, "last_check":EPOCH_MS, "duration_ms":1.25,
 *        "failures":N, "checks":[{"type":"HTTP_GET", "up":true,
 *          "failures":N, "runs":N, "last_check":EPOCH_MS,
 *          "duration_ms":1.25, "reason":"", "last_failure":"..."}]}]}]}
 * Top level also: "real_servers":N, "real_servers_down":N, "tcp_sockets":N
 * (stream sockets kept for reuse, idle or lent to a probe: they stay
 * open between checks), "tcp_source_addresses":N (the source addresses
 * that kept sockets are bound to).
 * When the whole object does not fit one message, "truncated" is true and
 * only real servers that are down are listed, at most 100 of them (more
 * would not fit either).
 */
#ifndef DD_CHK_STATUS_H
#define DD_CHK_STATUS_H

#include <stdbool.h>

#include "checker/engine.h"

/**
 * chk_status_json - render the engine's state.
 * @e: the engine
 * @only_down: list only the real servers that are down
 * Returns a malloc'd string, or NULL on allocation failure.
 */
char *chk_status_json(const struct chk_engine *e, bool only_down);

/**
 * chk_status_stop - cancel a pending status message.
 */
void chk_status_stop(struct chk_engine *e);

#endif
