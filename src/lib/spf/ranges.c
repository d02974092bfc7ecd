/* ranges.c - check_host for every address of a block (spf.tmems_ranges:
 * all 512 addresses of the Japan ranges).  A block is evaluated whole; the
 * evaluator reports when a test splits it (part of the block matches), and
 * only then are its halves evaluated.  Sibling halves with the same result
 * merge back, so the parts are maximal CIDR blocks. */
#include <string.h>

#include "spf_internal.h"

void tm_spf_range_init(tm_spf_range_t *r) { memset(r, 0, sizeof(*r)); }

void tm_spf_range_clear(tm_spf_range_t *r)
{
    tm_free(r->parts);
    tm_spf_range_init(r);
}

typedef struct {
    tm_spf_ctx_t *ctx;
    const tm_spf_query_t *q;
    tm_questions_t *need;
    tm_spf_range_t *out;
    size_t cap;
} walk_t;

static tm_status_t append(walk_t *w, const tm_cidr_t *block, const spf_block_outcome_t *res)
{
    tm_spf_range_t *r = w->out;
    if (r->nparts == w->cap) {
        tm_spf_subrange_t *grown = tm_array_grow(r->parts, &w->cap, sizeof(*grown), 4);
        if (!grown)
            return TM_ENOMEM;
        r->parts = grown;
    }
    r->parts[r->nparts++] =
        (tm_spf_subrange_t){*block, res->result, res->lookups, res->void_lookups, res->offline};
    return TM_OK;
}

static void half(const tm_cidr_t *block, bool upper, tm_cidr_t *out)
{
    *out = *block;
    out->prefix = (uint8_t)(block->prefix + 1);
    if (upper)
        out->addr.bytes[block->prefix / 8] |= (uint8_t)(0x80u >> (block->prefix % 8));
}

static unsigned umax(unsigned a, unsigned b) { return a > b ? a : b; }

/* Recursion depth is at most the prefix length (32 or 128). */
static tm_status_t walk(walk_t *w, const tm_cidr_t *block)
{
    if (++w->out->evaluations > TM_SPF_RANGE_EVAL_MAX)
        return TM_ERANGE;
    spf_block_outcome_t res;
    tm_status_t st = spf_eval_block(w->ctx, w->q, block, w->need, &res, NULL);
    if (st != TM_OK)
        return st;
    if (res.incomplete)
        w->out->complete = false;
    unsigned bits = block->addr.family == 6 ? 128u : 32u;
    if (!res.split || block->prefix >= bits)
        return append(w, block, &res);
    size_t before = w->out->nparts;
    tm_cidr_t lo, hi;
    half(block, false, &lo);
    half(block, true, &hi);
    if ((st = walk(w, &lo)) != TM_OK || (st = walk(w, &hi)) != TM_OK)
        return st;
    tm_spf_subrange_t *p = w->out->parts;
    if (w->out->nparts == before + 2 && p[before].result == p[before + 1].result &&
        p[before].offline == p[before + 1].offline) {
        p[before].cidr = *block;
        p[before].lookups = umax(p[before].lookups, p[before + 1].lookups);
        p[before].void_lookups = umax(p[before].void_lookups, p[before + 1].void_lookups);
        w->out->nparts = before + 1;
    }
    return TM_OK;
}

tm_status_t tm_spf_range_eval(tm_spf_ctx_t *ctx, const tm_spf_query_t *base,
                              const tm_cidr_t *range, tm_questions_t *need,
                              tm_spf_range_t *out)
{
    tm_spf_range_clear(out);
    tm_cidr_t block = *range;
    tm_ip_unmap_v4(&block.addr);
    if (range->addr.family == 6 && block.addr.family == 4) /* ::ffff:a.b.c.d/n */
        block.prefix = (uint8_t)(range->prefix >= 96 ? range->prefix - 96 : 0);
    unsigned bits = block.addr.family == 6 ? 128u : 32u;
    if ((block.addr.family != 4 && block.addr.family != 6) || block.prefix > bits)
        return TM_EINVAL;
    /* host bits of the range are ignored, as for an ip4 term */
    for (unsigned i = block.prefix; i < bits; i++)
        block.addr.bytes[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
    out->range = block;
    out->complete = true;
    walk_t w = {ctx, base, need, out, 0};
    tm_status_t st = walk(&w, &block);
    if (st != TM_OK)
        tm_spf_range_clear(out);
    return st;
}
