/* runone.c - runs one command and measures it for the benchmark.
 *
 *   runone LIMIT_MS OUTFILE [-e ERRFILE] COMMAND [ARG...]
 *
 * Prints "wall_us RSS_KiB STATUS CPU_us": the wall time from just before
 * fork to the child's exit, the child's peak resident set (ru_maxrss of
 * wait4), its exit status (128 + signal when killed) and the CPU time it
 * used (user + system, its own children included).  stdout and stderr of the
 * command go to OUTFILE (stderr to ERRFILE with -e), stdin is /dev/null.  A command still running
 * after LIMIT_MS is killed (status 137).
 *
 * Why not measure from Python: a child forked from the Python driver
 * starts with the driver's resident pages, and Linux keeps that high-water
 * mark across exec, so ru_maxrss would report the driver's size for every
 * tool; this small process has almost none.  It also keeps the driver's
 * fork cost out of the wall time. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    int cmd = 3, err = -1;
    if (argc >= 6 && strcmp(argv[3], "-e") == 0) {
        err = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        cmd = 5;
        if (err < 0) {
            perror("runone");
            return 2;
        }
    }
    if (argc < cmd + 1) {
        fprintf(stderr, "usage: runone LIMIT_MS OUTFILE [-e ERRFILE] COMMAND [ARG...]\n");
        return 2;
    }
    long limit_ms = atol(argv[1]);
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (err < 0)
        err = out;
    if (out < 0 || null < 0 || limit_ms <= 0) {
        perror("runone");
        return 2;
    }
    long long t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        dup2(null, 0);
        dup2(out, 1);
        dup2(err, 2);
        execvp(argv[cmd], argv + cmd);
        perror(argv[cmd]);
        _exit(127);
    }
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int status = 0;
    struct rusage ru;
    long long deadline = t0 + limit_ms * 1000;
    for (;;) {
        pid_t got = wait4(pid, &status, WNOHANG, &ru);
        if (got == pid)
            break;
        long long left = deadline - now_us();
        if (left <= 0) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &ru);
            break;
        }
        if (pfd >= 0) {
            struct pollfd p = {.fd = pfd, .events = POLLIN};
            poll(&p, 1, (int)(left / 1000 + 1));
        } else {
            usleep(200);
        }
    }
    long long wall = now_us() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    long long cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
                    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    printf("%lld %ld %d %lld\n", wall, ru.ru_maxrss, code, cpu);
    return 0;
}
