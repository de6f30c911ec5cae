/* err.c — the error table: names and messages for LICIT_E* codes. */
#include "licit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

const char *licit_strerror_name(int code) {
  switch (code) {
#define LICIT__ERR_NAME(name, value, code, msg) \
  case (value):                           \
    return "LICIT_E" #name;
    LICIT_ERRNO_MAP(LICIT__ERR_NAME)
#undef LICIT__ERR_NAME
  }
  return "LICIT_E?";
}

const char *licit_strerror_code(int code) {
  switch (code) {
#define LICIT__ERR_CODE(name, value, code, msg) \
  case (value):                                 \
    return code;
    LICIT_ERRNO_MAP(LICIT__ERR_CODE)
#undef LICIT__ERR_CODE
  }
  return "internal";
}

const char *licit_strerror(int code) {
  switch (code) {
#define LICIT__ERR_MSG(name, value, code, msg) \
  case (value):                          \
    return msg;
    LICIT_ERRNO_MAP(LICIT__ERR_MSG)
#undef LICIT__ERR_MSG
  }
  return "unknown error";
}

int licit_errno_code(int e) { return e == ENOSPC || e == EDQUOT || e == EFBIG ? LICIT_ENOSPACE : LICIT_EIO; }

int licit_err_set(licit_err *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}
