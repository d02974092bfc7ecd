/* tmc_watch.h - the watch subcommand: `tmems-check watch DOMAIN`
 * (docs/watch.md): its options, the live table on a terminal, one line per
 * change when piped, one JSON event per change with --format jsonl. */
#ifndef TMEMS_TMC_WATCH_H
#define TMEMS_TMC_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tmc_params.h"
#include "tmems/tm_watch_run.h"

/* The options of watch besides the common ones of tmc_params_t. */
typedef struct {
    unsigned interval_s;     /* --interval; default TMC_WATCH_INTERVAL_DEFAULT_S */
    bool until_caches;       /* --until caches */
    bool deadline_given;     /* --deadline was given (else the watch default) */
    tm_watch_expect_t expect;/* --expect-mx (repeatable), --expect-spf */
    bool old_ttl_given;
    unsigned old_ttl_s;      /* --old-ttl */
} tmc_watch_params_t;

#define TMC_WATCH_INTERVAL_DEFAULT_S 10
#define TMC_WATCH_DEADLINE_DEFAULT_S 3600

/* Splits argv (argv[0] is "watch") into the watch options, parsed into
 * *wp, and the rest, parsed by tmc_params_parse into *p; then checks what
 * watch does not take.  On a usage error returns false with one translated
 * line in err.  rest (argc + 1 pointers) is the caller's storage. */
bool tmc_watch_params_parse(int argc, char **argv, char **rest, tmc_params_t *p,
                            tmc_watch_params_t *wp, char *err, size_t errlen);
/* watch --help */
const char *tmc_watch_usage(void);
/* The paragraph about watch at the end of the main --help. */
const char *tmc_watch_synopsis(void);
/* The subcommand: argv[0] is "watch".  Returns the exit status. */
int tmc_watch_main(int argc, char **argv);

/* ---- output (watch_out.c) ---- */

typedef enum { TMC_WATCH_LINES = 0, TMC_WATCH_TABLE, TMC_WATCH_JSONL } tmc_watch_mode_t;

typedef struct {
    tmc_watch_mode_t mode;
    bool color;
    FILE *out;
    unsigned width;      /* terminal columns for the table */
    size_t drawn;        /* lines of the table on screen, redrawn in place */
    tm_status_t status;  /* the first write or memory failure */
} tmc_watch_out_t;

/* The event callback of tm_watch_options_t (arg: a tmc_watch_out_t). */
void tmc_watch_on_event(void *arg, const tm_watch_event_t *ev);
/* The table as it stands, into buf (no cursor movement): for the live
 * display and its tests. */
tm_status_t tmc_watch_table(const tm_watch_snapshot_t *snap, int64_t now_ms, unsigned width,
                            bool color, tm_buf_t *buf);
/* "14:32:05 JST", with the date in front when it is not today. */
void tmc_watch_clock(int64_t wall_ms, int64_t now_ms, char *buf, size_t len);

#endif
