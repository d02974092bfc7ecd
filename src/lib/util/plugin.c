/* plugin.c - opens the program's plugins on first use (tmems/tm_plugin.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tmems/tm_i18n.h"
#include "tmems/tm_plugin.h"

#ifndef TM_PLUGIN_DIR
#define TM_PLUGIN_DIR "/usr/lib/tmems-check"
#endif

/* The plugins there are (doh, tls), with room to spare. */
#define LOADED_MAX 8
#define NAME_MAX_LEN 32
#define PATH_MAX_LEN 4096

typedef struct {
    char path[PATH_MAX_LEN];
    const void *table;
} loaded_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static loaded_t loaded[LOADED_MAX];
static size_t nloaded;
static void (*locator)(char *out, size_t outlen);
static char located[PATH_MAX_LEN]; /* what the locator said; "" = not asked yet */

void tm_plugin_set_locator(void (*locate)(char *out, size_t outlen))
{
    pthread_mutex_lock(&lock);
    locator = locate;
    located[0] = '\0';
    pthread_mutex_unlock(&lock);
}

/* The directory of plugins no caller named; the caller holds the lock. */
static const char *default_dir(void)
{
    if (!located[0] && locator)
        locator(located, sizeof located);
    return located[0] ? located : TM_PLUGIN_DIR;
}

static const tm_plugin_host_t host = {
    .malloc = tm_malloc,
    .calloc = tm_calloc,
    .realloc = tm_realloc,
    .free = tm_free,
    .strdup = tm_strdup,
    .strndup = tm_strndup,
    .strerror = tm_strerror,
};

/* Opens, checks and binds one plugin file; the caller holds the lock. */
static tm_status_t open_plugin(const char *path, const char *symbol, uint32_t abi,
                               size_t min_size, const void **table, char *err, size_t errlen)
{
    /* RTLD_LOCAL: the plugin's libraries stay out of the global scope, so
     * nothing else in the process binds to them by accident. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        /* The loader's reason names the file ("...: cannot open shared
         * object file: No such file or directory"). */
        const char *why = dlerror();
        if (err && errlen)
            snprintf(err, errlen, "%s", why ? why : path);
        return TM_ENOTFOUND;
    }
    /* POSIX: a dlsym result is converted through the object pointer. */
    const tm_plugin_header_t *header = dlsym(handle, symbol);
    if (!header) {
        if (err && errlen)
            snprintf(err, errlen, _("%s is not a tmems-check plugin (it has no %s)"), path,
                     symbol);
        dlclose(handle);
        return TM_EUNSUPPORTED;
    }
    if (!header->version || strcmp(header->version, TM_VERSION) != 0 || header->abi != abi ||
        header->size < min_size || !header->bind) {
        if (err && errlen)
            snprintf(err, errlen, _("%s is not the plugin of this build of tmems-check %s "
                                    "(it comes from version %s)"),
                     path, TM_VERSION, header->version ? header->version : "?");
        dlclose(handle);
        return TM_EUNSUPPORTED;
    }
    header->bind(&host);
    /* Never closed: the table is used until the process ends. */
    *table = header;
    return TM_OK;
}

tm_status_t tm_plugin_load(const char *dir, const char *name, const char *symbol, uint32_t abi,
                           size_t min_size, const void **table, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!table)
        return TM_EINVAL;
    *table = NULL;
    if (!name || !symbol || strlen(name) >= NAME_MAX_LEN || strchr(name, '/'))
        return TM_EINVAL;
    pthread_mutex_lock(&lock);
    char path[PATH_MAX_LEN];
    int n = snprintf(path, sizeof path, "%s/%s" TM_PLUGIN_SUFFIX,
                     dir && *dir ? dir : default_dir(), name);
    if (n < 0 || (size_t)n >= sizeof path) {
        pthread_mutex_unlock(&lock);
        return TM_ERANGE;
    }
    tm_status_t st = TM_OK;
    for (size_t i = 0; i < nloaded && !*table; i++) {
        if (strcmp(loaded[i].path, path) == 0)
            *table = loaded[i].table;
    }
    if (!*table) {
        st = open_plugin(path, symbol, abi, min_size, table, err, errlen);
        if (st == TM_OK && nloaded < LOADED_MAX) {
            memcpy(loaded[nloaded].path, path, (size_t)n + 1);
            loaded[nloaded++].table = *table;
        }
    }
    pthread_mutex_unlock(&lock);
    return st;
}
