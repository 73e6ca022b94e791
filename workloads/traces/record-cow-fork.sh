#!/usr/bin/env bash
# record-cow-fork.sh - records cow-fork.trace.zst: file mappings and copy-on-write after fork.
#
# A tiny C program, compiled here (cc -O1), maps a 64 KiB file privately (16 pages) and a
# 64 KiB anonymous area, writes half the pages of each, forks; the child writes 4 pages of
# each (copy-on-write faults in replay), reads all 32 and exits; the parent waits for it,
# then writes 4 more file pages and unmaps both areas. Also a shared mapping of the same
# file, read by both (one frame per page whoever maps it). Two processes, one fork, one
# wait. pagesim text, compressed with zstd -19.
# Usage: workloads/traces/record-cow-fork.sh [OUT]   (default: beside this script)
# PAGESIM names the pagesim binary (default: build/pagesim of this repository).
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start cow-fork.trace.zst "$@"
cat > cow.c <<'C'
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
enum { PAGE = 4096, PAGES = 16, LEN = PAGE * PAGES };
int main(int argc, char **argv)
{
    int fd = open(argc > 1 ? argv[1] : "data.bin", O_RDWR);
    if (fd < 0)
        return 1;
    char *file = mmap(0, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *shared = mmap(0, LEN, PROT_READ, MAP_SHARED, fd, 0);
    char *anon = mmap(0, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (file == MAP_FAILED || shared == MAP_FAILED || anon == MAP_FAILED)
        return 1;
    volatile char sum = 0;
    for (int i = 0; i < PAGES / 2; i++) {
        file[i * PAGE] = 'p';
        anon[i * PAGE] = 'p';
    }
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 4; i++) {
            file[(2 * i) * PAGE + 8] = 'c';
            anon[(2 * i + 1) * PAGE + 8] = 'c';
        }
        for (int i = 0; i < PAGES; i++)
            sum += file[i * PAGE] + anon[i * PAGE] + shared[i * PAGE];
        _exit(0);
    }
    waitpid(pid, 0, 0);
    for (int i = PAGES / 2; i < PAGES / 2 + 4; i++)
        file[i * PAGE] = 'q';
    for (int i = 0; i < PAGES; i++)
        sum += shared[i * PAGE];
    munmap(file, LEN);
    munmap(anon, LEN);
    return sum == 1;
}
C
cc -O1 -o cow cow.c
head -c 65536 /dev/zero | tr '\0' 'a' > data.bin
LC_ALL=C "$pagesim" record -o "$tmp/trace.txt" -- ./cow data.bin >/dev/null
# The recording names the files by the paths the program opened them with: the scratch
# directory's name is random, so it is replaced by /tmp/cow.
sed -i "s#$tmp/#/tmp/cow/#g" "$tmp/trace.txt"
record_finish
