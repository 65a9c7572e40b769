/* script.c - run a configured command in its own process group. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "checker/script.h"

const char *chk_script_user(const struct cfg *c)
{
	return c->global.script_user ? c->global.script_user : "nobody";
}

/* in the child: become the script's user; returns -1 on failure */
static int script_become(const struct chk_engine *e, const struct cfg_cmd *cmd)
{
	const char *user = cmd->user ? cmd->user : chk_script_user(e->gen->cfg);
	const char *group = cmd->group ? cmd->group :
			    cmd->user  ? NULL :
					 e->gen->cfg->global.script_group;
	struct passwd *pw;
	gid_t gid;

	if (geteuid() != 0)
		return 0; /* already unprivileged: run as we are */
	pw = getpwnam(user);
	if (!pw)
		return -1;
	gid = pw->pw_gid;
	if (group) {
		struct group *gr = getgrnam(group);

		if (!gr)
			return -1;
		gid = gr->gr_gid;
	}
	if (initgroups(pw->pw_name, gid) < 0 || setgid(gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -1;
	return 0;
}

pid_t chk_script_spawn(const struct chk_engine *e, const struct cfg_cmd *cmd)
{
	sigset_t all;
	pid_t pid = fork();
	int fd;

	if (pid != 0) {
		if (pid > 0)
			setpgid(pid, pid); /* no race with kill(-pid) */
		return pid;
	}
	setpgid(0, 0);
	if (!e->stopping) /* omega scripts must outlive the checker */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	if (script_become(e, cmd) < 0)
		_exit(126);
	execl("/bin/sh", "sh", "-c", cmd->cmd, (char *)NULL);
	_exit(127);
}
