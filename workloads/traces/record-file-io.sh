#!/usr/bin/env bash
# record-file-io.sh - records file-io.trace.zst: buffered file I/O and advice (issue 15).
#
# A tiny C program, compiled here (cc -O1), writes a 64 KiB file with write(2) in 4 KiB
# blocks, fadvises it POSIX_FADV_RANDOM, reads 8 of its pages back with pread(2) out of order,
# then reads it all sequentially with read(2) after POSIX_FADV_SEQUENTIAL, maps it and
# madvises the mapping MADV_RANDOM and then MADV_DONTNEED; then a shell copies it with cat
# and compares the copy with cmp (`sh -c 'cat data.bin > copy.bin; cmp data.bin copy.bin'`):
# cat's reads and writes of 128 KiB blocks, cmp's reads of both. Recorded with
# `pagesim record --file-io`; pagesim text, compressed with zstd -19.
# Usage: workloads/traces/record-file-io.sh [OUT]   (default: beside this script)
# PAGESIM names the pagesim binary (default: build/pagesim of this repository).
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start file-io.trace.zst "$@"
cat > fio.c <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
enum { PAGE = 4096, PAGES = 16, LEN = PAGE * PAGES };
int main(void)
{
    static char buf[PAGE];
    int fd = open("data.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
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
    while (read(fd, buf, PAGE) > 0)
        sum += buf[1];
    char *m = mmap(0, LEN, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return 1;
    madvise(m, LEN, MADV_RANDOM);
    for (int i = 0; i < PAGES; i += 3)
        sum += m[i * PAGE];
    madvise(m, LEN, MADV_DONTNEED);
    munmap(m, LEN);
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "cat data.bin > copy.bin; cmp data.bin copy.bin", (char *)0);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return sum == 1 || !WIFEXITED(st) || WEXITSTATUS(st);
}
C
cc -O1 -o fio fio.c
LC_ALL=C "$pagesim" record --file-io -o "$tmp/trace.txt" -- ./fio >/dev/null
# The recording names the files by the paths the program opened them with (relative here:
# the scratch directory's random name appears only in the loader's paths, replaced by /tmp/fio).
sed -i "s#$tmp/#/tmp/fio/#g" "$tmp/trace.txt"
record_finish
