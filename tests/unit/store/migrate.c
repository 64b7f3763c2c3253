/* Migrations and the data directory, against real SQLite files in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/store.h"

static char tmpdir[256];

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int count_rows(struct db *db, const char *sql)
{
    struct db_stmt *st = NULL;
    int row = 0;
    assert_int_equal(db_prepare(db, sql, &st), TD_OK);
    assert_int_equal(db_step(st, &row), TD_OK);
    assert_true(row);
    int n = (int)db_col_int64(st, 0);
    db_stmt_reset(st);
    return n;
}

static void failed_migration_leaves_database_unchanged(void **state)
{
    (void)state;
    char dir[300], dbp[300], p[400], err[512];
    snprintf(dir, sizeof dir, "%s/mig", tmpdir);
    snprintf(dbp, sizeof dbp, "%s/m.db", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(p, sizeof p, "%s/0001_a.sql", dir);
    write_text(p, "CREATE TABLE a(x INTEGER); INSERT INTO a VALUES (1);");
    snprintf(p, sizeof p, "%s/0002_b.sql", dir);
    /* The second statement fails: the first must not survive. */
    write_text(p, "CREATE TABLE b(x INTEGER); INSERT INTO nosuchtable VALUES (1);");
    snprintf(p, sizeof p, "%s/README", dir);
    write_text(p, "not a migration");

    struct db *db = NULL;
    assert_int_equal(db_open(dbp, &db, err, sizeof err), TD_OK);
    int applied = 0;
    assert_int_equal(db_migrate(db, dir, &applied, err, sizeof err), TD_EDB);
    assert_non_null(strstr(err, "0002_b.sql"));
    assert_int_equal(applied, 1);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM schema_migrations"), 1);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'b'"), 0);

    /* Fixed migration applies on the next run; running again applies nothing. */
    snprintf(p, sizeof p, "%s/0002_b.sql", dir);
    write_text(p, "CREATE TABLE b(x INTEGER);");
    assert_int_equal(db_migrate(db, dir, &applied, err, sizeof err), TD_OK);
    assert_int_equal(applied, 1);
    assert_int_equal(db_migrate(db, dir, &applied, err, sizeof err), TD_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM a"), 1);
    assert_int_equal(db_ping(db), TD_OK);
    db_close(db);
}

static void datadir_init_is_idempotent_and_key_is_private(void **state)
{
    (void)state;
    char dir[300], key[400], err[512];
    snprintf(dir, sizeof dir, "%s/data", tmpdir);
    snprintf(key, sizeof key, "%s/tongdai.key", dir);
    int created = 0;
    assert_int_equal(store_init_datadir(dir, &created, err, sizeof err), TD_OK);
    assert_true(created);
    struct stat st1, st2;
    assert_int_equal(stat(key, &st1), 0);
    assert_int_equal(st1.st_mode & 0777, 0600);
    assert_int_equal(store_init_datadir(dir, &created, err, sizeof err), TD_OK);
    assert_false(created);
    assert_int_equal(stat(key, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino); /* the key was not rewritten */

    struct store *s = NULL;
    assert_int_equal(store_open(dir, &s, err, sizeof err), TD_OK);
    assert_int_equal(store_ping(s), TD_OK);
    store_close(s);

    /* A key readable by others is refused. */
    assert_int_equal(chmod(key, 0644), 0);
    assert_int_equal(store_open(dir, &s, err, sizeof err), TD_EIO);
    assert_non_null(strstr(err, "0600"));
    assert_int_equal(chmod(key, 0600), 0);
}

/* Regression (tester finding): a database copied without its key file got a fresh key, which
 * locked every student out of their case and broke the audit chain. */
static void missing_or_foreign_key_is_refused(void **state)
{
    (void)state;
    char a[300], b[300], c[300], cmd[1200], err[512];
    snprintf(a, sizeof a, "%s/ka", tmpdir);
    snprintf(b, sizeof b, "%s/kb", tmpdir);
    snprintf(c, sizeof c, "%s/kc", tmpdir);
    int created = 0;
    assert_int_equal(store_init_datadir(a, &created, err, sizeof err), TD_OK);
    assert_int_equal(store_init_datadir(c, &created, err, sizeof err), TD_OK);
    assert_int_equal(mkdir(b, 0700), 0);
    snprintf(cmd, sizeof cmd, "cp %s/tongdai.db %s/", a, b);
    assert_int_equal(system(cmd), 0);

    /* Database without its key: no new key is made. */
    assert_int_equal(store_init_datadir(b, &created, err, sizeof err), TD_EIO);
    assert_non_null(strstr(err, "missing"));
    char key[400];
    snprintf(key, sizeof key, "%s/tongdai.key", b);
    assert_int_not_equal(access(key, F_OK), 0);

    /* Another installation's key: refused by the check value. */
    snprintf(cmd, sizeof cmd, "cp -p %s/tongdai.key %s/", c, b);
    assert_int_equal(system(cmd), 0);
    struct store *s = NULL;
    assert_int_equal(store_open(b, &s, err, sizeof err), TD_EIO);
    assert_non_null(strstr(err, "does not belong"));
    assert_int_equal(store_init_datadir(b, &created, err, sizeof err), TD_EIO);

    /* The right key opens it. */
    snprintf(cmd, sizeof cmd, "cp -p %s/tongdai.key %s/", a, b);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(store_open(b, &s, err, sizeof err), TD_OK);
    store_close(s);
}

int main(void)
{
    setenv("TONGDAI_SHARE", ".", 1);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tongdai-unit-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(failed_migration_leaves_database_unchanged),
        cmocka_unit_test(datadir_init_is_idempotent_and_key_is_private),
        cmocka_unit_test(missing_or_foreign_key_is_refused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
