/* What one bar costs SQLite in the price store's layout, and in two alternatives.
 *
 * Inserts T securities × D days of OHLCV bars into a fresh WAL database with the store's settings
 * (page size 32 KiB, synchronous=NORMAL, 64 MiB cache) through 64-row INSERT OR IGNORE
 * statements, in one transaction, and prints microseconds per row. Variants:
 *   key   text  the store's key: (security_id INTEGER, date TEXT 'YYYY-MM-DD'), WITHOUT ROWID
 *         int   the same with the date as an INTEGER (YYYYMMDD)
 *   order frag  fragments of F rows per security in turn (a date-major long file as the loader
 *               flushes it: every security's range grows in the middle of the B-tree)
 *         whole each security's whole series at once (appends at the right edge of the B-tree)
 * Usage: bench-store-layout DB text|int frag|whole F
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int fail(sqlite3 *db, const char *what) {
  fprintf(stderr, "bench-store-layout: %s: %s\n", what, sqlite3_errmsg(db));
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s DB text|int frag|whole F\n", argv[0]);
    return 2;
  }
  const char *path = argv[1];
  int intDates = strcmp(argv[2], "int") == 0;
  int whole = strcmp(argv[3], "whole") == 0;
  int frag = atoi(argv[4]);
  enum { T = 2000, D = 2000, BATCH = 64, W = 7 };
  if (frag <= 0 || D % frag != 0) frag = D;
  char wal[4096];
  unlink(path);
  snprintf(wal, sizeof wal, "%s-wal", path);
  unlink(wal);
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) return fail(db, "open");
  sqlite3_exec(db, "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                   "PRAGMA cache_size=-65536;", 0, 0, 0);
  char create[512];
  snprintf(create, sizeof create,
           "CREATE TABLE bars(security_id INTEGER NOT NULL, date %s NOT NULL, open REAL, high REAL, "
           "low REAL, close REAL, adj_close REAL, volume NUMERIC, ret REAL, "
           "PRIMARY KEY(security_id, date)) WITHOUT ROWID;",
           intDates ? "INTEGER" : "TEXT");
  if (sqlite3_exec(db, create, 0, 0, 0) != SQLITE_OK) return fail(db, "create");
  static char sql[BATCH * 64 + 256];
  strcpy(sql, "INSERT OR IGNORE INTO bars(security_id, date, open, high, low, close, volume) VALUES ");
  for (int k = 0; k < BATCH; k++) {
    char t[128];
    snprintf(t, sizeof t, "%s(?%d,?%d,?%d,?%d,?%d,?%d,?%d)", k ? "," : "", k * W + 1, k * W + 2,
             k * W + 3, k * W + 4, k * W + 5, k * W + 6, k * W + 7);
    strcat(sql, t);
  }
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, 0) != SQLITE_OK) return fail(db, "prepare");
  static char dates[BATCH][11];
  long rows = 0;
  int held = 0;
  double t0 = now();
  sqlite3_exec(db, "BEGIN", 0, 0, 0);
  int rounds = whole ? 1 : D / frag;
  for (int r = 0; r < rounds; r++) {
    for (int sec = 0; sec < T; sec++) {
      int d0 = whole ? 0 : r * frag, d1 = whole ? D : d0 + frag;
      for (int d = d0; d < d1; d++) {
        /* Dates ascending per security: 31-day months, 12-month years (the order is what counts). */
        int y = 1990 + d / 372, m = 1 + (d / 31) % 12, dd = 1 + d % 31;
        int p = held * W;
        sqlite3_bind_int64(st, p + 1, sec + 1);
        if (intDates) {
          sqlite3_bind_int64(st, p + 2, y * 10000 + m * 100 + dd);
        } else {
          snprintf(dates[held], 11, "%04d-%02d-%02d", y, m, dd);
          sqlite3_bind_text(st, p + 2, dates[held], 10, SQLITE_STATIC);
        }
        double v = 10 + sec * 0.01 + d * 0.001;
        sqlite3_bind_double(st, p + 3, v * 0.99);
        sqlite3_bind_double(st, p + 4, v * 1.01);
        sqlite3_bind_double(st, p + 5, v * 0.98);
        sqlite3_bind_double(st, p + 6, v);
        sqlite3_bind_int64(st, p + 7, 1000 + d);
        held++;
        rows++;
        if (held == BATCH) {
          if (sqlite3_step(st) != SQLITE_DONE) return fail(db, "insert");
          sqlite3_reset(st);
          held = 0;
        }
      }
    }
  }
  if (sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK) return fail(db, "commit");
  double t1 = now();
  printf("%-5s %-5s %5d  %8ld rows  %6.2f s  %5.2f us/row\n", argv[2], whole ? "whole" : "frag",
         whole ? D : frag, rows, t1 - t0, (t1 - t0) / rows * 1e6);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
