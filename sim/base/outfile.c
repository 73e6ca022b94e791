/* outfile.c - an output written whole or not at all (outfile.h has the design). */
#include "outfile.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int outfile_open(outfile_t *o, const char *path, sim_err_t *err)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    o->path = path;
    struct stat st;
    if (!stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device or a FIFO (-o /dev/null, /dev/stdout, a pipe): written in place. A
         * temporary file renamed over it would replace the device with a regular file. */
        if (!(o->f = fopen(path, "w")))
            return sim_err_set(err, SIM_ESYS, "%s: cannot open the output: %s", path, strerror(errno));
        o->in_place = 1;
        return 0;
    }
    size_t n = strlen(path) + 32;
    o->tmp = xmalloc(n, "an output file name");
    snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        sim_err_set(err, SIM_ESYS, "%s: cannot create the output: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return SIM_ESYS;
    }
    return 0;
}

void outfile_abort(outfile_t *o)
{
    if (o->in_place)
        fclose(o->f);
    if (o->tmp) {
        if (o->f)
            fclose(o->f);
        unlink(o->tmp);
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
}

static int outfile_sync_dir(const char *path)
{
    size_t n = strlen(path) + 1;
    char *copy = memcpy(xmalloc(n, "an output file name"), path, n);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    /* Some file systems cannot fsync a directory (EINVAL): the rename is then as durable as
     * they make it. */
    if (rc && (errno == EINVAL || errno == EROFS))
        rc = 0;
    close(fd);
    return rc;
}

int outfile_commit(outfile_t *o, const char *what, sim_err_t *err)
{
    int ok = 1;
    if (!o->tmp) {                                   /* standard output, a device, a FIFO */
        ok = !fflush(o->f) && !ferror(o->f) && ok;
        int e = errno;
        if (o->in_place && fclose(o->f))
            ok = 0;
        if (!ok) {
            if (o->in_place)
                sim_err_set(err, SIM_ESYS, "%s: cannot write: %s", o->path, strerror(e ? e : EIO));
            else
                sim_err_set(err, SIM_ESYS, "cannot write %s to standard output: %s",
                            what, strerror(e ? e : EIO));
        }
        memset(o, 0, sizeof *o);
        return ok ? 0 : SIM_ESYS;
    }
    errno = 0;
    ok = ok && !fflush(o->f) && !fsync(fileno(o->f));
    int e = errno;
    if (fclose(o->f) && ok) {
        ok = 0;
        e = errno;
    }
    o->f = NULL;
    if (ok && rename(o->tmp, o->path)) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        sim_err_set(err, SIM_ESYS, "%s: cannot write: %s", o->path, strerror(e ? e : EIO));
        outfile_abort(o);
        return SIM_ESYS;
    }
    if (outfile_sync_dir(o->path)) {
        sim_err_set(err, SIM_ESYS, "%s: written, but its directory cannot be synced: %s", o->path,
                    strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return SIM_ESYS;
    }
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return 0;
}

