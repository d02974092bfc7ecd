/* tm_token.h - the ownership token's form (the onboarding guide, Step
 * 2-1: a TXT record "tmes=" followed by the 32 letters and digits the
 * console shows), shared by token.format and the --token option. */
#ifndef TMEMS_TM_TOKEN_H
#define TMEMS_TM_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* The bundled rules' values (the "token" entry of every data/rules file): the command line
 * is read before the rules, so --token is judged by these. */
#define TM_TOKEN_PREFIX "tmes="
#define TM_TOKEN_LENGTH 32u

/* True when s[0..len) is exactly length ASCII letters and digits. */
bool tm_token_value_valid(const char *s, size_t len, unsigned length);

/* Checks a token given by the user: prefix (any letter case) optional,
 * then a valid value.  True with *value pointing after the prefix; false
 * with the error message in msg (naming the given text as it is, and what
 * is wrong with it), cut to msglen: the caller escapes it for a terminal. */
bool tm_token_given_valid(const char *given, const char *prefix, unsigned length,
                          const char **value, char *msg, size_t msglen);

#endif
