/*
 * serve_load.c — a load generator for `licit serve` (bench/serve.sh).
 *
 * Usage: licit-serve-load PORT CLIENTS SECONDS TARGETS MODE
 *   TARGETS  a file of lines "TOKEN<TAB>POST"
 *   MODE     me (GET /v1/me) | explain (GET /v1/me/posts/POST/explain)
 *
 * CLIENTS threads, each with one keep-alive HTTP/1.1 connection to
 * 127.0.0.1:PORT, send requests back to back for SECONDS, each for a random
 * line of TARGETS, and time each from the first byte sent to the last byte
 * of the body.  Prints one JSON object: requests, failures (status other
 * than 200, or a broken connection), requests per second, p50, p90, p99 and
 * max latency in milliseconds.  Plain C and sockets, so that the client's
 * own cost is small beside the server's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct target {
  char *token, *post;
} target;

static target *targets;
static size_t ntargets;
static int port, seconds;
static int explain_mode;
static double t_end;

typedef struct worker {
  pthread_t th;
  unsigned seed;
  double *lat;
  size_t n, cap;
  uint64_t failures;
} worker;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void pct(char *out, const char *in) {
  static const char hex[] = "0123456789ABCDEF";
  for (; *in; in++) {
    unsigned char c = (unsigned char)*in;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      *out++ = (char)c;
    } else {
      *out++ = '%';
      *out++ = hex[c >> 4];
      *out++ = hex[c & 15];
    }
  }
  *out = 0;
}

/* One request on fd: 200 -> 0, other status -> 1, broken -> -1. */
static int one(int fd, const target *t, char *buf, size_t cap) {
  char req[4096], path[1024];
  if (explain_mode) {
    char enc[800];
    pct(enc, t->post);
    snprintf(path, sizeof path, "/v1/me/posts/%s/explain", enc);
  } else {
    snprintf(path, sizeof path, "/v1/me");
  }
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", path,
                   t->token);
  if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) return -1;
  size_t got = 0;
  char *hend = NULL;
  while (!hend) {
    ssize_t k = recv(fd, buf + got, cap - got - 1, 0);
    if (k <= 0) return -1;
    got += (size_t)k;
    buf[got] = 0;
    hend = strstr(buf, "\r\n\r\n");
    if (!hend && got >= cap - 1) return -1;
  }
  int status = atoi(buf + 9);
  char *cl = strcasestr(buf, "\r\nContent-Length:");
  if (!cl || cl > hend) return -1;
  size_t len = strtoul(cl + 17, NULL, 10);
  size_t have = got - (size_t)(hend + 4 - buf);
  while (have < len) {
    ssize_t k = recv(fd, buf, cap, 0);
    if (k <= 0) return -1;
    have += (size_t)k;
  }
  return status == 200 ? 0 : 1;
}

static void *run(void *arg) {
  worker *w = arg;
  size_t cap = 1 << 20;
  char *buf = malloc(cap);
  int fd = dial();
  while (now() < t_end) {
    if (fd < 0) {
      w->failures++;
      usleep(1000);
      fd = dial();
      continue;
    }
    const target *t = &targets[rand_r(&w->seed) % ntargets];
    double t0 = now();
    int rc = one(fd, t, buf, cap);
    double dt = now() - t0;
    if (rc < 0) {
      w->failures++;
      close(fd);
      fd = dial();
      continue;
    }
    if (rc) w->failures++;
    if (w->n == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 4096;
      w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
    }
    w->lat[w->n++] = dt;
  }
  if (fd >= 0) close(fd);
  free(buf);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: licit-serve-load PORT CLIENTS SECONDS TARGETS me|explain\n");
    return 2;
  }
  port = atoi(argv[1]);
  int clients = atoi(argv[2]);
  seconds = atoi(argv[3]);
  explain_mode = strcmp(argv[5], "explain") == 0;
  FILE *f = fopen(argv[4], "r");
  if (!f) {
    perror(argv[4]);
    return 1;
  }
  char line[4096];
  size_t cap = 0;
  while (fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = 0;
    tab[1 + strcspn(tab + 1, "\r\n")] = 0;
    if (ntargets == cap) {
      cap = cap ? cap * 2 : 1024;
      targets = realloc(targets, cap * sizeof *targets);
    }
    targets[ntargets].token = strdup(line);
    targets[ntargets++].post = strdup(tab + 1);
  }
  fclose(f);
  if (!ntargets) {
    fprintf(stderr, "no targets\n");
    return 1;
  }
  worker *w = calloc((size_t)clients, sizeof *w);
  double t0 = now();
  t_end = t0 + seconds;
  for (int i = 0; i < clients; i++) {
    w[i].seed = (unsigned)(i * 7919 + 1);
    pthread_create(&w[i].th, NULL, run, &w[i]);
  }
  size_t total = 0;
  uint64_t failures = 0;
  for (int i = 0; i < clients; i++) {
    pthread_join(w[i].th, NULL);
    total += w[i].n;
    failures += w[i].failures;
  }
  double elapsed = now() - t0;
  double *all = malloc((total ? total : 1) * sizeof *all);
  size_t k = 0;
  for (int i = 0; i < clients; i++) {
    memcpy(all + k, w[i].lat, w[i].n * sizeof *all);
    k += w[i].n;
  }
  qsort(all, total, sizeof *all, cmp);
#define P(q) (total ? all[(size_t)((q) * (total - 1))] * 1e3 : 0)
  printf("{\"mode\":\"%s\",\"clients\":%d,\"seconds\":%.1f,\"requests\":%zu,\"failures\":%llu,\"rps\":%.0f,"
         "\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n",
         argv[5], clients, elapsed, total, (unsigned long long)failures, total / elapsed, P(0.5), P(0.9), P(0.99),
         total ? all[total - 1] * 1e3 : 0);
  return 0;
}
