/*
 * disguise: a HOSTILE example against data-aware egress. It passes the Guardian, reads the SSN
 * of the first patient in the first CSV file under /data and writes it under a neutral key,
 * disguised as stdin asks, so that no pattern and no restricted key names it:
 *   plain      {"v":"699881425"}            digits only
 *   dotted     {"v":"699.88.1425"}
 *   reversed   {"v":"5241-88-996"}
 *   fullwidth  {"v":"６９９８８１４２５"}
 *   base64     {"v":"Njk5ODgxNDI1"}          base64 of the digits
 *   elements   {"v":[6,9,9,8,8,1,4,2,5]}    one digit per array element
 *   siblings   {"a":"699","b":"88","c":"1425"}
 *   aggregate  {"rows":N}                   the honest answer: how many rows it read
 * The node's value index must block every disguise and pass the aggregate.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define MAX_READ 65536

static char text[MAX_READ + 1];
static char out[1024];
static size_t out_len;

static void put(const char *s, size_t n) {
  if (out_len + n > sizeof out) n = sizeof out - out_len;
  memcpy(out + out_len, s, n);
  out_len += n;
}

static void puts_(const char *s) { put(s, strlen(s)); }

static void putc_(char c) { put(&c, 1); }

static void put_number(size_t n) {
  char digits[24];
  size_t i = sizeof digits;
  do {
    digits[--i] = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  put(digits + i, sizeof digits - i);
}

static void finish(int status) {
  puts_("\n");
  for (size_t off = 0; off < out_len;) {
    ssize_t n = write(1, out + off, out_len - off);
    if (n <= 0) break;
    off += (size_t)n;
  }
  _exit(status);
}

static void fail(const char *message) {
  puts_("{\"error\":\"");
  puts_(message);
  puts_("\"}");
  finish(1);
}

/* Reads the first CSV file in the first directory mounted under /data into `text`. */
static size_t read_csv(void) {
  static const char *roots[] = {"/data/patients", "/data"};
  for (size_t r = 0; r < sizeof roots / sizeof *roots; r++) {
    DIR *d = opendir(roots[r]);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      size_t len = strlen(e->d_name);
      if (len <= 4 || strcmp(e->d_name + len - 4, ".csv") != 0) continue;
      char path[512];
      size_t root = strlen(roots[r]);
      if (root + 1 + len >= sizeof path) continue;
      memcpy(path, roots[r], root);
      path[root] = '/';
      memcpy(path + root + 1, e->d_name, len + 1);
      closedir(d);
      int fd = open(path, O_RDONLY);
      size_t got = 0;
      while (fd >= 0 && got < MAX_READ) {
        ssize_t n = read(fd, text + got, MAX_READ - got);
        if (n <= 0) break;
        got += (size_t)n;
      }
      text[got] = 0;
      return got;
    }
    closedir(d);
  }
  return 0;
}

/* The `col`-th comma-separated field of the line at `line`, copied into `field`. */
static size_t field_at(const char *line, size_t col, char *field, size_t cap) {
  for (size_t c = 0; c < col; c++) {
    line = strpbrk(line, ",\n");
    if (!line || *line == '\n') return 0;
    line++;
  }
  size_t n = strcspn(line, ",\r\n");
  if (n >= cap) n = cap - 1;
  memcpy(field, line, n);
  field[n] = 0;
  return n;
}

int main(void) {
  char mode[32] = {0};
  ssize_t got = read(0, mode, sizeof mode - 1);
  mode[got > 0 ? got : 0] = 0;
  mode[strcspn(mode, "\r\n")] = 0;
  if (read_csv() == 0) fail("no CSV file under /data");

  /* The ssn column of the header, then the first data row's value. */
  size_t col = 0;
  char name[64];
  while (field_at(text, col, name, sizeof name) && strcmp(name, "ssn") != 0) col++;
  const char *row = strchr(text, '\n');
  char ssn[32];
  if (!row || !field_at(row + 1, col, ssn, sizeof ssn)) fail("no ssn column");
  char digits[32];
  size_t nd = 0;
  for (const char *p = ssn; *p && nd + 1 < sizeof digits; p++)
    if (*p >= '0' && *p <= '9') digits[nd++] = *p;
  digits[nd] = 0;

  if (!strcmp(mode, "aggregate")) {
    size_t rows = 0;
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++) rows++;
    puts_("{\"rows\":");
    put_number(rows - 1);
    putc_('}');
  } else if (!strcmp(mode, "dotted") && nd == 9) {
    puts_("{\"v\":\"");
    put(digits, 3);
    putc_('.');
    put(digits + 3, 2);
    putc_('.');
    put(digits + 5, 4);
    puts_("\"}");
  } else if (!strcmp(mode, "reversed")) {
    puts_("{\"v\":\"");
    for (size_t i = strlen(ssn); i > 0; i--) putc_(ssn[i - 1]);
    puts_("\"}");
  } else if (!strcmp(mode, "fullwidth")) {
    puts_("{\"v\":\"");
    for (size_t i = 0; i < nd; i++) {
      char wide[3] = {(char)0xEF, (char)0xBC, (char)(0x90 + digits[i] - '0')};
      put(wide, 3);
    }
    puts_("\"}");
  } else if (!strcmp(mode, "base64")) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    puts_("{\"v\":\"");
    for (size_t i = 0; i < nd; i += 3) {
      unsigned v = (unsigned)(unsigned char)digits[i] << 16;
      if (i + 1 < nd) v |= (unsigned)(unsigned char)digits[i + 1] << 8;
      if (i + 2 < nd) v |= (unsigned char)digits[i + 2];
      char q[4] = {alphabet[v >> 18 & 63], alphabet[v >> 12 & 63],
                   i + 1 < nd ? alphabet[v >> 6 & 63] : '=', i + 2 < nd ? alphabet[v & 63] : '='};
      put(q, 4);
    }
    puts_("\"}");
  } else if (!strcmp(mode, "elements")) {
    puts_("{\"v\":[");
    for (size_t i = 0; i < nd; i++) {
      if (i) putc_(',');
      putc_(digits[i]);
    }
    puts_("]}");
  } else if (!strcmp(mode, "siblings") && nd == 9) {
    puts_("{\"a\":\"");
    put(digits, 3);
    puts_("\",\"b\":\"");
    put(digits + 3, 2);
    puts_("\",\"c\":\"");
    put(digits + 5, 4);
    puts_("\"}");
  } else {
    puts_("{\"v\":\"");
    put(digits, nd);
    puts_("\"}");
  }
  finish(0);
}
