/*
 * html.c — a Note's HTML content as plain text (see html.h), through
 * libxml2's HTML parser (htmlReadMemory) and a walk over its tree.
 */
#include "adapters/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

void licit__html_init(void) { xmlInitParser(); }

/* Plain text the way Mastodon's own plain-text rendering reads: runs of
 * white space collapse to one space (outside <pre>), <br> is a line break,
 * paragraphs are separated by a blank line, other block elements start on a
 * new line, links are their text, script/style are dropped. */
typedef struct txt {
  licit_buf *out;
  int want_nl;     /* line breaks owed before the next text */
  bool want_space; /* a collapsed white-space run before the next text */
  int rc;
} txt;

/* The line breaks owed, as far as the text does not end in them already. */
static void flush_nl(txt *t) {
  licit_buf *o = t->out;
  int have = 0;
  while (have < (int)o->len && have < t->want_nl && o->data[o->len - 1 - have] == '\n') have++;
  for (int k = have; k < t->want_nl && !t->rc; k++) t->rc = licit_buf_addc(o, '\n');
}

static void txt_put(txt *t, const char *s, size_t n, bool pre) {
  for (size_t i = 0; i < n && !t->rc; i++) {
    char c = s[i];
    if (!pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
      t->want_space = true;
      continue;
    }
    licit_buf *o = t->out;
    if (o->len > 0) {
      if (t->want_nl) {
        flush_nl(t);
      } else if (t->want_space && o->data[o->len - 1] != '\n') {
        t->rc = licit_buf_addc(o, ' ');
      }
    }
    t->want_nl = 0;
    t->want_space = false;
    if (!t->rc) t->rc = licit_buf_addc(o, c);
  }
}

static int block_breaks(const xmlChar *name) {
  static const char *const one[] = {"div", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5",
                                    "h6", "table", "tr", "hr", "dl", "dt", "dd", "section", "article", "header",
                                    "footer", "figure", "figcaption"};
  const char *n = (const char *)name;
  if (strcasecmp(n, "p") == 0) return 2;
  for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
    if (strcasecmp(n, one[i]) == 0) return 1;
  return 0;
}

/* A block boundary owes n line breaks (they replace a pending space). */
static void owe(txt *t, int n) {
  if (n == 0) return;
  if (n > t->want_nl) t->want_nl = n;
  t->want_space = false;
}

int licit__html_to_text(const char *html, size_t n, licit_buf *out) {
  licit_buf_reset(out);
  txt t = {out, 0, false, 0};
  if (!memchr(html, '<', n) && !memchr(html, '&', n)) { /* plain text: no parser needed */
    txt_put(&t, html, n, false);
    return t.rc;
  }
  if (n > INT32_MAX / 3) return LICIT_ETOOBIG;
  /* A NUL in HTML is read as U+FFFD (as HTML5 parsers do): libxml2 would
   * end the document there, dropping what follows. */
  licit_buf nul = LICIT_BUF_INIT;
  if (memchr(html, 0, n)) {
    for (size_t i = 0; i < n && !t.rc; i++)
      t.rc = html[i] ? licit_buf_addc(&nul, html[i]) : licit_buf_add(&nul, "\xEF\xBF\xBD", 3);
    if (t.rc) {
      licit_buf_free(&nul);
      return t.rc;
    }
    html = nul.data;
    n = nul.len;
  }
  /* XML_PARSE_HUGE: without it libxml2 stops at 256 nested elements and
   * drops the rest of the text without a word. */
  htmlDocPtr doc = htmlReadMemory(html, (int)n, NULL, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | XML_PARSE_HUGE);
  licit_buf_free(&nul);
  if (!doc) return 0; /* nothing the parser could read: empty text */
  int pre = 0;
  xmlNodePtr cur = doc->children;
  while (cur && !t.rc) {
    bool descend = true;
    if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
      if (cur->content) txt_put(&t, (const char *)cur->content, strlen((const char *)cur->content), pre > 0);
    } else if (cur->type == XML_ELEMENT_NODE && cur->name) {
      const char *nm = (const char *)cur->name;
      if (strcasecmp(nm, "br") == 0) {
        /* A line break after what is owed (a paragraph's end is kept);
         * none before any text. */
        if (out->len > 0) {
          flush_nl(&t);
          if (!t.rc) t.rc = licit_buf_addc(out, '\n');
        }
        t.want_nl = 0;
        t.want_space = false;
      } else if (strcasecmp(nm, "script") == 0 || strcasecmp(nm, "style") == 0) {
        descend = false;
      } else {
        owe(&t, block_breaks(cur->name));
        if (strcasecmp(nm, "pre") == 0) pre++;
      }
    } else {
      descend = false; /* comments, DTD, processing instructions */
    }
    if (descend && cur->children) {
      cur = cur->children;
      continue;
    }
    for (;;) { /* leave cur; go to its next sibling or up */
      if (cur->type == XML_ELEMENT_NODE && cur->name && descend) {
        owe(&t, block_breaks(cur->name));
        if (strcasecmp((const char *)cur->name, "pre") == 0) pre--;
      }
      descend = true;
      if (cur->next) {
        cur = cur->next;
        break;
      }
      cur = cur->parent;
      if (!cur || cur->type == XML_HTML_DOCUMENT_NODE || cur->type == XML_DOCUMENT_NODE) {
        cur = NULL;
        break;
      }
    }
  }
  xmlFreeDoc(doc);
  return t.rc;
}
