/* misc.h - MISC_CHECK: a script's exit code is the verdict. */
#ifndef DD_CHK_MISC_H
#define DD_CHK_MISC_H

#include "checker/engine.h"

/**
 * chk_misc_kill_all - kill every running script's process group (on exit).
 * @e: the engine
 */
void chk_misc_kill_all(struct chk_engine *e);

#endif
