/* spf_proof.h - proving that a changed SPF record authorises exactly what
 * the published tree authorises: the tool's own check_host() over every
 * address of every network the tree names, before and after (internal to
 * the check layer; docs/checks.md "spf.lookups"). */
#ifndef TMEMS_CHECK_SPF_PROOF_H
#define TMEMS_CHECK_SPF_PROOF_H

#include "tmems/tm_dns.h"
#include "tmems/tm_rules.h"
#include "tmems/tm_spf.h"

/* A set of networks (each listed once). */
typedef struct {
    tm_cidr_t *items;
    size_t count, cap;
} tm_spf_nets_t;

void tm_spf_nets_init(tm_spf_nets_t *n);
void tm_spf_nets_clear(tm_spf_nets_t *n);
/* Adds net (host bits cleared) unless it is listed already. */
tm_status_t tm_spf_nets_add(tm_spf_nets_t *n, const tm_cidr_t *net);
/* The networks a tree names: every ip4:/ip6: term, and the addresses its
 * a and mx terms resolve to in rrset (A and AAAA, with the term's CIDR
 * lengths), in every node. */
tm_status_t tm_spf_nets_from_tree(tm_spf_nets_t *n, const tm_spf_tree_t *tree,
                                  const tm_rrset_t *rrset);
/* The networks of the addresses a host resolves to in rrset, as an a term
 * with these CIDR lengths sees them (RFC 7208 section 5.3). */
tm_status_t tm_spf_nets_of_host(tm_spf_nets_t *n, const tm_rrset_t *rrset, const char *host,
                                uint8_t cidr4, uint8_t cidr6);

/* A copy of base in which each answer of replace stands instead of base's
 * answer for the same (name, type), or is added.  The references of replace
 * are taken (also on failure).  The caller frees *out with tm_rrset_destroy. */
tm_status_t tm_rrset_patched(const tm_rrset_t *base, tm_answer_t *const *replace, size_t n,
                             tm_rrset_t **out);

typedef struct {
    bool complete;        /* every evaluation had every answer it needed */
    bool same;            /* pass for exactly the same addresses */
    size_t networks;      /* networks tested, the data-center ranges included */
    uint64_t v4_addresses; /* distinct IPv4 addresses among them */
    size_t v6_networks;
    uint64_t dc_addresses; /* of the data-center ranges */
    unsigned evaluations; /* check_host runs, before and after */
    /* Networks tested at their first and last address only: a term's
     * target depends on the client address (%{i}, section 7.3), so the
     * tree cannot be evaluated a block at a time. */
    size_t boundary_only;
    /* The first block found where the results differ (same is false). */
    tm_cidr_t diff;
    tm_spf_result_t diff_before, diff_after;
} tm_spf_proof_t;

/* check_host(addr, domain, postmaster@domain) for every address of every
 * network of nets (or its first and last, tm_spf_tree_address_dependent)
 * and of the rules' ranges, once in `before` and once in `after`, the
 * lookup and void-lookup limits raised as given (so that a tree over the
 * limit is read as its author meant it).  out->same when both pass exactly
 * the same addresses (gain_ok aside).  An evaluation that lacks answers, or a network that would
 * need more than TM_SPF_RANGE_EVAL_MAX runs, leaves out->complete false. */
typedef struct {
    const tm_rrset_t *before, *after;
    unsigned before_limit;   /* the limits before (0: the RFC's) */
    unsigned after_limit;    /* the limits after (0: the RFC's) */
    const char *domain;
    const tm_spf_nets_t *nets;
    const tm_rules_t *rules; /* its ranges are tested too; may be NULL */
    /* Networks where an address may pass after without passing before (the
     * hosts a changed MX adds to an mx term); NULL: none. */
    const tm_spf_nets_t *gain_ok;
} tm_spf_proof_input_t;

tm_status_t tm_spf_prove(const tm_spf_proof_input_t *in, tm_spf_proof_t *out);
/* True when a term of the tree builds its target from the client address
 * (%{i}, %{c}, %{p}): the proof then tests the networks of nets at their
 * first and last address (the data-center ranges still at every one). */
bool tm_spf_tree_address_dependent(const tm_spf_tree_t *tree);
/* The names those boundary evaluations ask for (the targets built from
 * each address), run over ctx's answers with the limits raised to limit,
 * appended to need. */
tm_status_t tm_spf_prove_needs(tm_spf_ctx_t *ctx, unsigned limit, const char *domain,
                               const tm_spf_nets_t *nets, tm_questions_t *need);

#endif
