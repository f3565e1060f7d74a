/* sparouter.h must compile as C99 with every warning turned into an error. */
#include "sparouter/sparouter.h"
#include "sparouter/sparouter.h" /* include guard */

int sr_headertest_c(void) {
  sr_router_options o = SR_ROUTER_OPTIONS_INIT;
  sr_candidate c = SR_CANDIDATE_INIT;
  sr_decision_info i = SR_DECISION_INFO_INIT;
  sr_buf b = SR_BUF_INIT;
  (void)c;
  (void)i;
  (void)b;
  return (int)o.version;
}
