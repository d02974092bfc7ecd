/* curl_lazy.c - libcurl opened on first use instead of at every start.
 *
 * Why: libcurl brings about thirty shared libraries with it (GnuTLS,
 * Kerberos, LDAP, SSH, RTMP, ...), and the dynamic loader maps and
 * relocates every one of them when the program starts: about 2.5 ms of CPU,
 * half of a whole one-domain check (bench/README.md, "Fixes the benchmark
 * led to").  Only --doh needs libcurl, so the program is not linked against
 * it; these definitions of the libcurl functions doh.c calls open
 * libcurl.so.4 with dlopen the first time one of them is called and forward
 * to it.  The prototypes are curl.h's own, so a mismatch fails to compile.
 *
 * When libcurl cannot be opened every function fails the way libcurl itself
 * reports failure (CURLE_FAILED_INIT, CURLM_INTERNAL_ERROR, NULL), and
 * doh.c's existing error paths say that DNS over HTTPS cannot be set up.
 * A function doh.c starts to use that is missing here is a link error, not
 * a silent fallback. */
#define CURL_DISABLE_TYPECHECK /* curl.h's checking macros would hide these definitions */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The soname of Debian's libcurl4 (libcurl4-openssl-dev links to it). */
#define CURL_SONAME "libcurl.so.4"

static void *curl_symbol(const char *name)
{
    static void *lib;
    static bool tried;
    if (!tried) {
        tried = true;
        /* RTLD_LOCAL: its symbols stay out of the global scope, so nothing
         * else in the process binds to them by accident. */
        lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    }
    return lib ? dlsym(lib, name) : NULL;
}

/* Resolves `name` once into the static pointer `fn`, typed after curl.h's
 * own prototype of it (POSIX: a dlsym result is converted through the
 * object pointer). */
#define RESOLVE(name)                                                                         \
    static __typeof__(name) *fn;                                                              \
    static bool looked;                                                                       \
    if (!looked) {                                                                            \
        looked = true;                                                                        \
        void *sym_ = curl_symbol(#name);                                                      \
        *(void **)(&fn) = sym_;                                                               \
    }

CURLcode curl_global_init(long flags)
{
    RESOLVE(curl_global_init)
    return fn ? fn(flags) : CURLE_FAILED_INIT;
}

void curl_global_cleanup(void)
{
    RESOLVE(curl_global_cleanup)
    if (fn)
        fn();
}

curl_version_info_data *curl_version_info(CURLversion stamp)
{
    RESOLVE(curl_version_info)
    return fn ? fn(stamp) : NULL;
}

CURL *curl_easy_init(void)
{
    RESOLVE(curl_easy_init)
    return fn ? fn() : NULL;
}

/* The third argument's type follows from the option's number (curl.h
 * CURLOPTTYPE_*): a long, a data pointer, a function pointer, a curl_off_t
 * or a blob pointer.  The same numbering holds for curl_multi_setopt. */
typedef enum { ARG_LONG, ARG_PTR, ARG_FUNC, ARG_OFF } arg_kind_t;

static arg_kind_t option_kind(int option)
{
    if (option < CURLOPTTYPE_OBJECTPOINT)
        return ARG_LONG;
    if (option < CURLOPTTYPE_FUNCTIONPOINT)
        return ARG_PTR;
    if (option < CURLOPTTYPE_OFF_T)
        return ARG_FUNC;
    if (option < CURLOPTTYPE_BLOB)
        return ARG_OFF;
    return ARG_PTR;
}

typedef void (*any_func_t)(void);

CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
    RESOLVE(curl_easy_setopt)
    if (!fn)
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    switch (option_kind((int)option)) {
    case ARG_LONG: rc = fn(curl, option, va_arg(ap, long)); break;
    case ARG_FUNC: rc = fn(curl, option, va_arg(ap, any_func_t)); break;
    case ARG_OFF: rc = fn(curl, option, va_arg(ap, curl_off_t)); break;
    default: rc = fn(curl, option, va_arg(ap, void *)); break;
    }
    va_end(ap);
    return rc;
}

/* Every CURLINFO takes a pointer to where the value goes. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
    RESOLVE(curl_easy_getinfo)
    if (!fn)
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    void *where = va_arg(ap, void *);
    va_end(ap);
    return fn(curl, info, where);
}

void curl_easy_cleanup(CURL *curl)
{
    RESOLVE(curl_easy_cleanup)
    if (fn)
        fn(curl);
}

const char *curl_easy_strerror(CURLcode code)
{
    RESOLVE(curl_easy_strerror)
    return fn ? fn(code) : "libcurl (" CURL_SONAME ") could not be loaded";
}

CURLM *curl_multi_init(void)
{
    RESOLVE(curl_multi_init)
    return fn ? fn() : NULL;
}

CURLMcode curl_multi_setopt(CURLM *multi, CURLMoption option, ...)
{
    RESOLVE(curl_multi_setopt)
    if (!fn)
        return CURLM_INTERNAL_ERROR;
    va_list ap;
    va_start(ap, option);
    CURLMcode rc;
    switch (option_kind((int)option)) {
    case ARG_LONG: rc = fn(multi, option, va_arg(ap, long)); break;
    case ARG_FUNC: rc = fn(multi, option, va_arg(ap, any_func_t)); break;
    case ARG_OFF: rc = fn(multi, option, va_arg(ap, curl_off_t)); break;
    default: rc = fn(multi, option, va_arg(ap, void *)); break;
    }
    va_end(ap);
    return rc;
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy)
{
    RESOLVE(curl_multi_add_handle)
    return fn ? fn(multi, easy) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
    RESOLVE(curl_multi_remove_handle)
    return fn ? fn(multi, easy) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_cleanup(CURLM *multi)
{
    RESOLVE(curl_multi_cleanup)
    return fn ? fn(multi) : CURLM_INTERNAL_ERROR;
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *left)
{
    RESOLVE(curl_multi_info_read)
    if (!fn && left)
        *left = 0;
    return fn ? fn(multi, left) : NULL;
}

CURLMcode curl_multi_socket_action(CURLM *multi, curl_socket_t s, int ev_bitmask,
                                   int *running_handles)
{
    RESOLVE(curl_multi_socket_action)
    return fn ? fn(multi, s, ev_bitmask, running_handles) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_timeout(CURLM *multi, long *milliseconds)
{
    RESOLVE(curl_multi_timeout)
    return fn ? fn(multi, milliseconds) : CURLM_INTERNAL_ERROR;
}

const char *curl_multi_strerror(CURLMcode code)
{
    RESOLVE(curl_multi_strerror)
    return fn ? fn(code) : "libcurl (" CURL_SONAME ") could not be loaded";
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
    RESOLVE(curl_slist_append)
    return fn ? fn(list, data) : NULL;
}

void curl_slist_free_all(struct curl_slist *list)
{
    RESOLVE(curl_slist_free_all)
    if (fn)
        fn(list);
}

CURLU *curl_url(void)
{
    RESOLVE(curl_url)
    return fn ? fn() : NULL;
}

void curl_url_cleanup(CURLU *handle)
{
    RESOLVE(curl_url_cleanup)
    if (fn)
        fn(handle);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags)
{
    RESOLVE(curl_url_set)
    return fn ? fn(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags)
{
    RESOLVE(curl_url_get)
    return fn ? fn(handle, what, part, flags) : CURLUE_OUT_OF_MEMORY;
}

const char *curl_url_strerror(CURLUcode code)
{
    RESOLVE(curl_url_strerror)
    return fn ? fn(code) : "libcurl (" CURL_SONAME ") could not be loaded";
}

void curl_free(void *p)
{
    RESOLVE(curl_free)
    if (fn)
        fn(p);
}
