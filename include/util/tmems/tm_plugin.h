/* tm_plugin.h - the parts of the program that need a large library are
 * shared-object plugins, opened the first time a run needs them: DNS over
 * HTTPS (libcurl, src/lib/resolve/doh_curl_plugin.c) and the STARTTLS
 * probe (OpenSSL, src/lib/probe/tls_openssl_plugin.c).  A run that uses
 * neither never maps those libraries, which would cost more than the rest
 * of a start-up together.  Each plugin links its library as any program
 * does, so the package's dependencies come from dpkg-shlibdeps like the
 * binary's (cmake/package.cmake).
 *
 * A plugin exports one symbol: its function table, which starts with a
 * tm_plugin_header_t.  The program hands it the host's services (the
 * allocator, so that memory crosses the boundary in both directions and
 * the out-of-memory tests reach the plugin too) and calls it only through
 * the table: no symbol of the program is looked up by a plugin, nor the
 * other way round but the table. */
#ifndef TMEMS_TM_PLUGIN_H
#define TMEMS_TM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "tmems/tm_status.h"

/* What the program lends a plugin: tm_status.h's allocator and messages. */
typedef struct tm_plugin_host {
    void *(*malloc)(size_t size);
    void *(*calloc)(size_t count, size_t size);
    void *(*realloc)(void *ptr, size_t size);
    void (*free)(void *ptr);
    char *(*strdup)(const char *s);
    char *(*strndup)(const char *s, size_t n);
    const char *(*strerror)(tm_status_t status);
} tm_plugin_host_t;

/* The start of every plugin's table.  A plugin is used only by the build
 * of the program it came with: version must be the program's TM_VERSION
 * and abi the table's own number, else the plugin is refused. */
typedef struct tm_plugin_header {
    const char *version; /* TM_VERSION of the plugin's build */
    uint32_t abi;        /* the table's layout (each table defines its number) */
    uint32_t size;       /* sizeof the whole table */
    /* Called once, before any other entry, with services that outlive the
     * plugin. */
    void (*bind)(const tm_plugin_host_t *host);
} tm_plugin_header_t;

/* The file of plugin name ("doh", "tls", "idn") in dir: "<dir>/<name>.so". */
#define TM_PLUGIN_SUFFIX ".so"

/* Where the plugins are when a caller names no directory: the program
 * says, once, with a function called on the first load that needs it (the
 * command line finds the build tree's or the one next to the running
 * binary, src/cli/plugin_dir.c, and a run that loads no plugin pays
 * nothing for the search).  Without a locator, or when it writes an empty
 * string, it is where the package installs them (${libdir}/tmems-check). */
void tm_plugin_set_locator(void (*locate)(char *out, size_t outlen));

/* Opens the plugin name of dir ("" or NULL: the locator's) once
 * per process (later calls for the same file return the same table; the
 * file is never closed), finds its table `symbol`, checks its header
 * (version, abi, at least min_size bytes) and binds it.  On
 * failure *table is NULL and err gets one line naming the file and why
 * (the dynamic loader's reason, or that the file is not a plugin of this
 * build): TM_ENOTFOUND when the file cannot be loaded, TM_EUNSUPPORTED
 * when it is not a plugin of this build.  Thread-safe. */
tm_status_t tm_plugin_load(const char *dir, const char *name, const char *symbol, uint32_t abi,
                           size_t min_size, const void **table, char *err, size_t errlen);

#endif
