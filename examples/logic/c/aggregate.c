/*
 * aggregate: group-by statistics over every CSV file of the mounted datasets.
 *
 * NMP guest (WASI preview 1 command). Reads optional JSON parameters on stdin:
 *   {"group_by":"diagnosis","metric":["age","cost_usd"],"min_count":1}
 * ("metric" may also be one string or a comma-separated list; empty stdin means the defaults
 * above). Walks every preopened directory under /data, reads each *.csv file in 1 MiB blocks,
 * finds the columns by their header names, and prints, per group, the row count and the mean of
 * each metric column:
 *   {"group_by":"diagnosis","files":1,"rows":200,
 *    "groups":{"asthma":{"count":28,"mean_age":34.61,"mean_cost_usd":1002.3},...}}
 * Groups smaller than min_count are left out and counted in "suppressed_groups".
 * Bad parameters print {"error":"..."} and exit with status 1.
 *
 * The same source builds natively (cc -O2) for benchmarks: the data directory is then argv[1]
 * or the NMP_DATA environment variable.
 *
 * No recursion, no qsort, no stdio: CSV and number parsing are by hand, groups live in a small
 * open-addressing hash table, output goes through one buffer.
 *
 * Limits (each enforced; exceeding one is reported, never a crash):
 *   MAX_METRICS metric columns, MAX_GROUPS distinct groups (further rows count as
 *   "overflow_rows"), MAX_KEY bytes per group key (longer keys count as "overflow_rows"),
 *   MAX_COLUMNS header columns, BLOCK bytes per record, MAX_FILES files, MAX_DIRS directories.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif

#ifndef BLOCK
#define BLOCK (1u << 20) /* read size; -DBLOCK=64 exercises records split across reads */
#endif
#define MAX_METRICS 8
#define MAX_NAME 128
#define MAX_GROUPS 4096
#define TABLE_SLOTS 8192 /* power of two, at least 2 * MAX_GROUPS */
#define MAX_KEY 256
#define MAX_COLUMNS 1024
#define MAX_FILES 4096
#define MAX_DIRS 1024
#define MAX_PATH 1024
#define MAX_PARAMS 65536

/* ---------- output ---------- */

static char out_buf[1 << 16];
static size_t out_len;

static void out_flush(void) {
  size_t off = 0;
  while (off < out_len) {
    ssize_t n = write(1, out_buf + off, out_len - off);
    if (n <= 0) break;
    off += (size_t)n;
  }
  out_len = 0;
}

static void out_bytes(const char *s, size_t n) {
  while (n > 0) {
    size_t room = sizeof out_buf - out_len;
    size_t take = n < room ? n : room;
    memcpy(out_buf + out_len, s, take);
    out_len += take;
    s += take;
    n -= take;
    if (out_len == sizeof out_buf) out_flush();
  }
}

static void out_str(const char *s) { out_bytes(s, strlen(s)); }

static void out_u64(uint64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  out_bytes(tmp + i, sizeof tmp - i);
}

/* A number rounded to 2 decimals, trailing zeros trimmed (41.20 -> 41.2, 40.00 -> 40). */
static void out_num(double v) {
  if (!(v == v) || v > 9e15 || v < -9e15) {
    out_str("null");
    return;
  }
  if (v < 0) {
    v = -v;
    int64_t probe = (int64_t)(v * 100.0 + 0.5);
    if (probe != 0) out_bytes("-", 1);
  }
  uint64_t cents = (uint64_t)(v * 100.0 + 0.5);
  out_u64(cents / 100);
  unsigned frac = (unsigned)(cents % 100);
  if (frac) {
    char d[3] = {'.', (char)('0' + frac / 10), (char)('0' + frac % 10)};
    out_bytes(d, frac % 10 ? 3 : 2);
  }
}

/* A JSON string; invalid UTF-8 becomes U+FFFD so the output is always valid JSON. */
static void out_json_str(const uint8_t *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  out_bytes("\"", 1);
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      out_bytes(e, 2);
      i++;
    } else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out_bytes(e, 6);
      i++;
    } else if (c < 0x80) {
      out_bytes((const char *)&c, 1);
      i++;
    } else {
      size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
      int ok = len != 0 && i + len <= n;
      for (size_t k = 1; ok && k < len; k++) ok = (s[i + k] & 0xC0) == 0x80;
      if (ok && len == 3) {
        uint8_t c1 = s[i + 1];
        ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
      }
      if (ok && len == 4) {
        uint8_t c1 = s[i + 1];
        ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
      }
      if (ok) {
        out_bytes((const char *)s + i, len);
        i += len;
      } else {
        out_str("\\ufffd");
        i++;
      }
    }
  }
  out_bytes("\"", 1);
}

static void fail(const char *msg) {
  out_len = 0;
  out_str("{\"error\":");
  out_json_str((const uint8_t *)msg, strlen(msg));
  out_str("}\n");
  out_flush();
  exit(1);
}

/* ---------- parameters ---------- */

static char group_by[MAX_NAME] = "diagnosis";
static char metrics[MAX_METRICS][MAX_NAME] = {"age", "cost_usd"};
static size_t n_metrics = 2;
static uint64_t min_count = 1;

static uint8_t params[MAX_PARAMS];
static size_t params_len, pp;

static void skip_ws(void) {
  while (pp < params_len && (params[pp] == ' ' || params[pp] == '\t' || params[pp] == '\n' ||
                             params[pp] == '\r'))
    pp++;
}

static int hexval(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parses a JSON string at pp into dst (NUL-terminated, UTF-8). */
static void parse_string(char *dst, size_t cap) {
  size_t n = 0;
  if (pp >= params_len || params[pp] != '"') fail("parameters: expected a string");
  pp++;
  for (;;) {
    if (pp >= params_len) fail("parameters: unterminated string");
    uint8_t c = params[pp++];
    if (c == '"') break;
    if (c < 0x20) fail("parameters: control character in string");
    uint32_t cp = c;
    if (c == '\\') {
      if (pp >= params_len) fail("parameters: bad escape");
      uint8_t e = params[pp++];
      switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u': {
          cp = 0;
          for (int k = 0; k < 4; k++) {
            int h = pp < params_len ? hexval(params[pp]) : -1;
            if (h < 0) fail("parameters: bad \\u escape");
            cp = cp * 16 + (uint32_t)h;
            pp++;
          }
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD; /* lone or paired surrogate */
          break;
        }
        default: fail("parameters: bad escape");
      }
      uint8_t enc[3];
      size_t len;
      if (cp < 0x80) {
        enc[0] = (uint8_t)cp;
        len = 1;
      } else if (cp < 0x800) {
        enc[0] = (uint8_t)(0xC0 | cp >> 6);
        enc[1] = (uint8_t)(0x80 | (cp & 63));
        len = 2;
      } else {
        enc[0] = (uint8_t)(0xE0 | cp >> 12);
        enc[1] = (uint8_t)(0x80 | ((cp >> 6) & 63));
        enc[2] = (uint8_t)(0x80 | (cp & 63));
        len = 3;
      }
      if (n + len >= cap) fail("parameters: column name too long");
      memcpy(dst + n, enc, len);
      n += len;
      continue;
    }
    if (n + 1 >= cap) fail("parameters: column name too long");
    dst[n++] = (char)cp;
  }
  dst[n] = 0;
}

/* Skips any JSON value (nesting tracked with a counter, not recursion). */
static void skip_value(void) {
  size_t depth = 0;
  do {
    skip_ws();
    if (pp >= params_len) fail("parameters: truncated JSON");
    uint8_t c = params[pp];
    if (c == '"') {
      pp++;
      while (pp < params_len && params[pp] != '"') pp += params[pp] == '\\' ? 2 : 1;
      if (pp >= params_len) fail("parameters: unterminated string");
      pp++;
    } else if (c == '{' || c == '[') {
      depth++;
      pp++;
      continue;
    } else if (c == '}' || c == ']') {
      if (depth == 0) fail("parameters: unexpected bracket");
      depth--;
      pp++;
    } else if (c == ',' || c == ':') {
      if (depth == 0) fail("parameters: unexpected separator");
      pp++;
      continue;
    } else {
      size_t start = pp;
      while (pp < params_len && params[pp] != ',' && params[pp] != '}' && params[pp] != ']' &&
             params[pp] != ' ' && params[pp] != '\n' && params[pp] != '\r' && params[pp] != '\t' &&
             params[pp] != ':')
        pp++;
      if (pp == start) fail("parameters: bad value");
    }
  } while (depth > 0);
}

/* Splits "a,b" into metric names. */
static void add_metric_list(const char *list) {
  const char *p = list;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    while (len && *p == ' ') p++, len--;
    while (len && p[len - 1] == ' ') len--;
    if (len) {
      if (n_metrics == MAX_METRICS) fail("parameters: too many metrics (limit 8)");
      memcpy(metrics[n_metrics], p, len);
      metrics[n_metrics][len] = 0;
      n_metrics++;
    }
    if (!comma) break;
    p = comma + 1;
  }
}

static void read_params(void) {
  for (;;) {
    if (params_len == sizeof params) fail("parameters: more than 64 KiB");
    ssize_t n = read(0, params + params_len, sizeof params - params_len);
    if (n < 0) fail("parameters: cannot read stdin");
    if (n == 0) break;
    params_len += (size_t)n;
  }
  pp = 0;
  skip_ws();
  if (pp == params_len) return; /* empty: defaults */
  if (params[pp] != '{') fail("parameters: expected a JSON object");
  pp++;
  skip_ws();
  if (pp < params_len && params[pp] == '}') {
    pp++;
  } else {
    for (;;) {
      char key[MAX_NAME];
      skip_ws();
      parse_string(key, sizeof key);
      skip_ws();
      if (pp >= params_len || params[pp] != ':') fail("parameters: expected ':'");
      pp++;
      skip_ws();
      if (pp >= params_len) fail("parameters: truncated JSON");
      if (!strcmp(key, "group_by")) {
        parse_string(group_by, sizeof group_by);
        if (!group_by[0]) fail("parameters: group_by is empty");
      } else if (!strcmp(key, "metric") || !strcmp(key, "metrics")) {
        n_metrics = 0;
        if (params[pp] == '"') {
          char list[MAX_NAME * MAX_METRICS];
          parse_string(list, sizeof list);
          add_metric_list(list);
        } else if (params[pp] == '[') {
          pp++;
          skip_ws();
          if (pp < params_len && params[pp] == ']') {
            pp++;
          } else {
            for (;;) {
              char name[MAX_NAME];
              skip_ws();
              parse_string(name, sizeof name);
              add_metric_list(name);
              skip_ws();
              if (pp < params_len && params[pp] == ',') {
                pp++;
                continue;
              }
              if (pp < params_len && params[pp] == ']') {
                pp++;
                break;
              }
              fail("parameters: expected ',' or ']' in metric list");
            }
          }
        } else {
          fail("parameters: metric must be a string or an array of strings");
        }
      } else if (!strcmp(key, "min_count")) {
        uint64_t v = 0;
        size_t start = pp;
        while (pp < params_len && params[pp] >= '0' && params[pp] <= '9' && pp - start < 15)
          v = v * 10 + (uint64_t)(params[pp++] - '0');
        if (pp == start || (pp < params_len && params[pp] >= '0' && params[pp] <= '9'))
          fail("parameters: min_count must be a non-negative integer below 10^15");
        min_count = v;
      } else {
        skip_value();
      }
      skip_ws();
      if (pp < params_len && params[pp] == ',') {
        pp++;
        continue;
      }
      if (pp < params_len && params[pp] == '}') {
        pp++;
        break;
      }
      fail("parameters: expected ',' or '}'");
    }
  }
  skip_ws();
  if (pp != params_len) fail("parameters: trailing bytes after the object");
}

/* ---------- groups ---------- */

typedef struct {
  uint64_t count;
  uint32_t hash, key_off, key_len;
  uint64_t n[MAX_METRICS];
  double sum[MAX_METRICS];
} group_t;

static group_t groups[MAX_GROUPS];
static uint32_t n_groups;
static uint16_t table[TABLE_SLOTS]; /* group index + 1; 0 = empty */
static uint8_t key_arena[MAX_GROUPS * 32];
static size_t arena_len;
static uint64_t total_rows, overflow_rows, short_rows, skipped_files;

static uint32_t hash_key(const uint8_t *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
  return h;
}

/* The group for key, created if new; NULL when a limit is reached. */
static group_t *find_group(const uint8_t *key, size_t n) {
  if (n > MAX_KEY) return NULL;
  uint32_t h = hash_key(key, n);
  uint32_t slot = h & (TABLE_SLOTS - 1);
  for (;;) {
    uint16_t idx = table[slot];
    if (!idx) break;
    group_t *g = &groups[idx - 1];
    if (g->hash == h && g->key_len == n && !memcmp(key_arena + g->key_off, key, n)) return g;
    slot = (slot + 1) & (TABLE_SLOTS - 1);
  }
  if (n_groups == MAX_GROUPS || arena_len + n > sizeof key_arena) return NULL;
  group_t *g = &groups[n_groups];
  g->hash = h;
  g->key_off = (uint32_t)arena_len;
  g->key_len = (uint32_t)n;
  memcpy(key_arena + arena_len, key, n);
  arena_len += n;
  table[slot] = (uint16_t)(++n_groups);
  return g;
}

/* ---------- numbers ---------- */

static const double pow10_neg[19] = {1,    1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,
                                     1e-7, 1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13,
                                     1e-14, 1e-15, 1e-16, 1e-17, 1e-18};

/* Parses [-+]digits[.digits] by hand; returns 0 if the field is not such a number. */
static int parse_num(const uint8_t *s, size_t n, double *out) {
  size_t i = 0;
  int neg = 0;
  while (i < n && s[i] == ' ') i++;
  while (n > i && s[n - 1] == ' ') n--;
  if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  uint64_t mant = 0;
  int digits = 0, frac = 0, scale = 0, any = 0;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, any = 1) {
    if (digits < 19) {
      mant = mant * 10 + (uint64_t)(s[i] - '0');
      if (mant) digits++;
    } else {
      scale++;
    }
  }
  if (i < n && s[i] == '.') {
    for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, any = 1) {
      if (digits < 19 && frac < 18) {
        mant = mant * 10 + (uint64_t)(s[i] - '0');
        if (mant) digits++;
        frac++;
      }
    }
  }
  if (!any || i != n) return 0;
  double v = (double)mant * pow10_neg[frac];
  for (; scale > 0; scale--) v *= 10.0;
  *out = neg ? -v : v;
  return 1;
}

/* ---------- CSV ---------- */

typedef struct {
  const uint8_t *p;
  size_t n;
  int quoted;
} span_t;

static uint8_t block[BLOCK];
static int header_done;
static int32_t group_col, metric_col[MAX_METRICS];
static uint8_t wanted[MAX_COLUMNS];
static span_t spans[MAX_COLUMNS];
static uint32_t max_col;

/* The field's bytes without quotes; "" inside a quoted field becomes " (copied into tmp). */
static const uint8_t *unquote(span_t s, uint8_t *tmp, size_t cap, size_t *len) {
  if (!s.quoted) {
    *len = s.n;
    return s.p;
  }
  const uint8_t *p = s.p + 1;
  size_t n = s.n - 1;
  size_t end = 0;
  for (size_t i = 0; i < n; i++) /* find the closing quote */
    if (p[i] == '"') {
      if (i + 1 < n && p[i + 1] == '"') {
        i++;
        continue;
      }
      end = i;
      break;
    }
  size_t k = 0;
  for (size_t i = 0; i < end && k < cap; i++) {
    tmp[k++] = p[i];
    if (p[i] == '"') i++;
  }
  *len = k;
  return tmp;
}

static void handle_header(uint32_t nfields) {
  group_col = -1;
  for (size_t m = 0; m < n_metrics; m++) metric_col[m] = -1;
  for (uint32_t f = 0; f < nfields && f < MAX_COLUMNS; f++) {
    uint8_t tmp[MAX_NAME];
    size_t len;
    const uint8_t *name = unquote(spans[f], tmp, sizeof tmp, &len);
    if (f == 0 && len >= 3 && name[0] == 0xEF && name[1] == 0xBB && name[2] == 0xBF)
      name += 3, len -= 3; /* UTF-8 byte order mark */
    while (len && name[len - 1] == ' ') len--;
    if (len == strlen(group_by) && !memcmp(name, group_by, len) && group_col < 0)
      group_col = (int32_t)f;
    for (size_t m = 0; m < n_metrics; m++)
      if (len == strlen(metrics[m]) && !memcmp(name, metrics[m], len) && metric_col[m] < 0)
        metric_col[m] = (int32_t)f;
  }
  if (group_col < 0) skipped_files++;
  memset(wanted, 0, sizeof wanted);
  max_col = 0;
  if (group_col >= 0) {
    wanted[group_col] = 1;
    max_col = (uint32_t)group_col;
  }
  for (size_t m = 0; m < n_metrics; m++)
    if (metric_col[m] >= 0) {
      wanted[metric_col[m]] = 1;
      if ((uint32_t)metric_col[m] > max_col) max_col = (uint32_t)metric_col[m];
    }
}

static void handle_row(uint32_t nfields) {
  if (group_col < 0) return;
  if ((uint32_t)group_col >= nfields) {
    short_rows++;
    return;
  }
  total_rows++;
  uint8_t tmp[MAX_KEY];
  size_t len;
  const uint8_t *key = unquote(spans[group_col], tmp, sizeof tmp, &len);
  if (spans[group_col].n > MAX_KEY + 2) len = MAX_KEY + 1; /* too long: overflow */
  group_t *g = find_group(key, len);
  if (!g) {
    overflow_rows++;
    return;
  }
  g->count++;
  for (size_t m = 0; m < n_metrics; m++) {
    int32_t c = metric_col[m];
    if (c < 0 || (uint32_t)c >= nfields) continue;
    uint8_t ntmp[64];
    size_t nlen;
    const uint8_t *s = unquote(spans[c], ntmp, sizeof ntmp, &nlen);
    double v;
    if (parse_num(s, nlen, &v)) {
      g->sum[m] += v;
      g->n[m]++;
    }
  }
}

/* 0x80 in each byte of v that is zero (exact for the lowest such byte). */
static inline uint64_t zero_bytes(uint64_t v) {
  return (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull;
}

/* The offset of the first ',' or '\n' at or after pos, or len: eight bytes per step (SWAR). */
static inline size_t next_delim(const uint8_t *buf, size_t pos, size_t len) {
  while (pos + 8 <= len) {
    uint64_t w;
    memcpy(&w, buf + pos, 8); /* both targets are little-endian */
    uint64_t hit = zero_bytes(w ^ 0x2c2c2c2c2c2c2c2cull) | zero_bytes(w ^ 0x0a0a0a0a0a0a0a0aull);
    if (hit) return pos + ((size_t)__builtin_ctzll(hit) >> 3);
    pos += 8;
  }
  while (pos < len && buf[pos] != ',' && buf[pos] != '\n') pos++;
  return pos;
}

/*
 * Parses the complete records of buf[0..len) and returns the offset of the first incomplete one
 * (all of len at end of file). A record ends at an unquoted '\n'; '\r' before it is dropped.
 */
static size_t parse_block(const uint8_t *buf, size_t len, int at_eof) {
  size_t pos = 0;
  while (pos < len) {
    size_t rec = pos;
    uint32_t field = 0;
    uint32_t last_wanted = header_done ? max_col : MAX_COLUMNS - 1;
    for (;;) {
      size_t start = pos;
      int quoted = 0;
      if (pos < len && buf[pos] == '"') {
        quoted = 1;
        pos++;
        for (;;) {
          const uint8_t *q = memchr(buf + pos, '"', len - pos);
          if (!q) {
            if (!at_eof) return rec;
            pos = len;
            break;
          }
          pos = (size_t)(q - buf) + 1;
          if (pos < len && buf[pos] == '"') {
            pos++;
            continue;
          }
          if (pos == len && !at_eof) return rec;
          break;
        }
      }
      if (field > last_wanted && !quoted) {
        /* Nothing more is needed from this record: jump to its end, unless a quote follows
         * (a quoted field may hold a newline), then parse field by field as usual. */
        const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
        size_t stop = nl ? (size_t)(nl - buf) : len;
        if (!memchr(buf + pos, '"', stop - pos)) {
          if (!nl && !at_eof) return rec;
          pos = stop;
          field++;
          break;
        }
        last_wanted = MAX_COLUMNS;
      }
      pos = next_delim(buf, pos, len);
      if (pos == len && !at_eof) return rec;
      size_t end = pos;
      if (end > start && buf[end - 1] == '\r' && (end == len || buf[end] == '\n')) end--;
      if (field < MAX_COLUMNS && (!header_done || wanted[field])) {
        spans[field].p = buf + start;
        spans[field].n = end - start;
        spans[field].quoted = quoted;
      }
      field++;
      if (pos < len && buf[pos] == ',') {
        pos++;
        continue;
      }
      break;
    }
    int blank = field == 1 && (pos == rec || (pos == rec + 1 && buf[rec] == '\r'));
    if (pos < len) pos++; /* the '\n' */
    if (blank) continue;
    if (!header_done) {
      if (field > MAX_COLUMNS) fail("a CSV header has more than 1024 columns");
      handle_header(field);
      header_done = 1;
    } else {
      handle_row(field);
    }
  }
  return pos;
}

static void process_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  header_done = 0;
  size_t have = 0;
  int eof = 0;
  while (!eof) {
    while (have < BLOCK) {
      ssize_t n = read(fd, block + have, BLOCK - have);
      if (n < 0) fail("read error");
      if (n == 0) {
        eof = 1;
        break;
      }
      have += (size_t)n;
    }
    size_t used = parse_block(block, have, eof);
    if (!eof && used == 0) fail("a CSV record is longer than 1 MiB");
    memmove(block, block + used, have - used);
    have -= used;
  }
  close(fd);
}

/* ---------- dataset discovery ---------- */

static char *files[MAX_FILES];
static size_t n_files;
static char *dirs[MAX_DIRS];
static size_t n_dirs, n_dirs_seen;

static char *join(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la + 1 + lb + 1 > MAX_PATH) return NULL;
  char *p = malloc(la + lb + 2);
  if (!p) fail("out of memory");
  memcpy(p, a, la);
  p[la] = '/';
  memcpy(p + la + 1, b, lb + 1);
  return p;
}

static void push_dir(char *path) {
  if (n_dirs_seen >= MAX_DIRS) fail("more than 1024 directories under /data");
  dirs[n_dirs++] = path;
  n_dirs_seen++;
}

static int is_csv(const char *name) {
  size_t n = strlen(name);
  return n > 4 && !strcmp(name + n - 4, ".csv");
}

/* Walks the queued directories breadth-first with an explicit list (no recursion). */
static void walk(void) {
  while (n_dirs > 0) {
    char *dir = dirs[--n_dirs];
    DIR *d = opendir(dir);
    if (d) {
      struct dirent *e;
      while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue; /* ., .. and hidden files */
        unsigned char type = e->d_type;
        char *path = join(dir, e->d_name);
        if (!path) continue;
        if (type == DT_UNKNOWN) {
          struct stat st;
          if (lstat(path, &st) == 0) /* lstat: symbolic links are not followed */
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type == DT_DIR) {
          push_dir(path);
        } else if (type == DT_REG && is_csv(e->d_name)) {
          if (n_files == MAX_FILES) fail("more than 4096 CSV files under /data");
          files[n_files++] = path;
        } else {
          free(path);
        }
      }
      closedir(d);
    }
    free(dir);
  }
  /* insertion sort: a fixed file order makes the floating-point sums reproducible */
  for (size_t i = 1; i < n_files; i++) {
    char *f = files[i];
    size_t j = i;
    while (j > 0 && strcmp(files[j - 1], f) > 0) {
      files[j] = files[j - 1];
      j--;
    }
    files[j] = f;
  }
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (!p) fail("out of memory");
  memcpy(p, s, n);
  return p;
}

#ifdef __wasi__
/* Queues every preopened directory whose guest path is /data or below it. */
static void find_datasets(void) {
  for (__wasi_fd_t fd = 3; fd < 3 + 4096; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break; /* preopens are numbered from 3 up */
    if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
    size_t n = ps.u.dir.pr_name_len;
    if (n == 0 || n >= MAX_PATH) continue;
    char name[MAX_PATH];
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, n) != 0) continue;
    name[n] = 0;
    while (n > 1 && name[n - 1] == '/') name[--n] = 0;
    if (!strcmp(name, "/data") || !strncmp(name, "/data/", 6)) push_dir(dup_str(name));
  }
  if (n_dirs == 0) fail("no dataset is mounted under /data");
}

int main(void) {
  read_params();
  find_datasets();
#else
int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : getenv("NMP_DATA");
  if (!dir) fail("usage: aggregate DATA_DIR < params.json (or set NMP_DATA)");
  read_params();
  push_dir(dup_str(dir));
#endif
  walk();
  for (size_t i = 0; i < n_files; i++) process_file(files[i]);

  out_str("{\"group_by\":");
  out_json_str((const uint8_t *)group_by, strlen(group_by));
  out_str(",\"files\":");
  out_u64(n_files);
  out_str(",\"rows\":");
  out_u64(total_rows);
  if (overflow_rows) {
    out_str(",\"overflow_rows\":");
    out_u64(overflow_rows);
  }
  if (short_rows) {
    out_str(",\"short_rows\":");
    out_u64(short_rows);
  }
  if (skipped_files) {
    out_str(",\"files_without_group_column\":");
    out_u64(skipped_files);
  }

  /* order groups by key (insertion sort over indices, no recursion) */
  static uint16_t order[MAX_GROUPS];
  for (uint32_t i = 0; i < n_groups; i++) {
    uint32_t j = i;
    const group_t *gi = &groups[i];
    while (j > 0) {
      const group_t *gj = &groups[order[j - 1]];
      size_t m = gi->key_len < gj->key_len ? gi->key_len : gj->key_len;
      int c = memcmp(key_arena + gj->key_off, key_arena + gi->key_off, m);
      if (c < 0 || (c == 0 && gj->key_len <= gi->key_len)) break;
      order[j] = order[j - 1];
      j--;
    }
    order[j] = (uint16_t)i;
  }
  uint64_t suppressed = 0;
  int first = 1;
  out_str(",\"groups\":{");
  for (uint32_t i = 0; i < n_groups; i++) {
    const group_t *g = &groups[order[i]];
    if (g->count < min_count) {
      suppressed++;
      continue;
    }
    if (!first) out_bytes(",", 1);
    first = 0;
    out_json_str(key_arena + g->key_off, g->key_len);
    out_str(":{\"count\":");
    out_u64(g->count);
    for (size_t m = 0; m < n_metrics; m++) {
      out_str(",");
      size_t ml = strlen(metrics[m]);
      uint8_t label[MAX_NAME + 5];
      memcpy(label, "mean_", 5);
      memcpy(label + 5, metrics[m], ml);
      out_json_str(label, ml + 5);
      out_bytes(":", 1);
      if (g->n[m])
        out_num(g->sum[m] / (double)g->n[m]);
      else
        out_str("null");
    }
    out_bytes("}", 1);
  }
  out_str("}");
  if (suppressed) {
    out_str(",\"suppressed_groups\":");
    out_u64(suppressed);
  }
  out_str("}\n");
  out_flush();
  return 0;
}
