/*
 * html.h — a Note's HTML content as plain text (SPEC section 8), the way
 * Mastodon's own plain-text rendering reads.  Internal to src/adapters;
 * the only module that includes libxml2.
 */
#ifndef LICIT_ADAPTERS_HTML_H
#define LICIT_ADAPTERS_HTML_H

#include "core/buf.h"
#include "licit.h"

/* Prepares libxml2 once per process; call before the first conversion
 * (from any thread: libxml2 makes it idempotent and thread-safe). */
void licit__html_init(void);

/* Replaces out's contents with the text of html[0..n): runs of white space
 * collapse to one space (outside <pre>), <br> is a line break, paragraphs
 * are separated by a blank line, other block elements start on a new line,
 * links are their text, script/style are dropped, entities are decoded.
 * Content without '<' or '&' is not parsed.  HTML the parser cannot read at
 * all gives the empty text.  Returns 0, LICIT_ENOMEM, or LICIT_ETOOBIG when
 * the text would pass out->limit (or html is over 2 GiB). */
int licit__html_to_text(const char *html, size_t n, licit_buf *out);

#endif
