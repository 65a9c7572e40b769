/*
 * script.h - the checker's scripts (MISC_CHECK, notify, quorum, the
 * lvs_notify_fifo_script reader) through lib/script.c, with the checker's
 * rules: the shell runs the command, the default user is the one the
 * checker drops to, stdout is discarded.
 */
#ifndef DD_CHK_SCRIPT_H
#define DD_CHK_SCRIPT_H

#include <sys/types.h>

#include "checker/engine.h"

struct script_cred;

/*
 * Commands keep the shell's syntax (pipes, $(...), ';'): the whole
 * command is the one argument of sh -c.
 */
#define CHK_SCRIPT_SHELL "/bin/sh -c"

/**
 * chk_script_cred - who runs @cmd: its user/group, else script_user,
 * else chk_script_user(). Once the checker has given up root it cannot
 * switch users; it then runs every script as itself (it dropped to the
 * scripts' user, see chk_priv_drop()).
 * @cfg: the configuration @cmd belongs to
 * @cmd: the command
 * @cred: filled
 * Returns 0, or -1 when a named user or group does not exist (logged).
 */
int chk_script_cred(const struct cfg *cfg, const struct cfg_cmd *cmd,
		    struct script_cred *cred);

/**
 * chk_script_cred_now - who runs a script now, given what
 * chk_script_cred() said when the configuration was applied: the checker
 * may have given up root since, and then runs every script as itself.
 * @stored: chk_script_cred()'s result, NULL when it failed
 * @self: storage for the checker's own credentials
 * Returns @stored while the checker is root (NULL stays NULL: the failure
 * was logged when resolved), else @self filled with the current user.
 */
const struct script_cred *chk_script_cred_now(const struct script_cred *stored,
					      struct script_cred *self);

/**
 * chk_script_spawn - run @cmd, fire and forget: its own process group,
 * stdin and stdout on /dev/null, SIGTERM when the checker dies (unless
 * the engine is stopping: omega scripts outlive it).
 * @e: the engine (loop, configuration, stopping)
 * @cmd: the command and its user/group
 * Returns the pid (also the process group), or -1 (logged).
 */
pid_t chk_script_spawn(const struct chk_engine *e, const struct cfg_cmd *cmd);

/**
 * chk_script_user - the user scripts run as by default.
 * @c: the configuration
 * Returns global script_user, or "nobody" when unset.
 */
const char *chk_script_user(const struct cfg *c);

#endif
