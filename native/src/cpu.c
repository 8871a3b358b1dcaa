/* Runtime ISA detection, so one build runs on any machine of the architecture. */
#include <stdlib.h>
#include <string.h>
#include "tessera.h"

static int g_isa = -1;

ts_isa ts_detect_isa(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
  return ISA_SCALAR;
#elif defined(__aarch64__)
  return ISA_NEON;
#else
  return ISA_SCALAR;
#endif
}

const char *ts_isa_name(ts_isa isa) {
  switch (isa) {
    case ISA_AVX512: return "avx512f";
    case ISA_AVX2: return "avx2+fma";
    case ISA_NEON: return "neon";
    default: return "scalar";
  }
}

ts_isa ts_isa_active(void) {
  if (g_isa < 0) {
    ts_isa best = ts_detect_isa();
    const char *env = getenv("TESSERA_ISA");
    ts_isa want = best;
    if (env && strcmp(env, "scalar") == 0) want = ISA_SCALAR;
    else if (env && strcmp(env, "avx2") == 0 && best == ISA_AVX512) want = ISA_AVX2;
    g_isa = (int)want;
  }
  return (ts_isa)g_isa;
}

void ts_set_isa(ts_isa isa) {
  ts_isa best = ts_detect_isa();
  if (isa == ISA_SCALAR || isa == best || (isa == ISA_AVX2 && best == ISA_AVX512)) g_isa = (int)isa;
}
