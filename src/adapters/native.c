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

static int native_record(void *state, const char *line, size_t len, licit_sink *sink, licit_err *err) {
  licit_event ev;
  int rc = licit_event_parse(state, line, len, &ev, err);
  if (rc == LICIT_ENOMEM) return rc;
  if (rc) return ev.id.n && sink->is_duplicate(sink, ev.id.p, ev.id.n) ? 0 : LICIT_EINVAL;
  return sink->emit(sink, &ev, 0);
}

static void native_destroy(void *state) { licit_event_parser_destroy(state); }

const licit_adapter licit_adapter_native = {"native", native_create, native_record, native_destroy};
