/* proc.h - the checker process shell: event loop, IPC with core, signals. */
#ifndef DD_CHK_PROC_H
#define DD_CHK_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "checker/engine.h"

/**
 * chk_proc_send - send one message to core; queued when the socket is full.
 * @e: the engine
 * @type: enum ipc_type
 * @payload: payload bytes
 * @len: payload size
 * Does nothing when the engine has no core (ipc_fd < 0).
 */
void chk_proc_send(struct chk_engine *e, uint16_t type, const void *payload,
		   uint32_t len);

/**
 * chk_proc_backlog - whether messages wait for room in the socket to core.
 * Returns true while core is not keeping up.
 */
bool chk_proc_backlog(const struct chk_engine *e);

#endif
