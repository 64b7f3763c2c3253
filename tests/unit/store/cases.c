/*
 * The store's case queries against a real SQLite file: the queue order, keyset pages, filters
 * and folded full-text search; entity links and their scope; the group-commit writer under
 * concurrent writes; the search index catch-up and the WAL under writes that never pause.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../core/fixture.h"
#include "store/store.h"

static struct fixture fx;
static int64_t inst_a, inst_b;

struct ins {
    const char *code;
    int64_t inst;
    int urgency;
    int64_t opened;
    const char *status;
    const char *fold;
    int64_t id;
};

static enum td_err ins_job(struct store_tx *tx, void *arg)
{
    struct ins *in = arg;
    struct store_case c;
    memset(&c, 0, sizeof c);
    snprintf(c.code, sizeof c.code, "%s", in->code);
    c.institution_id = in->inst;
    snprintf(c.channel, sizeof c.channel, "web");
    snprintf(c.status, sizeof c.status, "%s", in->status ? in->status : "new");
    snprintf(c.category, sizeof c.category, "scam");
    c.urgency = in->urgency;
    c.text = in->fold ? in->fold : "text";
    c.text_fold = in->fold ? in->fold : "text";
    c.opened_at = in->opened;
    c.due_at = in->opened + (int64_t)(in->urgency + 1) * 1000000;
    c.updated_at = in->opened;
    return store_case_insert(tx, &c, &in->id);
}

static int64_t add_case(const char *code, int64_t inst, int urgency, int64_t opened,
                        const char *status, const char *fold)
{
    struct ins in = {code, inst, urgency, opened, status, fold, 0};
    assert_int_equal(store_write(fx.st, ins_job, &in), TD_OK);
    return in.id;
}

static enum td_err inst_job(struct store_tx *tx, void *arg)
{
    struct store_institution *in = arg;
    return store_institution_insert(tx, in, 1, &in->id);
}

static int setup(void **state)
{
    (void)state;
    if (fixture_open(&fx) != 0)
        return -1;
    struct store_institution a = {0, "A", "A", -1, -1}, b = {0, "B", "B", -1, -1};
    if (store_write(fx.st, inst_job, &a) || store_write(fx.st, inst_job, &b))
        return -1;
    inst_a = a.id;
    inst_b = b.id;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fixture_close(&fx);
    return 0;
}

/* A queue query over institution A with no filter (limit left to the caller). */
static void inst_a_query(struct store_queue_query *q)
{
    memset(q, 0, sizeof *q);
    q->scope.kind = STORE_SCOPE_INSTITUTION;
    q->scope.institution_id = inst_a;
    q->urgency = -1;
    q->assignee_id = -1;
}

static void queue_orders_by_urgency_due_age(void **state)
{
    (void)state;
    /* Arrival order is deliberately not the queue order. */
    add_case("Q0000001", inst_a, 3, 1000, NULL, "hoi dap");
    add_case("Q0000002", inst_a, 0, 5000, NULL, "tu tu toi nay");
    add_case("Q0000003", inst_a, 1, 2000, NULL, "lua dao chuyen khoan");
    add_case("Q0000004", inst_a, 0, 3000, NULL, "bat coc online chuyen tien");
    add_case("Q0000005", inst_a, 2, 100, "closed", "da xong");
    add_case("Q0000006", inst_b, 0, 10, NULL, "truong khac");
    add_case("Q0000007", inst_a, 1, 2000, "waiting", "lua dao the cao");

    struct arena a;
    arena_init(&a, 0);
    struct store_queue_query q;
    inst_a_query(&q);
    q.limit = 50;
    struct store_queue_item *it;
    size_t n;
    int more;
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    const char *want[] = {"Q0000004", "Q0000002", "Q0000003", "Q0000007", "Q0000001"};
    assert_int_equal(n, 5); /* closed excluded by default, other institution never */
    for (size_t i = 0; i < n; i++)
        assert_string_equal(it[i].code, want[i]);
    assert_false(more);

    /* Pages of two follow the same order through the cursor. */
    q.limit = 2;
    size_t got = 0;
    for (int page = 0; page < 4; page++) {
        assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(it[i].code, want[got + i]);
        got += n;
        if (!more)
            break;
        q.has_cursor = 1;
        q.cur_urgency = it[n - 1].urgency;
        q.cur_due = it[n - 1].due_at;
        q.cur_opened = it[n - 1].opened_at;
        q.cur_id = it[n - 1].id;
    }
    assert_int_equal(got, 5);

    /* Filters: status list, urgency, folded full-text search. */
    inst_a_query(&q);
    q.status_mask = 1u << 5; /* closed */
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].code, "Q0000005");
    q.status_mask = 0;
    q.urgency = 1;
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 2);
    q.urgency = -1;
    q.match = "\"lua\" \"dao\"";
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(it[0].code, "Q0000003");
    q.match = "\"lu\""; /* whole syllables only: "lu" is not "lua" */
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 0);
    q.match = "\"truong\"";
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 0); /* institution B's case is out of scope */
    q.scope.kind = STORE_SCOPE_CITY;
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 1);
    q.scope.kind = STORE_SCOPE_NONE;
    q.match = NULL;
    assert_int_equal(store_case_queue(fx.st, &a, &q, &it, &n, &more), TD_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

struct ent_job {
    int64_t case_id;
    struct store_entity e[2];
    size_t n;
};

static enum td_err ent_job(struct store_tx *tx, void *arg)
{
    struct ent_job *j = arg;
    return store_case_add_entities(tx, j->case_id, j->e, j->n, 1);
}

static void links_respect_scope(void **state)
{
    (void)state;
    int64_t c1 = add_case("L0000001", inst_a, 1, 10, NULL, NULL);
    int64_t c2 = add_case("L0000002", inst_a, 1, 20, NULL, NULL);
    int64_t c3 = add_case("L0000003", inst_b, 1, 30, NULL, NULL);
    add_case("L0000004", inst_a, 1, 40, NULL, NULL);
    struct store_entity phone = {"phone", "+84359218447", 1, 0, 5, 17};
    struct store_entity money = {"money", "2000000", 0, 0, 20, 23};
    struct ent_job j1 = {c1, {phone, money}, 2}, j2 = {c2, {phone}, 1},
                   j3 = {c3, {phone, money}, 2};
    assert_int_equal(store_write(fx.st, ent_job, &j1), TD_OK);
    assert_int_equal(store_write(fx.st, ent_job, &j2), TD_OK);
    assert_int_equal(store_write(fx.st, ent_job, &j3), TD_OK);

    struct arena a;
    arena_init(&a, 0);
    struct store_scope sa = {STORE_SCOPE_INSTITUTION, inst_a, NULL},
                       city = {STORE_SCOPE_CITY, 0, NULL};
    struct store_link *l;
    size_t n;
    assert_int_equal(store_case_links(fx.st, &a, &sa, c1, 50, &l, &n), TD_OK);
    assert_int_equal(n, 1); /* the phone in c2; c3 is another institution; money never links */
    assert_string_equal(l[0].code, "L0000002");
    assert_string_equal(l[0].kind, "phone");
    assert_int_equal(store_case_links(fx.st, &a, &city, c1, 50, &l, &n), TD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].code, "L0000003");
    assert_string_equal(l[0].institution_code, "B");
    struct store_entity *e;
    assert_int_equal(store_entity_list(fx.st, &a, &sa, c1, &e, &n), TD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].value, "+84359218447");
    struct store_scope sb = {STORE_SCOPE_INSTITUTION, inst_b, NULL},
                       none = {STORE_SCOPE_NONE, 0, NULL};
    assert_int_equal(store_entity_list(fx.st, &a, &sb, c1, &e, &n), TD_OK);
    assert_int_equal(n, 0); /* c1 belongs to A: nothing of it through B's scope */
    assert_int_equal(store_entity_list(fx.st, &a, &none, c1, &e, &n), TD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_entity_list(fx.st, &a, &city, c3, &e, &n), TD_OK);
    assert_int_equal(n, 2);
    /* known_bad only rises */
    struct store_entity bad = {"phone", "+84359218447", 1, 1, 0, 3};
    struct ent_job j4 = {c2, {bad}, 1};
    assert_int_equal(store_write(fx.st, ent_job, &j4), TD_OK);
    assert_int_equal(store_entity_list(fx.st, &a, &sa, c1, &e, &n), TD_OK);
    assert_int_equal(e[0].known_bad, 1);
    arena_free(&a);
}

/* ---------- group commit ---------- */

#define WRITERS 16
#define PER_WRITER 40

struct count_job {
    int fail; /* this write fails on purpose */
};

static enum td_err count_job(struct store_tx *tx, void *arg)
{
    struct count_job *j = arg;
    struct store_audit_entry e = {"test", "test.write", "x:1", NULL};
    enum td_err rc = store_audit_append(tx, &e, 1);
    return rc ? rc : (j->fail ? TD_EINVAL : TD_OK);
}

static void *writer_thread(void *p)
{
    long k = (long)p;
    for (int i = 0; i < PER_WRITER; i++) {
        struct count_job j = {(i % 10) == (int)(k % 10) && i % 3 == 0};
        enum td_err rc = store_write(fx.st, count_job, &j);
        if (rc != (j.fail ? TD_EINVAL : TD_OK))
            return (void *)1;
    }
    return NULL;
}

static void group_commit_keeps_each_write_separate(void **state)
{
    (void)state;
    int64_t rows0 = 0, bad = 0, rows = 0;
    char err[256];
    assert_int_equal(store_audit_verify(fx.st, &rows0, &bad, err, sizeof err), TD_OK);
    assert_int_equal(store_writer_start(fx.st, 64), TD_OK);
    pthread_t t[WRITERS];
    for (long k = 0; k < WRITERS; k++)
        assert_int_equal(pthread_create(&t[k], NULL, writer_thread, (void *)k), 0);
    int expected_fail = 0;
    for (long k = 0; k < WRITERS; k++)
        for (int i = 0; i < PER_WRITER; i++)
            expected_fail += (i % 10) == (int)(k % 10) && i % 3 == 0;
    for (int k = 0; k < WRITERS; k++) {
        void *r;
        assert_int_equal(pthread_join(t[k], &r), 0);
        assert_null(r);
    }
    uint64_t batches, jobs;
    store_writer_stats(fx.st, &batches, &jobs);
    store_writer_stop(fx.st);
    assert_int_equal(jobs, WRITERS * PER_WRITER);
    assert_true(batches < jobs); /* several writes shared a commit */
    /* Failed writes left nothing; the chain is intact across batches. */
    assert_int_equal(store_audit_verify(fx.st, &rows, &bad, err, sizeof err), TD_OK);
    assert_int_equal(rows - rows0, WRITERS * PER_WRITER - expected_fail);
    /* After stop, writes run inline again. */
    struct count_job j = {0};
    assert_int_equal(store_write(fx.st, count_job, &j), TD_OK);
}

/* ---------- steady writes: search catch-up ends, the WAL starts over ---------- */

#define STEADY_THREADS 4
#define STEADY_TEXT 6000 /* bytes: a case spans a few WAL pages, so the WAL fills quickly */

static atomic_int steady_stop;
static atomic_long steady_n;

static void *steady_thread(void *p)
{
    (void)p;
    static char text[STEADY_TEXT + 1];
    size_t len = 0;
    for (int w = 0; len + 16 < STEADY_TEXT; w++)
        len += (size_t)snprintf(text + len, sizeof text - len, "tu%d ", w * 7919 % 100003);
    while (!atomic_load(&steady_stop)) {
        char code[16];
        long k = atomic_fetch_add(&steady_n, 1);
        snprintf(code, sizeof code, "S%07ld", k);
        struct ins in = {code, inst_a, 2, 1700000000000 + k, NULL, text, 0};
        if (store_write(fx.st, ins_job, &in) != TD_OK)
            return (void *)1;
    }
    return NULL;
}

/* The WAL header's checkpoint sequence number: +1 each time the WAL starts over. */
static long wal_sequence(void)
{
    char path[300];
    unsigned char h[16];
    snprintf(path, sizeof path, "%s/tongdai.db-wal", fx.dir);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got != sizeof h)
        return -1;
    return (long)h[12] << 24 | (long)h[13] << 16 | (long)h[14] << 8 | (long)h[15];
}

/*
 * Regression: under intake that never paused (bench/intake, 16 clients) the search index
 * catch-up ran "until nothing is pending", which never happened, so the checkpointer never
 * checkpointed; and a PASSIVE checkpoint alone never caught up with the writer, so the WAL never
 * started over: it grew to 900 MB in 8 seconds. Writers here never pause either.
 */
static void steady_writes_search_catches_up_and_wal_starts_over(void **state)
{
    (void)state;
    pthread_t t[STEADY_THREADS];
    atomic_store(&steady_stop, 0);
    atomic_store(&steady_n, 0);
    assert_int_equal(store_writer_start(fx.st, 64), TD_OK);
    for (long k = 0; k < STEADY_THREADS; k++)
        assert_int_equal(pthread_create(&t[k], NULL, steady_thread, (void *)k), 0);
    while (atomic_load(&steady_n) < 200)
        usleep(1000);

    /* The catch-up returns although cases keep arriving (it used to loop for as long as they
     * did), and a search then sees a case committed before it. */
    size_t indexed = 0;
    assert_int_equal(store_search_catch_up(fx.st, &indexed), TD_OK);
    struct arena a;
    arena_init(&a, 0);
    struct store_queue_query q;
    inst_a_query(&q);
    q.match = "tu7919";
    q.limit = 5;
    struct store_queue_item *items = NULL;
    size_t n = 0;
    int more = 0;
    assert_int_equal(store_case_queue(fx.st, &a, &q, &items, &n, &more), TD_OK);
    assert_int_equal(n, 5);
    arena_free(&a);

    /* The WAL starts over at least twice while the writes go on (bounded by 20 s of writing,
     * far more than the few hundred milliseconds it takes). */
    long seq0 = wal_sequence(), seq = seq0;
    int restarts = 0;
    for (int i = 0; i < 2000 && restarts < 2; i++) {
        usleep(10000);
        long s = wal_sequence();
        if (s != seq && s >= 0 && seq >= 0)
            restarts++;
        seq = s;
    }
    atomic_store(&steady_stop, 1);
    for (int k = 0; k < STEADY_THREADS; k++) {
        void *r;
        assert_int_equal(pthread_join(t[k], &r), 0);
        assert_null(r);
    }
    store_writer_stop(fx.st);
    assert_true(seq0 >= 0);
    assert_int_equal(restarts, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_orders_by_urgency_due_age),
        cmocka_unit_test(links_respect_scope),
        cmocka_unit_test(group_commit_keeps_each_write_separate),
        cmocka_unit_test(steady_writes_search_catches_up_and_wal_starts_over),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
