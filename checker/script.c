/* script.c - the checker's rules for running scripts (see script.h). */
#include <string.h>
#include <unistd.h>

#include "lib/script.h"
#include "checker/script.h"

const char *chk_script_user(const struct cfg *c)
{
	return c->global.script_user ? c->global.script_user : "nobody";
}

/* who the checker is: without root it cannot switch users */
static const struct script_cred *script_self(struct script_cred *cred)
{
	memset(cred, 0, sizeof(*cred));
	cred->uid = geteuid();
	cred->gid = getegid();
	return cred;
}

int chk_script_cred(const struct cfg *cfg, const struct cfg_cmd *cmd,
		    struct script_cred *cred)
{
	if (geteuid() != 0) {
		script_self(cred);
		return 0;
	}
	return script_cred_for(cmd, &cfg->global, chk_script_user(cfg), cred);
}

const struct script_cred *chk_script_cred_now(const struct script_cred *stored,
					      struct script_cred *self)
{
	return geteuid() == 0 ? stored : script_self(self);
}

pid_t chk_script_spawn(const struct chk_engine *e, const struct cfg_cmd *cmd)
{
	const char *c = cmd->cmd;
	struct script_cred cred;
	struct script_child *h;

	if (chk_script_cred(e->gen->cfg, cmd, &cred) < 0)
		return -1; /* logged */
	h = script_start_flags(
		e->loop, CHK_SCRIPT_SHELL, &c, 1, &cred, 0, NULL, NULL,
		SCRIPT_QUIET | (e->stopping ? SCRIPT_OUTLIVE : 0));
	if (!h)
		return -1; /* logged */
	return script_pid(h); /* h lives until the loop sees the exit */
}
