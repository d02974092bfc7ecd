/* test_curl_lazy.c - libcurl is opened on first use (src/lib/resolve/
 * curl_lazy.c): not mapped before any curl function is called, mapped
 * after, and every kind of variadic argument (long, data pointer, function
 * pointer, curl_off_t) reaches libcurl intact.  The tests run in order: the
 * first one must see the process before anything touched libcurl.
 * Nothing here sends a request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

static bool curl_mapped(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[4096];
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "/libcurl")) {
            found = true;
            break;
        }
    }
    fclose(f);
    return found;
}

static void test_not_loaded_at_start(void **state)
{
    (void)state;
    assert_false(curl_mapped());
}

static void test_loaded_on_first_use(void **state)
{
    (void)state;
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    assert_non_null(info);
    assert_non_null(info->version);
    assert_true(info->version_num >= 0x073e00); /* 7.62: the URL API doh.c uses */
    assert_true(curl_mapped());
    assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    assert_string_equal(curl_easy_strerror(CURLE_OK), "No error");
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    (void)data;
    (void)arg;
    return size * n;
}

static void test_easy_arguments(void **state)
{
    (void)state;
    CURL *easy = curl_easy_init();
    assert_non_null(easy);
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L), CURLE_OK);
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:9/"), CURLE_OK);
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body), CURLE_OK);
    /* The values arrive: libcurl refuses a redirect limit below -1 and a
     * negative size, and takes the same options with sane values. */
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_MAXREDIRS, -2L),
                     CURLE_BAD_FUNCTION_ARGUMENT);
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 3L), CURLE_OK);
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)-5),
                     CURLE_BAD_FUNCTION_ARGUMENT);
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)65536),
                     CURLE_OK);
    /* The pointer arrives and comes back through getinfo. */
    static int marker;
    assert_int_equal(curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)&marker), CURLE_OK);
    char *priv = NULL;
    assert_int_equal(curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv), CURLE_OK);
    assert_ptr_equal(priv, (char *)&marker);
    long code = -1;
    assert_int_equal(curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
    assert_int_equal(code, 0); /* nothing was sent */
    curl_easy_cleanup(easy);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)fd;
    (void)what;
    (void)userp;
    (void)socketp;
    return 0;
}

static void test_multi_arguments(void **state)
{
    (void)state;
    CURLM *multi = curl_multi_init();
    assert_non_null(multi);
    static int data;
    assert_int_equal(curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket), CURLM_OK);
    assert_int_equal(curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, (void *)&data), CURLM_OK);
    assert_int_equal(curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 4L), CURLM_OK);
    /* An option number libcurl does not know is refused, not crashed on. */
    assert_int_equal(curl_multi_setopt(multi, (CURLMoption)9999, 1L), CURLM_UNKNOWN_OPTION);
    CURL *easy = curl_easy_init();
    assert_non_null(easy);
    assert_int_equal(curl_multi_add_handle(multi, easy), CURLM_OK);
    assert_int_equal(curl_multi_remove_handle(multi, easy), CURLM_OK);
    int left = -1;
    assert_null(curl_multi_info_read(multi, &left));
    assert_int_equal(left, 0);
    long timeout = 0;
    assert_int_equal(curl_multi_timeout(multi, &timeout), CURLM_OK);
    curl_easy_cleanup(easy);
    assert_int_equal(curl_multi_cleanup(multi), CURLM_OK);
    assert_true(strlen(curl_multi_strerror(CURLM_BAD_HANDLE)) > 0);
}

static void test_lists_and_urls(void **state)
{
    (void)state;
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/dns-message");
    assert_non_null(h);
    h = curl_slist_append(h, "Content-Type: application/dns-message");
    assert_non_null(h);
    assert_non_null(h->next);
    assert_string_equal(h->next->data, "Content-Type: application/dns-message");
    curl_slist_free_all(h);

    CURLU *u = curl_url();
    assert_non_null(u);
    assert_int_equal(curl_url_set(u, CURLUPART_URL, "http://127.0.0.1:8053/dns-query", 0),
                     CURLUE_OK);
    char *port = NULL;
    assert_int_equal(curl_url_get(u, CURLUPART_PORT, &port, 0), CURLUE_OK);
    assert_string_equal(port, "8053");
    curl_free(port);
    CURLUcode bad = curl_url_set(u, CURLUPART_URL, "http://[::1/", 0);
    assert_int_not_equal(bad, CURLUE_OK);
    assert_true(strlen(curl_url_strerror(bad)) > 0);
    curl_url_cleanup(u);
    curl_global_cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_loaded_at_start),
        cmocka_unit_test(test_loaded_on_first_use),
        cmocka_unit_test(test_easy_arguments),
        cmocka_unit_test(test_multi_arguments),
        cmocka_unit_test(test_lists_and_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
