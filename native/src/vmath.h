/* Branch-free float math the compiler can vectorize (inside TS_CLONES loops), accurate to a few
 * ulp: libm's expf/erff are scalar calls and made softmax, silu and gelu compute-bound. */
#ifndef TS_VMATH_H
#define TS_VMATH_H
#include <math.h>
#include <stdint.h>

/* exp(x): n = round(x / ln2) by the 1.5 * 2^23 trick, r = x - n ln2 in two parts, a degree-6
 * polynomial for exp(r), then the exponent bits; 2^(n-1) * 2 keeps n = 128 representable.
 * Written as selects without calls so it vectorizes. */
static inline float ts_expf(float x) {
  const float hi = 88.72283f, lo = -87.33654f;
  float xc = x > hi ? hi : x;
  xc = xc < lo ? lo : xc;
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const union { uint32_t u; float f; } s = {.u = (uint32_t)((int32_t)n + 126) << 23};
  float y = (p * 2.0f) * s.f;
  y = x > hi ? INFINITY : y;
  y = x < lo ? 0.0f : y;
  return x != x ? x : y;
}

static inline float ts_sigmoidf(float x) { return 1.0f / (1.0f + ts_expf(-x)); }

/* erf(x), Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
static inline float ts_erff(float x) {
  const float ax = fabsf(x);
  const float t = 1.0f / (1.0f + 0.3275911f * ax);
  float p = 1.061405429f;
  p = p * t - 1.453152027f;
  p = p * t + 1.421413741f;
  p = p * t - 0.284496736f;
  p = p * t + 0.254829592f;
  const float e = 1.0f - p * t * ts_expf(-ax * ax);
  return x < 0.0f ? -e : e;
}
#endif
