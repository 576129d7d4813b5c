/*
 * query.c: answers one SQL query over a SQLite database mounted under /data, inside the
 * sandbox, with SQLite's own engine linked into the module (no host function: the module
 * reads the database file through WASI like any other file).
 *
 * Input (stdin): the database's guest path on the first line, e.g. /data/hospital/patients.db,
 * then the SQL (one statement). Output (stdout): {"columns":[...],"rows":[[...],...]}, integers
 * and reals as JSON numbers (reals spelled as SQLite itself spells them), text as JSON strings,
 * NULL and blobs as null. Errors: {"error":"..."} on stdout, exit status 1.
 *
 * The database is opened read-only and immutable (`?immutable=1`): no lock, no journal, no
 * write. Built by scripts/build-logic.sh from SQLite's amalgamation (public domain; the copy
 * bundled by the libsqlite3-sys crate that Cargo.lock pins) with clang --target=wasm32-wasi.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "sqlite3.h"

/*
 * The database is only read. SQLite's Unix layer can also truncate, sync, create, remove and
 * touch files: the build renames those calls in sqlite3.c to the ro_ functions below (with -D),
 * as it does lstat (see ro_lstat),
 * so the module imports no WASI function that changes a file (the Guardian's default allowlist
 * has none), and any such call fails as on a read-only file system.
 */
int ro_ftruncate(int fd, off_t length);
int ro_fsync(int fd);
int ro_unlink(const char *path);
int ro_rmdir(const char *path);
int ro_mkdir(const char *path, mode_t mode);
int ro_utimes(const char *path, const struct timeval times[2]);
ssize_t ro_readlink(const char *restrict path, char *restrict buf, size_t size);
int ro_lstat(const char *restrict path, struct stat *restrict buf);

int ro_ftruncate(int fd, off_t length) { (void)fd; (void)length; errno = EROFS; return -1; }
int ro_fsync(int fd) { (void)fd; errno = EROFS; return -1; }
int ro_unlink(const char *path) { (void)path; errno = EROFS; return -1; }
int ro_rmdir(const char *path) { (void)path; errno = EROFS; return -1; }
int ro_mkdir(const char *path, mode_t mode) { (void)path; (void)mode; errno = EROFS; return -1; }
int ro_utimes(const char *path, const struct timeval times[2]) {
  (void)path; (void)times; errno = EROFS; return -1;
}
ssize_t ro_readlink(const char *restrict path, char *restrict buf, size_t size) {
  (void)path; (void)buf; (void)size; errno = EINVAL; return -1;
}
/*
 * SQLite resolves symbolic links in a database's path by lstat-ing each prefix ("/data",
 * "/data/hospital", ...). WASI can only reach the mounted directories, not their parents: a
 * prefix it cannot reach is reported as missing, which SQLite skips.
 */
int ro_lstat(const char *restrict path, struct stat *restrict buf) {
  int rc = lstat(path, buf);
  if (rc != 0 && errno == ENOTCAPABLE) errno = ENOENT;
  return rc;
}

#define MAX_INPUT (1 << 20)
#define MAX_ROWS 100000

static void fail(const char *what, const char *detail) {
  printf("{\"error\":\"%s", what);
  if (detail) {
    fputs(": ", stdout);
    for (const char *p = detail; *p; p++)
      if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) putchar(*p);
  }
  puts("\"}");
  exit(1);
}

static void json_string(const unsigned char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') printf("\\%c", *s);
    else if (*s < 0x20) printf("\\u%04x", *s);
    else putchar(*s);
  }
  putchar('"');
}

static void json_value(sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: printf("%lld", (long long)sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: {
      /* SQLite's own spelling of the real (as its CLI prints it); a non-finite one is text. */
      const char *text = (const char *)sqlite3_column_text(st, i);
      if (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')) fputs(text, stdout);
      else json_string((const unsigned char *)text);
      break;
    }
    case SQLITE_TEXT: json_string(sqlite3_column_text(st, i)); break;
    default: fputs("null", stdout); break;
  }
}

int main(void) {
  static char input[MAX_INPUT + 1];
  size_t n = fread(input, 1, MAX_INPUT, stdin);
  if (n == MAX_INPUT) fail("input larger than 1 MiB", NULL);
  input[n] = 0;
  char *sql = strchr(input, '\n');
  if (!sql) fail("input is the database path, a newline, then the SQL", NULL);
  *sql++ = 0;
  if (strncmp(input, "/data/", 6) != 0) fail("the database must be under /data", NULL);

  static char uri[4096];
  if (snprintf(uri, sizeof uri, "file:%s?immutable=1", input) >= (int)sizeof uri)
    fail("database path too long", NULL);
  sqlite3 *db;
  if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    fail("cannot open the database", sqlite3_errmsg(db));
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    fail("cannot prepare the query", sqlite3_errmsg(db));

  int columns = sqlite3_column_count(st);
  fputs("{\"columns\":[", stdout);
  for (int i = 0; i < columns; i++) {
    if (i) putchar(',');
    json_string((const unsigned char *)sqlite3_column_name(st, i));
  }
  fputs("],\"rows\":[", stdout);
  int rc, rows = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (++rows > MAX_ROWS) fail("more than 100000 result rows", NULL);
    fputs(rows > 1 ? ",[" : "[", stdout);
    for (int i = 0; i < columns; i++) {
      if (i) putchar(',');
      json_value(st, i);
    }
    putchar(']');
  }
  if (rc != SQLITE_DONE) fail("the query failed", sqlite3_errmsg(db));
  puts("]}");
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
