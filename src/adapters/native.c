/*
 * native.c — the native JSON Lines format (SPEC section 2) as an adapter:
 * one line, one event.
 */
#include <stdlib.h>

#include "adapters/adapter.h"

static int native_create(void **state, const char *region) {
  (void)region;
  licit_event_parser *p;
  int rc = licit_event_parser_create(&p);
  if (!rc) *state = p;
  return rc;
}

int licit__native_finish(licit_sink *sink, int parse_rc, const licit_event *ev, licit_err *err) {
  (void)err; /* on a parse error it already holds the parser's message */
  if (parse_rc == LICIT_ENOMEM) return parse_rc;
  /* An object whose id was accepted before is a duplicate whatever else it
   * holds, invalid fields included (SPEC 2). */
  if (parse_rc) {
    int dup = ev->id.n ? sink->is_duplicate(sink, ev->id.p, ev->id.n) : 0;
    return dup < 0 ? dup : dup ? 0 : LICIT_EINVAL;
  }
  return sink->emit(sink, ev, 0);
}

static int native_record(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err) {
  licit_event ev;
  int rc = licit_event_parse(state, line, len, &ev, err);
  return licit__native_finish(sink, rc, &ev, err);
}

static void native_destroy(void *state) { licit_event_parser_destroy(state); }

const licit_adapter licit_adapter_native = {"native", native_create, native_record, native_destroy};
