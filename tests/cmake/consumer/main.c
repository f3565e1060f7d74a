#include <stdio.h>
#include "sparouter/sparouter.h"

int main(void) {
  sr_router *r = NULL;
  if (sr_router_new(&r, NULL) != SR_OK) return 1;
  sr_router_free(r);
  printf("sparouter %s\n", sr_version_string());
  return sr_version_number() == SR_VERSION_NUMBER ? 0 : 1;
}
