#!/usr/bin/env bash
# record-file-io.sh - records file-io.trace.zst: buffered file I/O and advice (issue 15).
#
# A tiny C program, compiled here (cc -O1), writes a 64 KiB file data.bin with write(2) in
# 4 KiB blocks, fadvises it POSIX_FADV_RANDOM and reads 8 of its pages back with pread(2)
# out of order, fadvises it POSIX_FADV_SEQUENTIAL and copies it to copy.bin with read(2) and
# write(2) of 8 KiB blocks, then compares the two with pread(2) of 4 KiB pages (as cmp
# would), maps data.bin shared and madvises the mapping MADV_RANDOM and MADV_DONTNEED. It
# forks: the child reads 4 pages on from where the parent's shared description stands
# (after a rewind to page 4: the child inherits the position), the parent waits for it and
# appends a page to copy.bin through an O_APPEND descriptor. Two processes, one fork, one
# wait; besides the program's own I/O, ld.so's reads of libc's headers. Recorded with
# `pagesim record --file-io`; pagesim text, compressed with zstd -19.
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start file-io.trace.zst "$@"
cat > fio.c <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
enum { PAGE = 4096, PAGES = 16, LEN = PAGE * PAGES };
int main(void)
{
    static char buf[2 * PAGE], other[PAGE];
    int fd = open("data.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int out = open("copy.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || out < 0)
        return 1;
    for (int i = 0; i < PAGES; i++) {
        for (int j = 0; j < PAGE; j++)
            buf[j] = (char)('a' + (i + j) % 26);
        if (write(fd, buf, PAGE) != PAGE)
            return 1;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    static const int order[8] = { 9, 2, 14, 5, 0, 11, 7, 3 };
    volatile char sum = 0;
    for (int i = 0; i < 8; i++) {
        if (pread(fd, buf, PAGE, (off_t)order[i] * PAGE) != PAGE)
            return 1;
        sum += buf[0];
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    lseek(fd, 0, SEEK_SET);
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            return 1;
    close(out);
    int cmp = open("copy.bin", O_RDONLY);
    for (int i = 0; i < PAGES; i++)
        if (pread(fd, buf, PAGE, (off_t)i * PAGE) != PAGE || pread(cmp, other, PAGE, (off_t)i * PAGE) != PAGE
            || memcmp(buf, other, PAGE))
            return 1;
    close(cmp);
    char *m = mmap(0, LEN, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return 1;
    madvise(m, LEN, MADV_RANDOM);
    for (int i = 0; i < PAGES; i += 3)
        sum += m[i * PAGE];
    madvise(m, LEN, MADV_DONTNEED);
    munmap(m, LEN);
    lseek(fd, 4 * PAGE, SEEK_SET);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 4; i++)
            if (read(fd, buf, PAGE) != PAGE)
                _exit(1);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    int app = open("copy.bin", O_WRONLY | O_APPEND);
    if (app < 0 || write(app, buf, PAGE) != PAGE)
        return 1;
    return sum == 1 || !WIFEXITED(st) || WEXITSTATUS(st);
}
C
cc -O1 -o fio fio.c
LC_ALL=C "$pagesim" record --file-io -o "$tmp/trace.txt" -- ./fio >/dev/null
# The recording names the files by the paths the program opened them with (relative here:
# the scratch directory's random name appears only in the loader's paths, replaced by /tmp/fio).
sed -i "s#$tmp/#/tmp/fio/#g" "$tmp/trace.txt"
record_finish
