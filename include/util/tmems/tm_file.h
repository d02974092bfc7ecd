/* tm_file.h - the one bounded reader for the files a user names: --zone,
 * --rules and -f. */
#ifndef TMEMS_TM_FILE_H
#define TMEMS_TM_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "tmems/tm_status.h"

/* The cap of a -f domain list (docs/tmems-check.1), the same as a zone
 * file's: some million names. */
#define TM_DOMAINS_FILE_MAX ((size_t)64 << 20)

/* Why a file could not be read. */
typedef enum {
    TM_FILE_OK = 0,
    TM_FILE_SYSTEM,      /* open, stat or read failed: see sys_errno */
    TM_FILE_NOT_REGULAR, /* a FIFO, socket, device or directory */
    TM_FILE_TOO_LARGE,   /* more than the limit */
    TM_FILE_NO_MEMORY,
    TM_FILE_OUTSIDE      /* would leave the directory it must stay in */
} tm_file_problem_t;

typedef struct {
    tm_file_problem_t problem;
    int sys_errno;       /* for TM_FILE_SYSTEM */
    size_t limit;        /* for TM_FILE_TOO_LARGE */
} tm_file_error_t;

/* Reads the whole of a regular file, at most limit bytes, into a new
 * NUL-terminated buffer (free with tm_free).
 *
 * A path given by a pull request may be a symbolic link to a FIFO (open
 * would wait forever for a writer) or to /dev/zero (endless): the file is
 * opened without blocking and refused unless it is a regular file, and no
 * more than limit + 1 bytes are ever read.  With allow_stdin, "-" reads
 * standard input (whatever it is, with the same limit).
 *
 * TM_EIO, TM_ERANGE or TM_ENOMEM on failure, with *why filled. */
tm_status_t tm_file_read(const char *path, size_t limit, bool allow_stdin, char **data,
                         size_t *len, tm_file_error_t *why);

/* The same for relpath inside dir, which the path can never leave: not
 * through "..", an absolute path or a symbolic link that points out (each
 * component is opened relative to the one before it, without following
 * links; a link's target is walked the same way).  For $INCLUDE: a zone file
 * from a pull request must not read any other file of the CI runner. */
tm_status_t tm_file_read_beneath(const char *dir, const char *relpath, size_t limit, char **data,
                                 size_t *len, tm_file_error_t *why);

/* The problem in words for people (translated), e.g. "not a regular file".
 * Writes into buf and returns it. */
const char *tm_file_strerror(const tm_file_error_t *why, char *buf, size_t buflen);

#endif
