/* pidfile.h - the core process's pidfile. */
#ifndef DD_PIDFILE_H
#define DD_PIDFILE_H

/**
 * pidfile_write - write our pid to @path, refusing when the file names a
 * live process other than us (another directord with the same pidfile).
 * Returns 0, or -1 (logged).
 */
int pidfile_write(const char *path);

/**
 * pidfile_remove - remove @path if it holds our pid.
 */
void pidfile_remove(const char *path);

#endif
