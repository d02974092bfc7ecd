/* errbuf.h - the one-line error messages the fetch layer hands back to its
 * caller through (char *err, size_t errlen) (internal). */
#ifndef TMEMS_RESOLVE_ERRBUF_H
#define TMEMS_RESOLVE_ERRBUF_H

#include <stddef.h>

/* printf into err when err is not NULL and errlen is not 0 (truncating). */
void tm_err_printf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
