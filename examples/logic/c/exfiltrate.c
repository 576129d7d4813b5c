/*
 * exfiltrate: a HOSTILE example. It passes the Guardian (it imports only allowed WASI
 * functions) but tries to leak raw records through its output; the Data Node's egress filter
 * must block the response.
 *
 * It finds the first *.csv file in the first dataset preopened under /data and copies its first
 * ROWS data rows (names, emails, SSNs...) into the JSON result:
 *   {"rows":[{"patient_id":"P000000001","name":"Mateo Young","email":"...","ssn":"...",...}],
 *    "blob":"<base64 of the same raw CSV lines>"}
 * The "blob" field is an evasion attempt: a filter that does not decode base64 would miss it.
 * stdin selects what is sent: "plain" (rows only), "base64" (blob only), "hex" (the raw lines
 * hex-encoded in "blob"), anything else (including empty) both rows and base64 blob.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

/* No stdio: musl's fflush and frexp are recursive, and a Guardian that rejects recursion would
 * stop this module before the egress filter ever saw it. */

#define ROWS 10
#define MAX_READ 65536
#define MAX_FIELDS 64

static char text[MAX_READ + 1]; /* the head of the CSV file */
static char out[MAX_READ * 4];
static size_t out_len;

static void put(const char *s, size_t n) {
  if (out_len + n > sizeof out) n = sizeof out - out_len;
  memcpy(out + out_len, s, n);
  out_len += n;
}

static void puts_(const char *s) { put(s, strlen(s)); }

static void putc_(char c) { put(&c, 1); }

static void put_json_string(const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  putc_('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      putc_('\\');
      putc_((char)c);
    } else if (c < 0x20) {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      put(e, 6);
    } else {
      putc_((char)c);
    }
  }
  putc_('"');
}

static void put_base64(const unsigned char *s, size_t n) {
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  putc_('"');
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16;
    if (i + 1 < n) v |= (unsigned)s[i + 1] << 8;
    if (i + 2 < n) v |= s[i + 2];
    char q[4] = {alphabet[v >> 18 & 63], alphabet[v >> 12 & 63],
                 i + 1 < n ? alphabet[v >> 6 & 63] : '=', i + 2 < n ? alphabet[v & 63] : '='};
    put(q, 4);
  }
  putc_('"');
}

static void put_hex(const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  putc_('"');
  for (size_t i = 0; i < n; i++) {
    char h[2] = {hex[s[i] >> 4], hex[s[i] & 15]};
    put(h, 2);
  }
  putc_('"');
}

static void finish(int status) {
  size_t off = 0;
  while (off < out_len) {
    ssize_t n = write(1, out + off, out_len - off);
    if (n <= 0) break;
    off += (size_t)n;
  }
  _exit(status);
}

/* Splits one line (NUL-terminated, no newline) in place at commas; the sample data has no
 * quoted fields. */
static size_t split(char *line, char **fields) {
  size_t n = 0;
  char *p = line;
  while (n < MAX_FIELDS) {
    fields[n++] = p;
    char *comma = strchr(p, ',');
    if (!comma) break;
    *comma = 0;
    p = comma + 1;
  }
  return n;
}

/* Cuts the next line off *p (dropping "\r\n"), or returns NULL at the end of the text. */
static char *next_line(char **p) {
  char *line = *p;
  if (!*line) return NULL;
  char *nl = strchr(line, '\n');
  if (nl) {
    *nl = 0;
    *p = nl + 1;
  } else {
    *p = line + strlen(line);
  }
  size_t n = strlen(line);
  if (n && line[n - 1] == '\r') line[n - 1] = 0;
  return line;
}

/* The path of the first CSV file in the first dataset mounted under /data. */
static int find_csv(char *path, size_t cap) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
    char dir[256];
    size_t n = ps.u.dir.pr_name_len;
    if (n >= sizeof dir || __wasi_fd_prestat_dir_name(fd, (uint8_t *)dir, n) != 0) continue;
    dir[n] = 0;
    if (strncmp(dir, "/data/", 6) != 0) continue;
    DIR *d = opendir(dir);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      size_t len = strlen(e->d_name);
      if (len > 4 && !strcmp(e->d_name + len - 4, ".csv") && n + 1 + len < cap) {
        memcpy(path, dir, n);
        path[n] = '/';
        memcpy(path + n + 1, e->d_name, len + 1);
        closedir(d);
        return 1;
      }
    }
    closedir(d);
  }
  return 0;
}

int main(void) {
  char mode[64] = {0};
  ssize_t got = read(0, mode, sizeof mode - 1);
  if (got < 0) got = 0;
  mode[got] = 0;
  int hex = strstr(mode, "hex") != NULL;
  int plain = !hex && !strstr(mode, "base64");
  int encoded = !strstr(mode, "plain");

  char path[512];
  if (!find_csv(path, sizeof path)) {
    puts_("{\"error\":\"no CSV file under /data\"}\n");
    finish(1);
  }
  int fd = open(path, O_RDONLY);
  size_t len = 0;
  while (fd >= 0 && len < MAX_READ) {
    ssize_t n = read(fd, text + len, MAX_READ - len);
    if (n <= 0) break;
    len += (size_t)n;
  }
  if (fd < 0 || len == 0) {
    puts_("{\"error\":\"cannot read the CSV file\"}\n");
    finish(1);
  }
  text[len] = 0;
  char *cursor = text;
  char *header = next_line(&cursor);
  if (!header) {
    puts_("{\"error\":\"the CSV file is empty\"}\n");
    finish(1);
  }
  char *names[MAX_FIELDS], *values[MAX_FIELDS];
  size_t ncols = split(header, names);

  /* the raw lines start right after the header: remember them before splitting */
  const char *raw = cursor;
  size_t raw_len = 0;
  for (int r = 0; r < ROWS; r++) {
    const char *nl = strchr(raw + raw_len, '\n');
    if (!nl) break;
    raw_len = (size_t)(nl - raw) + 1;
  }
  static char raw_copy[MAX_READ];
  memcpy(raw_copy, raw, raw_len);

  putc_('{');
  if (plain) {
    puts_("\"rows\":[");
    char *line;
    for (int r = 0; r < ROWS && (line = next_line(&cursor)) != NULL; r++) {
      size_t n = split(line, values);
      if (r) putc_(',');
      putc_('{');
      for (size_t i = 0; i < n && i < ncols; i++) {
        if (i) putc_(',');
        put_json_string(names[i], strlen(names[i]));
        putc_(':');
        put_json_string(values[i], strlen(values[i]));
      }
      putc_('}');
    }
    putc_(']');
  }
  if (encoded) {
    puts_(plain ? ",\"blob\":" : "\"blob\":");
    if (hex)
      put_hex((const unsigned char *)raw_copy, raw_len);
    else
      put_base64((const unsigned char *)raw_copy, raw_len);
  }
  puts_("}\n");
  finish(0);
}
