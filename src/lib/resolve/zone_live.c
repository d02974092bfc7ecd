/* zone_live.c - the rules of zone_live.h: a short list, asked once per
 * question a zone answers (a handful of rules at most in a real file). */
#define _GNU_SOURCE /* FNM_CASEFOLD */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "zone_live.h"

/* Rules one file may add: every record of a large octoDNS file marked
 * ignored still fits. */
#define ZONE_LIVE_RULES_MAX 65536

typedef struct {
    char *pattern; /* fnmatch(3) pattern (DNSControl's {a,b} expanded) */
    char *where;
    uint16_t type;
    tm_zone_live_t kind;
} live_rule_t;

struct zone_live {
    live_rule_t *rules;
    size_t count, cap;
};

/* DNSControl's globs (gobwas/glob) also know {a,b}, which fnmatch(3) does
 * not: each alternative becomes a rule of its own.  Past this many, or
 * unbalanced, the group becomes '*': matching more owners than the file
 * meant makes more answers unknown, never one the file did not decide. */
#define ZONE_LIVE_EXPANSIONS_MAX 64

static tm_status_t add_rule(zone_live_t *s, const char *pattern, uint16_t type,
                            tm_zone_live_t kind, const char *where)
{
    if (s->count == ZONE_LIVE_RULES_MAX)
        return TM_ERANGE;
    if (s->count == s->cap) {
        live_rule_t *grown = tm_array_grow(s->rules, &s->cap, sizeof(*grown), 4);
        if (!grown)
            return TM_ENOMEM;
        s->rules = grown;
    }
    live_rule_t r = {tm_strdup(pattern), tm_strdup(where), type, kind};
    if (!r.pattern || !r.where) {
        tm_free(r.pattern);
        tm_free(r.where);
        return TM_ENOMEM;
    }
    s->rules[s->count++] = r;
    return TM_OK;
}

/* The first top-level {...} of p at or after from: *open and *close, false
 * when there is none (or it is unbalanced: *open is set, *close is 0). */
static bool brace_group(const char *p, size_t *open, size_t *close)
{
    *open = *close = 0;
    size_t depth = 0;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '\\' && p[i + 1]) {
            i++;
        } else if (p[i] == '{') {
            if (depth++ == 0)
                *open = i;
        } else if (p[i] == '}' && depth > 0 && --depth == 0) {
            *close = i;
            return true;
        }
    }
    return depth > 0;
}

static tm_status_t expand(zone_live_t *s, const char *pattern, uint16_t type, tm_zone_live_t kind,
                          const char *where, unsigned *budget)
{
    size_t open, close;
    if (!brace_group(pattern, &open, &close))
        return add_rule(s, pattern, type, kind, where);
    size_t n = strlen(pattern);
    char *buf = tm_malloc(n + 2);
    if (!buf)
        return TM_ENOMEM;
    tm_status_t st = TM_OK;
    if (!close || *budget == 0) {
        /* unbalanced, or too many: the rest of the pattern from the brace
         * on becomes '*' */
        snprintf(buf, n + 2, "%.*s*", (int)open, pattern);
        st = add_rule(s, buf, type, kind, where);
        tm_free(buf);
        return st;
    }
    /* each comma-separated alternative at depth 1 */
    size_t alt = open + 1, depth = 0;
    for (size_t i = open + 1; i <= close && st == TM_OK; i++) {
        char c = pattern[i];
        if (c == '\\' && i + 1 < close) {
            i++;
            continue;
        }
        depth += c == '{';
        if (c == '}' && depth > 0 && i < close) {
            depth--;
            continue;
        }
        if ((c == ',' && depth == 0) || i == close) {
            if (*budget == 0) {
                /* the alternatives left: all of them, through '*' */
                snprintf(buf, n + 2, "%.*s*", (int)open, pattern);
                st = add_rule(s, buf, type, kind, where);
                break;
            }
            (*budget)--;
            snprintf(buf, n + 2, "%.*s%.*s%s", (int)open, pattern, (int)(i - alt), pattern + alt,
                     pattern + close + 1);
            st = expand(s, buf, type, kind, where, budget);
            alt = i + 1;
        }
    }
    tm_free(buf);
    return st;
}

tm_status_t zone_live_add(zone_live_t **set, const char *pattern, uint16_t type,
                          tm_zone_live_t kind, const char *where)
{
    if (!*set && !(*set = tm_calloc(1, sizeof **set)))
        return TM_ENOMEM;
    unsigned budget = ZONE_LIVE_EXPANSIONS_MAX;
    return expand(*set, pattern && *pattern ? pattern : "*", type, kind, where ? where : "",
                  &budget);
}

tm_zone_live_t zone_live_match(const zone_live_t *set, const char *relname, uint16_t type,
                               const char **where)
{
    tm_zone_live_t found = TM_ZONE_LIVE_NONE;
    for (size_t i = 0; set && i < set->count; i++) {
        const live_rule_t *r = &set->rules[i];
        if (r->kind <= found)
            continue;
        if (r->type && r->type != type && r->type != TM_RR_CNAME)
            continue;
        if (fnmatch(r->pattern, relname, FNM_CASEFOLD) != 0)
            continue;
        found = r->kind;
        if (where)
            *where = r->where;
    }
    return found;
}

void zone_live_destroy(zone_live_t *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++) {
        tm_free(set->rules[i].pattern);
        tm_free(set->rules[i].where);
    }
    tm_free(set->rules);
    tm_free(set);
}
