/*
 * track_file.h - track_file: the number in a file, watched with inotify,
 * times a weight, moves the priority of the instances that track it (or,
 * with weight 0, puts them in FAULT while it is not 0), as keepalived.
 */
#ifndef DD_VRRP_TRACK_FILE_H
#define DD_VRRP_TRACK_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"

struct ev_loop;
struct vrrp_tfiles;

/**
 * vrrp_tfile_parse - the value of a track file's contents (pure).
 * @buf: the bytes read (need not be NUL-terminated)
 * @len: their count; 0 (an empty file) reads as 0
 * @out: the value
 * Returns 0, or -1 when the number does not fit an int (the caller keeps
 * the previous value). Text that is not a number reads as 0, as keepalived
 * (strtol, any base prefix).
 */
int vrrp_tfile_parse(const char *buf, size_t len, int *out);

/**
 * vrrp_tfile_fold - add one tracked file to an instance's state (pure).
 * @value: the file's value
 * @weight: the weight (the line's, else the file's)
 * @reverse: invert the sense
 * @fault: set to true when the file puts the instance in FAULT: with
 *         weight 0, a value other than 0 (reverse: a value of 0); else a
 *         product of -254 or less
 * @delta: value x weight (negated by reverse), at most 253, is added here
 */
void vrrp_tfile_fold(int value, int weight, bool reverse, bool *fault,
		     int *delta);

/**
 * vrrp_tfiles_new - watch the track files that some instance or sync group
 * of @c tracks, and read them.
 * @l: the event loop
 * @c: the configuration (kept: it must outlive the watcher)
 * @start: the process is starting (init_file ... overwrite writes the file
 *         even when it exists; on a reload only a missing file is created)
 * @changed: called after a watched file's value changed
 * @arg: its argument
 * Returns the watcher, or NULL when memory runs out (problems with a file
 * are logged and that file reads as 0).
 */
struct vrrp_tfiles *vrrp_tfiles_new(struct ev_loop *l, const struct cfg *c,
				    bool start, void (*changed)(void *),
				    void *arg);

/**
 * vrrp_tfiles_value - the current value of c->track_files[@idx]; 0 when
 * @w is NULL or @idx out of range.
 */
int vrrp_tfiles_value(const struct vrrp_tfiles *w, size_t idx);

/**
 * vrrp_tfiles_free - stop watching and release (NULL is fine).
 */
void vrrp_tfiles_free(struct vrrp_tfiles *w);

#endif
