/*
 * cfg_snap.h - a snapshot of the configuration files one load read: the
 * bytes of every file and the matches of every include pattern. Core
 * records one while it validates a reload and hands it to the children,
 * which parse exactly those bytes: no second read of the file system (the
 * checker runs unprivileged and may not be able to), and no window in
 * which an edited file makes a child run something core never checked.
 */
#ifndef DD_CFG_SNAP_H
#define DD_CFG_SNAP_H

#include <stdbool.h>
#include <stddef.h>

enum cfg_snap_kind {
	CFG_SNAP_FILE = 1, /* key: path; data: the file's bytes */
	CFG_SNAP_GLOB, /* key: pattern as resolved; data: NUL-ended paths */
};

struct cfg_snap_ent {
	enum cfg_snap_kind kind;
	char *key;
	char *data; /* NUL-terminated after len bytes, for convenience */
	size_t len;
	bool taken; /* a file's bytes handed to a load (consume) */
};

struct cfg_snap {
	struct cfg_snap_ent *ents;
	size_t n;
	/* the buffer the entries point into (cfg_snap_adopt), NULL when each
	 * entry has its own */
	char *blob;
	/* replayed once: a load takes each file's bytes where they are
	 * (cfg_snap_take) rather than a copy; a file read twice is recorded
	 * twice, and each read takes the next */
	bool consume;
};

/**
 * cfg_snap_add - record one file or include expansion.
 * @s: the snapshot
 * @kind: CFG_SNAP_FILE or CFG_SNAP_GLOB
 * @key: the path or the resolved pattern
 * @data: the bytes (file contents, or NUL-ended matched paths)
 * @len: number of bytes in @data
 * Returns nothing; aborts on out of memory like the rest of the loader.
 */
void cfg_snap_add(struct cfg_snap *s, enum cfg_snap_kind kind, const char *key,
		  const void *data, size_t len);

/**
 * cfg_snap_find - look up what a load recorded.
 * @s: the snapshot
 * @kind: the kind of entry
 * @key: the path or resolved pattern
 * Returns the entry, or NULL if that load did not read it.
 */
const struct cfg_snap_ent *cfg_snap_find(const struct cfg_snap *s,
					 enum cfg_snap_kind kind,
					 const char *key);

/**
 * cfg_snap_take - the bytes of a file for a load that replays @s.
 * @s: the snapshot
 * @path: the file
 * Returns the first entry of @path not taken yet, or NULL. With
 * @s->consume the entry is marked taken and its data belongs to the caller
 * until cfg_snap_free (it may write into them; it must not free them).
 */
struct cfg_snap_ent *cfg_snap_take(struct cfg_snap *s, const char *path);

/**
 * cfg_snap_encode - serialize a snapshot into one buffer.
 * @s: the snapshot
 * @len: receives the size of the buffer
 * Returns a malloc'ed buffer (the caller frees it).
 */
char *cfg_snap_encode(const struct cfg_snap *s, size_t *len);

/**
 * cfg_snap_decode - rebuild a snapshot from cfg_snap_encode's output.
 * @s: receives the entries (zeroed first)
 * @buf: the encoded bytes, untrusted: every length is checked
 * @len: number of bytes in @buf
 * Returns 0, or -1 if @buf is malformed (@s is then empty).
 */
int cfg_snap_decode(struct cfg_snap *s, const void *buf, size_t len);

/**
 * cfg_snap_adopt - cfg_snap_decode in place: no copy of the bytes.
 * @s: receives the entries (zeroed first)
 * @buf: the encoded bytes (malloc'ed), untrusted; rewritten in place so
 *       that every key and data ends with a NUL
 * @len: number of bytes in @buf
 * Returns 0 with @buf owned by @s (freed by cfg_snap_free), or -1 if @buf
 * is malformed (@s is then empty and @buf still the caller's).
 */
int cfg_snap_adopt(struct cfg_snap *s, char *buf, size_t len);

/** cfg_snap_free - release the entries of @s and zero it (NULL is fine). */
void cfg_snap_free(struct cfg_snap *s);

/**
 * cfg_snap_memfd - seal an encoded snapshot into a memory file.
 * @s: the snapshot
 * Returns a close-on-exec descriptor sealed against any change, or -1 with
 * errno set.
 */
int cfg_snap_memfd(const struct cfg_snap *s);

/**
 * cfg_snap_read_fd - read and decode a snapshot from a descriptor.
 * @fd: a regular file or memfd holding cfg_snap_encode's output
 * @s: receives the snapshot (release with cfg_snap_free)
 * Returns 0, or -1 with errno set (EBADMSG for malformed contents).
 */
int cfg_snap_read_fd(int fd, struct cfg_snap *s);

struct cfg;
struct cfg_diag;

/**
 * cfg_load_snapfd - cfg_load from a snapshot descriptor, or from disk.
 * @path: the top file, as core read it
 * @config_id: for @ID lines; NULL for the short hostname
 * @snapfd: snapshot from core, or -1 to read the file system
 * @diag: receives the messages, as with cfg_load
 * Returns the configuration, or NULL when @diag holds an error.
 */
struct cfg *cfg_load_snapfd(const char *path, const char *config_id, int snapfd,
			    struct cfg_diag *diag);

#endif
