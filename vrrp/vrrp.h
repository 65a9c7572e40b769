/* vrrp.h - entry point of the VRRP process (forked by core). */
#ifndef DD_VRRP_H
#define DD_VRRP_H

#include <stdint.h>
#include "cfg.h"

/**
 * vrrp_proc_run - run the VRRP process until core asks it to stop.
 * @c: the configuration core validated (inherited across fork)
 * @generation: its generation number
 * @ipc_fd: the SOCK_SEQPACKET end connected to core
 * Returns the process exit status.
 */
int vrrp_proc_run(struct cfg *c, uint32_t generation, int ipc_fd);

#endif
