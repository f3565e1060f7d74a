/* The C ABI, tested from C (compiled as C99). Prints "N passed, N failed" and exits non-zero
 * on any failure. argv[1]: a router configuration JSON file; argv[2] (optional): a directory
 * the configuration files may be written to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparouter/sparouter.h"

static int passed, failed;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      ++passed;                                                                \
    } else {                                                                   \
      ++failed;                                                                \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s (%s)\n",        \
              __FILE__, __LINE__, #cond, sr_error_last()->message,             \
              sr_error_last()->param);                                         \
    }                                                                          \
  } while (0)

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = (char *)malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    *len = (size_t)n;
  }
  return buf;
}

static int str_eq(sr_str s, const char *want) {
  return s.len == strlen(want) && memcmp(s.data, want, s.len) == 0;
}

static int64_t fake_now = 1000;
static int64_t fake_clock(void *ud) {
  (void)ud;
  return fake_now;
}

static int log_lines;
static void count_log(void *ud, int level, sr_str msg) {
  (void)ud;
  (void)level;
  (void)msg;
  ++log_lines;
}

static void test_basics(void) {
  sr_router_options opts;
  sr_router *r = NULL;
  sr_buf buf = SR_BUF_INIT;

  CHECK(sr_version_number() == SR_VERSION_NUMBER);
  CHECK(strcmp(sr_version_string(), SR_VERSION_STRING) == 0);
  CHECK(sr_error_last() != NULL);
  CHECK(strcmp(sr_status_str(SR_EINVAL), "invalid argument") == 0);

  CHECK(sr_router_options_init(&opts, 0) == SR_EVERSION);
  CHECK(sr_router_options_init(&opts, SR_ROUTER_OPTIONS_VERSION + 1) == SR_EVERSION);
  CHECK(sr_router_options_init(&opts, SR_ROUTER_OPTIONS_VERSION) == SR_OK);
  opts.version = 0;
  CHECK(sr_router_new(&r, &opts) == SR_EVERSION && r == NULL);
  CHECK(sr_router_new(NULL, NULL) == SR_EINVAL);
  CHECK(sr_router_new(&r, NULL) == SR_OK && r != NULL);

  CHECK(sr_router_version(r, &buf) == SR_EUNAVAILABLE);
  {
    sr_decision *d = NULL;
    const char *body = "{\"model\":\"auto\",\"messages\":[]}";
    CHECK(sr_router_route(r, body, strlen(body), &d) == SR_EUNAVAILABLE && d == NULL);
  }
  CHECK(sr_router_apply_json(r, "{", 1, NULL) == SR_EINVAL);
  {
    const char *bad = "{\"groups\":[{\"name\":\"g\",\"deployments\":[{\"id\":\"d\","
                      "\"provider_id\":\"nope\",\"model\":\"m\"}]}]}";
    CHECK(sr_router_apply_json(r, bad, strlen(bad), NULL) == SR_EINVAL);
    CHECK(strcmp(sr_error_last()->param, "groups[0].deployments[0].provider_id") == 0);
    CHECK(sr_config_check_json(bad, strlen(bad)) == SR_EINVAL);
  }
  sr_router_free(r);
  sr_router_free(NULL);
  sr_decision_free(NULL);
  sr_buf_dispose(NULL);
  sr_buf_dispose(&buf);
}

static void test_route_and_report(const char *config, size_t config_len) {
  sr_router_options opts = SR_ROUTER_OPTIONS_INIT;
  sr_router *r = NULL;
  sr_buf version = SR_BUF_INIT, again = SR_BUF_INIT, json = SR_BUF_INIT;
  sr_decision *d = NULL;
  sr_decision_info info = SR_DECISION_INFO_INIT;
  sr_candidate c = SR_CANDIDATE_INIT;
  const char *body =
      "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"My Python script "
      "dies with a stack trace\"}],\"stream\":true}";
  int n = 0, rc;

  opts.seed = 42;
  opts.now_ms = fake_clock;
  opts.log = count_log;
  CHECK(sr_router_new(&r, &opts) == SR_OK);
  CHECK(sr_config_check_json(config, config_len) == SR_OK);
  CHECK(sr_router_apply_json(r, config, config_len, &version) == SR_OK);
  CHECK(version.size > 0 && version.ptr[version.size] == '\0');
  CHECK(log_lines == 1);
  CHECK(sr_router_version(r, &again) == SR_OK && strcmp(again.ptr, version.ptr) == 0);

  CHECK(sr_router_route(r, body, strlen(body), &d) == SR_OK);
  CHECK(sr_decision_info_get(d, &info) == SR_OK);
  CHECK(str_eq(info.group, "code"));
  CHECK(info.source == SR_SOURCE_RULE);
  CHECK(info.stream == 1);
  CHECK(str_eq(info.model, "auto"));
  CHECK(info.model_length == 6 && memcmp(body + info.model_offset, "\"auto\"", 6) == 0);
  CHECK(info.candidates == 4); /* 2 in tier 0, 1 in tier 1, then general's one */
  while ((rc = sr_decision_next(d, &c)) == SR_OK) {
    ++n;
    if (n <= 2) CHECK(str_eq(c.group, "code") && (str_eq(c.model, "gpt-4o") || str_eq(c.model, "qwen2.5-coder")));
    if (n == 3) CHECK(str_eq(c.deployment_id, "code-mini"));
    if (n == 4) CHECK(str_eq(c.deployment_id, "general-mini") && str_eq(c.group, "general"));
    CHECK(c.timeout_ms == 60000);
    CHECK(sr_decision_report(r, d, SR_OUTCOME_HTTP_5XX, 1200, -1) == SR_OK);
  }
  CHECK(rc == SR_ITEROVER && n == 4);
  CHECK(sr_decision_explain_json(d, &json) == SR_OK);
  CHECK(strstr(json.ptr, "\"rule_id\":\"code-words\"") != NULL);
  CHECK(strstr(json.ptr, "\"source\":\"rule\"") != NULL);
  sr_decision_free(d);

  /* Explicit group, unknown group. */
  {
    const char *b2 = "{\"model\":\"general\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    const char *b3 = "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    CHECK(sr_router_route(r, b2, strlen(b2), &d) == SR_OK);
    info.version = SR_DECISION_INFO_VERSION;
    CHECK(sr_decision_info_get(d, &info) == SR_OK && info.source == SR_SOURCE_EXPLICIT);
    CHECK(sr_decision_judge(d, &c.group, &c.model) == SR_ENOTFOUND);
    sr_decision_free(d);
    d = NULL;
    CHECK(sr_router_route(r, b3, strlen(b3), &d) == SR_ENOTFOUND && d == NULL);
    CHECK(strcmp(sr_error_last()->param, "model") == 0);
  }

  /* Reports by id, and the health they leave behind. */
  {
    sr_str id = {"general-mini", 12};
    sr_str unknown = {"nope", 4};
    CHECK(sr_router_report(r, id, SR_OUTCOME_HTTP_429, 100, 30000) == SR_OK);
    CHECK(sr_router_report(r, unknown, SR_OUTCOME_SUCCESS, 100, -1) == SR_ENOTFOUND);
    CHECK(sr_router_report(r, id, 99, 100, -1) == SR_EINVAL);
    CHECK(sr_router_health_json(r, &json) == SR_OK);
    CHECK(strstr(json.ptr, "\"deployment_id\":\"general-mini\",\"cooling\":true") != NULL);
  }
  CHECK(sr_outcome_is_retryable(SR_OUTCOME_TIMEOUT) == 1);
  CHECK(sr_outcome_is_retryable(SR_OUTCOME_HTTP_4XX) == 0);
  CHECK(sr_outcome_from_http_status(503) == SR_OUTCOME_HTTP_5XX);
  CHECK(sr_outcome_from_http_status(429) == SR_OUTCOME_HTTP_429);

  /* The test bench on plain text. */
  {
    const char *text = "how tall is the eiffel tower";
    CHECK(sr_router_classify(r, text, strlen(text), 1, &d) == SR_OK);
    info.version = SR_DECISION_INFO_VERSION;
    CHECK(sr_decision_info_get(d, &info) == SR_OK);
    CHECK(info.source == SR_SOURCE_CLASSIFIER || info.source == SR_SOURCE_DEFAULT);
    CHECK(sr_decision_explain_json(d, &json) == SR_OK);
    CHECK(strstr(json.ptr, "\"scores\"") != NULL);
    sr_decision_free(d);
  }
  sr_buf_dispose(&version);
  sr_buf_dispose(&again);
  sr_buf_dispose(&json);
  sr_router_free(r);
}

/* Configuration files: generate (as JSON and into a directory), check, load back, apply. */
static void test_config_files(const char *config, size_t config_len, const char *out_dir) {
  sr_buf gen = SR_BUF_INIT, version = SR_BUF_INIT, loaded = SR_BUF_INIT;
  sr_router *r = NULL;
  const char *keyed =
      "{\"providers\":[{\"id\":\"p1\",\"name\":\"P\",\"kind\":\"openai\","
      "\"base_url\":\"https://api.example.com/v1\",\"has_api_key\":true}],"
      "\"groups\":[{\"name\":\"yes\",\"deployments\":[{\"id\":\"d1\","
      "\"provider_id\":\"p1\",\"model\":\"m\"}]}]}";

  CHECK(sr_config_generate_json(config, config_len, &gen) == SR_OK);
  CHECK(strstr(gen.ptr, "\"version\":\"") == gen.ptr + 1);
  CHECK(strstr(gen.ptr, "\"litellm/config.yaml\":\"") != NULL);
  CHECK(strstr(gen.ptr, "\"router/rules.json\":\"") != NULL);
  CHECK(strstr(gen.ptr, "\"router/settings.json\":\"") != NULL);
  CHECK(strstr(gen.ptr, "\"warnings\":[") != NULL);
  CHECK(sr_config_generate_json(keyed, strlen(keyed), &gen) == SR_OK);
  CHECK(strstr(gen.ptr, "api_key: \\\"os.environ/SPAROUTER_KEY_P1\\\"") != NULL);
  CHECK(strstr(gen.ptr, "model_name: \\\"yes\\\"") != NULL);
  CHECK(sr_config_generate_json("{", 1, &gen) == SR_EINVAL);
  CHECK(sr_config_generate_json(config, config_len, NULL) == SR_EINVAL);

  if (out_dir) {
    CHECK(sr_config_generate_to_dir(config, config_len, out_dir, &version) == SR_OK);
    CHECK(version.size == 16);
    CHECK(sr_config_check_dir(out_dir) == SR_OK);
    CHECK(sr_config_load_dir(out_dir, &loaded) == SR_OK);
    CHECK(sr_router_new(&r, NULL) == SR_OK);
    CHECK(sr_router_apply_json(r, loaded.ptr, loaded.size, NULL) == SR_OK);
    sr_router_free(r);
  }
  CHECK(sr_config_check_dir("/nonexistent/sparouter") == SR_ENOTFOUND);
  CHECK(strcmp(sr_error_last()->param, "router/rules.json") == 0);
  CHECK(sr_config_check_dir(NULL) == SR_EINVAL);
  CHECK(sr_config_load_dir("/nonexistent/sparouter", &loaded) == SR_ENOTFOUND);
  CHECK(sr_config_generate_to_dir(config, config_len, NULL, NULL) == SR_EINVAL);
  sr_buf_dispose(&gen);
  sr_buf_dispose(&version);
  sr_buf_dispose(&loaded);
}

int main(int argc, char **argv) {
  size_t len = 0;
  char *config;
  if (argc < 2 || !(config = read_file(argv[1], &len))) {
    fprintf(stderr, "usage: %s router.json\n", argv[0]);
    return 2;
  }
  test_basics();
  test_route_and_report(config, len);
  test_config_files(config, len, argc > 2 ? argv[2] : NULL);
  free(config);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
