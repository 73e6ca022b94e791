/* simrun.h - running one simulation in a child process, for the engine's tests.
 *
 * A test that only called sim_run would hang the whole suite on a livelock and lose every
 * later check on a crash. The child applies "key=value" settings, runs the trace under an
 * alarm, checks every invariant (check_all) and writes the results JSON (or, on an input
 * error, the message) to a file; the parent learns how it ended from the exit status. */
#ifndef PAGESIM_SIMRUN_H
#define PAGESIM_SIMRUN_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/sim_int.h"
#include "sim/check.h"

/* How a child run ended. */
enum {
    SIMRUN_OK = 0,         /* results JSON in out */
    SIMRUN_SETUP = 2,      /* a setting was refused, or the results could not be written */
    SIMRUN_CHECK = 3,      /* results in out, but check_all failed (message on stderr) */
    SIMRUN_INPUT = 4,      /* sim_create or sim_run refused the input: the message is in out */
    SIMRUN_KILLED = 100,   /* died or timed out: 100 + the signal */
};

static int simrun_child(const char *what, const char *trace, const char *const *sets,
                        unsigned timeout_s, const char *out)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid == 0) {
        alarm(timeout_s);
        sim_err_t err = {0};
        json_t *cfg = config_defaults();
        for (int i = 0; sets && sets[i]; i++) {
            char key[128];
            const char *eq = strchr(sets[i], '=');
            snprintf(key, sizeof key, "%.*s", eq ? (int)(eq - sets[i]) : 0, sets[i]);
            if (!eq || config_set(cfg, key, eq + 1, &err)) {
                fprintf(stderr, "%s: setting '%s': %s\n", what, sets[i], eq ? err.msg : "not key=value");
                _exit(SIMRUN_SETUP);
            }
        }
        const char *traces[1] = {trace};
        sim_t *s = sim_create(cfg, traces, 1, &err);
        if (!s || sim_run(s, &err)) {
            FILE *f = fopen(out, "w");
            if (f) {
                fputs(err.msg, f);
                fclose(f);
            }
            _exit(SIMRUN_INPUT);
        }
        char msg[512];
        int bad = check_all(s, msg, sizeof msg);
        if (bad)
            fprintf(stderr, "%s: check_all after the run: %s\n", what, msg);
        json_t *doc = sim_results(s);
        if (json_dump_file(doc, out, JSON_SORT_KEYS))
            _exit(SIMRUN_SETUP);
        _exit(bad ? SIMRUN_CHECK : SIMRUN_OK);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(st)) {
        fprintf(stderr, "%s: the run did not finish (signal %d%s)\n", what, WTERMSIG(st),
                WTERMSIG(st) == SIGALRM ? ": no progress within the time limit, a livelock" : "");
        return SIMRUN_KILLED + WTERMSIG(st);
    }
    return WEXITSTATUS(st);
}

#endif
