/* pidfile.c - write, check and remove the pidfile. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pidfile.h"

/* read_pid - the pid in @path, 0 when absent or unreadable. */
static pid_t read_pid(const char *path)
{
	char buf[32] = "";
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long v;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, NULL, 10);
	return v > 0 && v < 1L << 22 ? (pid_t)v : 0;
}

int pidfile_write(const char *path)
{
	pid_t other = read_pid(path);
	char buf[32];
	int fd, n;

	if (other > 0 && other != getpid() &&
	    (kill(other, 0) == 0 || errno == EPERM)) {
		log_err("%s: directord already running as pid %d (use -p for "
			"another instance)",
			path, (int)other);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		log_err("pidfile %s: write: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

void pidfile_remove(const char *path)
{
	if (read_pid(path) == getpid() && unlink(path) < 0)
		log_warn("pidfile %s: %s", path, strerror(errno));
}
