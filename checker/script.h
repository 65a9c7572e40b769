/* script.h - run a configured command in its own process group. */
#ifndef DD_CHK_SCRIPT_H
#define DD_CHK_SCRIPT_H

#include <sys/types.h>

#include "checker/engine.h"

/**
 * chk_script_spawn - fork and run @cmd through /bin/sh -c.
 * @e: the engine (for the global script_user)
 * @cmd: the command; its user/group, else script_user, is used when the
 *       process still has the privilege to switch
 * The child gets its own process group (pgid = pid), a clean signal mask,
 * stdin and stdout on /dev/null, and SIGTERM when the checker dies (unless
 * the engine is stopping).
 * Returns the pid, or -1 (errno set).
 */
pid_t chk_script_spawn(const struct chk_engine *e, const struct cfg_cmd *cmd);

/**
 * chk_script_user - the user scripts run as by default.
 * @c: the configuration
 * Returns global script_user, or "nobody" when unset.
 */
const char *chk_script_user(const struct cfg *c);

#endif
