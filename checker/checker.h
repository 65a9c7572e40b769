/*
 * checker.h - entry points of the checker process: forked by core and run
 * in core's image (chk_proc_run), or started as a fresh image of the
 * directord binary (chk_exec_main), which then parses its own copy of the
 * configuration from core's sealed snapshot instead of carrying core's
 * whole heap.
 */
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

/* argv[1] of the directord binary run as the checker process */
#define CHK_EXEC_ROLE "--checker-process"
#define CHK_EXEC_IPC_FD 3 /* the SOCK_SEQPACKET end connected to core */
#define CHK_EXEC_SNAP_FD 4 /* core's sealed configuration snapshot */

/**
 * chk_priv_resolve - look up the user the checker runs as for @c, with its
 * groups, for the exec'd checker (which then needs no user database).
 * @c: the configuration
 * @buf: receives "USER:UID:GID:G1,G2,..."
 * @len: size of @buf
 * Returns 0, or -1 when the user is unknown or @buf too small.
 */
int chk_priv_resolve(const struct cfg *c, char *buf, size_t len);

/**
 * chk_exec_main - the checker process started by execve from core.
 * @argc: argument count
 * @argv: directord CHK_EXEC_ROLE gen=N config=PATH [id=CONFIG_ID]
 *        [console=0|1] [facility=N] [detail=0|1] [cred=chk_priv_resolve's];
 *        core's IPC end on CHK_EXEC_IPC_FD and the snapshot of generation
 *        N on CHK_EXEC_SNAP_FD
 * Loads the configuration from the snapshot and runs chk_proc_run.
 * Never returns: exits with chk_proc_run's status, or 1 when the
 * arguments or the snapshot are unusable.
 */
void chk_exec_main(int argc, char **argv) __attribute__((noreturn));

#endif
