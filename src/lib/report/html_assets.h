/* html_assets.h - the inline style sheet and script of the HTML report,
 * and the base64 SHA-256 of each that the page's policy names. */
#ifndef TMEMS_REPORT_HTML_ASSETS_H
#define TMEMS_REPORT_HTML_ASSETS_H

extern const char tm_html_style[];
extern const char tm_html_style_sha256[];
extern const char tm_html_script[];
extern const char tm_html_script_sha256[];

#endif
