/*
 * serve_load.c — a load generator for `licit serve` (bench/serve.sh).
 *
 * Usage: licit-serve-load PORT CLIENTS SECONDS TARGETS MODE [LOOPS]
 *   TARGETS  a file of lines "TOKEN<TAB>POST"
 *   MODE     me (GET /v1/me) | explain (GET /v1/me/posts/POST/explain)
 *   LOOPS    0 (the default): a thread per client; N: the clients'
 *            connections shared among N threads, each waiting on all of
 *            its connections at once (epoll), as wrk does
 *
 * CLIENTS keep-alive HTTP/1.1 connections to 127.0.0.1:PORT, each sending
 * requests back to back (the next one as soon as the answer has arrived)
 * for SECONDS, each for a random line of TARGETS; each request is timed
 * from the first byte sent to the last byte of the body.  Prints one JSON
 * object: requests, failures (status other than 200, or a broken
 * connection), requests per second, p50, p90, p99 and max latency in
 * milliseconds, and the load generator's own CPU time per request.  Plain
 * C and sockets, so that the client's own cost is small beside the
 * server's: on a machine whose cores the server shares with the client, a
 * thread per client costs a thread switch per request (64 threads to
 * schedule), which the event loops save.
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
#include <sys/epoll.h>
#include <sys/resource.h>
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

static int request_of(const target *t, char *req, size_t cap) {
  char path[1024];
  if (explain_mode) {
    char enc[800];
    pct(enc, t->post);
    snprintf(path, sizeof path, "/v1/me/posts/%s/explain", enc);
  } else {
    snprintf(path, sizeof path, "/v1/me");
  }
  return snprintf(req, cap, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n", path,
                  t->token);
}

/* The answer so far in buf[0..got): 0 while incomplete, else 200 -> 1,
 * other status -> 2, unreadable -> -1.  *body_left: bytes of the body
 * still to come once the header is complete. */
static int answer(char *buf, size_t got, size_t *need) {
  buf[got] = 0;
  char *hend = strstr(buf, "\r\n\r\n");
  if (!hend) return 0;
  char *cl = strcasestr(buf, "\r\nContent-Length:");
  if (!cl || cl > hend) return -1;
  *need = (size_t)(hend + 4 - buf) + strtoul(cl + 17, NULL, 10);
  if (got < *need) return 0;
  return atoi(buf + 9) == 200 ? 1 : 2;
}

/* One request on fd: 200 -> 0, other status -> 1, broken -> -1. */
static int one(int fd, const target *t, char *buf, size_t cap) {
  char req[4096];
  int n = request_of(t, req, sizeof req);
  if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) return -1;
  size_t got = 0, need = 0;
  int st = 0;
  while (!st) {
    if (got >= cap - 1) return -1;
    ssize_t k = recv(fd, buf + got, cap - got - 1, 0);
    if (k <= 0) return -1;
    got += (size_t)k;
    st = answer(buf, got, &need);
  }
  return st < 0 ? -1 : st == 1 ? 0 : 1;
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

/* Event-loop mode: one thread, many connections. */
typedef struct conn {
  int fd;
  double t0;
  size_t got, need;
  char *buf;
} conn;

typedef struct loop {
  pthread_t th;
  worker w;
  int nconn;
  conn *c;
} loop;

static void lat_add(worker *w, double dt) {
  if (w->n == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 4096;
    w->lat = realloc(w->lat, w->cap * sizeof *w->lat);
  }
  w->lat[w->n++] = dt;
}

static int conn_send(int ep, worker *w, conn *c) {
  char req[4096];
  if (c->fd < 0) {
    if ((c->fd = dial()) < 0) return -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
  }
  int n = request_of(&targets[rand_r(&w->seed) % ntargets], req, sizeof req);
  c->got = c->need = 0;
  c->t0 = now();
  if (send(c->fd, req, (size_t)n, MSG_NOSIGNAL) != n) return -1;
  return 0;
}

static void conn_broken(worker *w, conn *c) {
  w->failures++;
  if (c->fd >= 0) close(c->fd); /* leaves the epoll set with it */
  c->fd = -1;
}

static void *run_loop(void *arg) {
  loop *l = arg;
  worker *w = &l->w;
  size_t cap = 1 << 20;
  int ep = epoll_create1(0);
  for (int i = 0; i < l->nconn; i++) {
    l->c[i].fd = -1;
    l->c[i].buf = malloc(cap);
    while (conn_send(ep, w, &l->c[i]) && now() < t_end) {
      conn_broken(w, &l->c[i]);
      usleep(1000);
    }
  }
  struct epoll_event evs[64];
  while (now() < t_end) {
    int k = epoll_wait(ep, evs, 64, 100);
    for (int i = 0; i < k; i++) {
      conn *c = evs[i].data.ptr;
      if (c->got >= cap - 1) {
        conn_broken(w, c);
      } else {
        ssize_t r = recv(c->fd, c->buf + c->got, cap - c->got - 1, 0);
        if (r <= 0) {
          conn_broken(w, c);
        } else {
          c->got += (size_t)r;
          int st = answer(c->buf, c->got, &c->need);
          if (st == 0) continue;
          if (st < 0) {
            conn_broken(w, c);
          } else {
            lat_add(w, now() - c->t0);
            if (st == 2) w->failures++;
          }
        }
      }
      if (now() >= t_end) break;
      while (conn_send(ep, w, c) && now() < t_end) {
        conn_broken(w, c);
        usleep(1000);
      }
    }
  }
  for (int i = 0; i < l->nconn; i++) {
    if (l->c[i].fd >= 0) close(l->c[i].fd);
    free(l->c[i].buf);
  }
  close(ep);
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 6 && argc != 7) {
    fprintf(stderr, "usage: licit-serve-load PORT CLIENTS SECONDS TARGETS me|explain [LOOPS]\n");
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
  int loops = argc == 7 ? atoi(argv[6]) : 0;
  if (loops > clients) loops = clients;
  int nw = loops > 0 ? loops : clients;
  worker *w = calloc((size_t)nw, sizeof *w);
  loop *lp = loops > 0 ? calloc((size_t)loops, sizeof *lp) : NULL;
  double t0 = now();
  t_end = t0 + seconds;
  for (int i = 0; i < nw; i++) {
    if (lp) {
      lp[i].nconn = clients / loops + (i < clients % loops);
      lp[i].c = calloc((size_t)lp[i].nconn, sizeof *lp[i].c);
      lp[i].w.seed = (unsigned)(i * 7919 + 1);
      pthread_create(&lp[i].th, NULL, run_loop, &lp[i]);
    } else {
      w[i].seed = (unsigned)(i * 7919 + 1);
      pthread_create(&w[i].th, NULL, run, &w[i]);
    }
  }
  size_t total = 0;
  uint64_t failures = 0;
  for (int i = 0; i < nw; i++) {
    if (lp) {
      pthread_join(lp[i].th, NULL);
      w[i] = lp[i].w;
      free(lp[i].c);
    } else {
      pthread_join(w[i].th, NULL);
    }
    total += w[i].n;
    failures += w[i].failures;
  }
  double elapsed = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  double *all = malloc((total ? total : 1) * sizeof *all);
  size_t k = 0;
  for (int i = 0; i < nw; i++) {
    memcpy(all + k, w[i].lat, w[i].n * sizeof *all);
    k += w[i].n;
  }
  qsort(all, total, sizeof *all, cmp);
#define P(q) (total ? all[(size_t)((q) * (total - 1))] * 1e3 : 0)
  printf("{\"mode\":\"%s\",\"clients\":%d,\"seconds\":%.1f,\"requests\":%zu,\"failures\":%llu,\"rps\":%.0f,"
         "\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"loops\":%d,\"client_cpu_us\":%.1f}\n",
         argv[5], clients, elapsed, total, (unsigned long long)failures, total / elapsed, P(0.5), P(0.9), P(0.99),
         total ? all[total - 1] * 1e3 : 0, loops, total ? cpu * 1e6 / total : 0);
  return 0;
}
