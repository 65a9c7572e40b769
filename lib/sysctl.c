/* sysctl.c - /proc/sys and /sys one-line files (sysctl.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

int sysctl_get(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? err : EIO;
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int sysctl_get_long(const char *path, long *v)
{
	char buf[64], *end;

	if (sysctl_get(path, buf, sizeof(buf)) < 0)
		return -1;
	errno = 0;
	*v = strtol(buf, &end, 10);
	if (end == buf || errno) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int sysctl_set(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, val, len);
	err = errno;
	if (close(fd) < 0 && n == (ssize_t)len)
		return -1;
	if (n != (ssize_t)len) {
		errno = n < 0 ? err : EIO;
		return -1;
	}
	return 0;
}
