/*
 * sysctl.h - read and write the small text files of /proc/sys (and the
 * one-line files of /sys): one implementation for the three processes.
 */
#ifndef DD_SYSCTL_H
#define DD_SYSCTL_H

#include <stddef.h>

/**
 * sysctl_get - the first line of a small /proc or /sys file, without its
 * newline.
 * @path: the file
 * @buf: receives the line (NUL-terminated, truncated to fit)
 * @len: size of @buf (at least 2)
 * Returns 0, or -1 with errno set (an empty file is EIO).
 */
int sysctl_get(const char *path, char *buf, size_t len);

/**
 * sysctl_get_long - the first number in a /proc or /sys file.
 * @path: the file
 * @v: receives the number
 * Returns 0, or -1 with errno set (no number: EINVAL).
 */
int sysctl_get_long(const char *path, long *v);

/**
 * sysctl_set - write @val to a /proc/sys file in one write.
 * @path: the file
 * @val: the text, e.g. "1"
 * Returns 0, or -1 with errno set (a short write is EIO).
 */
int sysctl_set(const char *path, const char *val);

#endif
