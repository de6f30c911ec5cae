/* adapters.c — the table of input formats (--format NAME). */
#include <string.h>

#include "adapters/adapter.h"

extern const licit_adapter licit_adapter_native;
extern const licit_adapter licit_adapter_jetstream;
extern const licit_adapter licit_adapter_activitypub;

static const licit_adapter *const adapters[] = {&licit_adapter_native, &licit_adapter_jetstream,
                                                &licit_adapter_activitypub};

const licit_adapter *licit_adapter_find(const char *name) {
  if (!name) name = "native";
  for (size_t i = 0; i < sizeof adapters / sizeof adapters[0]; i++)
    if (strcmp(adapters[i]->name, name) == 0) return adapters[i];
  return NULL;
}
