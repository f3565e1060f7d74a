/* Embedding the router in a C program: load a configuration, route a request, walk the plan
 * as a forwarding host would, and report what happened to each attempt.
 *   embed_min router.json */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparouter/sparouter.h"

static int fail(const char *what) {
  const sr_error *e = sr_error_last();
  fprintf(stderr, "%s: %s%s%s\n", what, e->message, *e->param ? " at " : "", e->param);
  return 1;
}

/* Stands in for the HTTP call: the first candidate is "down", the next one answers. */
static int pretend_to_call(const sr_candidate *c, int attempt) {
  printf("  attempt %d: %.*s (%.*s at %.*s)\n", attempt, (int)c->deployment_id.len,
         c->deployment_id.data, (int)c->model.len, c->model.data, (int)c->base_url.len,
         c->base_url.data);
  return attempt == 1 ? 503 : 200;
}

int main(int argc, char **argv) {
  static char config[1 << 16];
  const char *body =
      "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"Why does my Python "
      "code print this stack trace?\"}]}";
  sr_router_options opts = SR_ROUTER_OPTIONS_INIT;
  sr_router *router = NULL;
  sr_decision *decision = NULL;
  sr_decision_info info = SR_DECISION_INFO_INIT;
  sr_candidate c = SR_CANDIDATE_INIT;
  sr_buf version = SR_BUF_INIT;
  size_t len;
  int attempt = 0;
  FILE *f;

  if (argc < 2 || !(f = fopen(argv[1], "rb"))) {
    fprintf(stderr, "usage: %s router.json\n", argv[0]);
    return 2;
  }
  len = fread(config, 1, sizeof config, f);
  fclose(f);

  opts.seed = 2024; /* fixed: the same plan every run */
  if (sr_router_new(&router, &opts) != SR_OK) return fail("sr_router_new");
  if (sr_router_apply_json(router, config, len, &version) != SR_OK) return fail("apply");
  printf("applied configuration %s\n", version.ptr);
  sr_buf_dispose(&version);

  if (sr_router_route(router, body, strlen(body), &decision) != SR_OK) return fail("route");
  sr_decision_info_get(decision, &info);
  printf("group %.*s (source %d), %zu candidates\n", (int)info.group.len, info.group.data,
         info.source, info.candidates);
  while (sr_decision_next(decision, &c) == SR_OK) {
    int status = pretend_to_call(&c, ++attempt);
    int outcome = sr_outcome_from_http_status(status);
    sr_decision_report(router, decision, outcome, 1500, -1);
    if (!sr_outcome_is_retryable(outcome)) {
      printf("  served with HTTP %d after %d attempts\n", status, attempt);
      break;
    }
  }
  sr_decision_free(decision);
  sr_router_free(router);
  return attempt == 2 ? 0 : 1;
}
