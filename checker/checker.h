/* checker.h - entry point of the checker process (forked by core). */
#ifndef DD_CHECKER_H
#define DD_CHECKER_H

#include <stdint.h>
#include "cfg.h"

/**
 * chk_proc_run - run the health checks until core asks the process to stop.
 * @c: the configuration core validated (inherited across fork)
 * @generation: its generation number
 * @ipc_fd: the SOCK_SEQPACKET end connected to core
 * Returns the process exit status.
 */
int chk_proc_run(struct cfg *c, uint32_t generation, int ipc_fd);

#endif
