/*
 * script.h - asynchronous script runner: fork + exec as the script user in
 * its own process group, completion reported through the event loop (a
 * pidfd), the whole group killed on timeout. Never blocks the loop.
 */
#ifndef DD_SCRIPT_H
#define DD_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cfg.h"

struct ev_loop;
struct script_child;

/* who a script runs as */
struct script_cred {
	uid_t uid;
	gid_t gid;
	char user[64];
};

/* completion: exit status 0..255, 128+signal when killed by a signal,
 * -1 when the timeout killed it or it could not be started */
typedef void (*script_done_cb)(void *arg, int status);

/**
 * script_split - split a command line into words, honouring single and
 * double quotes and backslash escapes (keepalived's rules).
 * @cmd: the command line
 * @argc: set to the number of words
 * Returns a NULL-terminated array to free() with one call (the strings live
 * in the same block), or NULL on an empty command or allocation failure.
 */
char **script_split(const char *cmd, size_t *argc);

/**
 * script_path_safe - whether the program @cmd runs (its first word,
 * looked up in PATH when it has no '/') can only be replaced by root: the
 * file and every directory above it are owned by root and not writable by
 * group or others (keepalived's enable_script_security rule).
 * @cmd: the command line
 * Returns 1 when safe, 0 when not, -1 when the program is not found.
 */
int script_path_safe(const char *cmd);

/**
 * script_cred - decide who runs @cmd: its own user/group, else the
 * global script_user/script_group, else the user "keepalived_script" when
 * it exists, else root (as keepalived). With enable_script_security a
 * script that would run as root must pass script_path_safe().
 * @cmd: the command (user/group may be NULL)
 * @g: the global settings
 * @out: filled
 * Returns 0, or -1 when a named user or group does not exist or the
 * script is refused by enable_script_security (logged).
 */
int script_cred(const struct cfg_cmd *cmd, const struct cfg_global *g,
		struct script_cred *out);

/**
 * script_cred_for - script_cred() with another default: @fallback is
 * used when neither @cmd nor script_user names a user (the checker runs
 * its scripts as the user it drops to, not as keepalived_script or root).
 * @cmd: the command (user/group may be NULL)
 * @g: the global settings
 * @fallback: the default user, NULL for keepalived's rule
 * @out: filled
 * Returns 0, or -1 as script_cred() (logged).
 */
int script_cred_for(const struct cfg_cmd *cmd, const struct cfg_global *g,
		    const char *fallback, struct script_cred *out);

/* script_start_flags() options */
#define SCRIPT_OUTLIVE 0x1 /* no PR_SET_PDEATHSIG: the script survives us */
#define SCRIPT_QUIET 0x2 /* stdout on /dev/null too, not only stdin */

/**
 * script_start - run @cmd with @extra appended to its words.
 * @l: the event loop
 * @cmd: the command line
 * @extra: more arguments (may be NULL when @n_extra is 0)
 * @n_extra: their count
 * @cred: user and group to run as (0:0, or who we already are: no switch)
 * @timeout_us: kill the process group after this long (0: never)
 * @cb: completion callback (may be NULL: fire and forget)
 * @arg: passed to @cb
 * Returns a handle valid until @cb runs, or NULL when the command is
 * empty or the fork failed (logged; @cb is not called).
 */
struct script_child *script_start(struct ev_loop *l, const char *cmd,
				  const char *const *extra, size_t n_extra,
				  const struct script_cred *cred,
				  uint64_t timeout_us, script_done_cb cb,
				  void *arg);

/**
 * script_start_flags - script_start() with options.
 * @l, @cmd, @extra, @n_extra, @cred, @timeout_us, @cb, @arg: as
 *	script_start()
 * @flags: SCRIPT_OUTLIVE, SCRIPT_QUIET or 0
 * Returns as script_start().
 */
struct script_child *script_start_flags(struct ev_loop *l, const char *cmd,
					const char *const *extra,
					size_t n_extra,
					const struct script_cred *cred,
					uint64_t timeout_us, script_done_cb cb,
					void *arg, unsigned flags);

/**
 * script_pid - the process (and process group) id of a running script.
 * @c: a handle from script_start, still valid
 * Returns the pid.
 */
pid_t script_pid(const struct script_child *c);

/**
 * script_wait_status - the child's raw waitpid() status, for a callback
 * that must tell an exit code from a signal (128+signal is ambiguous).
 * @c: the handle, inside its completion callback
 * Returns the wait status, or -1 when the child timed out or waitpid
 * failed.
 */
int script_wait_status(const struct script_child *c);

/**
 * script_cancel - kill a running script's process group; its callback
 * will not be called. The child is reaped by the loop later.
 * @c: a handle from script_start (NULL is fine)
 */
void script_cancel(struct script_child *c);

#endif
