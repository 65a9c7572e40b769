/*
 * cfg_snap_io.c - the edges of configuration snapshots: core seals one
 * into a memfd to pass with IPC_RELOAD; a child loads the configuration
 * from that descriptor instead of the file system.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cfg_int.h"
#include "cfg_snap.h"

#define SNAP_MAX_BYTES (256u << 20)

int cfg_snap_memfd(const struct cfg_snap *s)
{
	size_t len, off = 0;
	char *buf = cfg_snap_encode(s, &len);
	int fd, e;

	fd = memfd_create("directord-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	/* the receiver parses exactly these bytes: nobody may change them */
	if (fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		goto fail;
	free(buf);
	return fd;
fail:
	e = errno;
	free(buf);
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

int cfg_snap_read_fd(int fd, struct cfg_snap *s)
{
	struct stat st;
	size_t off = 0;
	char *buf;
	int rc;

	memset(s, 0, sizeof(*s));
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > SNAP_MAX_BYTES) {
		errno = EINVAL;
		return -1;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return -1;
	while (off < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + off, (size_t)st.st_size - off,
				  (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			free(buf);
			return -1;
		}
		off += (size_t)n;
	}
	/* decoded where it is: a copy would double the peak (a file of
	 * 10,000 real servers is 1.4 MB) */
	rc = cfg_snap_adopt(s, buf, off);
	if (rc < 0) {
		free(buf);
		errno = EBADMSG;
	}
	return rc;
}

struct cfg *cfg_load_snapfd(const char *path, const char *config_id, int snapfd,
			    struct cfg_diag *diag)
{
	struct cfg_opts o = { .config_id = config_id };
	struct cfg_snap s;
	struct cfg *c;

	if (snapfd < 0)
		return cfg_load(path, &o, diag);
	if (cfg_snap_read_fd(snapfd, &s) < 0) {
		struct cfg_ctx x = { .diag = diag };

		memset(diag, 0, sizeof(*diag));
		cfg_msg_at(&x, CFG_ERR, NULL,
			   "cannot read the configuration snapshot from core: "
			   "%s",
			   strerror(errno));
		return NULL;
	}
	/* one load: it may take the files' bytes without copying them */
	s.consume = true;
	o.replay = &s;
	c = cfg_load(path, &o, diag);
	cfg_snap_free(&s);
	return c;
}
