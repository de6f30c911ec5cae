/*
 * runmon.c — licit-runmon: runs a command and measures it, for bench/run.sh.
 *
 *   licit-runmon -o FILE [-i MS] -- COMMAND [ARGS...]
 *
 * The command's standard streams are its own.  When it ends, FILE gets one
 * JSON object:
 *   {"exit", "wall_s", "user_s", "sys_s", "maxrss_kb", "rss_anon_max_kb",
 *    "rss_file_max_kb", "samples"}
 * maxrss_kb is the kernel's peak resident set (getrusage), which counts the
 * store's memory-mapped LMDB pages.  rss_anon_max_kb is the largest RssAnon
 * seen in /proc/PID/status, sampled every MS milliseconds (default 10): the
 * process's own heap and stacks, without mapped file pages -- the figure
 * that must not grow with the input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sample(pid_t pid, long *anon, long *file) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    long v;
    if (sscanf(line, "RssAnon: %ld", &v) == 1 && v > *anon) *anon = v;
    else if (sscanf(line, "RssFile: %ld", &v) == 1 && v > *file) *file = v;
  }
  fclose(f);
}

int main(int argc, char **argv) {
  const char *out = NULL;
  long interval_ms = 10;
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) {
      i++;
      break;
    }
    if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "-i") && i + 1 < argc) interval_ms = atol(argv[++i]);
    else break;
  }
  if (!out || i >= argc || interval_ms < 1) {
    fprintf(stderr, "usage: licit-runmon -o FILE [-i MS] -- COMMAND [ARGS...]\n");
    return 2;
  }
  /* SIGCHLD stays blocked and is taken with sigtimedwait, so the end of the
   * command is seen at once, not at the next sample. */
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) {
    perror("licit-runmon: fork");
    return 1;
  }
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    execvp(argv[i], argv + i);
    fprintf(stderr, "licit-runmon: cannot run %s: %s\n", argv[i], strerror(errno));
    _exit(127);
  }
  long anon = 0, file = 0, samples = 0;
  int status = 0;
  struct rusage ru;
  for (;;) {
    pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      perror("licit-runmon: wait");
      return 1;
    }
    sample(pid, &anon, &file);
    samples++;
    struct timespec d = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
    sigtimedwait(&chld, NULL, &d);
  }
  double wall = now() - t0;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *f = fopen(out, "w");
  if (!f) {
    perror(out);
    return 1;
  }
  fprintf(f,
          "{\"exit\":%d,\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,\"maxrss_kb\":%ld,"
          "\"rss_anon_max_kb\":%ld,\"rss_file_max_kb\":%ld,\"samples\":%ld,\"write_bytes\":%lld}\n",
          code, wall, (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6,
          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6, ru.ru_maxrss, anon, file, samples,
          /* Linux: the task's write_bytes (/proc/PID/io) in 512-byte units,
           * counted when a page is dirtied, so also for pages of the map
           * that the kernel writes back later. */
          (long long)ru.ru_oublock * 512);
  fclose(f);
  return code;
}
