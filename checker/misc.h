/* misc.h - MISC_CHECK: a script's exit code is the verdict. */
#ifndef DD_CHK_MISC_H
#define DD_CHK_MISC_H

#include <sys/types.h>

#include "checker/engine.h"

/**
 * chk_misc_reaped - the SIGCHLD reaper collected a child; when it is a
 * MISC script (started through lib/script.c), finish its probe now.
 * @e: the engine
 * @pid: the child
 * @status: its wait status
 */
void chk_misc_reaped(struct chk_engine *e, pid_t pid, int status);

/**
 * chk_misc_kill_all - kill every running script's process group (on exit).
 */
void chk_misc_kill_all(struct chk_engine *e);

#endif
