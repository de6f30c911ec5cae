/*
 * replay.c — a plain main() for the fuzz targets: replays every file of each
 * directory given on the command line through LLVMFuzzerTestOneInput, so
 * ordinary test runs (meson test --suite fuzz) exercise the corpus without
 * libFuzzer.  A directory that is empty or unreadable is an error (exit 1):
 * a replay that replays nothing must not pass.
 *
 * Every input runs twice:
 *   1. alone, in a child process of its own (fork), so that it meets the
 *      target's static state as a fresh process has it -- as libFuzzer may
 *      run it first, or as the 20th input after others that happened to
 *      leave buffers allocated;
 *   2. then all of them in this process, in name order, so that state left
 *      by earlier inputs is exercised too (and LeakSanitizer checks the lot
 *      at exit).
 * Whatever stops the replay, the input it was on is named on stderr.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* In the sanitizer runtimes (gcc's and clang's); weak, so that a build
 * without sanitizers links too. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* A target that leaves files behind (a store in a temporary directory)
 * defines this; the child of pass 1 ends with _exit, which runs no atexit
 * handler, so it calls this first. */
void fuzz_replay_child_cleanup(void) __attribute__((weak));

static char current[4096]; /* the input being replayed, for the messages below */

static void say_current(void) {
  /* Only async-signal-safe calls: this also runs from a signal handler. */
  static const char pre[] = "replay: stopped on input ";
  if (!current[0]) return;
  ssize_t w = write(2, pre, sizeof pre - 1);
  w = write(2, current, strlen(current));
  w = write(2, "\n", 1);
  (void)w;
  current[0] = 0; /* once: a sanitizer's death may end in abort() too */
}

static void on_fatal_signal(int sig) {
  say_current();
  signal(sig, SIG_DFL);
  raise(sig);
}

/* Reads a whole file into an exact-size heap block (so ASan sees reads
 * past the end); *out is malloc'd (1 byte when the file is empty). */
static int read_file(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) {
    fclose(f);
    return -1;
  }
  size_t got;
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        fclose(f);
        return -1;
      }
      buf = nb;
      cap *= 2;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return -1;
  }
  uint8_t *exact = malloc(n ? n : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  if (n) memcpy(exact, buf, n);
  free(buf);
  *out = exact;
  *len = n;
  return 0;
}

static int replay_file(const char *path) {
  uint8_t *data;
  size_t n;
  if (read_file(path, &data, &n)) return -1;
  snprintf(current, sizeof current, "%s", path);
  LLVMFuzzerTestOneInput(data, n);
  current[0] = 0;
  free(data);
  return 0;
}

/* Pass 1: the input in a fresh child process. */
static int replay_alone(const char *path) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    perror("replay: fork");
    return -1;
  }
  if (pid == 0) { /* leaks are checked in pass 2 */
    int rc = replay_file(path) ? 1 : 0;
    if (fuzz_replay_child_cleanup) fuzz_replay_child_cleanup();
    _exit(rc);
  }
  int st;
  if (waitpid(pid, &st, 0) != pid) {
    perror("replay: waitpid");
    return -1;
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
  if (WIFSIGNALED(st))
    fprintf(stderr, "replay: %s, replayed alone, was killed by signal %d\n", path, WTERMSIG(st));
  else
    fprintf(stderr, "replay: %s, replayed alone, failed (exit status %d)\n", path, WEXITSTATUS(st));
  return -1;
}

static int regular_file(const struct dirent *e) { return e->d_name[0] != '.'; }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR...\n", argv[0]);
    return 1;
  }
  signal(SIGABRT, on_fatal_signal); /* a target's CHECK */
  if (__sanitizer_set_death_callback) {
    __sanitizer_set_death_callback(say_current);
  } else { /* with a sanitizer, its own handler reports these */
    signal(SIGSEGV, on_fatal_signal);
    signal(SIGBUS, on_fatal_signal);
  }

  unsigned long total = 0;
  for (int pass = 1; pass <= 2; pass++) {
    total = 0;
    for (int a = 1; a < argc; a++) {
      struct dirent **names;
      int nn = scandir(argv[a], &names, regular_file, alphasort);
      if (nn < 0) {
        fprintf(stderr, "replay: cannot open directory %s\n", argv[a]);
        return 1;
      }
      unsigned long here = 0;
      int rc = 0;
      for (int i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[a], names[i]->d_name);
        struct stat st;
        if (!rc && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
          rc = pass == 1 ? replay_alone(path) : replay_file(path);
          here++;
        }
        free(names[i]);
      }
      free(names);
      if (rc) return 1;
      if (here == 0) {
        fprintf(stderr, "replay: no inputs in %s\n", argv[a]);
        return 1;
      }
      total += here;
    }
  }
  printf("replayed %lu inputs, each alone and all in one process\n", total);
  return 0;
}
