/* test_record.c - pagesim record: the log converter on saved Valgrind logs, the command's
 * errors, and a real recording of a tiny program that maps a file, forks, and whose child
 * writes to the mapping.
 *
 * The fixtures in tests/data/rec_fork/ follow Valgrind 3.19's lackey + --trace-syscalls
 * output line for line (as recorded on Debian 12), trimmed to a few lines per process: a
 * root process (pid 100) that opens a file whose name holds a blank, maps it shared and
 * private, grows its break, starts a thread and forks pid 101; 101's pre-exec image dup2s
 * the file onto fd 0 and execs cat, whose new image (a later log of the same pid) maps fd 0
 * and a close-on-exec descriptor that exec dropped. Expected output written by hand from
 * the rules in the headers of workloads/record/conv.c and syscalls.c. The end-to-end test
 * is skipped (exit 77) only when valgrind is not installed.
 */
#include "sim/cli/record.h"
#include "workloads/record/conv.h"
#include "workloads/convert.h"
#include "check.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *convert_io(const char *dir, const char *const *names, int n, int steps_first, int file_io)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    rec_conv_t *c = rec_conv_new(out, 0);
    rec_filter_t filt = { .file_io = file_io };
    CHECK_EQ(rec_conv_filter(c, &filt), 0);
    sim_err_t err = {0};
    sim_err_clear(&err);
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/%s", TEST_DATA_DIR, dir, names[i]);
        CHECK_EQ(rec_conv_add_log(c, path, &err), 0);
    }
    for (int i = 0; i < steps_first; i++)
        CHECK(rec_conv_step(c, &err) >= 0);
    CHECK_EQ(rec_conv_finish(c, &err), 0);
    if (err.msg[0])
        fprintf(stderr, "converter: %s\n", err.msg);
    rec_conv_free(c);
    fclose(out);
    return buf;
}

static char *convert(const char *dir, const char *const *names, int n, int steps_first)
{
    return convert_io(dir, names, n, steps_first, 0);
}

static const char fork_expected[] =
    "X 0x4001000:3 100\n"
    "W 0x1ffefff000:8 100\n"
    "X 0x4001003:5 100\n"
    "mmap 100 0x4835000 0x2000 rw- file:/tmp/data file.bin shared\n"
    "mmap 100 0x4840000 0x1000 r-- file:/tmp/data file.bin@0x1000 private\n"
    "R 0x4835000 100\n"
    "R 0x4835008:4 100\n"            /* M: a read then a write */
    "W 0x4835008:4 100\n"
    "brk 100 0x4035000 0x21000\n"    /* 0x4056000 - 0x4035000 */
    "mmap 100 0x4a29000 0x3000 rw- anon private\n"
    "mprotect 100 0x4a29000 0x1000 r--\n"
    "fork 100 101\n"                 /* the CLONE_THREAD clone made no fork */
    "R 0x4a29010:8 100\n"
    "wait 100 101\n"                 /* wait4(101), its result lost: taken as returned */
    "munmap 100 0x4835000 0x2000\n"
    "exit 100\n"
    "W 0x4836000 101\n"
    "exec 101 /usr/bin/cat\n"
    "X 0x4021000:4 101\n"
    "mmap 101 0x4900000 0x1000 r-- file:/tmp/data file.bin private\n"   /* fd 0 = dup2 of 3 */
    "mmap 101 0x4901000 0x1000 r-- file:(pid 101 fd 4) private\n"       /* O_CLOEXEC: gone */
    "exit 101\n";

static void test_fixtures(void)
{
    /* Creation order: the root's log, the child's log at fork, its exec'd image's. */
    static const char *const fork_logs[] = { "100.1", "101.2", "101.1" };
    for (int steps = 0; steps <= 3; steps += 3) {
        char *got = convert("rec_fork", fork_logs, 3, steps);
        CHECK_STR(got, fork_expected);
        free(got);
    }
    /* A parent log cut short before its fork: the child's header names its parent, and the
     * fork is emitted when nothing else can move. The child dies of a signal. */
    static const char *const orphan_logs[] = { "200.1", "201.1" };
    char *got = convert("rec_orphan", orphan_logs, 2, 2);
    CHECK_STR(got, "X 0x4001000:2 200\n"
                   "fork 200 201\n"
                   "W 0x5000000:8 201\n"
                   "exit 201\n"             /* killed by SIGPIPE, as Valgrind reports */
                   "exit 200\n");           /* no exit_group: at the end */
    free(got);
}

/* tests/data/rec_fileio: Valgrind 3.19's lines for a program (./fio, recorded on Debian 12
 * and trimmed, the descriptors kept) that reads a file with read, pread64, lseek + readv,
 * preadv and preadv2 (-1: at the position), writes another with O_TRUNC, pwrite64, writev, a
 * dup of its descriptor (which shares the position) and an O_APPEND descriptor (at the end
 * the trace knows: past the pwrite), maps the first and madvises it (MADV_HUGEPAGE: none of
 * the five, ignored; a failed one: none), fadvises it (POSIX_FADV_NOREUSE ignored), then
 * does I/O that makes no record: to standard output (a descriptor from outside), a pipe, 0
 * bytes, a bad descriptor, a failed write, /dev/null, /proc; copy_file_range with and without
 * an offset pointer, fcntl(F_DUPFD), a read of Valgrind's preload. Forked, the child reads the
 * first file where the parent's position was (the table and its positions are inherited);
 * the parent, after closing the original, writes through the dup. */
static const char fileio_expected[] =
    "fadvise 300 in.dat 0x0 0x0 sequential\n"
    "read 300 in.dat 0x0 0x1388\n"          /* read 5000 */
    "read 300 in.dat 0x2000 0x1000\n"       /* pread64 at 8192: the position stays 5000 */
    "read 300 in.dat 0x64 0x1e\n"           /* lseek to 100, readv 30 */
    "read 300 in.dat 0x2ee0 0x1e\n"         /* preadv at 12000 */
    "read 300 in.dat 0x82 0x1e\n"           /* preadv2 at -1: 130 */
    "write 300 out.dat 0x0 0xbb8\n"
    "write 300 out.dat 0xc350 0xa\n"        /* pwrite64 at 50000 */
    "write 300 out.dat 0xbb8 0x1e\n"        /* writev at 3000 */
    "write 300 out.dat 0xbd6 0x7\n"         /* the dup: 3030 */
    "write 300 out.dat 0xc35a 0x5\n"        /* O_APPEND: at 50010 */
    "mmap 300 0x483c000 0x4000 r-- file:in.dat private\n"
    "madvise 300 0x483c000 0x4000 random\n"
    "madvise 300 0x483c000 0x1000 dontneed\n"
    "fadvise 300 in.dat 0x1000 0x2000 willneed\n"
    "read 300 in.dat 0xa0 0x100\n"          /* copy_file_range: read and write at the */
    "write 300 out.dat 0xbdd 0x100\n"       /* positions (off_in, off_out NULL) */
    "write 300 out.dat 0xcdd 0x10\n"        /* off_in by pointer: no read, the write */
    "write 300 out.dat 0xced 0x2\n"         /* fcntl(F_DUPFD)'s descriptor (a [variant] name) */
    "fork 300 301\n"                        /* Valgrind's preload read: no record */
    "wait 300 301\n"
    "write 300 out.dat 0xcef 0x1\n"         /* fd 5 closed, its dup goes on */
    "exit 300\n"
    "read 301 in.dat 0x1a0 0x64\n"          /* inherited where the parent was */
    "exit 301\n";

static void test_fileio(void)
{
    static const char *const logs[] = { "300.1", "301.1" };
    for (int steps = 0; steps <= 3; steps += 3) {
        char *got = convert_io("rec_fileio", logs, 2, steps, 1);
        CHECK_STR(got, fileio_expected);
        free(got);
    }
    /* Without file_io (the default) the same logs give the rest alone. */
    char *got = convert("rec_fileio", logs, 2, 0);
    CHECK_STR(got, "mmap 300 0x483c000 0x4000 r-- file:in.dat private\n"
                   "fork 300 301\nwait 300 301\nexit 300\nexit 301\n");
    free(got);
}

static void test_command_errors(char *tmp)
{
    char out[1200];
    snprintf(out, sizeof out, "%s/none.trace", tmp);
    char *no_prog[] = { "record", "-o", out, NULL };
    CHECK_EQ(record_main(3, no_prog), 2);
    char *bad_opt[] = { "record", "--bogus", "--", "true", NULL };
    CHECK_EQ(record_main(4, bad_opt), 2);

    const char *old = getenv("PAGESIM_VALGRIND");
    char *saved = old ? strdup(old) : NULL;
    setenv("PAGESIM_VALGRIND", "/nonexistent/valgrind", 1);
    char *args[] = { "record", "-o", out, "--", "true", NULL };
    CHECK_EQ(record_main(5, args), 1);        /* with the apt-get line on stderr */
    CHECK(access(out, F_OK) != 0);            /* and no output file */
    if (saved) {
        setenv("PAGESIM_VALGRIND", saved, 1);
        free(saved);
    } else {
        unsetenv("PAGESIM_VALGRIND");
    }
}

static const char tiny_src[] =
    "#include <fcntl.h>\n"
    "#include <sys/mman.h>\n"
    "#include <sys/wait.h>\n"
    "#include <unistd.h>\n"
    "int main(int argc, char **argv) {\n"
    "    int fd = open(argv[1], O_RDWR);\n"
    "    if (fd < 0) return 1;\n"
    "    char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);\n"
    "    if (p == MAP_FAILED) return 1;\n"
    "    volatile char c = p[0]; (void)c;\n"
    "    pid_t pid = fork();\n"
    "    if (pid == 0) { p[4096] = 'x'; _exit(0); }\n"
    "    waitpid(pid, 0, 0);\n"
    "    return 0;\n"
    "}\n";

/* Records the tiny program and checks the areas, the fork and the child's stream. */
static void check_tiny(const char *out, const char *data);

static void test_recording(char *tmp)
{
    char src[1200], bin[1200], data[1200], out[1200], cmd[4000];
    snprintf(src, sizeof src, "%s/tiny.c", tmp);
    snprintf(bin, sizeof bin, "%s/tiny", tmp);
    snprintf(data, sizeof data, "%s/data.bin", tmp);
    snprintf(out, sizeof out, "%s/tiny.trace", tmp);
    FILE *f = fopen(src, "w");
    fputs(tiny_src, f);
    fclose(f);
    f = fopen(data, "w");
    for (int i = 0; i < 8192; i++)
        fputc('a', f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -O1 -o '%s' '%s' || gcc -O1 -o '%s' '%s'", bin, src, bin, src);
    CHECK_EQ(system(cmd), 0);

    char *args[] = { "record", "-o", out, "--", bin, data, NULL };
    CHECK_EQ(record_main(6, args), 0);
    check_tiny(out, data);

    /* The same into the binary format (FILE.pstb), read back through its text form. */
    char pstb[1300], back[1300];
    sim_err_t err = {0};
    snprintf(pstb, sizeof pstb, "%s/tiny.pstb", tmp);
    snprintf(back, sizeof back, "%s/tiny-back.trace", tmp);
    char *bargs[] = { "record", "-o", pstb, "--", bin, data, NULL };
    CHECK_EQ(record_main(6, bargs), 0);
    FILE *pf = fopen(pstb, "rb");
    char magic[5] = "";
    CHECK(pf && fread(magic, 1, 4, pf) == 4 && !memcmp(magic, "PSTB", 4));
    if (pf)
        fclose(pf);
    CHECK_EQ(wl_convert(pstb, NULL, "text", back, &err), 0);
    check_tiny(back, data);
}

static const char fio_src[] =
    "#define _GNU_SOURCE\n"
    "#include <fcntl.h>\n"
    "#include <unistd.h>\n"
    "int main(int argc, char **argv) {\n"
    "    static char buf[8192];\n"
    "    int fd = open(argv[1], O_RDONLY);\n"
    "    if (fd < 0) return 1;\n"
    "    posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);\n"
    "    if (pread(fd, buf, 4096, 8192) != 4096) return 1;\n"
    "    if (read(fd, buf, 100) != 100 || read(fd, buf, 8192) != 8192) return 1;\n"
    "    if (read(fd, buf, 8192) != 3996) return 1;\n"
    "    if (read(fd, buf, 10) != 0) return 1;\n"
    "    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);\n"
    "    if (out < 0 || write(out, buf, 3000) != 3000 || write(1, buf, 1) != 1) return 1;\n"
    "    return 0;\n"
    "}\n";

/* A real recording with --file-io: a program that fadvises a 12 KiB file, preads its third
 * page, reads it to the end (100 bytes, 8192, the 3996 left, then 0: no record), writes 3000
 * bytes to a new file and a byte to standard output (not a file: no record). Its lines,
 * with its pid, are exactly those, after ld.so's reads of libc; the same by default; with
 * --no-file-io none. */
static void test_recording_file_io(char *tmp)
{
    char src[1200], bin[1200], data[1200], dst[1200], out[1200], cmd[4000];
    snprintf(src, sizeof src, "%s/fio.c", tmp);
    snprintf(bin, sizeof bin, "%s/fio", tmp);
    snprintf(data, sizeof data, "%s/in.bin", tmp);
    snprintf(dst, sizeof dst, "%s/out.bin", tmp);
    snprintf(out, sizeof out, "%s/fio.trace", tmp);
    FILE *f = fopen(src, "w");
    fputs(fio_src, f);
    fclose(f);
    f = fopen(data, "w");
    for (int i = 0; i < 12288; i++)
        fputc('a' + i % 26, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -O1 -o '%s' '%s' || gcc -O1 -o '%s' '%s'", bin, src, bin, src);
    CHECK_EQ(system(cmd), 0);
    for (int on = 2; on >= 0; on--) {
        char *args[] = { "record", "-q", "--file-io", "-o", out, "--", bin, data, dst, NULL };
        char *args0[] = { "record", "-q", "--no-file-io", "-o", out, "--", bin, data, dst, NULL };
        char *argsd[] = { "record", "-q", "-o", out, "--", bin, data, dst, NULL };   /* the default */
        CHECK_EQ(on == 2 ? record_main(8, argsd) : on ? record_main(9, args) : record_main(9, args0), 0);
        f = fopen(out, "r");
        CHECK(f != NULL);
        if (!f)
            return;
        char line[8192], got[8192] = "";
        unsigned long pid = 0, libc = 0;
        while (fgets(line, sizeof line, f)) {
            if (!pid && line[0] == 'R')
                sscanf(line, "%*s %*s %lu", &pid);
            if (strncmp(line, "read ", 5) && strncmp(line, "write ", 6) && strncmp(line, "fadvise ", 8)
                && strncmp(line, "madvise ", 8))
                continue;
            if (strstr(line, "libc.so")) {
                libc++;
                continue;
            }
            size_t n = strlen(got);
            snprintf(got + n, sizeof got - n, "%s", line);
        }
        fclose(f);
        char want[8192];
        snprintf(want, sizeof want,
                 "fadvise %lu %s 0x0 0x0 random\n"
                 "read %lu %s 0x2000 0x1000\n"
                 "read %lu %s 0x0 0x64\n"
                 "read %lu %s 0x64 0x2000\n"
                 "read %lu %s 0x2064 0xf9c\n"
                 "write %lu %s 0x0 0xbb8\n", pid, data, pid, data, pid, data, pid, data, pid, data, pid, dst);
        CHECK_STR(got, on ? want : "");
        CHECK(on ? libc >= 1 : libc == 0);
    }
}

/* A recording of tiny.c: one shared file mapping, read by the parent, a fork, the child
 * writing the second page, both exiting, and only those two pids. */
static void check_tiny(const char *out, const char *data)
{
    FILE *f = fopen(out, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[4096];
    unsigned long root = 0, child = 0, nforks = 0, fork_line = 0, n = 0;
    unsigned long long map = 0;
    int map_ok = 0, parent_read = 0, child_write = 0, child_before_fork = 0, child_exit = 0;
    int root_exit = 0, other_pid = 0;
    char want_map[1400];
    snprintf(want_map, sizeof want_map, " 0x2000 rw- file:%s shared\n", data);
    /* First pass: who is the root (first reference), where is the mapping, the fork. */
    while (fgets(line, sizeof line, f)) {
        n++;
        unsigned long a, b;
        unsigned long long addr;
        char k;
        if (!root && sscanf(line, "%c %llx", &k, &addr) == 2 && (k == 'X' || k == 'R' || k == 'W')) {
            const char *sp = strrchr(line, ' ');
            root = strtoul(sp + 1, NULL, 10);
        }
        if (!strncmp(line, "mmap ", 5) && strstr(line, want_map)
            && sscanf(line, "mmap %lu %llx", &a, &addr) == 2) {
            CHECK_EQ(a, root);
            map = addr;
            map_ok++;
        }
        if (sscanf(line, "fork %lu %lu", &a, &b) == 2) {
            CHECK_EQ(a, root);
            child = b;
            nforks++;
            fork_line = n;
        }
    }
    CHECK(root != 0);
    CHECK_EQ(map_ok, 1);                       /* the file's shared mapping, once */
    CHECK_EQ(nforks, 1);                       /* the fork, once */
    CHECK(child != 0 && child != root);
    /* Second pass: the parent read the mapping's first byte, the child wrote its second
     * page under its own pid, after the fork, and both exited. */
    rewind(f);
    n = 0;
    char r0[64], w1[64], ce[64], re[64];
    snprintf(r0, sizeof r0, "R 0x%llx %lu\n", map, root);
    snprintf(w1, sizeof w1, "W 0x%llx %lu\n", map + 4096, child);
    snprintf(ce, sizeof ce, "exit %lu\n", child);
    snprintf(re, sizeof re, "exit %lu\n", root);
    while (fgets(line, sizeof line, f)) {
        n++;
        if (!strcmp(line, r0) && n < fork_line)
            parent_read = 1;
        if (!strcmp(line, w1))
            child_write = n > fork_line ? 1 : -1;
        if (!strcmp(line, ce))
            child_exit = 1;
        if (!strcmp(line, re))
            root_exit = 1;
        char k;
        unsigned long long addr;
        if (sscanf(line, "%c %llx", &k, &addr) == 2 && (k == 'X' || k == 'R' || k == 'W')) {
            unsigned long pid = strtoul(strrchr(line, ' ') + 1, NULL, 10);
            if (pid == child && n < fork_line)
                child_before_fork = 1;
            if (pid != child && pid != root)
                other_pid = 1;
        }
    }
    fclose(f);
    CHECK_EQ(parent_read, 1);
    CHECK_EQ(child_write, 1);
    CHECK_EQ(child_before_fork, 0);
    CHECK_EQ(other_pid, 0);
    CHECK_EQ(child_exit, 1);
    CHECK_EQ(root_exit, 1);
    CHECK(n > 10000);                          /* ld.so and libc start-up: real work */
}


/* ------------------------------------------------------------------ real programs */

/* What a recorded text trace holds: its pids' exec lines in order, per pid, and whether each
 * pid has references after its last exec and a mapping of the exec'd file after it. */
typedef struct tr_sum {
    unsigned long refs, processes, forks, execs, exits, waits;
    int valgrind_areas;          /* lines naming Valgrind's own files (vgpreload, the tool) */
    int refs_after_exit;         /* references or events of a pid after its exit line */
    char last_exec[256];         /* the last exec line's path */
    unsigned long last_exec_pid;
    int refs_after_last_exec;    /* of that pid */
    int map_after_last_exec;     /* an mmap of that path by that pid after it */
} tr_sum_t;

static void summarize(const char *path, tr_sum_t *t)
{
    memset(t, 0, sizeof *t);
    sim_err_t err = {0};
    json_t *j = wl_info(path, NULL, 12, &err);
    CHECK(j != NULL);
    if (!j) {
        fprintf(stderr, "wl_info %s: %s\n", path, err.msg);
        return;
    }
    t->refs = (unsigned long)json_integer_value(json_object_get(j, "references"));
    t->processes = (unsigned long)json_integer_value(json_object_get(j, "processes"));
    t->forks = (unsigned long)json_integer_value(json_object_get(j, "forks"));
    t->execs = (unsigned long)json_integer_value(json_object_get(j, "execs"));
    t->exits = (unsigned long)json_integer_value(json_object_get(j, "exits"));
    t->waits = (unsigned long)json_integer_value(json_object_get(j, "waits"));
    json_decref(j);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[4096];
    unsigned long exited[64];
    int nexited = 0;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "/valgrind/"))
            t->valgrind_areas++;
        unsigned long pid = 0;
        char k;
        unsigned long long addr;
        if (sscanf(line, "%c %llx", &k, &addr) == 2 && (k == 'X' || k == 'R' || k == 'W')) {
            pid = strtoul(strrchr(line, ' ') + 1, NULL, 10);
            if (pid == t->last_exec_pid)
                t->refs_after_last_exec = 1;
        } else {
            char word[16];
            if (sscanf(line, "%15s %lu", word, &pid) != 2)
                continue;
            if (!strcmp(word, "exec")) {
                char *sp = strchr(strchr(line, ' ') + 1, ' ');
                snprintf(t->last_exec, sizeof t->last_exec, "%s", sp + 1);
                t->last_exec[strcspn(t->last_exec, "\n")] = 0;
                t->last_exec_pid = pid;
                t->refs_after_last_exec = t->map_after_last_exec = 0;
            } else if (!strcmp(word, "mmap") && pid == t->last_exec_pid && t->last_exec[0]) {
                char want[300];
                snprintf(want, sizeof want, " file:%s", t->last_exec);
                if (strstr(line, want))
                    t->map_after_last_exec = 1;
            }
        }
        for (int i = 0; i < nexited; i++)
            if (exited[i] == pid)
                t->refs_after_exit = 1;
        if (!strncmp(line, "exit ", 5) && nexited < 64)
            exited[nexited++] = pid;
    }
    fclose(f);
}

/* Refs of each pid in a text trace, in order of first appearance (up to 16 pids). */
typedef struct pid_refs {
    unsigned long pid[16], refs[16];
    int n;
} pid_refs_t;

static void refs_by_pid(const char *path, pid_refs_t *pr)
{
    memset(pr, 0, sizeof *pr);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        unsigned long a, b;
        char k;
        unsigned long long addr;
        int is_ref = sscanf(line, "%c %llx", &k, &addr) == 2 && (k == 'X' || k == 'R' || k == 'W');
        unsigned long pid = 0, pids[2];
        char word[16];
        int np = 1;
        if (is_ref)
            pids[0] = strtoul(strrchr(line, ' ') + 1, NULL, 10);
        else if (sscanf(line, "fork %lu %lu", &a, &b) == 2)
            pids[0] = a, pids[1] = b, np = 2;
        else if (sscanf(line, "%15s %lu", word, &pid) == 2)
            pids[0] = pid;
        else
            continue;
        for (int j = 0; j < np; j++) {
            int i = 0;
            while (i < pr->n && pr->pid[i] != pids[j])
                i++;
            if (i == pr->n && pr->n < 16)
                pr->pid[pr->n++] = pids[j];
            if (i < 16 && is_ref)
                pr->refs[i]++;
        }
    }
    fclose(f);
}

/* Records argv (NULL-terminated) into out; returns record_main's status. */
static int record_argv(const char *out, char **prog)
{
    char *args[16] = { "record", "-q", "-o", (char *)out, "--" };
    int n = 5;
    for (int i = 0; prog[i] && n < 15; i++)
        args[n++] = prog[i];
    args[n] = NULL;
    return record_main(n, args);
}

/* The first process execs (issue 10, defect 3): Valgrind's exec'd image opens the same log
 * name as the image it replaces (PID.1), so the log of the first image was overwritten and
 * the exec'd program lost. */
static void test_exec_first(char *tmp)
{
    char out[1200];
    tr_sum_t t;
    snprintf(out, sizeof out, "%s/exec1.trace", tmp);
    char *one[] = { "sh", "-c", "exec /usr/bin/true", NULL };
    CHECK_EQ(record_argv(out, one), 0);
    summarize(out, &t);
    CHECK_EQ(t.processes, 1);
    CHECK_EQ(t.forks, 0);
    CHECK_EQ(t.execs, 1);
    CHECK_EQ(t.exits, 1);
    CHECK_STR(t.last_exec, "/usr/bin/true");
    CHECK_EQ(t.refs_after_last_exec, 1);        /* true's own references are there */
    CHECK_EQ(t.map_after_last_exec, 1);         /* and its executable's areas */
    CHECK_EQ(t.refs_after_exit, 0);
    CHECK_EQ(t.valgrind_areas, 0);              /* no vgpreload_*.so, no lackey tool */

    /* Two execs in a row by the first process: three images of one pid. */
    snprintf(out, sizeof out, "%s/exec2.trace", tmp);
    char *two[] = { "sh", "-c", "exec sh -c 'exec /usr/bin/true'", NULL };
    CHECK_EQ(record_argv(out, two), 0);
    summarize(out, &t);
    CHECK_EQ(t.processes, 1);
    CHECK_EQ(t.forks, 0);
    CHECK_EQ(t.execs, 2);
    CHECK_STR(t.last_exec, "/usr/bin/true");
    CHECK_EQ(t.refs_after_last_exec, 1);
    CHECK_EQ(t.refs_after_exit, 0);

    /* A #! wrapper that runs a child and then execs: what pyenv's shims do. */
    char wrap[1200];
    snprintf(wrap, sizeof wrap, "%s/wrap.sh", tmp);
    FILE *f = fopen(wrap, "w");
    fputs("#!/bin/sh\n/usr/bin/true\nexec /usr/bin/true \"$@\"\n", f);
    fclose(f);
    chmod(wrap, 0755);
    snprintf(out, sizeof out, "%s/wrap.trace", tmp);
    char *w[] = { wrap, "x", NULL };
    CHECK_EQ(record_argv(out, w), 0);
    summarize(out, &t);
    CHECK_EQ(t.processes, 2);
    CHECK_EQ(t.forks, 1);
    CHECK_EQ(t.execs, 2);                       /* the child's and the wrapper's */
    CHECK_EQ(t.exits, 2);
    CHECK_EQ(t.waits, 1);                       /* dash's wait4, its result lost to SIGCHLD */
    CHECK_STR(t.last_exec, "/usr/bin/true");
    CHECK_EQ(t.refs_after_last_exec, 1);
    CHECK_EQ(t.refs_after_exit, 0);

    /* A forked child runs a '#!/usr/bin/env sh' script: three images of the child's pid
     * (the script's, env's, sh's) whose logs must run one after the other. */
    snprintf(wrap, sizeof wrap, "%s/envwrap.sh", tmp);
    f = fopen(wrap, "w");
    fputs("#!/usr/bin/env sh\n/usr/bin/true\n", f);
    fclose(f);
    chmod(wrap, 0755);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "'%s'; /usr/bin/true", wrap);
    snprintf(out, sizeof out, "%s/envwrap.trace", tmp);
    char *e[] = { "sh", "-c", cmd, NULL };
    CHECK_EQ(record_argv(out, e), 0);
    summarize(out, &t);
    CHECK_EQ(t.processes, 4);
    CHECK_EQ(t.forks, 3);
    CHECK_EQ(t.execs, 4);
    CHECK_EQ(t.waits, 3);
    CHECK_EQ(t.refs_after_exit, 0);
    pid_refs_t pr;
    refs_by_pid(out, &pr);
    CHECK(pr.n == 4 && pr.refs[1] > 300000);    /* the child: its three images' references */

    /* A child whose standard error goes elsewhere: Valgrind's startup layouts of its exec'd
     * images are lost with it, and the images must not wait for them until the end (they
     * came after the shell's exit, and its second child before them). */
    snprintf(out, sizeof out, "%s/noerr.trace", tmp);
    char *ne[] = { "sh", "-c", "sh -c 'exec /usr/bin/true' 2>/dev/null; /usr/bin/true", NULL };
    CHECK_EQ(record_argv(out, ne), 0);
    summarize(out, &t);
    CHECK_EQ(t.processes, 3);
    CHECK_EQ(t.execs, 3);
    f = fopen(out, "r");
    char line[4096], first_exec[64] = "", last[64] = "";
    while (f && fgets(line, sizeof line, f)) {
        if (!first_exec[0] && !strncmp(line, "exec ", 5))
            snprintf(first_exec, sizeof first_exec, "%s", line);
        snprintf(last, sizeof last, "%s", line);
    }
    if (f)
        fclose(f);
    CHECK(strstr(first_exec, "/usr/bin/sh") != NULL);   /* the redirected child's, first */
    CHECK(!strncmp(last, "exit ", 5));
}

/* --markers, --skip-refs, --max-refs: which references are written; the areas and the
 * processes are all there whatever the filter. */
static void test_filters(char *tmp)
{
    char out[1200];
    tr_sum_t t;
    pid_refs_t pr;
    /* Three children; only the second runs between the markers (dash opens the files for
     * the redirections, which fail: the marker is the attempt). */
    snprintf(out, sizeof out, "%s/markers.trace", tmp);
    char *m[] = { "record", "-q", "--markers", "-o", out, "--", "sh", "-c",
                  "/usr/bin/true; true <pagesim-start 2>/dev/null; /usr/bin/true; "
                  "true <pagesim-stop 2>/dev/null; /usr/bin/true", NULL };
    CHECK_EQ(record_main(9, m), 0);
    summarize(out, &t);
    CHECK_EQ(t.processes, 4);
    CHECK_EQ(t.forks, 3);
    CHECK_EQ(t.execs, 3);
    CHECK_EQ(t.exits, 4);
    CHECK_EQ(t.waits, 3);                       /* one per child, whatever the phase */
    refs_by_pid(out, &pr);
    CHECK_EQ(pr.n, 4);                          /* the shell first, then its children */
    CHECK(pr.refs[0] > 0);                      /* the shell between the markers */
    CHECK_EQ(pr.refs[1], 0);                    /* the first true: before the start */
    CHECK(pr.refs[2] > 100000);                 /* the second: all of it */
    CHECK_EQ(pr.refs[3], 0);                    /* the third: after the stop */

    /* Named markers: none is met, so no references at all, but a whole trace. */
    snprintf(out, sizeof out, "%s/nomark.trace", tmp);
    char *nm[] = { "record", "-q", "--markers=go,halt", "-o", out, "--", "/usr/bin/true", NULL };
    CHECK_EQ(record_main(7, nm), 0);
    summarize(out, &t);
    CHECK_EQ(t.refs, 0);
    CHECK_EQ(t.processes, 1);
    CHECK_EQ(t.exits, 1);

    /* --skip-refs and --max-refs: exactly the references asked for; max stops the program
     * (a shell that would run true three times more). */
    snprintf(out, sizeof out, "%s/max.trace", tmp);
    char *mx[] = { "record", "-q", "--skip-refs", "1k", "--max-refs", "5000", "-o", out, "--",
                   "sh", "-c", "/usr/bin/true; /usr/bin/true; /usr/bin/true", NULL };
    CHECK_EQ(record_main(12, mx), 0);
    summarize(out, &t);
    CHECK_EQ(t.refs, 5000);
    CHECK_EQ(t.processes, 1);                   /* stopped before the first fork */
    CHECK_EQ(t.exits, 1);

    /* Bad values. */
    char *b1[] = { "record", "--max-refs", "0", "-o", out, "--", "/usr/bin/true", NULL };
    CHECK_EQ(record_main(7, b1), 2);
    char *b2[] = { "record", "--skip-refs", "lots", "-o", out, "--", "/usr/bin/true", NULL };
    CHECK_EQ(record_main(7, b2), 2);
    char *b3[] = { "record", "--markers=a/b,c", "-o", out, "--", "/usr/bin/true", NULL };
    CHECK_EQ(record_main(6, b3), 2);
}

/* -o picks the format by the name; unknown names, missing programs: exit 2, no file. A
 * program that fails still gives a whole trace (status 0, a note). */
static void test_outputs(char *tmp)
{
    char out[1200];
    static const char *const bad[] = { "x.foo", "x", "x.pstb.zst", "x.gz" };
    for (int i = 0; i < 4; i++) {
        snprintf(out, sizeof out, "%s/%s", tmp, bad[i]);
        char *a[] = { "record", "-o", out, "--", "/usr/bin/true", NULL };
        CHECK_EQ(record_main(5, a), 2);
        CHECK(access(out, F_OK) != 0);
    }
    snprintf(out, sizeof out, "%s/nope.trace", tmp);
    char *np[] = { "record", "-o", out, "--", "/nonexistent/prog", NULL };
    CHECK_EQ(record_main(5, np), 2);
    char *np2[] = { "record", "-o", out, "--", "no-such-command-pagesim", NULL };
    CHECK_EQ(record_main(5, np2), 2);
    CHECK(access(out, F_OK) != 0);

    /* FILE.trace.zst: zstd-compressed text; a failing program. */
    snprintf(out, sizeof out, "%s/false.trace.zst", tmp);
    char *z[] = { "record", "-q", "--max-refs", "3000", "-o", out, "--", "/usr/bin/false", NULL };
    CHECK_EQ(record_main(8, z), 0);
    FILE *f = fopen(out, "rb");
    unsigned char magic[4] = { 0 };
    CHECK(f && fread(magic, 1, 4, f) == 4);
    CHECK(magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd);
    if (f)
        fclose(f);
    sim_err_t err = {0};
    json_t *j = wl_info(out, NULL, 12, &err);
    CHECK(j && !strcmp(json_string_value(json_object_get(j, "format")), "text"));
    CHECK(j && json_integer_value(json_object_get(j, "references")) == 3000);
    json_decref(j);
    snprintf(out, sizeof out, "%s/false.trace", tmp);
    char *fl[] = { "record", "-q", "-o", out, "--", "/usr/bin/false", NULL };
    CHECK_EQ(record_main(6, fl), 0);            /* "note: the program exited with status 1" */

    /* Standard output: text, written once checked. */
    char so[1200];
    snprintf(so, sizeof so, "%s/stdout.trace", tmp);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(so, "w", stdout))
            _exit(3);
        char *a[] = { "record", "-q", "--max-refs", "2000", "--", "/usr/bin/true", NULL };
        _exit(record_main(6, a));
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    tr_sum_t t;
    summarize(so, &t);
    CHECK_EQ(t.refs, 2000);
    CHECK_EQ(t.exits, 1);
}

int main(void)
{
    test_fixtures();
    test_fileio();
    char tmp[] = "/tmp/pagesim-test-record-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    test_command_errors(tmp);
    int skipped = 0;
    if (system("command -v valgrind >/dev/null 2>&1") != 0) {
        printf("SKIP: valgrind is not installed (apt-get install -y valgrind): "
               "the end-to-end recording test did not run\n");
        skipped = 1;
    } else {
        test_recording(tmp);
        test_recording_file_io(tmp);
        test_exec_first(tmp);
        test_filters(tmp);
        test_outputs(tmp);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    int rc = check_report("test_record");
    return rc ? rc : skipped ? 77 : 0;
}
